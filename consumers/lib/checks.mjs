// What every row must show from outside, over HTTP, against its running app and emulator:
// checkout (GET and a same-origin POST form) and the portal redirect to the emulator, the portal
// refuses an anonymous visitor, a delivery the emulator signed is accepted and runs the app's
// callback, and the same delivery with its body changed is refused.
import { apiOf, expectRedirect, send } from "./http.mjs";
import { StepError } from "./processes.mjs";

const DELIVERY_MS = 30_000;
const PORTAL_USER = "user_consumer_matrix";

/**
 * @param {object} options
 * @param {string} options.appUrl the app's origin
 * @param {{ checkout: string, portal: string, webhooks: string }} options.routes paths on the app
 * @param {(userId: string) => Record<string, string>} options.signedIn headers that sign `userId` in
 * @param {{ url: string, accessToken: string }} options.emulator
 * @param {Awaited<ReturnType<import("./recorder.mjs").startRecorder>>} options.recorder
 * @param {string} options.paidCallback the user function the order.paid callback calls with the order id
 */
export async function checkApp({ appUrl, routes, signedIn, emulator, recorder, paidCallback }) {
  const api = apiOf(emulator);
  const productId = await pickProduct(api);
  await api("POST", "/v1/customers/", { email: "matrix@example.com", external_id: PORTAL_USER });
  recorder.forwardTo(new URL(routes.webhooks, appUrl).href);

  const query = new URLSearchParams({ products: productId, customerEmail: "buyer@example.com" });
  const viaGet = await send("checkout GET", `${appUrl}${routes.checkout}?${query}`);
  const checkoutSecret = (await expectRedirect("checkout GET", viaGet, `${emulator.url}/checkout/`)).split("/").pop();

  const form = new URLSearchParams({ products: productId });
  const viaPost = await send("checkout POST form", `${appUrl}${routes.checkout}`, {
    method: "POST",
    body: form,
    headers: { origin: appUrl },
  });
  await expectRedirect("checkout POST form", viaPost, `${emulator.url}/checkout/`);

  const portal = await send("portal, signed in", `${appUrl}${routes.portal}`, { headers: signedIn(PORTAL_USER) });
  await expectRedirect("portal, signed in", portal, `${emulator.url}/portal`);
  const anonymous = await send("portal, anonymous", `${appUrl}${routes.portal}`);
  if (anonymous.status !== 401) {
    throw new StepError(`portal, anonymous: expected 401, got ${anonymous.status}: ${await anonymous.text()}`);
  }

  // Paying the GET's checkout through the emulator API makes the emulator sign and send order.paid.
  await api("POST", `/v1/checkouts/client/${checkoutSecret}/confirm`, {});
  const paid = await recorder.waitFor(DELIVERY_MS, "the emulator's order.paid delivery", () =>
    recorder.deliveries.find((delivery) => delivery.type === "order.paid" && delivery.appStatus !== undefined),
  );
  if (paid.appError || paid.appStatus < 200 || paid.appStatus > 299) {
    throw new StepError(
      `webhook order.paid signed by the emulator: app answered ${paid.appStatus ?? paid.appError} ${paid.appBody ?? ""}`,
    );
  }
  const orderId = JSON.parse(paid.body.toString("utf8")).data.id;
  const ran = (id) => recorder.calls.find((call) => call.call === paidCallback && call.args[0] === id);
  await recorder.waitFor(DELIVERY_MS, `${paidCallback}("${orderId}") from onOrderPaid`, () => ran(orderId));

  const tamperedId = orderId.replace(/.$/, (last) => (last === "0" ? "1" : "0"));
  const tampered = await send("webhook, tampered body", new URL(routes.webhooks, appUrl).href, {
    method: "POST",
    headers: paid.headers,
    body: paid.body.toString("utf8").replaceAll(orderId, tamperedId),
  });
  if (tampered.status !== 403) {
    throw new StepError(`webhook, tampered body: expected 403, got ${tampered.status}: ${await tampered.text()}`);
  }
  if (ran(tamperedId)) throw new StepError(`webhook, tampered body: ${paidCallback} ran for it`);
}

// A product with a fixed price from the demo seed, so confirming its checkout takes a payment.
export async function pickProduct(api) {
  const { items } = await api("GET", "/v1/products/?limit=100&is_archived=false");
  const product = items.find((item) => item.prices.some((price) => price.amount_type === "fixed"));
  if (!product) throw new StepError("the demo seed has no product with a fixed price");
  return product.id;
}
