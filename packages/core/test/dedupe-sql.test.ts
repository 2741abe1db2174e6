// postgresDeduplicator and sqliteDeduplicator over real databases: the shared PostgreSQL at
// 127.0.0.1:5432 through pg and postgres (porsager), SQLite through node:sqlite (a temp file, two
// connections), libSQL through @libsql/client (a local file, two clients) and Cloudflare D1 run
// locally by miniflare. Each run uses tables of its own, dropped at the end; the shared PostgreSQL
// server itself is never stopped.
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { createClient, type InValue } from "@libsql/client";
import { Miniflare } from "miniflare";
import pg from "pg";
import postgresJs from "postgres";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import {
  POSTGRES_DEDUPE_TABLE,
  postgresDeduplicator,
  SQLITE_DEDUPE_TABLE,
  type SqlDeduplicatorOptions,
  type SqlQuery,
  sqliteDeduplicator,
} from "../src/dedupe/sql";
import { handleWebhook } from "../src/handlers/webhook";
import { config, delivery } from "./dedupe-delivery";
import { tcpProxy } from "./tcp-proxy";

const PG_HOST = "127.0.0.1";
const PG_PORT = 5432;
const pgUrl = (port = PG_PORT) => `postgres://postgres@${PG_HOST}:${port}/test`;
const RUN = `t${randomUUID().replaceAll("-", "").slice(0, 12)}`;
const SHORT_MS = 200;
// Well past SHORT_MS, on the database's clock as on the test's: the outcome, not a race. Nothing
// asserts what happens before SHORT_MS is over (a slow machine may not get there in time).
const PAST_SHORT_MS = 350;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Connection {
  query: SqlQuery;
  close(): Promise<void>;
}

interface Engine {
  name: string;
  deduplicator: (options: SqlDeduplicatorOptions) => ReturnType<typeof postgresDeduplicator>;
  connect(port?: number): Promise<Connection>;
  /** A server behind a TCP port (that the test's proxy can cut). */
  overTcp: boolean;
}

// Fail fast while the server is out of reach, so that a claim rejects and the handler answers 500.
async function pgPool(port = PG_PORT): Promise<Connection> {
  const pool = new pg.Pool({ connectionString: pgUrl(port), max: 4, connectionTimeoutMillis: 2_000 });
  pool.on("error", () => {});
  return { query: (sql, params) => pool.query(sql, params), close: () => pool.end() };
}

async function porsager(port = PG_PORT): Promise<Connection> {
  const sql = postgresJs(pgUrl(port), { max: 4, connect_timeout: 2, onnotice: () => {} });
  return { query: (text, params) => sql.unsafe(text, params as never[]), close: () => sql.end({ timeout: 1 }) };
}

const sqliteDir = mkdtempSync(join(tmpdir(), "polar-kit-dedupe-sql-"));
const sqliteFile = join(sqliteDir, "deliveries.db");
async function nodeSqlite(): Promise<Connection> {
  const db = new DatabaseSync(sqliteFile, { timeout: 5_000 });
  db.exec("PRAGMA journal_mode = WAL");
  return {
    query: async (sql, params) => db.prepare(sql).all(...(params as string[])) as Record<string, unknown>[],
    close: async () => db.close(),
  };
}

const libsqlFile = join(sqliteDir, "libsql.db");
async function libsql(): Promise<Connection> {
  const client = createClient({ url: `file:${libsqlFile}` });
  await client.execute("PRAGMA busy_timeout = 5000");
  return {
    query: (sql, args) => client.execute({ sql, args: args as InValue[] }),
    close: async () => client.close(),
  };
}

let miniflare: Miniflare | undefined;
async function d1(): Promise<Connection> {
  miniflare ??= new Miniflare({
    modules: true,
    script: "export default { fetch: () => new Response(null) }",
    d1Databases: ["DB"],
  });
  const db = await miniflare.getD1Database("DB");
  return {
    query: (sql, params) =>
      db
        .prepare(sql)
        .bind(...params)
        .all()
        .then((result: { results: Record<string, unknown>[] }) => result.results),
    close: async () => {},
  };
}

