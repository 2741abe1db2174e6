import { defineConfig } from "vitest/config";

// Runs every package's tests from the root: `pnpm vitest run`.
export default defineConfig({
  test: {
    projects: ["packages/*"],
  },
});
