import type { Hono } from "hono";
import { saveToken } from "../../auth";
import { allScopes } from "../../bootstrap";
import type { EmulatorState } from "../../context";
import { secret } from "../../ids";
import { defaultOrganizationId, emulatorUser } from "../oauth/subjects";
import { issue, readObject, unprocessable } from "./emulator-input";

const MAX_LIFETIME_S = 10 * 365 * 24 * 3600;

/**
 * `POST /__emulator/tokens {scopes?, expires_in_seconds?, kind?}`: a new organization access token
 * (`polar_oat_…`) for the emulator's organization, with only the scopes asked for, the way the
 * dashboard issues them. Tests use it to check scope enforcement. `kind: "personal"` issues a
 * personal access token (`polar_pat_…`) of the emulator's user instead, for the operations only a
 * user may call (`organizations:create`).
 */
export function tokenRoutes(app: Hono, state: EmulatorState): void {
  app.post("/__emulator/tokens", async (c) => {
    const body = await readObject(c);
    if (Array.isArray(body)) return unprocessable(c, body);
    const known = allScopes();
    const scopes = body.scopes ?? known;
    if (!Array.isArray(scopes) || !scopes.every((scope) => typeof scope === "string" && known.includes(scope))) {
      return unprocessable(c, [issue("scopes", `Input should be a list of scopes among: ${known.join(" ")}`, "enum")]);
    }
    const lifetime = body.expires_in_seconds;
    if (
      lifetime !== undefined &&
      (!Number.isInteger(lifetime) || (lifetime as number) < 1 || (lifetime as number) > MAX_LIFETIME_S)
    ) {
      return unprocessable(c, [
        issue("expires_in_seconds", "Input should be a whole number of seconds, at least 1", "int", lifetime),
      ]);
    }
    const kind = body.kind ?? "organization";
    if (kind !== "organization" && kind !== "personal") {
      return unprocessable(c, [issue("kind", "Input should be 'organization' or 'personal'", "enum", kind)]);
    }
    const organizationId = defaultOrganizationId(state);
    const expiresAt =
      lifetime === undefined ? null : new Date(state.clock.now().getTime() + (lifetime as number) * 1000).toISOString();
    const personal = kind === "personal";
    const token = secret(personal ? "polar_pat_" : "polar_oat_");
    saveToken(state.db, {
      token,
      subject: personal ? "User" : "Organization",
      subject_id: personal ? emulatorUser(state).id : organizationId,
      organization_id: organizationId,
      scopes: (scopes as string[]).join(" "),
      expires_at: expiresAt,
    });
    return c.json({ token, kind, organization_id: organizationId, scopes, expires_at: expiresAt }, 201);
  });
}
