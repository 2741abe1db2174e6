import { describe, expect, it } from "vitest";
import { headerReader, type WebhookHeaders } from "./headers";

const readHeader = (headers: WebhookHeaders, name: string) => headerReader(headers).get(name);

describe("headerReader", () => {
  it("reads Fetch Headers, whose lookup is case-insensitive already", () => {
    const headers = new Headers({ "Webhook-Id": "a" });
    expect(readHeader(headers, "webhook-id")).toBe("a");
    expect(readHeader(headers, "webhook-timestamp")).toBeNull();
  });

  it("finds a record's header whatever the case of its name", () => {
    expect(readHeader({ "webhook-id": "lower" }, "webhook-id")).toBe("lower");
    expect(readHeader({ "WEBHOOK-ID": "upper" }, "webhook-id")).toBe("upper");
    expect(readHeader({ "Webhook-Id": "first", "webhook-ID": "second" }, "webhook-id")).toBe("first");
    expect(readHeader({ "webhook-idx": "other" }, "webhook-id")).toBeUndefined();
  });

  it("takes the first value of a repeated header, as Node gives it", () => {
    expect(readHeader({ "webhook-signature": ["v1,a", "v1,b"] }, "webhook-signature")).toBe("v1,a");
    expect(readHeader({ "webhook-signature": [] }, "webhook-signature")).toBeUndefined();
  });

  it("looks past a lower-case name whose value is missing", () => {
    expect(readHeader({ "webhook-id": undefined, "Webhook-Id": "set" }, "webhook-id")).toBe("set");
    expect(readHeader({ "webhook-id": null }, "webhook-id")).toBeUndefined();
  });
});
