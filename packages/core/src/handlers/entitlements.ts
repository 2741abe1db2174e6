import type { Schemas } from "../types";
import type { WebhookEventOf } from "../webhooks";

type GrantEvent = WebhookEventOf<"benefit_grant.created">;
/** A benefit grant as webhooks carry it: a union over benefit types. */
export type BenefitGrantWebhook = Schemas["BenefitGrantWebhook"];
/** Every benefit type, e.g. `"license_keys"`. */
export type BenefitType = BenefitGrantWebhook["benefit"]["type"];
type GrantOf<Type extends BenefitType> = Extract<BenefitGrantWebhook, { benefit: { type: Type } }>;

/** What to do when a customer gains or loses a benefit. */
export interface EntitlementHooks<Grant, Context> {
  /** The benefit was granted (or renewed with its subscription): give access. */
  grant?: (grant: Grant, event: GrantEvent, context: Context) => unknown;
  /** The benefit was revoked: take access away. */
  revoke?: (grant: Grant, event: GrantEvent, context: Context) => unknown;
}

/** Access rules keyed by benefit type and/or benefit id (never by matching descriptions). */
export interface EntitlementRules<Context = Request> {
  byType?: { [Type in BenefitType]?: EntitlementHooks<GrantOf<Type>, Context> };
  byBenefitId?: Record<string, EntitlementHooks<BenefitGrantWebhook, Context>>;
}

const GRANTING = /* @__PURE__ */ new Set(["benefit_grant.created", "benefit_grant.cycled"]);

/**
 * A webhook callback that grants and revokes access from `benefit_grant.*` events, by benefit type
 * and/or benefit id; both matching rules run, the id rule first. Other events are ignored. Use it
 * as `onPayload` (or call it from your own): routes that do not import it do not carry it.
 *
 * @example
 * Webhooks({
 *   onPayload: entitlements({
 *     byType: { license_keys: { grant: (g) => saveKey(g.customer_id, g.properties.display_key) } },
 *     byBenefitId: { "<benefit id>": { grant: (g) => addRole(g.customer_id, "pro"), revoke: (g) => removeRole(g.customer_id, "pro") } },
 *   }),
 * })
 */
export const entitlements =
  <Context = unknown>(rules: EntitlementRules<Context>) =>
  async (event: { type: unknown; data?: unknown }, context: Context): Promise<void> => {
    if (typeof event.type !== "string" || !event.type.startsWith("benefit_grant.")) return;
    const grantEvent = event as GrantEvent;
    // Tolerant of a grant without its benefit: nothing matches it, rather than a failed delivery.
    const grant = grantEvent.data ?? {};
    // An update can go either way; created and cycled grant, revoked revokes.
    const action =
      event.type === "benefit_grant.revoked" || (event.type === "benefit_grant.updated" && grant.is_revoked)
        ? "revoke"
        : GRANTING.has(event.type) || grant.is_granted
          ? "grant"
          : undefined;
    if (!action) return;
    const hooks = [rules.byBenefitId?.[grant.benefit_id], rules.byType?.[grant.benefit?.type]] as (
      | EntitlementHooks<BenefitGrantWebhook, Context>
      | undefined
    )[];
    for (const hook of hooks) await hook?.[action]?.(grant, grantEvent, context);
  };
