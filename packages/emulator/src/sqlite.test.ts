import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { Database } from "./sqlite";

let db: Database;
const count = () => (db.prepare("SELECT COUNT(*) AS n FROM t").get() as { n: number }).n;
const insert = (n: number) => db.prepare("INSERT INTO t (n) VALUES (?)").run(n);

beforeEach(() => {
  db = new Database(":memory:");
  db.exec("CREATE TABLE t (n INTEGER, b BLOB, s TEXT)");
});
afterEach(() => db.close());

describe("transactions", () => {
  it("commits what the body wrote and returns what it returned", () => {
    expect(db.transaction(() => insert(1).changes)).toBe(1);
    expect(count()).toBe(1);
  });

  it("rolls back when the body throws, and rethrows its error", () => {
    const failure = new Error("no");
    expect(() =>
      db.transaction(() => {
        insert(1);
        throw failure;
      }),
    ).toThrow(failure);
    expect(count()).toBe(0);
  });

  it("undoes only a nested transaction's writes when it throws and the outer one goes on", () => {
    db.transaction(() => {
      insert(1);
      expect(() =>
        db.transaction(() => {
          insert(2);
          throw new Error("inner");
        }),
      ).toThrow("inner");
      insert(3);
    });
    expect(db.prepare("SELECT n FROM t ORDER BY n").all()).toEqual([{ n: 1 }, { n: 3 }]);
  });

  it("rolls back a nested transaction that committed when the outer one throws", () => {
    expect(() =>
      db.transaction(() => {
        db.transaction(() => insert(1));
        throw new Error("outer");
      }),
    ).toThrow("outer");
    expect(count()).toBe(0);
  });

  it("refuses an async body, and keeps none of its writes", () => {
    expect(() =>
      db.transaction(async () => {
        insert(1);
      }),
    ).toThrow(/synchronous/);
    expect(count()).toBe(0);
  });

  it("starts a new transaction after one failed (nothing is left open)", () => {
    expect(() => db.transaction(() => db.exec("INSERT INTO nowhere VALUES (1)"))).toThrow(/nowhere/);
    db.transaction(() => insert(1));
    expect(count()).toBe(1);
  });
});

describe("statements", () => {
  it("prepares one SQL text once", () => {
    const sql = "SELECT n FROM t";
    expect(db.prepare(sql)).toBe(db.prepare(sql));
    expect(db.prepare(sql)).not.toBe(db.prepare(`${sql} WHERE n > 0`));
  });

  it("keeps working once more SQL texts were used than it keeps prepared", () => {
    for (let i = 0; i < 600; i++) expect(db.prepare(`SELECT ${i} AS i`).get()).toEqual({ i });
    expect(db.prepare("SELECT 0 AS i").get()).toEqual({ i: 0 });
  });

  it("fills @name parameters from an object's fields, leaving out the others; a missing field is NULL", () => {
    const insertNamed = db.prepare("INSERT INTO t (n, s) VALUES (@n, @s)");
    insertNamed.run({ n: 1, s: "one", unrelated: "ignored" });
    insertNamed.run({ n: 2 });
    expect(db.prepare("SELECT n, s FROM t ORDER BY n").all()).toEqual([
      { n: 1, s: "one" },
      { n: 2, s: null },
    ]);
  });

  it("binds undefined as NULL", () => {
    db.prepare("INSERT INTO t (n, s) VALUES (?, ?)").run(1, undefined);
    expect(db.prepare("SELECT s FROM t").get()).toEqual({ s: null });
  });

  it("reads integers as numbers, and one beyond 2^53 as the nearest number", () => {
    insert(42);
    db.exec("INSERT INTO t (n) VALUES (9007199254740993)");
    expect(db.prepare("SELECT n FROM t ORDER BY n").all()).toEqual([{ n: 42 }, { n: 9007199254740992 }]);
    expect(db.prepare("SELECT MAX(n) AS n FROM t").get()).toEqual({ n: 9007199254740992 });
    // The statement reads small integers as numbers again afterwards.
    expect(db.prepare("SELECT MIN(n) AS n FROM t").get()).toEqual({ n: 42 });
    expect(db.prepare("SELECT MAX(n) AS n FROM t").get()).toEqual({ n: 9007199254740992 });
  });

  it("reports changes and the last rowid as numbers", () => {
    insert(1);
    expect(insert(2)).toEqual({ changes: 1, lastInsertRowid: 2 });
    expect(db.prepare("UPDATE t SET n = n + 1").run()).toEqual({ changes: 2, lastInsertRowid: 2 });
  });

  it("returns BLOBs as bytes, and undefined for no row", () => {
    db.prepare("INSERT INTO t (b) VALUES (?)").run(Buffer.from("bytes"));
    const { b } = db.prepare("SELECT b FROM t").get() as { b: Uint8Array };
    expect(b).toBeInstanceOf(Uint8Array);
    expect(Buffer.from(b).toString()).toBe("bytes");
    expect(db.prepare("SELECT b FROM t WHERE n = 99").get()).toBeUndefined();
  });
});

describe("closing", () => {
  it("says whether the connection is open; closing twice is harmless", () => {
    const other = new Database(":memory:");
    expect(other.open).toBe(true);
    other.close();
    other.close();
    expect(other.open).toBe(false);
  });
});
