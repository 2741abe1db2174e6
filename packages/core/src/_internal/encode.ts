/**
 * Encodes values the way the Polar API reads them: arrays repeat the key (`a=1&a=2`),
 * objects become deep-object keys (`metadata[plan]=pro`), dates become ISO strings and
 * `null`/`undefined` are left out.
 */
export function encodeParams(values: object | undefined): URLSearchParams {
  const params = new URLSearchParams();
  const add = (key: string, value: unknown): void => {
    if (value == null) return;
    if (Array.isArray(value)) for (const item of value) add(key, item);
    else if (value instanceof Date) params.append(key, value.toISOString());
    else if (typeof value === "object") for (const [k, v] of Object.entries(value)) add(`${key}[${k}]`, v);
    else params.append(key, String(value));
  };
  for (const [key, value] of Object.entries(values ?? {})) add(key, value);
  return params;
}