const ENGINES: Engine[] = [
  { name: "PostgreSQL through pg", deduplicator: postgresDeduplicator, connect: pgPool, overTcp: true },
  { name: "PostgreSQL through postgres", deduplicator: postgresDeduplicator, connect: porsager, overTcp: true },
  { name: "SQLite through node:sqlite", deduplicator: sqliteDeduplicator, connect: nodeSqlite, overTcp: false },
  {
    name: "libSQL through @libsql/client (a local file)",
    deduplicator: sqliteDeduplicator,
    connect: libsql,
    overTcp: false,
  },
  { name: "Cloudflare D1 through miniflare", deduplicator: sqliteDeduplicator, connect: d1, overTcp: false },
];

const open: Connection[] = [];
const tables: { engine: Engine; table: string }[] = [];
async function connection(engine: Engine, port?: number) {
  const made = await engine.connect(port);
  open.push(made);
  return made;
}
let tableCount = 0;
function newTable(engine: Engine) {
  const table = `polar_dedupe_${RUN}_${++tableCount}`;
  tables.push({ engine, table });
  return table;
}

afterAll(async () => {
  for (const { engine, table } of tables) {
    if (!engine.overTcp && !engine.name.startsWith("Cloudflare")) continue; // the files go below
    const admin = await connection(engine);
    await admin.query(`DROP TABLE IF EXISTS ${table}`, []);
  }
  await Promise.all(open.map((made) => made.close()));
  await miniflare?.dispose();
  rmSync(sqliteDir, { recursive: true, force: true });
});

let nextId = 0;
const newId = () => `msg_${++nextId}_${randomUUID()}`;

