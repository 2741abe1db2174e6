import type { EmulatorState } from "../../context";
import type { Issue } from "../../validate";
import { meterOf } from "./prices";
import { KIND } from "./shared";

type Properties = Record<string, unknown>;

// Benefits whose visibility in the customer portal the merchant chooses; the others are always public.
const VISIBILITY_CONFIGURABLE = new Set(["custom", "license_keys", "meter_credit", "feature_flag"]);
// Feature flags are for the merchant's code, so they stay out of the portal unless asked.
const PRIVATE_BY_DEFAULT = new Set(["feature_flag"]);

export const isVisibilityConfigurable = (type: string) => VISIBILITY_CONFIGURABLE.has(type);

/** The visibility a benefit ends up with, as the API resolves it from the type and the request. */
export function resolveVisibility(type: string, requested: unknown): string {
  if (!VISIBILITY_CONFIGURABLE.has(type)) return "public";
  if (typeof requested === "string") return requested;
  return PRIVATE_BY_DEFAULT.has(type) ? "private" : "public";
}

const issueAt = (path: (string | number)[], msg: string, input: unknown): Issue => ({
  loc: ["body", "properties", ...path],
  msg,
  type: "value_error",
  input,
});

/**
 * The guild a Discord benefit targets. The API's `guild_token` is a signed token from its Discord
 * bot flow that carries the guild id; the emulator reads `guild_id` from a JWT-shaped token and
 * otherwise takes the token itself as the guild id.
 */
function guildIdOf(token: string): string {
  const payload = token.split(".")[1];
  if (payload) {
    try {
      const claims = JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as { guild_id?: unknown };
      if (typeof claims.guild_id === "string") return claims.guild_id;
    } catch {}
  }
  return token;
}

/**
 * The stored `properties` of a benefit from the create/update input, with the checks the API's
 * benefit strategies make (files and meters must be the organization's). Integrations the
 * emulator cannot reach (Discord, GitHub, Slack) are accepted as given.
 */
export function benefitProperties(
  state: EmulatorState,
  organizationId: string,
  type: string,
  input: Properties,
): { properties: Properties; issues: Issue[] } {
  switch (type) {
    case "custom":
      return { properties: { note: input.note ?? null }, issues: [] };
    case "discord":
      return {
        properties: {
          guild_id: guildIdOf(String(input.guild_token)),
          role_id: input.role_id,
          kick_member: input.kick_member,
          guild_token: input.guild_token,
        },
        issues: [],
      };
    case "github_repository":
      return {
        properties: {
          repository_owner: input.repository_owner,
          repository_name: input.repository_name,
          permission: input.permission,
        },
        issues: [],
      };
    case "downloadables": {
      const files = input.files as string[];
      const issues = files.flatMap((fileId, index) => {
        const file = state.store.find(KIND.file, fileId);
        return file && file.organization_id === organizationId && file.service === "downloadable"
          ? []
          : [issueAt(["files", index], "File not found.", fileId)];
      });
      return { properties: { archived: input.archived ?? {}, files }, issues };
    }
    case "license_keys":
      return {
        properties: {
          prefix: input.prefix ?? null,
          expires: input.expires ?? null,
          activations: input.activations ?? null,
          limit_usage: input.limit_usage ?? null,
        },
        issues: [],
      };
    case "meter_credit": {
      const meterId = input.meter_id as string;
      const issues = meterOf(state, organizationId, meterId)
        ? []
        : [issueAt(["meter_id"], "Meter does not exist.", meterId)];
      return { properties: { units: input.units, rollover: input.rollover, meter_id: meterId }, issues };
    }
    case "feature_flag":
      return { properties: {}, issues: [] };
    case "slack_shared_channel":
      return {
        properties: {
          slack_integration_id: input.slack_integration_id,
          channel_name_template: input.channel_name_template,
          private: input.private ?? true,
          welcome_message: input.welcome_message ?? null,
          archive_on_revoke: input.archive_on_revoke ?? true,
          team_invitees: input.team_invitees ?? [],
        },
        issues: [],
      };
    default:
      return { properties: input, issues: [] };
  }
}
