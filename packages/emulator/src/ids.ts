import { createHash, randomBytes, randomUUID } from "node:crypto";

/** A UUID4, the API's id format. */
export const uuid = (): string => randomUUID();

/** A stable UUID4 made from `parts` (ids of objects the API keeps and the emulator derives). */
export function derivedUuid(...parts: string[]): string {
  const hex = createHash("sha256").update(parts.join(":")).digest("hex");
  const variant = ((Number.parseInt(hex[16] as string, 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

const ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/** A random secret with the API's prefix, e.g. `polar_oat_…`, `polar_cst_…`, `whsec_…`. */
export function secret(prefix: string, length = 43): string {
  const bytes = randomBytes(length);
  let out = prefix;
  for (const byte of bytes) out += ALPHABET[byte % ALPHABET.length];
  return out;
}
