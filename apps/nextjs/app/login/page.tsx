// The demo sign-in form. It posts to /login, which next.config.ts hands to app/login/submit/route.ts.
import { safeNext } from "@polar-kit/example-store/sign-in";
import type { Metadata } from "next";

export const metadata: Metadata = { title: "Sign in" };

type Query = Promise<{ next?: string | string[]; error?: string | string[] }>;

export default async function LoginPage({ searchParams }: { searchParams: Query }) {
  const query = await searchParams;
  return (
    <>
      <h1>Sign in</h1>
      <p className="muted">A demo sign-in: any email address works, no password.</p>
      {query.error && (
        <p className="ended" role="alert">
          Enter a valid email address.
        </p>
      )}
      <form method="post" action="/login">
        <input type="hidden" name="next" value={safeNext(query.next)} />
        <label htmlFor="email">Email</label>{" "}
        <input id="email" name="email" type="email" required autoComplete="email" />{" "}
        <button type="submit">Sign in</button>
      </form>
    </>
  );
}
