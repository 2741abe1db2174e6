// License keys (issued by `license_keys` benefit grants in commerce/grants.ts): admin list, get and
// update, and validate / activate / deactivate, with an organization token or publicly through the
// customer portal routes (`organization_id` in the body).
import type { Subject } from "../../auth";
import { organizationOf } from "../../auth";
import type { EmulatorState, OperationHandlers } from "../../context";
import { Reply } from "../../context";
import { notFound, notPermitted, polarError } from "../../errors";
import { uuid } from "../../ids";
import { matches, paginate, sortBy } from "../../pagination";
import type { Doc } from "../../store";
import { KIND, owned, sent } from "../commerce/shared";

const ACTIVATION = "license_key_activation";

type Meta = Record<string, string | number | boolean>;

type LicenseKey = Doc & {
  organization_id: string;
  customer_id: string;
  benefit_id: string;
  key: string;
  status: "granted" | "revoked" | "disabled";
  usage: number;
  limit_usage: number | null;
  limit_activations: number | null;
  validations: number;
  last_validated_at: string | null;
  expires_at: string | null;
};

/** An activation as stored: the API's fields plus its conditions and soft deletion. */
type Activation = Doc & {
  license_key_id: string;
  label: string;
  meta: Meta;
  conditions: Meta;
  created_at: string;
  modified_at: string | null;
  deleted_at: string | null;
};

/** `LicenseKeyActivationBase`: what the API shows of an activation. */
const activationOut = ({ id, license_key_id, label, meta, created_at, modified_at }: Activation) => ({
  id,
  license_key_id,
  label,
  meta,
  created_at,
  modified_at,
});

/** A key's current activations in the API's `LicenseKeyActivationBase` shape (for the portal's get too). */
export const activationsOf = (state: EmulatorState, key: { id: string; organization_id: string }) =>
  liveActivations(state, key).map(activationOut);

function liveActivations(state: EmulatorState, key: { id: string; organization_id: string }) {
  return state.store
    .all<Activation>(ACTIVATION, { organizationId: key.organization_id })
    .filter((a) => a.license_key_id === key.id && !a.deleted_at);
}

const withActivations = (state: EmulatorState, key: LicenseKey) => ({
  ...key,
  activations: activationsOf(state, key),
});

/**
 * The organization a validate/activate/deactivate call acts for: the body's, which an organization
 * token must match (another organization's keys are not found).
 */
function organizationFor(subject: Subject, body: { organization_id: string }): string {
  if (subject.type !== "Anonymous" && subject.organizationId !== body.organization_id) throw notFound();
  return body.organization_id;
}

/** The key by (organization, key), or the API's 404. */
function byKey(state: EmulatorState, organizationId: string, key: string): LicenseKey {
  const found = state.store
    .all<LicenseKey>(KIND.licenseKey, { organizationId })
    .find((candidate) => candidate.key === key);
  if (!found) throw notFound("License key not found.");
  return found;
}

const expired = (state: EmulatorState, key: LicenseKey) =>
  key.expires_at !== null && new Date(key.expires_at).getTime() < state.clock.now().getTime();

const sameConditions = (a: Meta, b: Meta | null | undefined) => {
  const x = Object.entries(a);
  const y = b ?? {};
  return x.length === Object.keys(y).length && x.every(([k, v]) => y[k] === v);
};

interface ValidateBody {
  key: string;
  organization_id: string;
  activation_id?: string | null;
  benefit_id?: string | null;
  customer_id?: string | null;
  increment_usage?: number | null;
  conditions?: Meta | null;
}

function validate(state: EmulatorState, subject: Subject, body: ValidateBody) {
  const key = byKey(state, organizationFor(subject, body), body.key);
  if (key.status !== "granted") throw notFound("License key is no longer active.");
  if (expired(state, key)) throw notFound("License key has expired.");
  let activation: Activation | undefined;
  if (body.activation_id) {
    activation = state.store.find<Activation>(ACTIVATION, body.activation_id);
    if (!activation || activation.license_key_id !== key.id || activation.deleted_at) {
      throw notFound("License key activation not found.");
    }
    if (Object.keys(activation.conditions).length && !sameConditions(activation.conditions, body.conditions)) {
      throw notFound("License key does not match the required conditions.");
    }
  }
  if (body.benefit_id && body.benefit_id !== key.benefit_id) {
    throw notFound("License key does not match the given benefit.");
  }
  if (body.customer_id && body.customer_id !== key.customer_id) {
    throw notFound("License key does not match given user.");
  }
  const increment = body.increment_usage ?? 0;
  if (increment && key.limit_usage !== null) {
    const remaining = key.limit_usage - key.usage;
    if (increment > remaining) throw polarError(400, "BadRequest", `License key only has ${remaining} more usages.`);
  }
  const now = state.clock.iso();
  const updated = state.store.put(KIND.licenseKey, {
    ...key,
    usage: key.usage + increment,
    validations: key.validations + 1,
    last_validated_at: now,
  });
  return { ...updated, activation: activation ? activationOut(activation) : null };
}

