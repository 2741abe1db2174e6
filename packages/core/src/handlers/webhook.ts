import { failureResponse, type Logger } from "../_internal/failures";
import { jsonError, readBody, refuseOtherMethods } from "../_internal/http";
import { type ConfigInput, loadConfig, PolarConfigError, type PolarConnection, requireSetting } from "../config";
import {
  isKnownWebhookEvent,
  type UnknownWebhookEvent,
  type WebhookEvent,
  type WebhookEventOf,
  type WebhookEventType,
  type WebhookKeyMode,
  WebhookVerificationError,
} from "../webhooks";
import { webCryptoHmac } from "../webhooks/hmac";
import type { Hmac } from "../webhooks/keys";
import { verify } from "../webhooks/verify";
import type { HandlerOptions } from "./api-handler";
import { memoryDeduplicator, type WebhookDeduplicator } from "./dedupe";

type PascalCase<S extends string> = S extends `${infer Head}_${infer Tail}`
  ? `${Capitalize<Head>}${PascalCase<Tail>}`
  : Capitalize<S>;

/** The handler option for an event type: `"order.paid"` → `"onOrderPaid"`, `"customer_seat.assigned"` → `"onCustomerSeatAssigned"`. */
export type WebhookHandlerName<T extends string> = T extends `${infer Resource}.${infer Action}`
  ? `on${PascalCase<Resource>}${PascalCase<Action>}`
  : never;

/** One optional, typed callback per webhook event type (`onOrderPaid`, `onSubscriptionCanceled`, …). */
export type WebhookHandlers<Context = Request> = {
  [T in WebhookEventType as WebhookHandlerName<T>]?: (event: WebhookEventOf<T>, context: Context) => unknown;
};

/** The callback name for an event type, derived the same way as `WebhookHandlerName`. */
export const webhookHandlerName = (type: string): string =>
  `on${type.replace(/(?:^|[._])([a-z])/g, (_, letter: string) => letter.toUpperCase())}`;

/** Options of `handleWebhook`. */
export interface WebhookConfig<Context = Request> extends PolarConnection, WebhookHandlers<Context> {
  /** Runs for every documented event, before its typed callback. */
  onPayload?: (event: WebhookEvent, context: Context) => unknown;
  /** Runs for an event type this version does not document; the answer is 202 either way. */
  onUnknownEvent?: (event: UnknownWebhookEvent, context: Context) => unknown;
  /**
   * Runs each delivery's handlers once per `webhook-id`; `false` turns it off.
   * @default an in-memory deduplicator shared by this process
   */
  deduplicate?: WebhookDeduplicator | false;
  /** @default 300 */
  toleranceSeconds?: number;
  /** @default "polar" */
  keyMode?: WebhookKeyMode;
  /**
   * Larger bodies get 413 before any verification.
   * @default 1048576
   */
  maxBodyBytes?: number;
  /** @default console */
  logger?: Logger;
}

/** What adapters pass to `handleWebhook`. */
export interface WebhookHandlerOptions<Context = Request> extends HandlerOptions<Context> {
  /**
   * The HMAC to verify with: adapters pass `webhookHmac` from `@polar-kit/core/webhooks`, which
   * resolves to the node:crypto build on Node.js (several times faster) and to WebCrypto elsewhere.
   * @default WebCrypto
   */
  hmac?: Hmac<unknown>;
}

// Shared by every handleWebhook call that does not bring its own, so that deliveries to a
// config recomputed per request are still de-duplicated. Bounded; it holds ids only.
const defaultDeduplicator = /* @__PURE__ */ memoryDeduplicator();

// What an in-flight duplicate is told; Polar's own backoff decides when it really comes back.
const IN_FLIGHT_RETRY_SECONDS = 5;

