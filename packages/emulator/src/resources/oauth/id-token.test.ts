import { expect, it } from "vitest";
import { useEmulator } from "../../../test/harness";
import { readSetting } from "../../db";
import { jwks } from "./id-token";

const { emu } = await useEmulator();

it("publishes the stored signing key, even after one was made in a transaction that rolled back", async () => {
  const { state } = emu;
  expect(() =>
    state.db.transaction(() => {
      jwks(state);
      throw new Error("rolled back");
    }),
  ).toThrow("rolled back");
  const published = (await (await fetch(`${emu.url}/.well-known/jwks.json`)).json()) as { keys: { kid: string }[] };
  expect(published.keys[0]?.kid).toBe(readSetting<{ kid: string }>(state.db, "oauth_signing_key")?.kid);
});
