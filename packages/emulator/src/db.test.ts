import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { openDatabase, readSetting, writeSetting } from "./db";

describe("settings", () => {
  it("reads back what was written, the last write winning", () => {
    const db = openDatabase();
    expect(readSetting(db, "answer")).toBeUndefined();
    writeSetting(db, "answer", { value: 41 });
    writeSetting(db, "answer", { value: 42 });
    expect(readSetting<{ value: number }>(db, "answer")).toEqual({ value: 42 });
    db.close();
  });

  it("reads a number kept as plain text by earlier versions", () => {
    const db = openDatabase();
    db.prepare("INSERT INTO settings (key, value) VALUES ('clock_offset_ms', '86400000')").run();
    expect(readSetting<number>(db, "clock_offset_ms")).toBe(86_400_000);
    db.close();
  });
});

describe("migrations", () => {
  it("opens a file whose tables an earlier version made on first use", () => {
    const dir = mkdtempSync(join(tmpdir(), "polar-kit-emulator-db-"));
    const file = join(dir, "old.db");
    const old = openDatabase(file);
    old
      .prepare(
        "INSERT INTO usage_events (id, organization_id, name, timestamp, source, metadata) VALUES ('e', 'o', 'n', 0, 'user', '{}')",
      )
      .run();
    // What a file written before these tables were migrations looks like: they exist, the version
    // is 3, the later columns are not there yet.
    old.exec("DROP INDEX resources_due; ALTER TABLE resources DROP COLUMN due_at");
    old.exec("PRAGMA user_version = 3");
    old.close();
    const db = openDatabase(file);
    expect(db.prepare("SELECT COUNT(*) AS n FROM usage_events").get()).toEqual({ n: 1 });
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });
});