interface ActivateBody {
  key: string;
  organization_id: string;
  label: string;
  conditions?: Meta;
  meta?: Meta;
}

function activate(state: EmulatorState, subject: Subject, body: ActivateBody) {
  const key = byKey(state, organizationFor(subject, body), body.key);
  if (key.status !== "granted") throw notPermitted("License key is no longer active.");
  if (expired(state, key)) throw notPermitted("License key has expired.");
  if (!key.limit_activations) {
    throw notPermitted(
      "This license key does not support activations. Use the /validate endpoint instead to check license validity.",
    );
  }
  if (liveActivations(state, key).length >= key.limit_activations) {
    throw notPermitted("License key activation limit already reached");
  }
  const now = state.clock.iso();
  const activation = state.store.insert<Activation>(
    ACTIVATION,
    {
      id: uuid(),
      license_key_id: key.id,
      label: body.label,
      meta: { ...(body.meta ?? {}) },
      conditions: { ...(body.conditions ?? {}) },
      created_at: now,
      modified_at: null,
      deleted_at: null,
    },
    { organizationId: key.organization_id, customerId: key.customer_id },
  );
  return { ...activationOut(activation), license_key: key };
}

function deactivate(
  state: EmulatorState,
  subject: Subject,
  body: { key: string; organization_id: string; activation_id: string },
) {
  const key = byKey(state, organizationFor(subject, body), body.key);
  const activation = state.store.find<Activation>(ACTIVATION, body.activation_id);
  if (!activation || activation.license_key_id !== key.id || activation.deleted_at) {
    throw notFound("License key activation not found.");
  }
  const now = state.clock.iso();
  state.store.put(ACTIVATION, { ...activation, deleted_at: now, modified_at: now });
  return new Reply(204);
}

export const licenseKeyHandlers: OperationHandlers = {
  "license_keys:list": ({ state, subject, query }) => {
    const organizationId = organizationOf(subject);
    const keys = state.store
      .all<LicenseKey>(KIND.licenseKey, { organizationId })
      .filter(
        (key) =>
          matches(query.organization_id, key.organization_id) &&
          matches(query.benefit_id, key.benefit_id) &&
          matches(query.status, key.status),
      );
    return paginate(sortBy(keys, [], ["created_at"]), query);
  },
  "license_keys:get": ({ state, subject, params }) =>
    withActivations(state, owned<LicenseKey>(state, KIND.licenseKey, params.id as string, organizationOf(subject))),
  "license_keys:update": ({ state, subject, params, body }) => {
    const key = owned<LicenseKey>(state, KIND.licenseKey, params.id as string, organizationOf(subject));
    const changes = sent<Record<string, unknown>>(body);
    if (changes.status === null) delete changes.status;
    return state.store.put(KIND.licenseKey, { ...key, ...changes, modified_at: state.clock.iso() });
  },
  "license_keys:get_activation": ({ state, subject, params }) => {
    const key = owned<LicenseKey>(state, KIND.licenseKey, params.id as string, organizationOf(subject));
    const activation = state.store.find<Activation>(ACTIVATION, params.activation_id as string);
    if (!activation || activation.license_key_id !== key.id || activation.deleted_at) throw notFound();
    return { ...activationOut(activation), license_key: key };
  },
  "license_keys:validate": ({ state, subject, body }) => validate(state, subject, body),
  "license_keys:activate": ({ state, subject, body }) => activate(state, subject, body),
  "license_keys:deactivate": ({ state, subject, body }) => deactivate(state, subject, body),
  "customer_portal:license_keys:validate": ({ state, subject, body }) => validate(state, subject, body),
  "customer_portal:license_keys:activate": ({ state, subject, body }) => activate(state, subject, body),
  "customer_portal:license_keys:deactivate": ({ state, subject, body }) => deactivate(state, subject, body),
};
