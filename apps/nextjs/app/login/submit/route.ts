// The sign-in form's POST /login: next.config.ts routes it here, since one folder cannot hold both
// a page and a route handler. Demo sign-in: any email, no password.
import { isEmail, safeNext } from "@polar-kit/example-store/sign-in";
import type { NextRequest } from "next/server";
import { seeOther, siteOrigin } from "@/lib/http";
import { startSession } from "@/lib/session";
import { store } from "@/lib/store";

export async function POST(request: NextRequest): Promise<Response> {
  const form = await request.formData().catch(() => new FormData());
  const email = String(form.get("email") ?? "").trim();
  const next = safeNext(form.get("next"));
  if (!isEmail(email)) {
    // Back to the form, which says what is wrong (post/redirect/get: no form resubmission on reload).
    return seeOther(`/login?${new URLSearchParams({ next, error: "email" })}`);
  }
  const user = store().signIn(email);
  return startSession(seeOther(next), siteOrigin(request), user.id);
}
