// Who can grant access on the emulator: its one user (a stand-in for the dashboard user), who
// may approve for any organization of the emulator.
import type { Credentials } from "../../bootstrap";
import type { EmulatorState } from "../../context";
import { uuid } from "../../ids";
import type { Doc } from "../../store";
import { ORGANIZATION } from "../organizations";

export interface EmulatorUser {
  id: string;
  email: string;
  name: string;
}

type Organization = Doc & { name: string; slug: string; avatar_url: string | null };

/** The emulator's user, created once per database. */
export function emulatorUser(state: EmulatorState): EmulatorUser {
  const saved = state.db.prepare("SELECT value FROM settings WHERE key = 'oauth_user'").get() as
    | { value: string }
    | undefined;
  if (saved) return JSON.parse(saved.value) as EmulatorUser;
  const user = { id: uuid(), email: "owner@acme.example", name: "Emulator Owner" };
  state.db.prepare("INSERT INTO settings (key, value) VALUES ('oauth_user', ?)").run(JSON.stringify(user));
  return user;
}

/** The emulator's own organization (the one its access token acts for). */
export function defaultOrganizationId(state: EmulatorState): string {
  const saved = state.db.prepare("SELECT value FROM settings WHERE key = 'credentials'").get() as { value: string };
  return (JSON.parse(saved.value) as Credentials).organizationId;
}

/** Every organization the user may approve for, the emulator's own first. */
export function grantableOrganizations(state: EmulatorState): Organization[] {
  const own = defaultOrganizationId(state);
  const all = state.store.all<Organization>(ORGANIZATION);
  return [...all.filter((o) => o.id === own), ...all.filter((o) => o.id !== own)];
}

export function findOrganization(state: EmulatorState, id: string): Organization | undefined {
  return state.store.find<Organization>(ORGANIZATION, id);
}
