// The store's environment variables (SvelteKit 3), imported from `$app/env/private`. Their values
// are read when the server starts, never at build time: the app is built once and started with
// different settings.
import { defineEnvVars } from "@sveltejs/kit/env";

// All optional: a missing token or secret must not stop the server (the log names it, pages say
// payments are not set up, and the adapter's routes answer 500). Blank counts as unset.
const optional = (description: string) => ({
  description,
  schema: (value: string | undefined) => value?.trim() || undefined,
});

export const variables = defineEnvVars({
  POLAR_ACCESS_TOKEN: optional("An organization access token"),
  POLAR_WEBHOOK_SECRET: optional("The secret of the webhook endpoint"),
  POLAR_API_URL: optional("Another API origin, e.g. the emulator; wins over POLAR_SERVER"),
  POLAR_SERVER: optional('"sandbox" (default) or "production"'),
  APP_URL: optional("The public origin: links Polar redirects to, the CSRF check, the secure cookie"),
  APP_DATA_DIR: optional("Where store.sqlite lives (default .data/)"),
  SESSION_SECRET: optional("Signs the session cookie (default: a new one at every start)"),
});
