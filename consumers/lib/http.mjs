// HTTP from outside, as the checks use it: every request has a time limit and never follows a
// redirect (the redirect is what is checked), and every failure is a StepError naming the request.
import { StepError, within } from "./processes.mjs";

const REQUEST_MS = 15_000;

/** `fetch` with a time limit and `redirect: "manual"`. */
export async function send(label, url, init = {}) {
  try {
    return await within(REQUEST_MS, label, fetch(url, { ...init, redirect: "manual" }));
  } catch (error) {
    if (error instanceof StepError) throw error;
    throw new StepError(`${label}: ${error.cause?.message ?? error.message} (${url})`);
  }
}

/** The redirect's location, when the response is a 303 to `prefix`. */
export async function expectRedirect(label, response, prefix) {
  const location = response.headers.get("location") ?? "";
  if (response.status !== 303 || !location.startsWith(prefix)) {
    const body = (await response.text()).slice(0, 500);
    throw new StepError(`${label}: expected 303 to ${prefix}…, got ${response.status} ${location} ${body}`);
  }
  return location;
}

/** `(method, path, body?) => parsed JSON` against the emulator's API with its token; non-2xx throws. */
export function apiOf(emulator) {
  return async (method, path, body) => {
    const response = await send(`emulator ${method} ${path}`, `${emulator.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${emulator.accessToken}`, "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    if (!response.ok) throw new StepError(`emulator ${method} ${path}: ${response.status} ${text}`);
    return text ? JSON.parse(text) : undefined;
  };
}
