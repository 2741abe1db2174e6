import { isEmail, safeNext } from "@polar-kit/example-store/sign-in";
import { fail, redirect } from "@sveltejs/kit";
import { store } from "#lib/server/db.ts";
import { startSession } from "#lib/server/session.ts";
import type { Actions, PageServerLoad } from "./$types";

export const load: PageServerLoad = ({ url }) => ({ next: safeNext(url.searchParams.get("next")) });

export const actions = {
  // Demo sign-in: any email address, no password.
  default: async ({ request, cookies, url }) => {
    const form = await request.formData();
    const email = String(form.get("email") ?? "").trim();
    const next = safeNext(form.get("next"));
    if (!isEmail(email)) {
      return fail(400, { email, next, error: "Enter a valid email address." });
    }
    const user = store().signIn(email);
    startSession(cookies, url, user.id);
    redirect(303, next);
  },
} satisfies Actions;
