import { CustomerPortal } from "@polar-kit/sveltekit";

// Config as a function of the request event, e.g. to read Cloudflare's bindings.
export const GET = CustomerPortal((event) => ({
  accessToken: event.platform?.env.POLAR_ACCESS_TOKEN,
  getExternalCustomerId: ({ locals }) => locals.user?.id,
}));
