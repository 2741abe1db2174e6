import { randomBytes } from "node:crypto";
import { rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import pg from "pg";
import { createClient } from "redis";
import type { EngineKind, EngineSpec } from "./engines.ts";

export const REDIS = { host: "127.0.0.1", port: 6379 };
export const POSTGRES = { host: "127.0.0.1", port: 5432, database: "test", user: "postgres" };

/** The shared server of an engine reached over TCP (a cuttable link can go in front of it). */
export const storeAddress = (kind: EngineKind): { host: string; port: number } | undefined =>
  kind === "redis" ? REDIS : kind === "postgres" ? POSTGRES : undefined;

const postgresUrl = (port = POSTGRES.port) =>
  `postgres://${POSTGRES.user}@${POSTGRES.host}:${port}/${POSTGRES.database}`;

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
    case "postgres": {
      // The deduplicator creates its table on first use; the run drops it.
      const table = `dedupe_test_${id}`;
      return { spec: { kind, url: postgresUrl(viaPort), table, ...times }, remove: () => dropPostgresTable(table) };
    }
    case "sqlite": {
      const file = join(tmpdir(), `polar-kit-dedupe-${id}.sqlite`);
      // WAL lets the instances read while one writes; the mode is kept in the file.
      const db = new DatabaseSync(file);
      db.exec("PRAGMA journal_mode = WAL");
      db.close();
      return {
        spec: { kind, file, table: "webhook_dedupe", ...times },
        remove: async () => {
          for (const suffix of ["", "-wal", "-shm"]) rmSync(file + suffix, { force: true });
        },
      };
    }
  }
}

async function dropPostgresTable(table: string): Promise<void> {
  const client = new pg.Client({ connectionString: postgresUrl() });
  await client.connect();
  try {
    await client.query(`DROP TABLE IF EXISTS ${table}`);
  } finally {
    await client.end();
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
