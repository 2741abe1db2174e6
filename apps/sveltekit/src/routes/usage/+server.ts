import { PolarError } from "@polar-kit/core";
import { recordApiCall } from "@polar-kit/example-store/usage";
import { error, redirect } from "@sveltejs/kit";
import { polarClient } from "#lib/server/config.ts";
import type { RequestHandler } from "./$types";

// One API call of the signed-in user, recorded as a usage event their meter counts.
export const POST: RequestHandler = async ({ locals: { user } }) => {
  if (!user) redirect(303, "/login?next=%2Faccount");
  try {
    await recordApiCall(polarClient(), user.id);
  } catch (failure) {
    if (!(failure instanceof PolarError)) throw failure;
    console.error(`[store] could not record usage: ${failure.message}`);
    error(502, "Usage was not recorded");
  }
  redirect(303, "/account");
};
