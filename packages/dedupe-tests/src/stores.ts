import { randomBytes } from "node:crypto";
import { createClient } from "redis";
import type { EngineKind, EngineSpec } from "./engines.ts";

export const REDIS = { host: "127.0.0.1", port: 6379 };

/** The shared server's address, or the cuttable link's port in front of it. */
export const storeAddress = (kind: EngineKind): { host: string; port: number } | undefined =>
  kind === "redis" ? REDIS : undefined;

/** A store of this run's own, to be removed afterwards: the shared servers are never stopped or flushed. */
export interface ProvisionedStore {
  spec: EngineSpec;
  /** Deletes what this run wrote (its keys, tables or file). */
  remove(): Promise<void>;
}

/** A name no other run (or other engineer's test) uses. */
export const runId = () => `${process.pid}_${Date.now().toString(36)}_${randomBytes(3).toString("hex")}`;

export async function provisionStore(
  kind: EngineKind,
  times: { leaseMs: number; failOpen?: boolean },
  viaPort?: number,
): Promise<ProvisionedStore> {
  const id = runId();
  switch (kind) {
    case "none":
    case "memory":
      return { spec: { kind, ...times }, remove: async () => {} };
    case "redis": {
      const prefix = `polar-kit-test:${id}:`;
      return {
        spec: { kind, url: `redis://${REDIS.host}:${viaPort ?? REDIS.port}`, prefix, ...times },
        remove: () => deleteRedisKeys(prefix),
      };
    }
  }
}

async function deleteRedisKeys(prefix: string): Promise<void> {
  const client = await createClient({ url: `redis://${REDIS.host}:${REDIS.port}` }).connect();
  try {
    for await (const keys of client.scanIterator({ MATCH: `${prefix}*`, COUNT: 1000 })) {
      if (keys.length) await client.del(keys);
    }
  } finally {
    await client.close();
  }
}
