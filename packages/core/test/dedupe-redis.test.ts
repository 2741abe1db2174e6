// redisDeduplicator over real connections to the shared Redis at 127.0.0.1:6379, through
// node-redis, ioredis and upstashCommand (against the test's own Upstash REST server). Every key
// is under a prefix of this run, deleted at the end; the shared Redis itself is never stopped.
import { randomUUID } from "node:crypto";
import { Redis as IORedis } from "ioredis";
import { createClient } from "redis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RedisCommand, redisDeduplicator, upstashCommand } from "../src/dedupe/redis";
import { handleWebhook } from "../src/handlers/webhook";
import { config, delivery } from "./dedupe-delivery";
import { REDIS_HOST, REDIS_PORT, redisProxy, upstashRestServer } from "./dedupe-redis-servers";

const RUN_PREFIX = `polar-kit-test:dedupe-redis:${randomUUID()}:`;
const SHORT_MS = 200;
// Past SHORT_MS: Redis expires a key on the first access after its time, so this is an outcome,
// not a race.
const PAST_SHORT_MS = 350;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Connection {
  command: RedisCommand;
  close(): Promise<void>;
}

// Each client set to fail fast while Redis is out of reach (rather than queue commands until it
// is back), so that a claim rejects and the handler answers 500.
async function nodeRedis(port: number): Promise<Connection> {
  const client = createClient({
    socket: { host: REDIS_HOST, port, reconnectStrategy: () => 50 },
    disableOfflineQueue: true,
  });
  client.on("error", () => {});
  await client.connect();
  return { command: (args) => client.sendCommand(args), close: async () => client.destroy() };
}

async function ioredis(port: number, bytes = false): Promise<Connection> {
  const redis = new IORedis({
    host: REDIS_HOST,
    port,
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    retryStrategy: () => 50,
  });
  redis.on("error", () => {});
  await redis.connect();
  return {
    command: (args) =>
      bytes ? redis.callBuffer(...(args as [string, ...string[]])) : redis.call(...(args as [string, ...string[]])),
    close: async () => redis.disconnect(),
  };
}

async function upstash(port: number): Promise<Connection> {
  const backend = await nodeRedis(port);
  const token = `token-${randomUUID()}`;
  const server = await upstashRestServer(token, backend.command);
  return {
    command: upstashCommand({ url: server.url, token }),
    close: async () => {
      await server.close();
      await backend.close();
    },
  };
}

const STORES = [
  { name: "node-redis", connect: (port: number) => nodeRedis(port) },
  { name: "ioredis", connect: (port: number) => ioredis(port) },
  { name: "ioredis returning bytes", connect: (port: number) => ioredis(port, true) },
  { name: "upstashCommand", connect: (port: number) => upstash(port) },
];

let admin: Connection;
const open: Connection[] = [];
async function connection(store: (typeof STORES)[number], port = REDIS_PORT) {
  const made = await store.connect(port);
  open.push(made);
  return made;
}

beforeAll(async () => {
  admin = await nodeRedis(REDIS_PORT);
});

afterAll(async () => {
  await Promise.all(open.map((made) => made.close()));
  let cursor = "0";
  do {
    const [next, keys] = (await admin.command(["SCAN", cursor, "MATCH", `${RUN_PREFIX}*`, "COUNT", "1000"])) as [
      string,
      string[],
    ];
    if (keys.length > 0) await admin.command(["DEL", ...keys]);
    cursor = next;
  } while (cursor !== "0");
  await admin.close();
});

let nextId = 0;
const newId = () => `msg_${++nextId}_${randomUUID()}`;