// The answer is already a failure; a release that fails too (the store is down) only leaves the
// lease to expire, so it is logged, not thrown.
async function releaseQuietly(deduplicator: WebhookDeduplicator | undefined, id: string, logger: Logger) {
  try {
    await deduplicator?.release(id);
  } catch (error) {
    logger.error("[polar-kit] webhook deduplicator: release failed; the lease will expire", error);
  }
}

/**
 * Receives a Polar webhook: reads the raw body, verifies its signature, then runs `onPayload` and
 * the event's typed callback. Answers 200 when handled, 403 when verification fails (the reason
 * is logged, not echoed), 202 for an event type this version does not know, 409 while another
 * attempt at the same event is still running, and 500 when a callback (or the deduplicator's
 * store) fails, so that Polar retries.
 *
 * @example
 * export const POST = (request: Request) =>
 *   handleWebhook(request, { onOrderPaid: async (event) => fulfil(event.data) }, { env: process.env });
 */
export async function handleWebhook<Context = Request>(
  request: Request,
  config: ConfigInput<WebhookConfig<Context>, Context>,
  options: WebhookHandlerOptions<Context> = {},
): Promise<Response> {
  const refused = refuseOtherMethods(request, "POST");
  if (refused) return refused;
  const context = (options.context ?? request) as Context;
  const webhookId = request.headers.get("webhook-id") ?? "";
  let logger: Logger = console;
  let claimed: WebhookDeduplicator | undefined;
  let event: WebhookEvent | UnknownWebhookEvent | undefined;
  try {
    const resolved = await loadConfig(config, context);
    logger = resolved.logger ?? console;
    event = await verify(
      options.hmac ?? webCryptoHmac,
      {
        // The config's own verification options: toleranceSeconds, keyMode.
        ...resolved,
        secret: requireSetting(resolved, options.env, "webhookSecret", "POLAR_WEBHOOK_SECRET"),
        // The exact bytes Polar signed: read before anything parses them.
        body: await readBody(request, resolved.maxBodyBytes ?? 1 << 20),
        headers: request.headers,
      },
      true,
    );
    if (!isKnownWebhookEvent(event)) {
      await resolved.onUnknownEvent?.(event, context);
      return Response.json({ received: true, handled: false }, { status: 202 });
    }
    const deduplicator = resolved.deduplicate === false ? undefined : (resolved.deduplicate ?? defaultDeduplicator);
    const claim = deduplicator ? await deduplicator.claim(webhookId) : "claimed";
    if (claim === "done") return Response.json({ received: true, duplicate: true });
    // Another attempt is running the callbacks and may still fail: a 2xx now would make Polar
    // stop retrying an event that was never handled.
    if (claim === "in_flight") {
      return jsonError(409, "webhook_in_flight", "This event is being handled; retry later", undefined, {
        "retry-after": String(IN_FLIGHT_RETRY_SECONDS),
      });
    }
    claimed = deduplicator;
    await resolved.onPayload?.(event, context);
    const handler = (resolved as Record<string, unknown>)[webhookHandlerName(event.type)];
    if (typeof handler === "function") await handler(event, context);
    await deduplicator?.complete(webhookId);
    return Response.json({ received: true });
  } catch (error) {
    // A failed attempt gives its lease back, so that Polar's retry runs the handlers again (also
    // when only `complete` failed: running twice beats never).
    await releaseQuietly(claimed, webhookId, logger);
    if (error instanceof WebhookVerificationError && error.reason !== "invalid_secret") {
      logger.warn(`[polar-kit] webhook rejected (${error.reason}): ${error.message}`);
      return jsonError(403, "webhook_verification_failed", "Invalid webhook signature");
    }
    // A bad secret is ours to fix, not the sender's: as a config error, its 500 keeps Polar
    // retrying until it is fixed.
    const failure =
      error instanceof WebhookVerificationError ? new PolarConfigError("webhookSecret", error.message) : error;
    return failureResponse(failure, logger, event && `webhook handler for ${event.type}`);
  }
}
