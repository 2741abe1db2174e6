import { organizationOf } from "../../auth";
import type { OperationHandlers } from "../../context";
import { notFound } from "../../errors";
import { matches, paginate } from "../../pagination";
import type { Doc } from "../../store";
import { DELIVERY, EVENT, type EventDoc, enqueue, eventScope } from "../../webhooks/outbox";

type DeliveryDoc = Doc & {
  created_at: string;
  succeeded: boolean;
  http_code: number | null;
  response: string | null;
  webhook_event: EventDoc;
};

const list = (value: unknown): string[] | undefined =>
  value === undefined || value === null ? undefined : ([] as string[]).concat(value as string | string[]);

/**
 * A boolean query parameter read from the URL itself. The shared query coercion turns `false` into
 * `null` for `boolean | null` parameters (ajv coerces in every `anyOf` branch with allErrors on),
 * which would silently drop `succeeded=false`; the value was validated already.
 */
function booleanParam(request: Request, name: string): boolean | undefined {
  const raw = new URL(request.url).searchParams.getAll(name).at(-1);
  return raw === "true" ? true : raw === "false" ? false : undefined;
}

const codeClass = (code: number | null) => (code === null ? null : `${Math.floor(code / 100)}xx`);

const contains = (haystack: unknown, needle: string) =>
  typeof haystack === "string" && haystack.toLowerCase().includes(needle);

export const webhookDeliveryHandlers: OperationHandlers = {
  "webhooks:list_webhook_deliveries": ({ state, subject, query, request }) => {
    const organizationId = organizationOf(subject);
    const endpointIds = list(query.endpoint_id);
    // Deliveries are stored with their endpoint in the customer column.
    const candidates = endpointIds
      ? endpointIds.flatMap((customerId) => state.store.all<DeliveryDoc>(DELIVERY, { customerId }))
      : state.store.all<DeliveryDoc>(DELIVERY, { organizationId });
    const own = endpointIds
      ? new Set(state.store.all(DELIVERY, { organizationId }).map((delivery) => delivery.id))
      : undefined;
    const start = query.start_timestamp ? Date.parse(query.start_timestamp) : -Infinity;
    const end = query.end_timestamp ? Date.parse(query.end_timestamp) : Infinity;
    const needle = query.query?.toLowerCase();
    const succeeded = booleanParam(request, "succeeded");
    // Newest first, as the dashboard's delivery log shows them (ties keep the newest-first order).
    const deliveries = candidates.reverse().filter((delivery) => {
      const created = Date.parse(delivery.created_at);
      return (
        (!own || own.has(delivery.id)) &&
        created >= start &&
        created <= end &&
        (succeeded === undefined || delivery.succeeded === succeeded) &&
        (query.http_code_class == null || codeClass(delivery.http_code) === query.http_code_class) &&
        matches(query.event_type, delivery.webhook_event.type) &&
        (!needle ||
          [
            delivery.webhook_event.id,
            delivery.webhook_event.type,
            delivery.webhook_event.payload,
            delivery.response,
          ].some((field) => contains(field, needle)))
      );
    });
    deliveries.sort((a, b) => Date.parse(b.created_at) - Date.parse(a.created_at));
    return paginate(deliveries, query);
  },
  "webhooks:redeliver_webhook_event": ({ state, subject, params }) => {
    const id = params.id ?? "";
    const scope = eventScope(state.db, id);
    if (!scope || scope.organizationId !== organizationOf(subject)) throw notFound();
    state.store.get(EVENT, id);
    // The attempts made so far count against the budget, as on Polar: an event that already used
    // its retries gets one more try.
    const { attempts } = state.db
      .prepare("SELECT COALESCE(SUM(attempts), 0) AS attempts FROM webhook_queue WHERE event_id = ?")
      .get(id) as { attempts: number };
    enqueue(state.db, id, scope.endpointId, state.clock.now().getTime(), attempts);
    return null;
  },
};
