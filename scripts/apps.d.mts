export interface ExampleApp {
  name: string;
  /** The app's folder (its working directory when it runs). */
  dir: string;
  /** A file that exists once the app is built. */
  built: string;
  /** The program and arguments that serve the built app on `port`. */
  command(port: number): [string, string[]];
}
export declare const WEBHOOK_PATH: string;
export declare const APPS: Record<"nextjs" | "sveltekit" | "hono", ExampleApp>;
export declare const DEFAULT_APP: "nextjs" | "sveltekit" | "hono";
export interface WaitForHttpOptions {
  /** Give up after this long (default 30 s). */
  timeoutMs?: number;
  /** Asked before every try: true stops waiting quietly; it may throw to fail the wait. */
  done?: () => boolean;
}
export declare function waitForHttp(url: string, options?: WaitForHttpOptions): Promise<void>;
