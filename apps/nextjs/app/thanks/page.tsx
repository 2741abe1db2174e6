// Where Polar sends the customer after paying (?checkout_id=…). The order is shown from this app's
// database once the verified order.paid webhook stored it, never from the URL alone: until then
// the page reloads itself every second (a meta refresh, no JavaScript). Only the signed-in user who
// placed it sees it; anyone else with the link gets the waiting page an unknown id gets.

import { orderOwnedBy } from "@polar-kit/example-store/facts";
import { formatDate, formatMoney } from "@polar-kit/example-store/format";
import type { Metadata } from "next";
import Link from "next/link";
import { currentUser } from "@/lib/session";
import { store } from "@/lib/store";

export const metadata: Metadata = { title: "Thank you" };

export default async function ThanksPage({ searchParams }: { searchParams: Promise<{ checkout_id?: unknown }> }) {
  const { checkout_id: checkoutId } = await searchParams;
  if (typeof checkoutId !== "string" || !checkoutId || checkoutId.length > 200) {
    return (
      <>
        <h1>Unknown checkout</h1>
        <p>This page needs a checkout_id.</p>
      </>
    );
  }
  const user = await currentUser();
  const order = orderOwnedBy(store().orderForCheckout(checkoutId), user);
  if (!order) {
    return (
      <>
        <meta httpEquiv="refresh" content="1" />
        <h1>Waiting for payment confirmation…</h1>
        <p>Your payment is being confirmed. This page reloads by itself every second.</p>
        <p className="muted">
          If it keeps waiting, check that Polar&apos;s webhooks reach <code>/webhooks/polar</code> on this app.
        </p>
      </>
    );
  }
  return (
    <>
      <h1>Payment received</h1>
      <p className="ok">
        Thank you! Your order of <strong>{order.productName}</strong> is paid.
      </p>
      <table>
        <tbody>
          <tr>
            <th>Order</th>
            <td>
              <code>{order.id}</code>
            </td>
          </tr>
          <tr>
            <th>Date</th>
            <td>{formatDate(order.createdAt)}</td>
          </tr>
          <tr>
            <th>Total</th>
            <td>{formatMoney(order.totalAmount, order.currency)}</td>
          </tr>
        </tbody>
      </table>
      <p>
        {user && (
          <>
            <Link href="/account">Go to your account</Link> ·{" "}
          </>
        )}
        <Link href="/">Continue shopping</Link>
      </p>
    </>
  );
}
