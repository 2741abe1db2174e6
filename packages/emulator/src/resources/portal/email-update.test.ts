import { describe, expect, it } from "vitest";
import { call, useEmulator } from "../../../test/harness";
import { webhookReceiver } from "../commerce/testing";
import { EMAIL_VERIFICATION_TTL_MS } from "./email-update";
import { sessionOf } from "./testing";

const { emu, polar } = await useEmulator();
const receiver = await webhookReceiver(emu);

const base = "/v1/customer-portal/customers/me/email-update";
const requestUpdate = (token: string, email: unknown) =>
  call(emu, "POST", `${base}/request`, { token, body: { email } });
const check = (token: string) => call(emu, "GET", `${base}/check?token=${encodeURIComponent(token)}`, { token: null });
const verify = (token: unknown) => call(emu, "POST", `${base}/verify`, { token: null, body: { token } });

/** The pending verification token of a customer, as the emulator shows it in place of the email. */
async function pendingToken(customerId: string): Promise<string> {
  const res = await call(emu, "GET", `/__emulator/email-verifications?customer_id=${customerId}`, { token: null });
  expect(res.status).toBe(200);
  return res.body.items[0]?.token;
}

async function customerWithSession(email: string) {
  const customer = await polar.customers.create({ email, name: "Mover" });
  return { customer, ...(await sessionOf(polar, customer.id)) };
}

describe("customer portal: email update", () => {
  it("requests, checks and verifies a change: the email changes, verified, with customer.updated and a new session", async () => {
    const { customer, token } = await customerWithSession("old@example.com");
    await receiver.take();
    const requested = await requestUpdate(token, "new@example.com");
    expect(requested.status).toBe(202);
    const verification = await pendingToken(customer.id);
    expect(verification).toMatch(/^polar_cev_/);
    // Requesting changes nothing yet.
    expect((await polar.customers.get(customer.id)).email).toBe("old@example.com");

    expect((await check(verification)).status).toBe(204);
    const verified = await verify(verification);
    expect(verified.status).toBe(200);
    expect(verified.body.token).toMatch(/^polar_cst_/);

    const me = await call(emu, "GET", "/v1/customer-portal/customers/me", { token: verified.body.token });
    expect(me.body).toMatchObject({ id: customer.id, email: "new@example.com", email_verified: true });
    const events = await receiver.take();
    expect(events.map((e) => e.type)).toEqual(["customer.updated", "customer.state_changed"]);
    expect(events[0]?.data).toMatchObject({ id: customer.id, email: "new@example.com" });

    // A token works once.
    expect((await verify(verification)).status).toBe(401);
    expect((await check(verification)).status).toBe(401);
  });

  it("keeps only the latest request of a customer", async () => {
    const { customer, token } = await customerWithSession("twice@example.com");
    await requestUpdate(token, "first@example.com");
    const first = await pendingToken(customer.id);
    await requestUpdate(token, "second@example.com");
    const second = await pendingToken(customer.id);
    expect(second).not.toBe(first);
    expect((await check(first)).status).toBe(401);
    expect((await verify(second)).status).toBe(200);
    expect((await polar.customers.get(customer.id)).email).toBe("second@example.com");
  });

  it("answers 401 to a wrong token and to a token past its lifetime on the emulator clock", async () => {
    const { customer, token } = await customerWithSession("slow@example.com");
    await requestUpdate(token, "slower@example.com");
    const verification = await pendingToken(customer.id);
    expect((await check("polar_cev_wrong")).status).toBe(401);
    const wrong = await verify(`${verification}x`);
    expect(wrong.status).toBe(401);
    expect(wrong.body.error).toBe("InvalidCustomerEmailUpdate");

    emu.advanceClock(EMAIL_VERIFICATION_TTL_MS + 1000);
    expect((await check(verification)).status).toBe(401);
    expect((await verify(verification)).status).toBe(401);
    expect((await polar.customers.get(customer.id)).email).toBe("slow@example.com");
    expect(await pendingToken(customer.id)).toBeUndefined();
  });

  it("answers 422 naming the field: same email, malformed email, missing email, email taken at verification", async () => {
    const { customer, token } = await customerWithSession("same@example.com");
    const same = await requestUpdate(token, "SAME@example.com");
    expect(same.status).toBe(422);
    expect(same.body.detail[0]).toMatchObject({ loc: ["body", "email"] });
    const malformed = await requestUpdate(token, "not an email");
    expect(malformed.status).toBe(422);
    expect(malformed.body.detail[0].loc).toEqual(["body", "email"]);
    const missing = await call(emu, "POST", `${base}/request`, { token, body: {} });
    expect(missing.status).toBe(422);
    expect(missing.body.detail[0].loc).toEqual(["body", "email"]);
    const noToken = await call(emu, "POST", `${base}/verify`, { token: null, body: {} });
    expect(noToken.status).toBe(422);
    expect(noToken.body.detail[0].loc).toEqual(["body", "token"]);
    const noQuery = await call(emu, "GET", `${base}/check`, { token: null });
    expect(noQuery.status).toBe(422);
    expect(noQuery.body.detail[0].loc).toEqual(["query", "token"]);

    await requestUpdate(token, "taken@example.com");
    const verification = await pendingToken(customer.id);
    await polar.customers.create({ email: "taken@example.com" });
    const taken = await verify(verification);
    expect(taken.status).toBe(422);
    expect(taken.body.detail[0]).toMatchObject({
      loc: ["body", "token"],
      msg: "This email address is already in use.",
    });
    expect((await polar.customers.get(customer.id)).email).toBe("same@example.com");
  });

  it("refuses a team customer's change and a request without a customer session", async () => {
    const team = await polar.customers.create({ type: "team", email: "team@example.com", name: "Team" } as never);
    const { token } = await sessionOf(polar, team.id);
    const res = await requestUpdate(token, "other-team@example.com");
    expect(res.status).toBe(422);
    expect(res.body.detail[0]).toMatchObject({
      loc: ["body", "email"],
      msg: "Only individual customers can change their email.",
    });
    expect((await call(emu, "POST", `${base}/request`, { token: null, body: { email: "x@example.com" } })).status).toBe(
      401,
    );
  });

  it("shows pending tokens per customer only, and needs the customer_id", async () => {
    const a = await customerWithSession("a-pending@example.com");
    const b = await customerWithSession("b-pending@example.com");
    await requestUpdate(a.token, "a-next@example.com");
    expect(await pendingToken(b.customer.id)).toBeUndefined();
    const res = await call(emu, "GET", "/__emulator/email-verifications", { token: null });
    expect(res.status).toBe(422);
    expect(res.body.detail[0].loc).toEqual(["query", "customer_id"]);
  });

  it("sent only schema-valid webhooks", () => {
    expect(receiver.rejected).toEqual([]);
  });
});
