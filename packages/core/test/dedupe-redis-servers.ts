// The test's own servers in front of the shared Redis: a TCP proxy that can be cut and restored
// (the store going away, without stopping Redis), and a server speaking Upstash's REST protocol.
import { createServer as createHttpServer } from "node:http";
import type { AddressInfo } from "node:net";
import type { RedisCommand } from "../src/dedupe/redis";
import { tcpProxy } from "./tcp-proxy";

export const REDIS_HOST = "127.0.0.1";
export const REDIS_PORT = 6379;

/** A TCP proxy to Redis on a port of its own; `cut()` drops every connection and refuses new ones. */
export const redisProxy = () => tcpProxy(REDIS_HOST, REDIS_PORT);

/**
 * An HTTP server that answers like Upstash's REST API (a POST of a command's JSON array, with
 * `Authorization: Bearer <token>`, answered `{"result": …}` or `{"error": "…"}` with 400 for a
 * Redis error, 401 for a bad token) and runs each command on the real Redis through `backend`.
 */
export async function upstashRestServer(token: string, backend: RedisCommand) {
  const requests: { method: string; contentType: string | undefined; body: string }[] = [];
  const server = createHttpServer(async (request, response) => {
    const answer = (status: number, body: unknown) => {
      response.writeHead(status, { "content-type": "application/json" });
      response.end(JSON.stringify(body));
    };
    let body = "";
    for await (const chunk of request) body += chunk;
    requests.push({ method: request.method ?? "", contentType: request.headers["content-type"], body });
    if (request.method !== "POST") return answer(405, { error: "ERR method not allowed" });
    if (request.headers.authorization !== `Bearer ${token}`) return answer(401, { error: "Unauthorized" });
    let command: unknown;
    try {
      command = JSON.parse(body);
    } catch {
      return answer(400, { error: "ERR failed to parse command" });
    }
    if (!Array.isArray(command) || command.length === 0 || !command.every((arg) => typeof arg === "string")) {
      return answer(400, { error: "ERR command must be a non-empty array of strings" });
    }
    try {
      answer(200, { result: await backend(command) });
    } catch (error) {
      answer(400, { error: (error as Error).message });
    }
  });
  await new Promise<void>((resolve) => server.listen(0, REDIS_HOST, resolve));
  return {
    url: `http://${REDIS_HOST}:${(server.address() as AddressInfo).port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
