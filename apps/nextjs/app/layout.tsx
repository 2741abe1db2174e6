// Every page: the header with the session, then the page. Server components only: the store
// works with JavaScript turned off (plain forms and links).
import type { Metadata } from "next";
import Link from "next/link";
import type { ReactNode } from "react";
import { currentUser } from "@/lib/session";
import "@polar-kit/example-store/store.css";

// Every page shows the session, read from the request: nothing to prerender at build time.
export const dynamic = "force-dynamic";

export const metadata: Metadata = {
  title: { template: "%s · Demo store", default: "Demo store" },
};

export default async function RootLayout({ children }: { children: ReactNode }) {
  const user = await currentUser();
  return (
    <html lang="en">
      <body>
        <header>
          <strong>Demo store</strong>
          <Link href="/">Products</Link>
          <Link href="/account">Account</Link>
          <span className="spacer" />
          {user ? (
            <>
              <span className="muted">{user.email}</span>
              <form method="post" action="/logout">
                <button className="link" type="submit">
                  Sign out
                </button>
              </form>
            </>
          ) : (
            <Link href="/login">Sign in</Link>
          )}
        </header>
        <main>{children}</main>
      </body>
    </html>
  );
}
