import { describe, expect, it, vi } from "vitest";
import { withoutSqliteWarning } from "./sqlite-warning";

// Node 22's wording (lib/internal/util.js emitExperimentalWarning, called by lib/sqlite.js).
const SQLITE = "SQLite is an experimental feature and might change at any time";

describe("withoutSqliteWarning", () => {
  it("drops node:sqlite's experimental warning, however it is emitted", () => {
    const emit = vi.fn();
    const filtered = withoutSqliteWarning(emit);
    filtered(SQLITE, "ExperimentalWarning");
    filtered(SQLITE, { type: "ExperimentalWarning" });
    filtered(Object.assign(new Error(SQLITE), { name: "ExperimentalWarning" }));
    expect(emit).not.toHaveBeenCalled();
  });

  it("passes every other warning on unchanged, other experimental ones included", () => {
    const emit = vi.fn();
    const filtered = withoutSqliteWarning(emit);
    const deprecation = Object.assign(new Error("Buffer() is deprecated"), { name: "DeprecationWarning" });
    filtered("WASI is an experimental feature and might change at any time", "ExperimentalWarning");
    filtered(SQLITE, "Warning");
    filtered("Something else", { type: "Warning", code: "X1" });
    filtered(deprecation);
    expect(emit.mock.calls).toEqual([
      ["WASI is an experimental feature and might change at any time", "ExperimentalWarning"],
      [SQLITE, "Warning"],
      ["Something else", { type: "Warning", code: "X1" }],
      [deprecation],
    ]);
  });
});
