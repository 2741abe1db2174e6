import { describe, expect, it } from "vitest";
import { call, otherOrganization, useEmulator } from "../../../test/harness";
import { webhookReceiver } from "../commerce/testing";
import { buy, monthly, oneTime, sessionOf } from "./testing";

type Card = { method_metadata: { last4: string } };

const { emu, polar } = await useEmulator();
const receiver = await webhookReceiver(emu);

const path = "/v1/customer-portal/customers/me/payment-methods";
const add = (token: string, body: unknown) => call(emu, "POST", path, { token, body });
const list = (token: string) => call(emu, "GET", path, { token });

const book = await oneTime(polar, "Book", 900);
const plan = await monthly(polar, "Plan", 1200);
const ann = await sessionOf(polar, await buy(polar, book.id, "ann@example.com", "Ann"));
const ben = await sessionOf(polar, await buy(polar, book.id, "ben@example.com", "Ben"));
await receiver.take();

describe("customer portal: payment methods", () => {
  it("lists the card the customer paid with, newest first", async () => {
    const res = await list(ann.token);
    expect(res.status).toBe(200);
    expect(res.body.items).toHaveLength(1);
    expect(res.body.items[0]).toMatchObject({ type: "card", method_metadata: { last4: "4242" }, is_default: false });
  });

  it("adds a card from a confirmation token and makes it the default when asked", async () => {
    const res = await add(ann.token, {
      confirmation_token_id: "ctoken_5555555555554444",
      set_default: true,
      return_url: "https://shop.example/portal",
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      status: "succeeded",
      payment_method: { type: "card", method_metadata: { last4: "4444" }, is_default: true },
    });
    const me = await call(emu, "GET", "/v1/customer-portal/customers/me", { token: ann.token });
    expect(me.body.default_payment_method_id).toBe(res.body.payment_method.id);
    expect((await list(ann.token)).body.items.map((m: Card) => m.method_metadata.last4)).toEqual(["4444", "4242"]);
    expect((await receiver.take()).map((e) => e.type)).toEqual(["customer.updated", "customer.state_changed"]);
  });

  it("refuses the declined test card with 400 PaymentMethodSetupFailed and keeps nothing", async () => {
    const before = (await list(ben.token)).body.items.length;
    const res = await add(ben.token, {
      confirmation_token_id: "ctoken_4000 0000 0000 0002",
      set_default: false,
      return_url: "https://shop.example/portal",
    });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ error: "PaymentMethodSetupFailed" });
    expect(res.body.detail).toContain("declined");
    expect((await list(ben.token)).body.items).toHaveLength(before);
  });

  it("asks for an action on the 3-D Secure card, then saves it when the setup is confirmed", async () => {
    const res = await add(ben.token, {
      confirmation_token_id: "ctoken_4000002500003155",
      set_default: false,
      return_url: "https://shop.example/portal",
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ status: "requires_action" });
    const setupIntentId = String(res.body.client_secret).split("_secret_")[0];
    // Another customer cannot confirm it.
    const foreign = await call(emu, "POST", `${path}/confirm`, {
      token: ann.token,
      body: { setup_intent_id: setupIntentId, set_default: false },
    });
    expect(foreign.status).toBe(422);
    expect(foreign.body.detail[0].loc).toEqual(["body", "setup_intent_id"]);
    const confirmed = await call(emu, "POST", `${path}/confirm`, {
      token: ben.token,
      body: { setup_intent_id: setupIntentId, set_default: false },
    });
    expect(confirmed.status).toBe(201);
    expect(confirmed.body).toMatchObject({
      status: "succeeded",
      payment_method: { method_metadata: { last4: "3155" } },
    });
  });

  it("answers 403 CustomerNotReady to a confirmation from a customer who never set up a card", async () => {
    const customer = await polar.customers.create({ email: "nocard@example.com" });
    const { token } = await sessionOf(polar, customer.id);
    const res = await call(emu, "POST", `${path}/confirm`, {
      token,
      body: { setup_intent_id: "seti_unknown", set_default: true },
    });
    expect(res.status).toBe(403);
    expect(res.body.error).toBe("CustomerNotReady");
  });

  it("answers 422 naming the field for missing, malformed and blank input", async () => {
    const missing = await add(ann.token, { set_default: true, return_url: "https://x.example" });
    expect(missing.status).toBe(422);
    expect(missing.body.detail.map((d: { loc: unknown }) => d.loc)).toContainEqual(["body", "confirmation_token_id"]);
    const wrongType = await add(ann.token, {
      confirmation_token_id: "ctoken_x",
      set_default: "yes please",
      return_url: "https://x.example",
    });
    expect(wrongType.status).toBe(422);
    expect(wrongType.body.detail[0].loc).toEqual(["body", "set_default"]);
    const blank = await add(ann.token, { confirmation_token_id: "  ", set_default: false, return_url: "https://x" });
    expect(blank.status).toBe(422);
    expect(blank.body.detail[0].loc).toEqual(["body", "confirmation_token_id"]);
    const noBody = await call(emu, "POST", path, { token: ann.token, body: "not json" });
    expect(noBody.status).toBe(422);
  });

  it("deletes a card; another customer's card or an unknown id is a 404", async () => {
    const bens = (await list(ben.token)).body.items;
    const foreign = await call(emu, "DELETE", `${path}/${bens[0].id}`, { token: ann.token });
    expect(foreign.status).toBe(404);
    const unknown = await call(emu, "DELETE", `${path}/00000000-0000-4000-8000-000000000000`, { token: ann.token });
    expect(unknown.status).toBe(404);
    const malformed = await call(emu, "DELETE", `${path}/not-a-uuid`, { token: ann.token });
    expect(malformed.status).toBe(422);
    await receiver.take();
    const res = await call(emu, "DELETE", `${path}/${bens[0].id}`, { token: ben.token });
    expect(res.status).toBe(204);
    expect((await list(ben.token)).body.items).toHaveLength(bens.length - 1);
    expect((await receiver.take()).map((e) => e.type)).toEqual(["customer.updated", "customer.state_changed"]);
  });

  it("answers 404 for a card of another organization's customer", async () => {
    const other = otherOrganization(emu);
    const theirBook = await oneTime(other.polar, "Their book", 700);
    const theirs = await sessionOf(other.polar, await buy(other.polar, theirBook.id, "ann@example.com", "Ann"));
    const [theirCard] = (await list(theirs.token)).body.items;
    expect((await call(emu, "DELETE", `${path}/${theirCard.id}`, { token: ann.token })).status).toBe(404);
    expect((await list(theirs.token)).body.items).toHaveLength(1);
    const ours = (await list(ann.token)).body.items.map((m: { id: string }) => m.id);
    expect(ours).not.toContain(theirCard.id);
  });

  it("keeps the last card of a customer with a paid subscription (400), and clears a deleted default", async () => {
    const { token } = await sessionOf(polar, await buy(polar, plan.id, "sub@example.com", "Sub"));
    const [only] = (await list(token)).body.items;
    const refused = await call(emu, "DELETE", `${path}/${only.id}`, { token });
    expect(refused.status).toBe(400);
    expect(refused.body.error).toBe("PaymentMethodInUseByActiveSubscription");
    const second = await add(token, {
      confirmation_token_id: "ctoken_5555555555554444",
      set_default: true,
      return_url: "https://x.example",
    });
    const removed = await call(emu, "DELETE", `${path}/${second.body.payment_method.id}`, { token });
    expect(removed.status).toBe(204);
    const me = await call(emu, "GET", "/v1/customer-portal/customers/me", { token });
    expect(me.body.default_payment_method_id).toBeNull();
  });

  it("refuses calls without a customer session", async () => {
    expect((await call(emu, "GET", path, { token: null })).status).toBe(401);
    expect((await call(emu, "GET", path)).status).toBe(401);
  });

  it("sent only schema-valid webhooks", () => {
    expect(receiver.rejected).toEqual([]);
  });
});
