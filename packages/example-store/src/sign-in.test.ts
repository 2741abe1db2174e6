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