describe.each(STORES)("redisDeduplicator through $name", (store) => {
  const prefix = `${RUN_PREFIX}${store.name}:`;
  // Two instances, each with its own connection.
  let a: Connection;
  let b: Connection;
  beforeAll(async () => {
    [a, b] = await Promise.all([connection(store), connection(store)]);
  });
  const dedupe = (on: Connection, times: { leaseMs?: number; retentionMs?: number } = {}) =>
    redisDeduplicator({ command: on.command, prefix, ...times });

  it("claims, answers in_flight while the lease holds, done once completed; a release frees the id", async () => {
    const first = dedupe(a);
    const second = dedupe(b);
    const id = newId();
    expect(await first.claim(id)).toBe("claimed");
    expect(await second.claim(id)).toBe("in_flight");
    expect(await first.claim(id)).toBe("in_flight");
    await first.complete(id);
    expect(await second.claim(id)).toBe("done");
    expect(await first.claim(id)).toBe("done");

    const failed = newId();
    expect(await first.claim(failed)).toBe("claimed");
    await first.release(failed);
    expect(await second.claim(failed)).toBe("claimed");
    expect(await first.claim(failed)).toBe("in_flight");
  });

  it("keeps a lease as a random token under the prefix for leaseMs, and done for retentionMs", async () => {
    const deduplicator = dedupe(a, { leaseMs: 30_000, retentionMs: 120_000 });
    const id = newId();
    await deduplicator.claim(id);
    const lease = await admin.command(["GET", prefix + id]);
    expect(lease).toMatch(/^[0-9a-f-]{36}$/);
    const leaseTtl = Number(await admin.command(["PTTL", prefix + id]));
    expect(leaseTtl).toBeGreaterThan(0);
    expect(leaseTtl).toBeLessThanOrEqual(30_000);
    await deduplicator.complete(id);
    expect(await admin.command(["GET", prefix + id])).toBe("done");
    const doneTtl = Number(await admin.command(["PTTL", prefix + id]));
    expect(doneTtl).toBeGreaterThan(30_000);
    expect(doneTtl).toBeLessThanOrEqual(120_000);
  });

  it("gives one lease to exactly one of many concurrent claims from two instances", async () => {
    const instances = [dedupe(a), dedupe(b)];
    for (let round = 0; round < 10; round++) {
      const id = newId();
      const answers = await Promise.all(Array.from({ length: 12 }, (_, i) => instances[i % 2]?.claim(id)));
      expect(answers.filter((answer) => answer === "claimed")).toHaveLength(1);
      expect(answers.filter((answer) => answer === "in_flight")).toHaveLength(11);
    }
  });

  it("lets another instance take over a lease that expired (the holder died)", async () => {
    const dead = dedupe(a, { leaseMs: SHORT_MS });
    const other = dedupe(b, { leaseMs: SHORT_MS });
    const id = newId();
    expect(await dead.claim(id)).toBe("claimed");
    expect(await other.claim(id)).toBe("in_flight");
    await sleep(PAST_SHORT_MS);
    expect(await other.claim(id)).toBe("claimed");
    expect(await dead.claim(id)).toBe("in_flight");
  });

  it("forgets a done id after retentionMs", async () => {
    const deduplicator = dedupe(a, { retentionMs: SHORT_MS });
    const id = newId();
    await deduplicator.claim(id);
    await deduplicator.complete(id);
    expect(await deduplicator.claim(id)).toBe("done");
    await sleep(PAST_SHORT_MS);
    expect(await deduplicator.claim(id)).toBe("claimed");
  });

  it("a release after a takeover leaves the new holder's lease; its own release frees the id", async () => {
    const slow = dedupe(a, { leaseMs: SHORT_MS });
    const taker = dedupe(b, { leaseMs: 30_000 });
    const watcher = dedupe(b);
    const id = newId();
    expect(await slow.claim(id)).toBe("claimed");
    await sleep(PAST_SHORT_MS);
    expect(await taker.claim(id)).toBe("claimed");
    await slow.release(id);
    expect(await watcher.claim(id)).toBe("in_flight");
    await taker.release(id);
    expect(await watcher.claim(id)).toBe("claimed");
  });

  it("a late complete marks the id done, and the new holder's release then leaves it done", async () => {
    const slow = dedupe(a, { leaseMs: SHORT_MS });
    const taker = dedupe(b);
    const id = newId();
    expect(await slow.claim(id)).toBe("claimed");
    await sleep(PAST_SHORT_MS);
    expect(await taker.claim(id)).toBe("claimed");
    await slow.complete(id);
    await taker.release(id);
    expect(await taker.claim(id)).toBe("done");
  });

  it("within one process, a takeover of its own expired lease is not dropped by the first attempt's release", async () => {
    const instance = dedupe(a, { leaseMs: SHORT_MS });
    const other = dedupe(b);
    const id = newId();
    expect(await instance.claim(id)).toBe("claimed");
    await sleep(PAST_SHORT_MS);
    expect(await instance.claim(id)).toBe("claimed"); // a second attempt, same process
    const longer = newId(); // unrelated: the instance's other ids are unaffected
    expect(await instance.claim(longer)).toBe("claimed");
    await instance.release(id); // one of the two attempts fails: which one is unknown
    expect(await other.claim(id)).toBe("in_flight");
    await instance.release(id); // the other fails too
    expect(await other.claim(id)).toBe("claimed");
    await instance.release(longer);
    expect(await other.claim(longer)).toBe("claimed");
  });

  it("claims again when the key expires between its refused SET and its GET", async () => {
    const id = newId();
    expect(await dedupe(b).claim(id)).toBe("claimed");
    // The other lease ends right after this instance's SET NX was refused, as if it had expired.
    let refusedOnce = false;
    const racing = redisDeduplicator({
      prefix,
      command: async (args) => {
        const reply = await a.command(args);
        if (args[0] === "SET" && reply === null && !refusedOnce) {
          refusedOnce = true;
          await admin.command(["DEL", prefix + id]);
        }
        return reply;
      },
    });
    expect(await racing.claim(id)).toBe("claimed");
    expect(refusedOnce).toBe(true);
    expect(await dedupe(b).claim(id)).toBe("in_flight");
  });

  it("a release from an instance that never claimed the id leaves the holder's lease", async () => {
    const holder = dedupe(a);
    const stranger = dedupe(b);
    const id = newId();
    expect(await holder.claim(id)).toBe("claimed");
    await stranger.release(id);
    expect(await stranger.claim(id)).toBe("in_flight");
  });

  it("rejects while Redis is out of reach, and works again once it is back", async () => {
    const proxy = await redisProxy();
    try {
      const through = await connection(store, proxy.port);
      const deduplicator = dedupe(through);
      const held = newId();
      expect(await deduplicator.claim(held)).toBe("claimed");

      await proxy.cut();
      await expect(deduplicator.claim(newId())).rejects.toThrow();
      await expect(deduplicator.complete(held)).rejects.toThrow();

      // Through handleWebhook: a 500, so Polar retries, and no callback ran.
      let ran = false;
      const response = await handleWebhook(
        await delivery(newId()),
        config(deduplicator, () => {
          ran = true;
        }),
      );
      expect(response.status).toBe(500);
      expect(ran).toBe(false);

      await proxy.restore();
      let answer: string | undefined;
      for (let attempt = 0; attempt < 400 && answer === undefined; attempt++) {
        try {
          answer = await deduplicator.claim(newId());
        } catch {
          await sleep(50); // still reconnecting
        }
      }
      expect(answer).toBe("claimed");
      // The lease taken before the outage is still there: Redis kept it.
      expect(await deduplicator.claim(held)).toBe("in_flight");
    } finally {
      await proxy.close();
    }
  });

  it("through handleWebhook: an in-flight duplicate gets 409 with Retry-After, a done one 200 duplicate", async () => {
    const instanceA = dedupe(a);
    const instanceB = dedupe(b);
    const id = newId();
    let calls = 0;
    let entered!: () => void;
    const running = new Promise<void>((resolve) => {
      entered = resolve;
    });
    let finish!: () => void;
    const gate = new Promise<void>((resolve) => {
      finish = resolve;
    });
    const first = handleWebhook(
      await delivery(id),
      config(instanceA, async () => {
        calls++;
        entered();
        await gate;
      }),
    );
    await running;
    const duplicate = await handleWebhook(
      await delivery(id),
      config(instanceB, () => void calls++),
    );
    expect(duplicate.status).toBe(409);
    expect(duplicate.headers.get("retry-after")).toBe("5");
    finish();
    expect((await first).status).toBe(200);
    const redelivery = await handleWebhook(
      await delivery(id),
      config(instanceB, () => void calls++),
    );
    expect(redelivery.status).toBe(200);
    expect(await redelivery.json()).toEqual({ received: true, duplicate: true });
    expect(calls).toBe(1);
  });

  it("through handleWebhook: when only complete fails, the lease is given back and the retry runs", async () => {
    const id = newId();
    let calls = 0;
    // This instance's connection refuses to write the done marker once, as a blip would.
    let failedOnce = false;
    const blipping = redisDeduplicator({
      prefix,
      command: async (args) => {
        if (args[0] === "SET" && args[2] === "done" && !failedOnce) {
          failedOnce = true;
          throw new Error("connection reset");
        }
        return a.command(args);
      },
    });
    expect(
      (
        await handleWebhook(
          await delivery(id),
          config(blipping, () => void calls++),
        )
      ).status,
    ).toBe(500);
    expect(failedOnce).toBe(true);
    const retry = await handleWebhook(
      await delivery(id),
      config(dedupe(b), () => void calls++),
    );
    expect(retry.status).toBe(200);
    expect(await retry.json()).toEqual({ received: true });
    expect(calls).toBe(2);
  });

  it("through handleWebhook: a failed attempt's retry runs the callback again on another instance", async () => {
    const id = newId();
    const calls: string[] = [];
    const failing = await handleWebhook(
      await delivery(id),
      config(dedupe(a), () => {
        calls.push("a");
        throw new Error("downstream failed");
      }),
    );
    expect(failing.status).toBe(500);
    const retry = await handleWebhook(
      await delivery(id),
      config(dedupe(b), () => void calls.push("b")),
    );
    expect(retry.status).toBe(200);
    expect(await retry.json()).toEqual({ received: true });
    expect(calls).toEqual(["a", "b"]);
  });
});

