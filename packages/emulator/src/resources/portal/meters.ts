// The customer's meters: consumed, credited and balance per meter, computed by the usage module
// (the same numbers the Core API's customer meters show), cut down to the portal's schema.
import type { EmulatorState, OperationHandlers } from "../../context";
import { notFound } from "../../errors";
import { matches, paginate } from "../../pagination";
import { type Customer, sortWith } from "../commerce/shared";
import { customerMeters } from "../usage/meters";
import { presentAs } from "./present";
import { matchesText, sessionCustomer } from "./scope";

type CustomerMeter = Record<string, unknown> & { id: string; meter_id: string; meter: { name: string } };

/** The customer's own customer meters. */
const metersOf = (state: EmulatorState, customer: Customer) =>
  customerMeters(state, customer.organization_id, { customerId: customer.id }) as CustomerMeter[];

const present = (state: EmulatorState, meter: CustomerMeter) =>
  presentAs("CustomerCustomerMeter", meter, state.clock.iso());

const SORT_KEYS = { meter_name: (cm: CustomerMeter) => cm.meter.name };

export const meterApiHandlers: OperationHandlers = {
  "customer_portal:customer_meters:list": ({ state, subject, query }) => {
    const customer = sessionCustomer(state, subject);
    const items = metersOf(state, customer).filter(
      (cm) => matches(query.meter_id, cm.meter_id) && matchesText(query.query, cm.meter.name),
    );
    const page = paginate(sortWith(items, query.sorting, ["-modified_at"], SORT_KEYS), query);
    return { ...page, items: page.items.map((cm) => present(state, cm)) };
  },
  "customer_portal:customer_meters:get": ({ state, subject, params }) => {
    const customer = sessionCustomer(state, subject);
    const found = metersOf(state, customer).find((cm) => cm.id === params.id);
    if (!found) throw notFound();
    return present(state, found);
  },
};
