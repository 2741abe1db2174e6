import { once } from "node:events";
import { createConnection, createServer, type Socket } from "node:net";

/** A TCP relay in front of a database that the test can cut and restore. */
export interface CuttableLink {
  port: number;
  /** Resets every open connection and every new one until `restore()`: the store is gone. */
  cut(): void;
  restore(): void;
  close(): Promise<void>;
}

export async function startCuttableLink(target: { host: string; port: number }): Promise<CuttableLink> {
  const open = new Set<Socket>();
  let isCut = false;
  const server = createServer((client) => {
    if (isCut) {
      client.resetAndDestroy();
      return;
    }
    const upstream = createConnection(target);
    for (const socket of [client, upstream]) {
      open.add(socket);
      socket.on("close", () => open.delete(socket));
      // A reset on one side ends the pair; the error itself is the expected outcome of a cut.
      socket.on("error", () => {
        client.destroy();
        upstream.destroy();
      });
    }
    client.pipe(upstream).pipe(client);
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const address = server.address();
  return {
    port: typeof address === "object" && address ? address.port : 0,
    cut() {
      isCut = true;
      for (const socket of open) socket.resetAndDestroy();
    },
    restore() {
      isCut = false;
    },
    close: async () => {
      for (const socket of open) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
