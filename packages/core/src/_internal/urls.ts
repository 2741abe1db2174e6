// URL rules for redirects: only http(s), and only where the app or the API decided.
import { PolarConfigError } from "../errors";

const PLACEHOLDER = "{CHECKOUT_ID}";

/** Parses an absolute http(s) URL, or returns undefined (so `javascript:`, `data:` and junk never pass). */
export function httpUrl(value: string, base?: string): URL | undefined {
  try {
    const url = new URL(value, base);
    return url.protocol === "https:" || url.protocol === "http:" ? url : undefined;
  } catch {
    return undefined;
  }
}

/** Adds `checkout_id={CHECKOUT_ID}` unless the URL already carries the placeholder. */
export function withCheckoutId(url: string): string {
  if (url.includes(PLACEHOLDER)) return url;
  const hash = url.indexOf("#");
  const [head, tail] = hash < 0 ? [url, ""] : [url.slice(0, hash), url.slice(hash)];
  return `${head}${head.includes("?") ? "&" : "?"}checkout_id=${PLACEHOLDER}${tail}`;
}

// Hosts a request can name only on the developer's own machine: a Host header naming one of these
// cannot send a buyer anywhere an attacker controls.
const LOOPBACK = /^(localhost|.+\.localhost|127(\.\d{1,3}){3}|\[::1\])$/i;

/**
 * Where the app's relative URLs resolve: `appUrl` when configured, else the request's own URL on a
 * loopback host (local development). Anywhere else the request's URL comes from its Host header,
 * which a visitor chooses, so a relative URL without `appUrl` is a config error naming the option.
 */
function appBase(request: Request, appUrl: string | undefined, option: string): string {
  if (appUrl !== undefined) {
    const base = httpUrl(appUrl);
    if (!base) throw new PolarConfigError("appUrl", "appUrl (POLAR_APP_URL) must be an http(s) URL");
    return base.href;
  }
  if (LOOPBACK.test(new URL(request.url).hostname)) return request.url;
  throw new PolarConfigError(
    "appUrl",
    `${option} is relative: set appUrl (or POLAR_APP_URL) to the app's URL, so that the Host header cannot choose where visitors are sent`,
  );
}

/**
 * A URL option of the app's config (absolute, or relative to `appBase`), as an absolute http(s)
 * string keeping Polar's literal `{CHECKOUT_ID}` placeholder; a config error naming it otherwise.
 */
export function configuredUrl<Name extends string>(
  config: Partial<Record<Name, string>> & { appUrl?: string },
  name: Name,
  request: Request,
): string | undefined {
  const value = config[name];
  if (value === undefined) return undefined;
  const url = httpUrl(value) ?? httpUrl(value, appBase(request, config.appUrl, name));
  if (!url) throw new PolarConfigError(name, `${name} must be an http(s) URL`);
  return url.href.replaceAll("%7BCHECKOUT_ID%7D", PLACEHOLDER);
}
