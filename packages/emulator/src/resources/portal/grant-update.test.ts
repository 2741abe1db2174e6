import { describe, expect, it } from "vitest";
import { call, useEmulator } from "../../../test/harness";
import { webhookReceiver } from "../commerce/testing";
import { buy, monthly, oneTime, sessionOf } from "./testing";

const { emu, polar } = await useEmulator();
const receiver = await webhookReceiver(emu);

const github = await polar.benefits.create({
  type: "github_repository",
  description: "Repo access",
  properties: { repository_owner: "acme", repository_name: "engine", permission: "pull" },
});
const discord = await polar.benefits.create({
  type: "discord",
  description: "Discord role",
  properties: { guild_token: "guild-token", role_id: "role-1", kick_member: false },
});
const perk = await polar.benefits.create({ type: "custom", description: "Thanks", properties: { note: null } });
const bundle = await oneTime(polar, "Bundle", 2000, [github.id, discord.id, perk.id]);
const plan = await monthly(polar, "Club", 500, [perk.id]);
const cleo = await sessionOf(polar, await buy(polar, bundle.id, "cleo@example.com", "Cleo"));
const dan = await sessionOf(polar, await buy(polar, bundle.id, "dan@example.com", "Dan"));

async function grantOf(token: string, benefitId: string) {
  const res = await call(emu, "GET", `/v1/customer-portal/benefit-grants/?benefit_id=${benefitId}`, { token });
  return res.body.items[0];
}
const patch = (token: string, id: string, body: unknown) =>
  call(emu, "PATCH", `/v1/customer-portal/benefit-grants/${id}`, { token, body });

await receiver.take();

describe("customer portal: benefit grant update", () => {
  it("sets the GitHub account of a grant, and sends benefit_grant.updated with the previous properties", async () => {
    const grant = await grantOf(cleo.token, github.id);
    const res = await patch(cleo.token, grant.id, {
      benefit_type: "github_repository",
      properties: { account_id: "cleo-gh" },
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      id: grant.id,
      properties: { account_id: "cleo-gh", granted_account_id: "cleo-gh" },
      error: null,
    });
    expect((await grantOf(cleo.token, github.id)).properties.account_id).toBe("cleo-gh");
    const events = await receiver.take();
    expect(events.map((e) => e.type)).toEqual(["benefit_grant.updated"]);
    expect(events[0]?.data).toMatchObject({ id: grant.id, previous_properties: {} });
  });

  it("unlinks a Discord account with a null account id", async () => {
    const grant = await grantOf(cleo.token, discord.id);
    await patch(cleo.token, grant.id, { benefit_type: "discord", properties: { account_id: "cleo#1" } });
    const res = await patch(cleo.token, grant.id, { benefit_type: "discord", properties: { account_id: null } });
    expect(res.status).toBe(200);
    expect(res.body.properties.account_id).toBeNull();
    expect(res.body.properties).not.toHaveProperty("granted_account_id");
  });

  it("changes nothing on a benefit type without customer properties", async () => {
    const grant = await grantOf(cleo.token, perk.id);
    await receiver.take();
    const res = await patch(cleo.token, grant.id, { benefit_type: "custom" });
    expect(res.status).toBe(200);
    expect(res.body.modified_at).toBe(grant.modified_at);
    expect(await receiver.take()).toEqual([]);
  });

  it("answers 404 for another customer's grant, the same as for an unknown one", async () => {
    const dans = await grantOf(dan.token, github.id);
    const body = { benefit_type: "github_repository", properties: { account_id: "intruder" } };
    expect((await patch(cleo.token, dans.id, body)).status).toBe(404);
    expect((await patch(cleo.token, "00000000-0000-4000-8000-000000000000", body)).status).toBe(404);
    expect((await grantOf(dan.token, github.id)).properties.account_id).toBeUndefined();
  });

  it("answers 422 naming the field for a type mismatch, a blank account and missing properties", async () => {
    const grant = await grantOf(cleo.token, github.id);
    const mismatch = await patch(cleo.token, grant.id, { benefit_type: "discord", properties: { account_id: "x" } });
    expect(mismatch.status).toBe(422);
    expect(mismatch.body.detail[0]).toMatchObject({
      loc: ["body", "benefit_type"],
      msg: "Benefit type must match the existing granted benefit type.",
    });
    const blank = await patch(cleo.token, grant.id, {
      benefit_type: "github_repository",
      properties: { account_id: "   " },
    });
    expect(blank.status).toBe(422);
    expect(blank.body.detail[0].loc).toEqual(["body", "properties", "account_id"]);
    const missing = await patch(cleo.token, grant.id, { benefit_type: "github_repository" });
    expect(missing.status).toBe(422);
    expect(JSON.stringify(missing.body.detail)).toContain("properties");
    const unknownType = await patch(cleo.token, grant.id, { benefit_type: "<script>" });
    expect(unknownType.status).toBe(422);
    expect((await patch(cleo.token, "not-a-uuid", { benefit_type: "custom" })).status).toBe(422);
  });

  it("answers 403 NotPermitted for a revoked grant", async () => {
    const eve = await sessionOf(polar, await buy(polar, plan.id, "eve@example.com", "Eve"));
    const [subscription] = (await call(emu, "GET", "/v1/customer-portal/subscriptions/", { token: eve.token })).body
      .items;
    await polar.subscriptions.revoke(subscription.id);
    const grant = await grantOf(eve.token, perk.id);
    const res = await patch(eve.token, grant.id, { benefit_type: "custom" });
    expect(res.status).toBe(403);
    expect(res.body).toEqual({ error: "NotPermitted", detail: "Cannot update a revoked benefit grant." });
  });

  it("refuses a call without a customer session", async () => {
    const grant = await grantOf(cleo.token, perk.id);
    expect((await patch("", grant.id, { benefit_type: "custom" })).status).toBe(401);
  });

  it("sent only schema-valid webhooks", async () => {
    await receiver.take();
    expect(receiver.rejected).toEqual([]);
  });
});
