import { randomBytes, randomUUID } from "node:crypto";

/** A UUID4, the API's id format. */
export const uuid = (): string => randomUUID();

const ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/** A random secret with the API's prefix, e.g. `polar_oat_…`, `polar_cst_…`, `whsec_…`. */
export function secret(prefix: string, length = 43): string {
  const bytes = randomBytes(length);
  let out = prefix;
  for (const byte of bytes) out += ALPHABET[byte % ALPHABET.length];
  return out;
}
