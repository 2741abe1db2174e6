import type { Handle, HandleServerError, ServerInit } from "@sveltejs/kit/hooks";
import { ConfigError, missingVariables } from "#lib/server/config.ts";
import { store } from "#lib/server/db.ts";
import { sessionUserId } from "#lib/server/session.ts";

// Said once at start, without stopping the server: pages then explain that payments are not set up.
export const init: ServerInit = () => {
  const missing = missingVariables();
  if (missing.length) console.error(`[store] Set ${missing.join(" and ")} (see apps/sveltekit/README.md)`);
};

export const handle: Handle = async ({ event, resolve }) => {
  // Only a validly signed cookie reaches the database.
  const userId = sessionUserId(event.cookies);
  event.locals.user = userId ? store().findUser(userId) : undefined;
  const response = await resolve(event);
  // Every page shows who is signed in: no cache may keep one.
  if (response.headers.get("content-type")?.startsWith("text/html")) response.headers.set("cache-control", "no-store");
  return response;
};

// Every error but a redirect comes here. The store's own (`error(...)`) and SvelteKit's other answers
// (a 403 to a cross-site form, a 405) keep their status and words; unexpected errors get a message in
// the log (no stack trace, which could carry request data) and a plain page for the visitor.
export const handleError: HandleServerError = ({ kind, error }) => {
  if (kind === "framework" && error.status === 404) return { message: "Not found", detail: "There is no page here." };
  if (kind !== "unknown") return;
  if (error instanceof ConfigError) {
    console.error(`[store] ${error.message}`);
    return { message: "Payments are not set up", detail: "This store is not configured for payments yet." };
  }
  console.error("[store] request failed:", error instanceof Error ? error.message : error);
  return { message: "Something went wrong", detail: "Please try again." };
};
