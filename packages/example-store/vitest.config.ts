import { defineProject } from "vitest/config";

export default defineProject({
  test: { name: "example-store", include: ["src/**/*.test.ts"] },
});