describe.each(ENGINES)("$name", (engine) => {
  const table = newTable(engine);
  // Two instances, each with its own connection (a pool for Postgres).
  let a: Connection;
  let b: Connection;
  beforeAll(async () => {
    [a, b] = await Promise.all([connection(engine), connection(engine)]);
  });
  const dedupe = (on: Connection, times: { leaseMs?: number; retentionMs?: number } = {}) =>
    engine.deduplicator({ query: on.query, table, ...times });

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

  it("keeps a lease row with a random token until leaseMs, and done until retentionMs", async () => {
    const deduplicator = dedupe(a, { leaseMs: 30_000, retentionMs: 120_000 });
    const id = newId();
    await deduplicator.claim(id);
    const read = async () => {
      const result = await a.query(
        `SELECT token, done, expires_at FROM ${table} WHERE id = ${engine.name.startsWith("PostgreSQL") ? "$1" : "?"}`,
        [id],
      );
      const [row] = Array.isArray(result) ? result : result.rows;
      return { token: row?.token, done: Boolean(row?.done), expiresAt: Number(row?.expires_at) };
    };
    const lease = await read();
    expect(lease.token).toMatch(/^[0-9a-f-]{36}$/);
    expect(lease.done).toBe(false);
    expect(lease.expiresAt - Date.now()).toBeGreaterThan(0);
    expect(lease.expiresAt - Date.now()).toBeLessThanOrEqual(30_000 + 5_000);
    await deduplicator.complete(id);
    const done = await read();
    expect(done.done).toBe(true);
    expect(done.expiresAt - Date.now()).toBeGreaterThan(30_000);
    expect(done.expiresAt - Date.now()).toBeLessThanOrEqual(120_000 + 5_000);
  });

  it("gives one lease to exactly one of many concurrent claims over several connections", async () => {
    const more = await Promise.all([connection(engine), connection(engine)]);
    const instances = [a, b, ...more].map((on) => dedupe(on));
    for (let round = 0; round < 10; round++) {
      const id = newId();
      const answers = await Promise.all(
        Array.from({ length: 12 }, (_, i) => instances[i % instances.length]?.claim(id)),
      );
      expect(answers.filter((answer) => answer === "claimed")).toHaveLength(1);
      expect(answers.filter((answer) => answer === "in_flight")).toHaveLength(11);
    }
  });

  it("lets another instance take over a lease that expired (the holder died)", async () => {
    const dead = dedupe(a, { leaseMs: SHORT_MS });
    const other = dedupe(b);
    const id = newId();
    expect(await dead.claim(id)).toBe("claimed");
    await sleep(PAST_SHORT_MS);
    expect(await other.claim(id)).toBe("claimed");
    expect(await dead.claim(id)).toBe("in_flight");
  });

  it("forgets a done id after retentionMs", async () => {
    const deduplicator = dedupe(a, { retentionMs: SHORT_MS });
    const id = newId();
    await deduplicator.claim(id);
    await deduplicator.complete(id);
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

  it("now and then deletes expired rows, and only those", async () => {
    const short = dedupe(a, { leaseMs: SHORT_MS, retentionMs: SHORT_MS });
    const expiredLease = newId();
    const expiredDone = newId();
    const held = newId();
    // No collection while the rows are made (it would be one claim in fifty).
    const noCollection = vi.spyOn(Math, "random").mockReturnValue(0.99);
    try {
      await dedupe(a).claim(held);
      await short.claim(expiredLease);
      await short.claim(expiredDone);
      await short.complete(expiredDone);
    } finally {
      noCollection.mockRestore();
    }
    await sleep(PAST_SHORT_MS);
    const placeholder = engine.name.startsWith("PostgreSQL") ? "$1" : "?";
    const exists = async (id: string) => {
      const result = await a.query(`SELECT id FROM ${table} WHERE id = ${placeholder}`, [id]);
      return (Array.isArray(result) ? result : result.rows).length > 0;
    };
    expect(await exists(expiredLease)).toBe(true);
    // The collection runs on a random fraction of claims, beside the claim: make this one of them.
    const random = vi.spyOn(Math, "random").mockReturnValue(0);
    try {
      expect(await dedupe(b).claim(newId())).toBe("claimed");
    } finally {
      random.mockRestore();
    }
    for (let attempt = 0; attempt < 100 && (await exists(expiredDone)); attempt++) await sleep(20);
    expect(await exists(expiredLease)).toBe(false);
    expect(await exists(expiredDone)).toBe(false);
    expect(await exists(held)).toBe(true);
  });

  it("a collection running beside takeovers of expired leases never deletes the new leases", async () => {
    const more = await Promise.all([connection(engine), connection(engine)]);
    const connections = [a, b, ...more];
    const ids = Array.from({ length: 20 }, newId);
    const dying = dedupe(a, { leaseMs: SHORT_MS });
    for (const id of ids) await dying.claim(id);
    await sleep(PAST_SHORT_MS);
    // Every claim also collects now: takeovers and deletions of the same expired rows race.
    const random = vi.spyOn(Math, "random").mockReturnValue(0);
    try {
      const takers = connections.map((on) => dedupe(on));
      const answers = await Promise.all(
        ids.flatMap((id) => takers.map(async (taker) => ({ id, answer: await taker.claim(id) }))),
      );
      for (const id of ids)
        expect(answers.filter((claim) => claim.id === id && claim.answer === "claimed")).toHaveLength(1);
    } finally {
      random.mockRestore();
    }
    const watcher = dedupe(b);
    for (const id of ids) expect(await watcher.claim(id)).toBe("in_flight");
  });

  it("creates its table on first use, once, when several deduplicators start at once", async () => {
    const fresh = newTable(engine);
    const more = await Promise.all([connection(engine), connection(engine)]);
    const instances = [a, b, ...more].map((on) => engine.deduplicator({ query: on.query, table: fresh }));
    const id = newId();
    const answers = await Promise.all(instances.map((instance) => instance.claim(id)));
    expect(answers.filter((answer) => answer === "claimed")).toHaveLength(1);
    // Created once per deduplicator: later calls send no DDL.
    const sent: string[] = [];
    const watched = engine.deduplicator({
      table: fresh,
      query: (sql, params) => {
        sent.push(sql);
        return a.query(sql, params);
      },
    });
    await watched.claim(newId());
    await watched.claim(newId());
    expect(sent.filter((sql) => /CREATE/.test(sql)).length).toBeGreaterThan(0);
    const ddl = sent.filter((sql) => /CREATE/.test(sql)).length;
    await watched.claim(newId());
    expect(sent.filter((sql) => /CREATE/.test(sql))).toHaveLength(ddl);
  });

  it("with createTable: false, works on a table made by the exported migration", async () => {
    const migrated = newTable(engine);
    const migration = (engine.name.startsWith("PostgreSQL") ? POSTGRES_DEDUPE_TABLE : SQLITE_DEDUPE_TABLE).replaceAll(
      "polar_webhook_deliveries",
      migrated,
    );
    for (const statement of migration.split(";").filter((text) => text.trim())) await a.query(statement, []);
    const deduplicator = engine.deduplicator({ query: a.query, table: migrated, createTable: false });
    const id = newId();
    expect(await deduplicator.claim(id)).toBe("claimed");
    await deduplicator.complete(id);
    expect(await deduplicator.claim(id)).toBe("done");
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
    expect(calls).toEqual(["a", "b"]);
  });
});

// Only the servers behind a TCP port can go away without stopping them: through the test's proxy.
describe.each(ENGINES.filter((engine) => engine.overTcp))("$name, the database cut and restored", (engine) => {
  const table = newTable(engine);
  const dedupe = (on: Connection) => engine.deduplicator({ query: on.query, table });

  it("rejects while the database is out of reach, and works again once it is back", async () => {
    const proxy = await tcpProxy(PG_HOST, PG_PORT);
    try {
      const through = await connection(engine, proxy.port);
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
      for (let attempt = 0; attempt < 100 && answer === undefined; attempt++) {
        try {
          answer = await deduplicator.claim(newId());
        } catch {
          await sleep(50); // the client is still reconnecting
        }
      }
      expect(answer).toBe("claimed");
      // The lease taken before the outage is still in the table.
      expect(await deduplicator.claim(held)).toBe("in_flight");
    } finally {
      await proxy.close();
    }
  });
});

describe("sql deduplicator options", () => {
  const query: SqlQuery = async () => [];

  it("checks the times, the query and the table name", () => {
    expect(() => postgresDeduplicator({ query, leaseMs: 0 })).toThrow(RangeError);
    expect(() => sqliteDeduplicator({ query, retentionMs: 1.5 })).toThrow(RangeError);
    expect(() => postgresDeduplicator({} as { query: SqlQuery })).toThrow(TypeError);
    for (const table of ["deliveries; DROP TABLE users", 'a"b', "1table", "a.b", "", "x".repeat(49)])
      expect(() => sqliteDeduplicator({ query, table })).toThrow(TypeError);
  });

  it("rejects a query that resolves to something else than rows or { rows }, such as D1's { results }", async () => {
    const d1Unmapped = (async () => ({ results: [] })) as unknown as SqlQuery;
    await expect(sqliteDeduplicator({ query: d1Unmapped }).claim("msg_1")).rejects.toThrow(/D1: map `.results`/);
  });

  it("exports the migrations for the default table", () => {
    expect(POSTGRES_DEDUPE_TABLE).toContain("CREATE TABLE IF NOT EXISTS polar_webhook_deliveries");
    expect(SQLITE_DEDUPE_TABLE).toContain("CREATE TABLE IF NOT EXISTS polar_webhook_deliveries");
  });
});
