// Checks of a second set of routes in an app the shared checks (checks.mjs) already passed: the
// SvelteKit README shows each handler as a `+server.ts` route and all three again under a hook.
// Same standards from outside: a same-origin POST form and the environment-configured route answer
// 303 to the emulator's checkout, the portal 303 for a signed-in user and 401 otherwise, a new
// order.paid delivery signed by the emulator runs the route's callback, and a changed body gets 403.
import { pickProduct } from "./checks.mjs";
import { apiOf, expectRedirect, send } from "./http.mjs";
import { StepError } from "./processes.mjs";

const DELIVERY_MS = 30_000;
const ROUTES_USER = "user_consumer_routes";

/**
 * @param {object} options
 * @param {string} options.appUrl
 * @param {{ checkout: string, subscribe?: string, portal: string, webhooks: string }} options.routes
 *   POST-only checkout routes (`subscribe` takes its settings from the app's own environment module)
 * @param {(userId: string) => Record<string, string>} options.signedIn
 * @param {{ url: string, accessToken: string }} options.emulator
 * @param {Awaited<ReturnType<import("./recorder.mjs").startRecorder>>} options.recorder
 * @param {string} options.paidCallback
 */
export async function checkServerRoutes({ appUrl, routes, signedIn, emulator, recorder, paidCallback }) {
  const api = apiOf(emulator);
  const productId = await pickProduct(api);
  await api("POST", "/v1/customers/", { email: "routes@example.com", external_id: ROUTES_USER });

  const postCheckout = (route) =>
    send(`checkout POST form to ${route}`, `${appUrl}${route}`, {
      method: "POST",
      body: new URLSearchParams({ products: productId, customerEmail: "routes@example.com" }),
      headers: { origin: appUrl },
    });
  const location = await expectRedirect(
    `checkout POST ${routes.checkout}`,
    await postCheckout(routes.checkout),
    `${emulator.url}/checkout/`,
  );
  if (routes.subscribe) {
    await expectRedirect(
      `checkout POST ${routes.subscribe}`,
      await postCheckout(routes.subscribe),
      `${emulator.url}/checkout/`,
    );
  }

  const portal = await send(`portal ${routes.portal}, signed in`, `${appUrl}${routes.portal}`, {
    headers: signedIn(ROUTES_USER),
  });
  await expectRedirect(`portal ${routes.portal}, signed in`, portal, `${emulator.url}/portal`);
  const anonymous = await send(`portal ${routes.portal}, anonymous`, `${appUrl}${routes.portal}`);
  if (anonymous.status !== 401) {
    throw new StepError(
      `portal ${routes.portal}, anonymous: expected 401, got ${anonymous.status}: ${await anonymous.text()}`,
    );
  }

  // From now on the emulator's deliveries go to this webhook route; paying the POST's checkout
  // makes it sign and send a new order.paid (a new webhook-id: no deduplication with the first).
  const webhookUrl = new URL(routes.webhooks, appUrl).href;
  recorder.forwardTo(webhookUrl);
  const checkout = await checkoutOf(api, location);
  await api("POST", `/v1/checkouts/client/${checkout.secret}/confirm`, {});
  const paid = await recorder.waitFor(DELIVERY_MS, `order.paid of checkout ${checkout.id} at ${routes.webhooks}`, () =>
    recorder.deliveries.find(
      (delivery) =>
        delivery.type === "order.paid" && checkoutIdOf(delivery) === checkout.id && delivery.appStatus !== undefined,
    ),
  );
  if (paid.appError || paid.appStatus < 200 || paid.appStatus > 299) {
    throw new StepError(
      `webhook ${routes.webhooks}: app answered ${paid.appStatus ?? paid.appError} ${paid.appBody ?? ""}`,
    );
  }
  const orderId = JSON.parse(paid.body.toString("utf8")).data.id;
  const ran = (id) => recorder.calls.find((call) => call.call === paidCallback && call.args[0] === id);
  await recorder.waitFor(DELIVERY_MS, `${paidCallback}("${orderId}") from ${routes.webhooks}`, () => ran(orderId));

  const tamperedId = orderId.replace(/.$/, (last) => (last === "0" ? "1" : "0"));
  const tampered = await send(`webhook ${routes.webhooks}, tampered body`, webhookUrl, {
    method: "POST",
    headers: paid.headers,
    body: paid.body.toString("utf8").replaceAll(orderId, tamperedId),
  });
  if (tampered.status !== 403) {
    throw new StepError(
      `webhook ${routes.webhooks}, tampered body: expected 403, got ${tampered.status}: ${await tampered.text()}`,
    );
  }
  if (ran(tamperedId)) throw new StepError(`webhook ${routes.webhooks}, tampered body: ${paidCallback} ran for it`);
}

// The checkout behind a hosted-checkout URL (`…/checkout/<client secret>`).
async function checkoutOf(api, location) {
  const secret = location.split("/").pop();
  const { id } = await api("GET", `/v1/checkouts/client/${secret}`);
  return { id, secret };
}

function checkoutIdOf(delivery) {
  try {
    return JSON.parse(delivery.body.toString("utf8")).data.checkout_id;
  } catch {
    return undefined;
  }
}
