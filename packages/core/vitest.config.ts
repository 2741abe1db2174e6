import { defineProject } from "vitest/config";

export default defineProject({
  test: {
    name: "core",
    // CI runs every package's tests at once on two cores: allow for a slow machine.
    testTimeout: 30_000,
    include: ["src/**/*.test.ts", "test/**/*.test.ts"],
    typecheck: { enabled: true, include: ["src/**/*.test-d.ts", "test/**/*.test-d.ts"] },
  },
});
