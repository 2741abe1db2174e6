import { redisDeduplicator } from "@polar-kit/core/dedupe/redis";
import { memoryDeduplicator, type WebhookDeduplicator } from "@polar-kit/core/handlers";
import { createClient } from "redis";

/** The deduplicator a receiver runs with, and where its store is. Plain JSON: it crosses process lines. */
export type EngineSpec = { leaseMs: number; retentionMs?: number; failOpen?: boolean } & (
  | { kind: "none" }
  | { kind: "memory" }
  | { kind: "redis"; url: string; prefix: string }
);

export type EngineKind = EngineSpec["kind"];

export interface OpenEngine {
  deduplicate: WebhookDeduplicator | false;
  close(): Promise<void>;
}

/** Connects to the spec's store and builds its deduplicator, configured as an app should. */
export async function openEngine(spec: EngineSpec): Promise<OpenEngine> {
  const times = { leaseMs: spec.leaseMs, retentionMs: spec.retentionMs ?? 600_000 };
  switch (spec.kind) {
    case "none":
      return { deduplicate: false, close: async () => {} };
    case "memory":
      return { deduplicate: failOpenIf(spec, memoryDeduplicator(times)), close: async () => {} };
    case "redis": {
      const client = createClient({
        url: spec.url,
        // A command sent while Redis is unreachable must fail now (the route answers 500 and Polar
        // retries), not wait in a queue until the sender's timeout.
        disableOfflineQueue: true,
        socket: { connectTimeout: 1_000, reconnectStrategy: (retries) => Math.min(50 * (retries + 1), 500) },
      });
      // Connection errors are also rejected to the command that hit them; without a listener
      // node-redis would throw them from the event emitter and end the process.
      client.on("error", () => {});
      await client.connect();
      const deduplicator = redisDeduplicator({
        command: (args) => client.sendCommand(args),
        prefix: spec.prefix,
        ...times,
      });
      return { deduplicate: failOpenIf(spec, deduplicator), close: () => client.close() };
    }
  }
}

/**
 * The mistake the "never 2xx for an event it did not handle" check exists to catch: a store error
 * taken as "done". Only the negative controls turn it on.
 */
function failOpenIf(spec: EngineSpec, deduplicator: WebhookDeduplicator): WebhookDeduplicator {
  if (!spec.failOpen) return deduplicator;
  return {
    claim: async (id) => {
      try {
        return await deduplicator.claim(id);
      } catch {
        return "done";
      }
    },
    complete: (id) => deduplicator.complete(id),
    release: (id) => deduplicator.release(id),
  };
}
