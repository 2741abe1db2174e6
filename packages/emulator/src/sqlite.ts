// The emulator's SQLite connection, on Node's built-in `node:sqlite` (nothing native to build at
// install). It adds what `node:sqlite` leaves to its callers: transactions that nest, statements
// prepared once per SQL text, and values bound and read the same way on every supported Node.
import { DatabaseSync, type SQLInputValue, type StatementSync } from "node:sqlite";

/** What a statement's `run` reports. */
export interface RunResult {
  changes: number;
  lastInsertRowid: number;
}

// Enough for every fixed statement of the emulator plus the recent shapes of generated ones
// (filters with a varying number of terms), so a long-running emulator does not grow without end.
const STATEMENT_CACHE_SIZE = 500;

// A writer in another process (a second emulator on the same `--db` file) is waited for this long
// before SQLite answers "database is locked".
const BUSY_TIMEOUT_MS = 5000;

// Node 22 refuses to bind `undefined`; an absent optional value is NULL in the emulator's rows.
const bindable = (params: unknown[]): SQLInputValue[] =>
  (params.includes(undefined) ? params.map((value) => value ?? null) : params) as SQLInputValue[];

const isFields = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !ArrayBuffer.isView(value);

/** The `@name` parameters of `sql` (the emulator's SQL has no other `@`). */
const parameterNames = (sql: string): string[] => [
  ...new Set(Array.from(sql.matchAll(/@(\w+)/g), (match) => match[1] as string)),
];

const isOutOfRange = (error: unknown) => (error as { code?: unknown } | undefined)?.code === "ERR_OUT_OF_RANGE";

// An integer beyond 2^53 (a sum over huge metadata values, say) becomes the nearest number, as
// JSON.parse would read it, instead of failing the request.
const toNumbers = (row: unknown): unknown => {
  if (!row || typeof row !== "object") return row;
  const out = row as Record<string, unknown>;
  for (const [key, value] of Object.entries(out)) if (typeof value === "bigint") out[key] = Number(value);
  return out;
};

/**
 * A prepared statement. Parameters are positional (`?`), or one object whose fields fill the `@name`
 * parameters (fields the SQL does not name are left out). Rows are objects without a prototype;
 * BLOB columns come back as `Uint8Array`.
 */
export class Statement {
  readonly #statement: StatementSync;
  readonly #names: string[];

  constructor(statement: StatementSync, sql: string) {
    this.#statement = statement;
    this.#names = parameterNames(sql);
  }

  run(...params: unknown[]): RunResult {
    const { changes, lastInsertRowid } = this.#call("run", params);
    return { changes: Number(changes), lastInsertRowid: Number(lastInsertRowid) };
  }

  /** The first row, or `undefined` when there is none. */
  get(...params: unknown[]): unknown {
    return this.#readingHugeIntegers(() => this.#call("get", params), toNumbers);
  }

  all(...params: unknown[]): unknown[] {
    return this.#readingHugeIntegers<unknown[]>(
      () => this.#call("all", params),
      (rows) => rows.map(toNumbers),
    );
  }

  // `node:sqlite` refuses a field the SQL does not name (better-sqlite3 ignored it): the rows the
  // emulator writes by name are its API objects, which carry more fields than the table keeps.
  #call<Method extends "run" | "get" | "all">(method: Method, params: unknown[]): ReturnType<StatementSync[Method]> {
    const call = this.#statement[method] as (
      this: StatementSync,
      ...args: [Record<string, SQLInputValue>] | SQLInputValue[]
    ) => ReturnType<StatementSync[Method]>;
    const [fields] = params;
    if (!this.#names.length || params.length !== 1 || !isFields(fields)) {
      return call.apply(this.#statement, bindable(params));
    }
    const named = Object.fromEntries(this.#names.map((name) => [name, (fields[name] ?? null) as SQLInputValue]));
    return call.call(this.#statement, named);
  }

  // `node:sqlite` throws on an integer it cannot represent exactly as a number; only then is the
  // statement run again reading integers as BigInt, and those are rounded.
  #readingHugeIntegers<T>(read: () => T, round: (result: T) => T): T {
    try {
      return read();
    } catch (error) {
      if (!isOutOfRange(error)) throw error;
    }
    this.#statement.setReadBigInts(true);
    try {
      return round(read());
    } finally {
      this.#statement.setReadBigInts(false);
    }
  }
}

/**
 * One connection to a SQLite file (or `":memory:"`).
 *
 * @example
 * const db = new Database(":memory:");
 * db.exec("CREATE TABLE t (n INTEGER)");
 * db.transaction(() => db.prepare("INSERT INTO t (n) VALUES (?)").run(1));
 */
export class Database {
  readonly #db: DatabaseSync;
  readonly #statements = new Map<string, Statement>();
  #open = true;
  #depth = 0;

  constructor(readonly file: string) {
    this.#db = new DatabaseSync(file);
    this.#db.exec(`PRAGMA busy_timeout = ${BUSY_TIMEOUT_MS}`);
  }

  /** False once `close` was called. */
  get open(): boolean {
    return this.#open;
  }

  /** Runs SQL text (several statements allowed, no parameters, no rows returned). */
  exec(sql: string): void {
    this.#db.exec(sql);
  }

  /** The statement for `sql`, prepared on first use and kept for the next (least recently used dropped first). */
  prepare(sql: string): Statement {
    let statement = this.#statements.get(sql);
    if (statement) {
      this.#statements.delete(sql);
    } else {
      statement = new Statement(this.#db.prepare(sql), sql);
      if (this.#statements.size >= STATEMENT_CACHE_SIZE) {
        this.#statements.delete(this.#statements.keys().next().value as string);
      }
    }
    this.#statements.set(sql, statement);
    return statement;
  }

  /**
   * Runs `body` in a transaction and returns what it returns: committed when it returns, rolled back
   * when it throws (and the error rethrown). Inside another transaction it is a savepoint, so only
   * its own writes are undone.
   */
  transaction<T>(body: () => T): T {
    const depth = this.#depth;
    const savepoint = `emulator_${depth}`;
    this.#db.exec(depth === 0 ? "BEGIN" : `SAVEPOINT ${savepoint}`);
    this.#depth++;
    try {
      const result = body();
      // An async body would commit at its first `await`, before its writes.
      if (typeof (result as { then?: unknown } | undefined)?.then === "function") {
        throw new TypeError("A transaction's body must be synchronous (it returned a promise)");
      }
      this.#db.exec(depth === 0 ? "COMMIT" : `RELEASE ${savepoint}`);
      return result;
    } catch (error) {
      this.#undo(depth === 0 ? "ROLLBACK" : `ROLLBACK TO ${savepoint}; RELEASE ${savepoint}`);
      throw error;
    } finally {
      this.#depth--;
    }
  }

  #undo(sql: string): void {
    try {
      this.#db.exec(sql);
    } catch {
      // SQLite already rolled the whole transaction back itself (disk full, say): nothing is left to
      // undo, and the error worth reporting is the one that got us here.
    }
  }

  /** Closes the connection; closing again does nothing. */
  close(): void {
    if (!this.#open) return;
    this.#open = false;
    this.#statements.clear();
    this.#db.close();
  }
}
