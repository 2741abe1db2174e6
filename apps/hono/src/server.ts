import { serve } from "@hono/node-server";
import { type ConfigSource, createApp } from "./app.js";

export interface ServerOptions {
  /** `0` picks a free port. @default 3000 */
  port?: number;
  /** @default "127.0.0.1" */
  hostname?: string;
  config: ConfigSource;
}

export interface RunningServer {
  /** Where the server listens, e.g. `http://127.0.0.1:3000`. */
  url: string;
  port: number;
  close(): Promise<void>;
}

/** Serves the store on Node.js. */
export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const app = createApp(options.config);
  const hostname = options.hostname ?? "127.0.0.1";
  const server = await new Promise<ReturnType<typeof serve>>((resolve, reject) => {
    const s = serve({ fetch: app.fetch, port: options.port ?? 3000, hostname }, () => resolve(s));
    // A port in use must fail the start, not crash the process later.
    s.once("error", reject);
  });
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : (options.port ?? 3000);
  return {
    url: `http://${hostname.includes(":") ? `[${hostname}]` : hostname}:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve, reject) => {
        (server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
