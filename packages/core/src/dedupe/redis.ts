import {
  type DeduplicatorTimes,
  deduplicatorTimes,
  type WebhookClaim,
  type WebhookDeduplicator,
} from "../handlers/dedupe";
import { attemptTokens } from "./attempts";

/**
 * Sends one raw Redis command (`["SET", key, value, …]`) and resolves to its reply; rejects when
 * Redis answers an error or cannot be reached. Every client has one:
 * - node-redis: `(args) => client.sendCommand(args)`
 * - ioredis: `(args) => redis.call(...(args as [string, ...string[]]))`
 * - Upstash over HTTP (edge runtimes): `upstashCommand({ url, token })`
 */
export type RedisCommand = (args: string[]) => Promise<unknown>;

/** Options of `redisDeduplicator`. */
export interface RedisDeduplicatorOptions extends DeduplicatorTimes {
  command: RedisCommand;
  /**
   * Put before each `webhook-id` to make its key.
   * @default "polar-kit:webhook:"
   */
  prefix?: string;
}

// What a handled id's key holds. Leases hold a random UUID, which is never this.
const DONE = "done";

// Deletes the key only while it still holds this attempt's token, in one step on the server: an
// attempt whose lease expired and was taken over must not drop the new holder's lease.
const RELEASE_SCRIPT = `if redis.call("GET", KEYS[1]) == ARGV[1] then return redis.call("DEL", KEYS[1]) end return 0`;

// A refused SET NX followed by a GET that finds nothing means the key expired in between: claim
// again, a few times at most (then answer "in_flight", which only makes Polar come back later).
const CLAIM_TRIES = 3;

/**
 * A deduplicator that several instances share through Redis, with any client (see `RedisCommand`).
 * Each key is a lease (`SET NX PX leaseMs` holding a random token), replaced on success by a
 * "done" marker kept `retentionMs`; a failed attempt deletes its lease only while it still holds
 * it. Redis measures both times on its own clock, so the instances' clocks do not matter.
 *
 * Still at-least-once, as any lease is: callbacks that outlive `leaseMs` run again on the instance
 * that takes the lease over (both then finish; whichever completes marks the id done, and the
 * other's release leaves that mark alone). So does an attempt whose callbacks succeeded but whose
 * `complete` could not reach Redis (its lease expires, Polar retries), and a failover that loses a
 * write not yet replicated. Make callbacks idempotent, or `leaseMs` longer than the slowest one.
 *
 * @example
 * import { createClient } from "redis";
 * const redis = await createClient({ url: process.env.REDIS_URL, disableOfflineQueue: true }).connect();
 * Webhooks({ deduplicate: redisDeduplicator({ command: (args) => redis.sendCommand(args) }), onOrderPaid });
 */
export function redisDeduplicator({
  command,
  prefix = "polar-kit:webhook:",
  ...times
}: RedisDeduplicatorOptions): WebhookDeduplicator {
  if (typeof command !== "function") throw new TypeError("redisDeduplicator: `command` must be a function");
  const { leaseMs, retentionMs } = deduplicatorTimes(times);
  const key = (id: string) => prefix + id;
  const tokens = attemptTokens();

  return {
    async claim(id): Promise<WebhookClaim> {
      for (let tries = 0; tries < CLAIM_TRIES; tries++) {
        const token = crypto.randomUUID();
        if (text(await command(["SET", key(id), token, "NX", "PX", String(leaseMs)])) === "OK") {
          tokens.add(id, token);
          return "claimed";
        }
        const value = text(await command(["GET", key(id)]));
        if (value === DONE) return "done";
        if (value !== undefined) return "in_flight";
      }
      return "in_flight";
    },
    async complete(id) {
      // Whoever holds the lease now, the callbacks have succeeded: the id is done. The tokens go
      // only once that is written, so that when it fails the handler's release still frees the id.
      await command(["SET", key(id), DONE, "PX", String(retentionMs)]);
      tokens.forget(id);
    },
    async release(id) {
      const token = tokens.takeForRelease(id);
      if (!token) return;
      await command(["EVAL", RELEASE_SCRIPT, "1", key(id), token]);
    },
  };
}

// Replies are strings, or bytes with a client set to return buffers; null for a missing key.
function text(reply: unknown): string | undefined {
  if (typeof reply === "string") return reply;
  if (reply instanceof Uint8Array) return new TextDecoder().decode(reply);
  return undefined;
}

/** Options of `upstashCommand`. */
export interface UpstashCommandOptions {
  /** The database's REST URL (`UPSTASH_REDIS_REST_URL`). */
  url: string;
  /** Its REST token (`UPSTASH_REDIS_REST_TOKEN`). */
  token: string;
  /** @default globalThis.fetch */
  fetch?: typeof fetch;
}

/**
 * A `RedisCommand` over Upstash's REST API: fetch only, so it runs on edge runtimes. Each command
 * is one POST of its JSON array to the REST URL, answered `{"result": …}` or `{"error": "…"}`.
 *
 * @example
 * redisDeduplicator({ command: upstashCommand({ url: env.UPSTASH_REDIS_REST_URL, token: env.UPSTASH_REDIS_REST_TOKEN }) })
 */
export function upstashCommand({ url, token, fetch: send }: UpstashCommandOptions): RedisCommand {
  if (!url || !token) throw new TypeError("upstashCommand: `url` and `token` are required");
  return async (args) => {
    const response = await (send ?? globalThis.fetch)(url, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify(args),
    });
    const body: unknown = await response.json().catch(() => undefined);
    if (typeof body !== "object" || body === null) throw new Error(`Upstash: HTTP ${response.status}, no JSON answer`);
    if ("error" in body) throw new Error(`Upstash: ${String(body.error)}`);
    if (!response.ok || !("result" in body)) throw new Error(`Upstash: HTTP ${response.status}, no result`);
    return body.result;
  };
}
