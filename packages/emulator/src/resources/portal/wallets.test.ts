import { describe, expect, it } from "vitest";
import { call, useEmulator } from "../../../test/harness";
import { buy, oneTime, sessionOf } from "./testing";

const { emu, polar } = await useEmulator();

const book = await oneTime(polar, "Book", 1500);
const hugoId = await buy(polar, book.id, "hugo@example.com", "Hugo");
await buy(polar, book.id, "hugo@example.com", "Hugo");
const idaId = await buy(polar, book.id, "ida@example.com", "Ida");
const hugo = await sessionOf(polar, hugoId);
const ida = await sessionOf(polar, idaId);
const list = (token: string, query = "") => call(emu, "GET", `/v1/customer-portal/wallets/${query}`, { token });

describe("customer portal: wallets", () => {
  it("shows one wallet per currency the customer was billed in, from the first order, with no balance", async () => {
    const res = await list(hugo.token);
    expect(res.status).toBe(200);
    expect(res.body.items).toHaveLength(1);
    const [firstOrder] = (await polar.orders.list({ customer_id: hugoId, sorting: ["created_at"] })).items;
    expect(res.body.items[0]).toMatchObject({
      customer_id: hugoId,
      currency: "usd",
      balance: 0,
      created_at: firstOrder?.created_at,
    });
    const again = await list(hugo.token, "?sorting=-balance");
    expect(again.body.items[0].id).toBe(res.body.items[0].id);
  });

  it("has no wallet for a customer who was never billed", async () => {
    const customer = await polar.customers.create({ email: "never@example.com" });
    const { token } = await sessionOf(polar, customer.id);
    expect((await list(token)).body).toEqual({ items: [], pagination: { total_count: 0, max_page: 0 } });
  });

  it("reads one of the customer's wallets; another customer's is a 404", async () => {
    const [own] = (await list(hugo.token)).body.items;
    const res = await call(emu, "GET", `/v1/customer-portal/wallets/${own.id}`, { token: hugo.token });
    expect(res.status).toBe(200);
    expect(res.body).toEqual(own);
    const [idas] = (await list(ida.token)).body.items;
    expect(idas.id).not.toBe(own.id);
    expect((await call(emu, "GET", `/v1/customer-portal/wallets/${idas.id}`, { token: hugo.token })).status).toBe(404);
  });

  it("answers 422 naming the parameter for malformed input, 401 without a session", async () => {
    const badSort = await list(hugo.token, "?sorting=owner");
    expect(badSort.status).toBe(422);
    expect(badSort.body.detail[0].loc[1]).toBe("sorting");
    const badPage = await list(hugo.token, "?page=0");
    expect(badPage.status).toBe(422);
    expect(badPage.body.detail[0].loc).toEqual(["query", "page"]);
    expect((await call(emu, "GET", "/v1/customer-portal/wallets/x", { token: hugo.token })).status).toBe(422);
    expect((await list("")).status).toBe(401);
  });
});