describe("redisDeduplicator and upstashCommand options", () => {
  const command: RedisCommand = async () => null;

  it("checks the times and the command", () => {
    expect(() => redisDeduplicator({ command, leaseMs: 0 })).toThrow(RangeError);
    expect(() => redisDeduplicator({ command, retentionMs: 1.5 })).toThrow(RangeError);
    expect(() => redisDeduplicator({} as { command: RedisCommand })).toThrow(TypeError);
    expect(() => upstashCommand({ url: "http://127.0.0.1:1", token: "" })).toThrow(TypeError);
  });

  it("uses the default prefix", async () => {
    const sent: string[][] = [];
    const deduplicator = redisDeduplicator({
      command: async (args) => {
        sent.push(args);
        return "OK";
      },
    });
    expect(await deduplicator.claim("msg_1")).toBe("claimed");
    expect(sent[0]?.slice(0, 2)).toEqual(["SET", "polar-kit:webhook:msg_1"]);
    expect(sent[0]?.slice(3)).toEqual(["NX", "PX", "60000"]);
  });
});

describe("upstashCommand against a server speaking Upstash's REST protocol", () => {
  let backend: Connection;
  let server: Awaited<ReturnType<typeof upstashRestServer>>;
  const token = `token-${randomUUID()}`;
  beforeAll(async () => {
    backend = await nodeRedis(REDIS_PORT);
    server = await upstashRestServer(token, backend.command);
  });
  afterAll(async () => {
    await server.close();
    await backend.close();
  });

  it("POSTs the command as a JSON array and returns the result: strings, null, integers", async () => {
    const send = upstashCommand({ url: server.url, token });
    const key = `${RUN_PREFIX}upstash:${randomUUID()}`;
    expect(await send(["SET", key, 'a value with spaces/and "quotes"', "PX", "60000"])).toBe("OK");
    expect(await send(["GET", key])).toBe('a value with spaces/and "quotes"');
    expect(await send(["SET", key, "other", "NX"])).toBeNull();
    expect(await send(["DEL", key])).toBe(1);
    expect(await send(["GET", key])).toBeNull();
    const last = server.requests.at(-1);
    expect(last).toEqual({ method: "POST", contentType: "application/json", body: JSON.stringify(["GET", key]) });
  });

  it("rejects with the server's error: a Redis error, a wrong token", async () => {
    const key = `${RUN_PREFIX}upstash:${randomUUID()}`;
    const send = upstashCommand({ url: server.url, token });
    await send(["SET", key, "not a number", "PX", "60000"]);
    await expect(send(["INCR", key])).rejects.toThrow(/Upstash: .*not an integer/);
    const wrong = upstashCommand({ url: server.url, token: "wrong" });
    await expect(wrong(["GET", key])).rejects.toThrow("Upstash: Unauthorized");
  });

  it("uses the fetch it is given", async () => {
    const urls: string[] = [];
    const send = upstashCommand({
      url: server.url,
      token,
      fetch: (input, init) => {
        urls.push(String(input));
        return fetch(input, init);
      },
    });
    expect(await send(["PING"])).toBe("PONG");
    expect(urls).toEqual([server.url]);
  });

  it("rejects an answer that is not Upstash's", async () => {
    const send = upstashCommand({
      url: server.url,
      token,
      fetch: async () => new Response("<html>bad gateway</html>", { status: 502 }),
    });
    await expect(send(["PING"])).rejects.toThrow("Upstash: HTTP 502");
  });
});
