// Test helpers of the Customer Portal: customers who bought through the API (checkout, confirm),
// a downloadable file uploaded as a merchant would, and a customer session for them.
import { createHash } from "node:crypto";
import type { Polar, Schema } from "@polar-kit/core";

const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("base64");

/** Buys `productId` through a checkout confirmed with `email`; returns the customer id. */
export async function buy(polar: Polar, productId: string, email: string, name = "Portal Buyer"): Promise<string> {
  const checkout = await polar.checkouts.create({ products: [productId] });
  await polar.checkouts.clientConfirm(checkout.client_secret, {
    customer_email: email,
    customer_name: name,
    customer_billing_address: { country: "FR" },
  });
  const after = await polar.checkouts.get(checkout.id);
  return after.customer_id as string;
}

/** A new customer session token (and its portal URL) of a customer. */
export async function sessionOf(polar: Polar, customerId: string, returnUrl?: string) {
  const session = await polar.customerSessions.create({ customer_id: customerId, return_url: returnUrl ?? null });
  return { token: session.token, url: session.customer_portal_url };
}

/** A downloadable file uploaded in one part and completed; returns the file. */
export async function uploadDownloadable(polar: Polar, name: string, bytes: Buffer): Promise<Schema<"FileRead">> {
  const upload = await polar.files.create({
    service: "downloadable",
    name,
    mime_type: "application/octet-stream",
    size: bytes.length,
    checksum_sha256_base64: sha256(bytes),
    upload: { parts: [{ number: 1, chunk_start: 0, chunk_end: bytes.length, checksum_sha256_base64: sha256(bytes) }] },
  });
  const [part] = upload.upload.parts;
  if (!part) throw new Error("no upload part");
  const put = await fetch(part.url, { method: "PUT", headers: part.headers, body: new Uint8Array(bytes) });
  return polar.files.uploaded(upload.id, {
    id: upload.upload.id,
    path: upload.upload.path,
    parts: [{ number: 1, checksum_etag: put.headers.get("etag") ?? "", checksum_sha256_base64: sha256(bytes) }],
  });
}

/** A monthly product (fixed price) with the given benefits. */
export async function monthly(polar: Polar, name: string, amount: number, benefits: string[] = []) {
  const product = await polar.products.create({
    name,
    recurring_interval: "month",
    prices: [{ amount_type: "fixed", price_amount: amount, price_currency: "usd" }],
  });
  return benefits.length ? polar.products.updateBenefits(product.id, { benefits }) : product;
}

/** A one-time product (fixed price) with the given benefits. */
export async function oneTime(polar: Polar, name: string, amount: number, benefits: string[] = []) {
  const product = await polar.products.create({
    name,
    prices: [{ amount_type: "fixed", price_amount: amount, price_currency: "usd" }],
  });
  return benefits.length ? polar.products.updateBenefits(product.id, { benefits }) : product;
}
