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
