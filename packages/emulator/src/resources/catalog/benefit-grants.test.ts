import type { PolarApiError } from "@polar-kit/core";
import { describe, expect, it } from "vitest";
import { call, useEmulator } from "../../../test/harness";
import { build } from "../../defaults";
import { uuid } from "../../ids";
import type { Doc } from "../../store";
import { secondOrganization } from "./test-support";

const { emu, polar } = await useEmulator();
const other = secondOrganization(emu);
const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => expect.fail("expected a failure"),
    (e) => e as PolarApiError,
  );

// Grants belong to the commerce area; these tests store them the way it does (kind `benefit_grant`,
// in the API's `BenefitGrant` shape) and check that the catalog lists them.
function storeCustomer(organizationId: string, externalId: string | null): Doc {
  const now = emu.state.clock.iso();
  const customer = build("CustomerIndividual", now, {
    id: uuid(),
    created_at: now,
    email: `${externalId ?? "anon"}@example.com`,
    external_id: externalId,
    organization_id: organizationId,
    metadata: {},
  }) as Doc;
  return emu.state.store.insert("customer", customer);
}

function storeGrant(benefit: Doc, customer: Doc, granted: boolean, minutesAgo: number): Doc {
  const at = emu.state.clock.iso(-minutesAgo * 60_000);
  const grant = build("BenefitGrant", at, {
    id: uuid(),
    created_at: at,
    modified_at: null,
    granted_at: granted ? at : null,
    is_granted: granted,
    revoked_at: granted ? null : at,
    is_revoked: !granted,
    subscription_id: null,
    order_id: uuid(),
    customer_id: customer.id,
    member_id: null,
    benefit_id: benefit.id,
    error: null,
    customer,
    member: null,
    benefit,
    properties: {},
  }) as Doc;
  return emu.state.store.insert("benefit_grant", grant);
}

const perk = (await polar.benefits.create({ type: "custom", description: "Granted perk", properties: {} })) as Doc;
const flag = (await polar.benefits.create({
  type: "feature_flag",
  description: "Granted flag",
  properties: {},
})) as Doc;
const alice = storeCustomer(emu.organizationId, "alice");
const bob = storeCustomer(emu.organizationId, "bob");
const aliceGrant = storeGrant(perk, alice, true, 30);
const bobRevoked = storeGrant(perk, bob, false, 20);
const aliceFlag = storeGrant(flag, alice, true, 10);
// Another organization's grant, which must never show.
const theirBenefit = (await other.polar.benefits.create({
  type: "custom",
  description: "Their perk",
  properties: {},
})) as Doc;
storeGrant(theirBenefit, storeCustomer(other.organizationId, "carol"), true, 5);

describe("benefits:grants", () => {
  it("lists the grants of one benefit, newest first, with filters", async () => {
    const ids = async (query: Record<string, unknown> = {}) =>
      (await polar.benefits.grants(perk.id as string, query as never)).items.map((g) => g.id);
    expect(await ids()).toEqual([bobRevoked.id, aliceGrant.id]);
    expect(await ids({ is_granted: true })).toEqual([aliceGrant.id]);
    expect(await ids({ is_granted: false })).toEqual([bobRevoked.id]);
    expect(await ids({ customer_id: alice.id })).toEqual([aliceGrant.id]);
    expect(await ids({ member_id: uuid() })).toEqual([]);
  });

  it("shows the benefit as it is now", async () => {
    await polar.benefits.update(perk.id as string, { type: "custom", description: "Renamed perk" });
    const [grant] = (await polar.benefits.grants(perk.id as string, { customer_id: alice.id as string })).items;
    expect(grant?.benefit).toMatchObject({ id: perk.id, description: "Renamed perk" });
  });

  it("answers 404 for unknown or foreign benefits and 422 for bad filters", async () => {
    expect((await failure(polar.benefits.grants(uuid()))).status).toBe(404);
    expect((await failure(polar.benefits.grants(theirBenefit.id as string))).status).toBe(404);
    expect((await call(emu, "GET", `/v1/benefits/${perk.id}/grants?is_granted=perhaps`)).status).toBe(422);
    expect((await call(emu, "GET", `/v1/benefits/${perk.id}/grants?customer_id=1%27%20OR%201=1`)).status).toBe(422);
  });
});

describe("benefit-grants:list", () => {
  it("lists every grant of the organization with filters and sorting", async () => {
    const ids = async (query: Record<string, unknown> = {}) =>
      (await polar.benefitGrants.list(query as never)).items.map((g) => g.id);
    expect(await ids()).toEqual([aliceFlag.id, bobRevoked.id, aliceGrant.id]);
    expect(await ids({ sorting: ["created_at"] })).toEqual([aliceGrant.id, bobRevoked.id, aliceFlag.id]);
    expect(await ids({ is_granted: false })).toEqual([bobRevoked.id]);
    expect(await ids({ customer_id: alice.id })).toEqual([aliceFlag.id, aliceGrant.id]);
    expect(await ids({ external_customer_id: "bob" })).toEqual([bobRevoked.id]);
    expect(await ids({ organization_id: other.organizationId })).toEqual([]);
    const page = await polar.benefitGrants.list({ limit: 2, page: 2 });
    expect(page.pagination).toEqual({ total_count: 3, max_page: 2 });
    expect((await call(emu, "GET", "/v1/benefit-grants/?sorting=benefit")).status).toBe(422);
  });

  it("keeps grants of a deleted benefit, showing it deleted", async () => {
    await polar.benefits.delete(flag.id as string);
    const grant = (await polar.benefitGrants.list({ customer_id: alice.id as string })).items.find(
      (g) => g.id === aliceFlag.id,
    );
    expect(grant?.benefit).toMatchObject({ id: flag.id, is_deleted: true });
  });

  it("shows another organization only its own grants", async () => {
    const theirs = await other.polar.benefitGrants.list({ limit: 100 });
    expect(theirs.items.map((g) => g.customer.external_id)).toEqual(["carol"]);
  });
});
