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

/**
 * Resolves an app URL (absolute, or relative to the request) to an absolute http(s) string,
 * keeping Polar's literal `{CHECKOUT_ID}` placeholder that URL parsing would percent-encode.
 */
export function resolveAppUrl(value: string, requestUrl: string): string | undefined {
  const url = httpUrl(value, requestUrl);
  return url?.href.replaceAll("%7BCHECKOUT_ID%7D", PLACEHOLDER);
}

/** Adds `checkout_id={CHECKOUT_ID}` unless the URL already carries the placeholder. */
export function withCheckoutId(url: string): string {
  if (url.includes(PLACEHOLDER)) return url;
  const hash = url.indexOf("#");
  const [head, tail] = hash < 0 ? [url, ""] : [url.slice(0, hash), url.slice(hash)];
  return `${head}${head.includes("?") ? "&" : "?"}checkout_id=${PLACEHOLDER}${tail}`;
}

/** A URL option of the app's config (absolute, or relative to the request), or a config error naming it. */
export function configuredUrl<Name extends string>(
  config: Partial<Record<Name, string>>,
  name: Name,
  requestUrl: string,
): string | undefined {
  const value = config[name];
  if (value === undefined) return undefined;
  const url = resolveAppUrl(value, requestUrl);
  if (!url) throw new PolarConfigError(name, `${name} must be an http(s) URL`);
  return url;
}
