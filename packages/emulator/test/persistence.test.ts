import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, expect, it } from "vitest";
import { startEmulator } from "../src/server";
import { call, useEmulator } from "./harness";

const dir = await mkdtemp(join(tmpdir(), "polar-kit-emulator-"));
afterAll(() => rm(dir, { recursive: true, force: true }));

it("keeps its advanced clock, organization and token in the --db file", async () => {
  const file = join(dir, "state.db");
  const first = await startEmulator({ port: 0, db: file });
  first.advanceClock(48 * 60 * 60 * 1000);
  const { accessToken, organizationId } = first;
  await first.close();

  const second = await startEmulator({ port: 0, db: file });
  try {
    expect(second.accessToken).toBe(accessToken);
    expect(second.organizationId).toBe(organizationId);
    const ahead = second.state.clock.now().getTime() - Date.now();
    expect(ahead).toBeGreaterThan(47 * 60 * 60 * 1000);
  } finally {
    await second.close();
  }
});

it("injects faults on the hosted pages too", async () => {
  const { emu } = await useEmulator();
  const armed = await fetch(`${emu.url}/__emulator/faults`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ path: "/checkout/*", method: "GET", count: 1, kind: "503" }),
  });
  expect(armed.status).toBeLessThan(300);
  expect((await call(emu, "GET", "/checkout/polar_c_anything", { token: null })).status).toBe(503);
  expect((await call(emu, "GET", "/checkout/polar_c_anything", { token: null })).status).not.toBe(503);
});
