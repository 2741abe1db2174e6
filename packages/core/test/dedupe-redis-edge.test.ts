// The built @polar-kit/core/dedupe/redis (dist/, made by `pnpm build`) inside an edge VM: no
// Node.js API, and upstashCommand reaching the real Redis through the test's Upstash REST server.
import { randomUUID } from "node:crypto";
import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { EdgeVM } from "@edge-runtime/vm";
import { build } from "esbuild";
import { createClient } from "redis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REDIS_HOST, REDIS_PORT, upstashRestServer } from "./dedupe-redis-servers";

const dist = resolve(import.meta.dirname, "../dist");
const prefix = `polar-kit-test:dedupe-redis-edge:${randomUUID()}:`;
const token = `token-${randomUUID()}`;
const redis = createClient({ socket: { host: REDIS_HOST, port: REDIS_PORT } });
let server: Awaited<ReturnType<typeof upstashRestServer>>;

beforeAll(async () => {
  await redis.connect();
  server = await upstashRestServer(token, (args) => redis.sendCommand(args));
});

afterAll(async () => {
  await server.close();
  const keys = await redis.keys(`${prefix}*`);
  if (keys.length > 0) await redis.del(keys);
  redis.destroy();
});

async function bundleForEdge(): Promise<string> {
  const result = await build({
    entryPoints: [resolve(dist, "dedupe/redis.js")],
    bundle: true,
    write: false,
    format: "iife",
    globalName: "polarKitRedis",
    platform: "neutral",
  });
  return result.outputFiles[0]?.text ?? "";
}

describe("@polar-kit/core/dedupe/redis on an edge runtime", () => {
  it("is its own file, and the main entry carries none of it", async () => {
    const code = await bundleForEdge();
    expect(code).not.toMatch(/\bnode:|\brequire\(|\bBuffer\b|\bprocess\./);
    for (const file of ["index.js", "handlers.js"]) {
      expect(await readFile(resolve(dist, file), "utf8")).not.toMatch(/redisDeduplicator|upstashCommand|redis\.call/);
    }
  });

  it("claims, completes and answers done through upstashCommand inside an edge VM", async () => {
    const vm = new EdgeVM();
    expect(vm.evaluate("typeof process + typeof require + typeof Buffer")).toBe("undefinedundefinedundefined");
    vm.evaluate(await bundleForEdge());
    vm.evaluate(
      `globalThis.dedupe = polarKitRedis.redisDeduplicator({
        prefix: ${JSON.stringify(prefix)},
        command: polarKitRedis.upstashCommand({ url: ${JSON.stringify(server.url)}, token: ${JSON.stringify(token)} }),
      })`,
    );
    const answers = await vm.evaluate(`(async () => {
      const answers = [await dedupe.claim("msg_edge"), await dedupe.claim("msg_edge")];
      await dedupe.complete("msg_edge");
      answers.push(await dedupe.claim("msg_edge"));
      return answers;
    })()`);
    expect(answers).toEqual(["claimed", "in_flight", "done"]);
    expect(await redis.get(`${prefix}msg_edge`)).toBe("done");
  });
});
