import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { isEmail, safeNext, signSession, verifySession } from "./sign-in.js";

describe("safeNext", () => {
  it("keeps paths of this site, with their query", () => {
    expect(safeNext("/account")).toBe("/account");
    expect(safeNext("/account?tab=usage&page=2")).toBe("/account?tab=usage&page=2");
    expect(safeNext("/")).toBe("/");
  });

  it("refuses anything that leaves the site, as a browser would parse it", () => {
    const refused = [
      "/\t/evil.example",
      // `?next=/%09/evil.example`: the query decodes to a tab, which browsers drop from URLs.
      new URLSearchParams("next=/%09/evil.example").get("next"),
      "/\n/evil.example",
      "//evil.example",
      "/\\evil.example",
      "\\\\evil.example",
      "https://evil.example/",
      "javascript:alert(1)",
      "evil.example",
      "//exa mple", // not even a URL: refused rather than thrown
      "",
      undefined,
      null,
      ["/account"],
    ];
    for (const value of refused) expect(safeNext(value), JSON.stringify(value)).toBe("/");
  });

  it("refuses paths that only normalize to `//host` (dot segments, `%2e`, `\\`)", () => {
    for (const value of ["/.//evil.com", "/..//evil.com", "/%2e//evil.com", "/%2E%2e//evil.com", "/a/..//evil.com"]) {
      expect(safeNext(value), value).toBe("/");
    }
    expect(safeNext("/a/../account/./usage?x=1")).toBe("/account/usage?x=1");
  });

  // Generated hostile paths: every answer must keep the browser on the site, as a Location header
  // and resolved as a URL, and be what the browser would have opened anyway (or home).
  describe("on a generated corpus", () => {
    const VICTIM = "https://victim.example";
    const PIECES = [
      ...["/", "\\", ".", "..", "%2e", "%2E", "%2f", "%2F", "%5c", "%5C", "%252e", "%09", "%0a", "\t", "\n", "\r"],
      ...[" ", "\u0000", "evil.com", "@", ":", "?", "#", "a", "https:", "\u3002", "\uff0e"],
    ];
    const joined = fc.array(fc.constantFrom(...PIECES), { maxLength: 12 }).map((pieces) => pieces.join(""));
    // Free concatenation rarely makes `/.//host`: path-shaped strings climb with dot segments, leave
    // a gap, then go on (about a third of them normalize to `//…`).
    const separator = fc.oneof(
      { arbitrary: fc.constant("/"), weight: 4 },
      fc.constantFrom("\\", "/\t", "\n/", "%2f", "%5C"),
    );
    const dots = fc.constantFrom(".", "..", "%2e", "%2E", "%2e%2e", ".%2E", "a/..", "a/%2e%2e");
    const name = fc.constantFrom("", "a", "evil.com", "@evil.com", "evil.com:443", "?", "#");
    const steps = (segment: fc.Arbitrary<string>, maxLength: number) =>
      fc.array(fc.tuple(segment, separator), { maxLength }).map((parts) => parts.flat().join(""));
    const pathShaped = fc
      .tuple(steps(dots, 3), fc.constantFrom("", "/", "\\", "\t/", "%2f"), steps(fc.oneof(dots, name), 3), name)
      .map(([climb, gap, rest, last]) => `/${climb}${gap}${rest}${last}`);
    const corpus = fc.oneof(
      { arbitrary: pathShaped, weight: 3 },
      { arbitrary: joined.map((rest) => `/${rest}`), weight: 2 },
      { arbitrary: joined, weight: 1 },
      { arbitrary: fc.string({ unit: "binary", maxLength: 16 }).map((rest) => `/${rest}`), weight: 1 },
    );
    const RUNS = 20_000;
    /** Where a browser on the victim's site would go for `value`; undefined if it cannot parse it. */
    const opens = (value: string): URL | undefined => {
      try {
        return new URL(value, `${VICTIM}/`);
      } catch {
        return undefined;
      }
    };

    it(`keeps every one of ${RUNS.toLocaleString("en")} inputs on the site`, () => {
      let leavesWhenNormalized = 0; // inputs the old, parse-once check sent to `//…`
      fc.assert(
        fc.property(corpus, (value) => {
          const next = safeNext(value);
          const opened = opens(value);
          if (opened?.origin === VICTIM && /^\/[/\\]/.test(opened.pathname)) leavesWhenNormalized++;

          // As a Location header: unchanged by Headers, and not protocol-relative even once a
          // browser drops tabs and newlines.
          expect(new Headers({ location: next }).get("location")).toBe(next);
          expect(next.replace(/[\t\n\r]/g, "")).toMatch(/^\/(?![/\\])/);
          for (const base of [VICTIM, `${VICTIM}/deep/page?q=1`]) expect(new URL(next, base).origin).toBe(VICTIM);
          // Its own normal form, and where the browser would have gone, or home.
          expect(safeNext(next)).toBe(next);
          if (next !== "/") expect(next).toBe(`${opened?.pathname}${opened?.search}`);
        }),
        { seed: 0x5afe, numRuns: RUNS },
      );
      // The corpus does reach the bug: thousands of its paths normalize to `//…`.
      expect(leavesWhenNormalized).toBeGreaterThan(RUNS / 10);
    });
  });
});

describe("isEmail", () => {
  it("takes addresses up to 254 characters", () => {
    expect(isEmail("ada@example.com")).toBe(true);
    expect(isEmail(`${"a".repeat(242)}@example.com`)).toBe(true); // 254
    expect(isEmail(`${"a".repeat(243)}@example.com`)).toBe(false); // 255
  });

  it("refuses what is not an address", () => {
    for (const email of ["", "ada", "ada@example", "ada@@example.com", "a da@example.com", "@example.com"]) {
      expect(isEmail(email), email).toBe(false);
    }
  });
});

describe("session cookie", () => {
  const secret = "s3cret";

  it("is `<userId>.<HMAC-SHA256 in base64url>` and verifies back to the user id", () => {
    const value = signSession("user_1", secret);
    expect(value).toMatch(/^user_1\.[A-Za-z0-9_-]{43}$/);
    expect(verifySession(value, secret)).toBe("user_1");
  });

  it("refuses a value signed with another secret, edited, or malformed", () => {
    const value = signSession("user_1", secret);
    const signature = value.slice("user_1.".length);
    for (const forged of [
      signSession("user_1", "other"),
      `user_2.${signature}`,
      `${value}x`,
      value.slice(0, -1),
      "user_1.",
      `.${signature}`,
      "user_1",
      "",
      undefined,
    ]) {
      expect(verifySession(forged, secret), String(forged)).toBeUndefined();
    }
  });
});
