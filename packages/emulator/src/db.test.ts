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
