import { DatabaseSync } from "node:sqlite";
import { redisDeduplicator } from "@polar-kit/core/dedupe/redis";
import { postgresDeduplicator, sqliteDeduplicator } from "@polar-kit/core/dedupe/sql";
import { memoryDeduplicator, type WebhookDeduplicator } from "@polar-kit/core/handlers";
import pg from "pg";
import { createClient } from "redis";

/** The deduplicator a receiver runs with, and where its store is. Plain JSON: it crosses process lines. */
export type EngineSpec = { leaseMs: number; retentionMs?: number; failOpen?: boolean } & (
  | { kind: "none" }
  | { kind: "memory" }
  | { kind: "redis"; url: string; prefix: string }
  | { kind: "postgres"; url: string; table: string }
  | { kind: "sqlite"; file: string; table: string }
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
    case "postgres": {
      // Connecting through a cut link must fail soon, so that the route answers 500 rather than hang.
      const pool = new pg.Pool({ connectionString: spec.url, connectionTimeoutMillis: 1_000 });
      // An idle connection that breaks is reported here; the next query takes a new one.
      pool.on("error", () => {});
      const deduplicator = postgresDeduplicator({
        query: (sql, params) => pool.query(sql, params),
        table: spec.table,
        ...times,
      });
      return { deduplicate: failOpenIf(spec, deduplicator), close: () => pool.end() };
    }
    case "sqlite": {
      // Several processes write the same file: wait for another's write lock instead of failing.
      const db = new DatabaseSync(spec.file, { timeout: 5_000 });
      // The usual setting with WAL: a commit survives the process dying (what these tests do to
      // it), only a power cut may lose the last ones; FULL would add an fsync to every claim.
      db.exec("PRAGMA synchronous = NORMAL");
      const deduplicator = sqliteDeduplicator({
        query: async (sql, params) => db.prepare(sql).all(...(params as (string | number)[])),
        table: spec.table,
        ...times,
      });
      return {
        deduplicate: failOpenIf(spec, deduplicator),
        close: async () => db.close(),
      };
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
