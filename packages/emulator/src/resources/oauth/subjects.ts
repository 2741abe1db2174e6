// Who can grant access on the emulator: its one user (a stand-in for the dashboard user), who
// may approve for any organization of the emulator.
import { CREDENTIALS, type Credentials } from "../../bootstrap";
import type { EmulatorState } from "../../context";
import { readSetting, writeSetting } from "../../db";
import { uuid } from "../../ids";
import type { Doc } from "../../store";
import { ORGANIZATION } from "../organizations";

export interface EmulatorUser {
  id: string;
  email: string;
  name: string;
}

export type Organization = Doc & { name: string; slug: string; avatar_url: string | null };

/** The emulator's user, created once per database. */
export function emulatorUser(state: EmulatorState): EmulatorUser {
  const saved = readSetting<EmulatorUser>(state.db, "oauth_user");
  if (saved) return saved;
  const user = { id: uuid(), email: "owner@acme.example", name: "Emulator Owner" };
  writeSetting(state.db, "oauth_user", user);
  return user;
}

/** The emulator's own organization (the one its access token acts for). */
export function defaultOrganizationId(state: EmulatorState): string {
  return (readSetting<Credentials>(state.db, CREDENTIALS) as Credentials).organizationId;
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
