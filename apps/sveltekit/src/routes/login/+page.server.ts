import { fail, redirect } from "@sveltejs/kit";
import { store } from "$lib/server/db";
import { startSession } from "$lib/server/session";
import type { Actions, PageServerLoad } from "./$types";

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/**
 * A path of this site, or "/": an open redirect would let a link send a signed-in user anywhere.
 * Parsed as the browser will (it drops tabs and reads `\` as `/`), so `/\t/evil.example` is refused.
 */
function safeNext(value: FormDataEntryValue | null): string {
  const base = "http://store.invalid";
  if (typeof value !== "string" || !value.startsWith("/")) return "/";
  const url = new URL(value, base);
  return url.origin === base ? `${url.pathname}${url.search}` : "/";
}

export const load: PageServerLoad = ({ url }) => ({ next: safeNext(url.searchParams.get("next")) });

export const actions = {
  // Demo sign-in: any email address, no password.
  default: async ({ request, cookies, url }) => {
    const form = await request.formData();
    const email = String(form.get("email") ?? "").trim();
    const next = safeNext(form.get("next"));
    if (!EMAIL.test(email) || email.length > 254) {
      return fail(400, { email, next, error: "Enter a valid email address." });
    }
    const user = store().signIn(email);
    startSession(cookies, url, user.id);
    redirect(303, next);
  },
} satisfies Actions;
