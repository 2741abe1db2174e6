// SQLite for the example store on Node's built-in `node:sqlite` (no native module to build):
// statements typed by their parameters and rows, named parameters read from an object, rows as
// plain objects, and transactions.
import type { DatabaseSync, SQLInputValue, StatementSync } from "node:sqlite";

// Node 22 refuses to bind `undefined`; an absent optional field is NULL in a row.
const bindable = (value: unknown): SQLInputValue => (value ?? null) as SQLInputValue;

/**
 * A prepared statement. Positional (`?`) parameters are passed as arguments; with `@name`
 * parameters, one object is passed and only the fields the SQL names are bound (`node:sqlite`
 * would refuse any other field).
 */
export class Statement<Params extends unknown[], Row = never> {
  readonly #statement: StatementSync;
  readonly #names: string[];

  constructor(db: DatabaseSync, sql: string) {
    this.#statement = db.prepare(sql);
    // The SQL here has no `@` other than in parameter names.
    this.#names = [...new Set(Array.from(sql.matchAll(/@(\w+)/g), (match) => match[1] as string))];
  }

  run(...params: Params): void {
    this.#call("run", params);
  }

  get(...params: Params): Row | undefined {
    const row = this.#call("get", params);
    return row && ({ ...row } as Row);
  }

  /** The rows, as plain objects (`node:sqlite` makes them without a prototype, which React refuses to serialize). */
  all(...params: Params): Row[] {
    return this.#call("all", params).map((row) => ({ ...row }) as Row);
  }

  #call<Method extends "run" | "get" | "all">(method: Method, params: unknown[]): ReturnType<StatementSync[Method]> {
    const call = this.#statement[method].bind(this.#statement) as (
      ...args: [Record<string, SQLInputValue>] | SQLInputValue[]
    ) => ReturnType<StatementSync[Method]>;
    if (!this.#names.length) return call(...params.map(bindable));
    const fields = params[0] as Record<string, unknown>;
    return call(Object.fromEntries(this.#names.map((name) => [name, bindable(fields[name])])));
  }
}

/** Runs `body` in a transaction: committed when it returns, rolled back when it throws. */
export function transaction<T>(db: DatabaseSync, body: () => T): T {
  db.exec("BEGIN");
  try {
    const result = body();
    db.exec("COMMIT");
    return result;
  } catch (error) {
    db.exec("ROLLBACK");
    throw error;
  }
}
