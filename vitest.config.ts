import { defineConfig } from "vitest/config";

// Runs every package's and example app's tests from the root: `pnpm vitest run`.
export default defineConfig({
  test: {
    projects: ["packages/*", "apps/*"],
  },
});
