// A TCP proxy of the tests' own in front of a shared server (Redis, PostgreSQL): cutting it is
// the store going away, without ever stopping the server other runs use.
import type { AddressInfo } from "node:net";
import { connect, createServer, type Socket } from "node:net";

/**
 * A TCP proxy to `host:port` on a port of its own; `cut()` drops every connection and refuses new
 * ones, `restore()` listens again on the same port, so clients reconnect by themselves.
 */
export async function tcpProxy(host: string, port: number) {
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    const upstream = connect(port, host);
    for (const [from, to] of [
      [client, upstream],
      [upstream, client],
    ] as const) {
      sockets.add(from);
      from.pipe(to);
      from.on("error", () => to.destroy());
      from.on("close", () => {
        sockets.delete(from);
        to.destroy();
      });
    }
  });
  const listen = (on: number) =>
    new Promise<number>((resolve, reject) => {
      server.once("error", reject);
      server.listen(on, host, () => {
        server.off("error", reject);
        resolve((server.address() as AddressInfo).port);
      });
    });
  const own = await listen(0);
  const cut = () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      for (const socket of sockets) socket.destroy();
    });
  return {
    port: own,
    cut,
    restore: async () => {
      await listen(own);
    },
    close: async () => {
      if (server.listening) await cut();
    },
  };
}
