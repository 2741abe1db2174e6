// The signed-in user's subscriptions, orders and license keys (from the stored webhooks), and their
// usage meters (read live from Polar).

import type { LicenseKeyFact, OrderFact, SubscriptionFact, User } from "@polar-kit/example-store/facts";
import { billingPeriod, formatDate, formatMoney, subscriptionStatus } from "@polar-kit/example-store/format";
import { type MeterUsage, meterUsage } from "@polar-kit/example-store/usage";
import type { Metadata } from "next";
import Link from "next/link";
import { redirect } from "next/navigation";
import { polar, reportPolarFailure } from "@/lib/polar";
import { currentUser } from "@/lib/session";
import { store } from "@/lib/store";

export const metadata: Metadata = { title: "Account" };

async function usageOf(user: User): Promise<{ meters: MeterUsage[] } | { problem: string }> {
  try {
    return { meters: await meterUsage(polar(), user.id) };
  } catch (error) {
    return { problem: reportPolarFailure(error, "read usage") };
  }
}

function SubscriptionStatus({ subscription }: { subscription: SubscriptionFact }) {
  const { text, note, tone } = subscriptionStatus(subscription);
  return (
    <>
      <span className={tone}>{text}</span>
      {note}
    </>
  );
}

function Subscriptions({ subscriptions }: { subscriptions: SubscriptionFact[] }) {
  if (!subscriptions.length) return <p className="muted">No subscriptions.</p>;
  return (
    <table>
      <thead>
        <tr>
          <th>Plan</th>
          <th>Price</th>
          <th>Status</th>
        </tr>
      </thead>
      <tbody>
        {subscriptions.map((s) => (
          <tr key={s.id}>
            <td>{s.productName}</td>
            <td>
              {formatMoney(s.amount, s.currency)} {billingPeriod(s.recurringInterval, s.recurringIntervalCount)}
            </td>
            <td>
              <SubscriptionStatus subscription={s} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Orders({ orders }: { orders: OrderFact[] }) {
  if (!orders.length) {
    return (
      <p className="muted">
        No orders yet: <Link href="/">buy something</Link>.
      </p>
    );
  }
  return (
    <table>
      <thead>
        <tr>
          <th>Date</th>
          <th>Product</th>
          <th>Total</th>
          <th>Order</th>
        </tr>
      </thead>
      <tbody>
        {orders.map((o) => (
          <tr key={o.id}>
            <td>{formatDate(o.createdAt)}</td>
            <td>{o.productName}</td>
            <td>{formatMoney(o.totalAmount, o.currency)}</td>
            <td>
              <code>{o.id}</code>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function UsageMeters({ usage }: { usage: Awaited<ReturnType<typeof usageOf>> }) {
  if ("problem" in usage) return <p className="muted">Usage is unavailable right now. {usage.problem}</p>;
  if (!usage.meters.length) return <p className="muted">No usage yet: subscribe for API credits.</p>;
  return (
    <table>
      <thead>
        <tr>
          <th>Meter</th>
          <th>Used</th>
          <th>Balance</th>
          <th />
        </tr>
      </thead>
      <tbody>
        {usage.meters.map((u) => (
          <tr key={u.meter}>
            <td>{u.meter}</td>
            <td>{`${u.consumed} used`}</td>
            <td>{`${u.balance} left`}</td>
            <td className="muted">{`of ${u.credited} credited`}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function LicenseKeys({ licenseKeys }: { licenseKeys: LicenseKeyFact[] }) {
  if (!licenseKeys.length) return null;
  return (
    <>
      <h2>License keys</h2>
      <table>
        <thead>
          <tr>
            <th>Key</th>
            <th>Benefit</th>
            <th>Status</th>
          </tr>
        </thead>
        <tbody>
          {licenseKeys.map((k) => (
            <tr key={k.grantId}>
              <td>
                <code>{k.displayKey}</code>
              </td>
              <td>{k.benefit}</td>
              <td>{k.granted ? <span className="ok">Active</span> : <span className="ended">Revoked</span>}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="muted">The full keys are in the customer portal.</p>
    </>
  );
}

export default async function AccountPage() {
  const user = await currentUser();
  if (!user) redirect("/login?next=/account");
  const { orders, subscriptions, licenseKeys } = store().account(user.id);
  const usage = await usageOf(user);
  // Someone who bought something is a Polar customer, with a portal to open.
  const customer = orders.length > 0 || subscriptions.length > 0;
  return (
    <>
      <h1>Your account</h1>
      <p className="muted">Signed in as {user.email}</p>
      <h2>Subscriptions</h2>
      <Subscriptions subscriptions={subscriptions} />
      {customer && (
        <p>
          {/* A plain link: /portal is a route handler that opens a portal session, not a page to prefetch. */}
          <a className="button" href="/portal">
            Manage subscription
          </a>{" "}
          <span className="muted">invoices, payment method and cancellation, in Polar&apos;s customer portal</span>
        </p>
      )}
      <h2>Orders</h2>
      <Orders orders={orders} />
      <h2>Usage</h2>
      <UsageMeters usage={usage} />
      <form method="post" action="/usage">
        <button type="submit">Record an API call</button>
      </form>
      <LicenseKeys licenseKeys={licenseKeys} />
    </>
  );
}
