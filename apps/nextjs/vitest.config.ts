import { defineProject } from "vitest/config";

// The store's end-to-end test: a real browser, the emulator and the built app, so generous timeouts.
export default defineProject({
  test: {
    name: "example-nextjs",
    include: ["**/*.spec.ts"],
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
