import { describe, expect, it } from "vitest";
import { polarEnv } from "./config";

// A stand-in for Deno's process.env under `--allow-env=<names>`: listing it or reading any other
// name throws, as Deno's NotCapable does.
function guardedEnv(allowed: Record<string, string>): object {
  return new Proxy(allowed, {
    get: (target, name) => {
      if (typeof name === "string" && name in target) return target[name];
      throw new Error(`NotCapable: Requires env access to "${String(name)}"`);
    },
    ownKeys: () => {
      throw new Error("NotCapable: Requires env access");
    },
  });
}

describe("polarEnv", () => {
  it("reads only the documented names, so a guarded environment never throws", () => {
    const env = guardedEnv({ POLAR_ACCESS_TOKEN: "polar_oat_1", POLAR_API_URL: "http://127.0.0.1:8787" });
    expect(polarEnv(env)).toEqual({ POLAR_ACCESS_TOKEN: "polar_oat_1", POLAR_API_URL: "http://127.0.0.1:8787" });
  });

  it("lets later sources win, ignores blank values and bindings that are not text", () => {
    const processEnv = { POLAR_ACCESS_TOKEN: "from-process", POLAR_SERVER: "sandbox", HOME: "/root" };
    const bindings = { POLAR_ACCESS_TOKEN: "from-bindings", POLAR_SERVER: "  ", POLAR_WEBHOOK_SECRET: { kv: true } };
    expect(polarEnv(processEnv, undefined, bindings)).toEqual({
      POLAR_ACCESS_TOKEN: "from-bindings",
      POLAR_SERVER: "sandbox",
    });
  });
});
