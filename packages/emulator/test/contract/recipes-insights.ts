// Contract recipes of the insights (metrics, dashboards, payments, disputes), of event-types:update
// and of organizations:create.
import { call } from "../harness";
import type { ContractKit, Recipes } from "./kit";

export function recipes(kit: ContractKit): Recipes {
  const { emu, make, paidOrder, ingested, unique } = kit;
  const today = () => emu.state.clock.now().toISOString().slice(0, 10);
  const range = () => `start_date=${today()}&end_date=${today()}&interval=day`;
  const newDashboard = () => make("metrics:create_dashboard", { body: { name: "Contract", metrics: ["revenue"] } });
  const paymentOf = async () => {
    const order = await paidOrder();
    const page = await make("payments:list", { query: `order_id=${order.id}` });
    return page.items[0];
  };
  /** A dispute awaiting a response, opened on a paid order through the emulator's route. */
  const openDispute = async () => {
    const order = await paidOrder();
    const res = await call(emu, "POST", "/__emulator/disputes", { token: null, body: { order_id: order.id } });
    if (res.status !== 201) throw new Error(`opening a dispute answered ${res.status}: ${JSON.stringify(res.body)}`);
    return res.body;
  };

  return {
    "metrics:get": async () => {
      await paidOrder();
      return { query: range() };
    },
    "metrics:export": async () => ({ query: `${range()}&metrics=revenue` }),
    "metrics:limits": async () => ({}),
    "metrics:list_dashboards": async () => {
      await newDashboard();
      return {};
    },
    "metrics:create_dashboard": async () => ({ body: { name: "Contract dashboard", metrics: ["orders", "revenue"] } }),
    "metrics:get_dashboard": async () => ({ params: { id: (await newDashboard()).id } }),
    "metrics:update_dashboard": async () => ({ params: { id: (await newDashboard()).id }, body: { name: "Renamed" } }),
    "metrics:delete_dashboard": async () => ({ params: { id: (await newDashboard()).id } }),
    "payments:list": async () => {
      await paidOrder();
      return { query: "limit=5" };
    },
    "payments:get": async () => ({ params: { id: (await paymentOf()).id } }),
    "disputes:list": async () => {
      await openDispute();
      return { query: "status=needs_response" };
    },
    "disputes:get": async () => ({ params: { id: (await openDispute()).id } }),
    "disputes:accept": async () => ({ params: { id: (await openDispute()).id } }),
    // Only a user may create an organization: a personal access token of the emulator's user.
    "organizations:create": async () => {
      const res = await call(emu, "POST", "/__emulator/tokens", { token: null, body: { kind: "personal" } });
      return { token: res.body.token, body: { name: "Contract Org", slug: `contract-${unique()}` } };
    },
    "event-types:update": async () => {
      await ingested();
      const page = await make("event-types:list", { query: "query=contract.event" });
      return { params: { id: page.items[0].id }, body: { label: "Contract event" } };
    },
  };
}
