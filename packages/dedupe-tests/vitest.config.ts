import { defineProject } from "vitest/config";

export default defineProject({
  test: {
    name: "dedupe-tests",
    include: ["test/**/*.test.ts"],
    // Each test starts processes and waits out retries and leases; outcomes are asserted, never times.
    testTimeout: 60_000,
    hookTimeout: 30_000,
  },
});
