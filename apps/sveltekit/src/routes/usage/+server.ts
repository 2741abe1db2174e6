import { PolarError } from "@polar-kit/core";
import { error, redirect } from "@sveltejs/kit";
import { polarClient } from "$lib/server/config";
import type { RequestHandler } from "./$types";

/** The event the demo catalog's "Demo API Calls" meter counts. */
const USAGE_EVENT = "api.call";

// One API call of the signed-in user, recorded as a usage event their meter counts.
export const POST: RequestHandler = async ({ locals: { user } }) => {
  if (!user) redirect(303, "/login?next=%2Faccount");
  try {
    await polarClient().events.ingest({ events: [{ name: USAGE_EVENT, external_customer_id: user.id }] });
  } catch (failure) {
    if (!(failure instanceof PolarError)) throw failure;
    console.error(`[store] could not record usage: ${failure.message}`);
    error(502, "Usage was not recorded");
  }
  redirect(303, "/account");
};
