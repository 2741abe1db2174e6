// OpenID Connect ID tokens: RS256 JWTs (as the API signs them) with a key made once per database,
// published at `/.well-known/jwks.json`.
import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject, sign } from "node:crypto";
import type { EmulatorState } from "../../context";
import { readSetting, writeSetting } from "../../db";

const ID_TOKEN_LIFETIME_S = 3600;

interface SigningKey {
  kid: string;
  privateKey: KeyObject;
}

// The stored key is the truth (one made in a transaction that rolled back is gone with it); this
// only saves parsing it again.
const parsed = new WeakMap<object, SigningKey & { pem: string }>();

function signingKey(state: EmulatorState): SigningKey {
  let stored = readSetting<{ kid: string; pem: string }>(state.db, "oauth_signing_key");
  if (!stored) {
    const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
    stored = {
      kid: `emulator-${Date.now().toString(36)}`,
      pem: privateKey.export({ format: "pem", type: "pkcs8" }).toString(),
    };
    writeSetting(state.db, "oauth_signing_key", stored);
  }
  const cached = parsed.get(state.db);
  if (cached?.pem === stored.pem) return cached;
  const key = { kid: stored.kid, pem: stored.pem, privateKey: createPrivateKey(stored.pem) };
  parsed.set(state.db, key);
  return key;
}

/** The JSON Web Key Set with the public half of the signing key. */
export function jwks(state: EmulatorState) {
  const { kid, privateKey } = signingKey(state);
  const jwk = createPublicKey(privateKey).export({ format: "jwk" });
  return { keys: [{ ...jwk, kid, use: "sig", alg: "RS256" }] };
}

const base64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");

/** A signed ID token for `sub`, audience the client, carrying the userinfo claims. */
export function idToken(
  state: EmulatorState,
  claims: { sub: string; aud: string; nonce: string | null; authTime: number } & Record<string, unknown>,
): string {
  const { kid, privateKey } = signingKey(state);
  const now = state.clock.nowSeconds();
  const { nonce, authTime, ...rest } = claims;
  const payload = {
    iss: state.publicUrl(),
    ...rest,
    iat: now,
    exp: now + ID_TOKEN_LIFETIME_S,
    auth_time: authTime,
    ...(nonce !== null && { nonce }),
  };
  const input = `${base64url({ alg: "RS256", typ: "JWT", kid })}.${base64url(payload)}`;
  return `${input}.${sign("RSA-SHA256", Buffer.from(input), privateKey).toString("base64url")}`;
}
