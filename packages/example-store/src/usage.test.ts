import type { Polar } from "@polar-kit/core";
import { describe, expect, it } from "vitest";
import { meterUsage, recordApiCall, USAGE_EVENT } from "./usage.js";

/** A client with only the two calls the usage section makes, recording what it was asked. */
function fakePolar() {
  const calls: unknown[] = [];
  const polar = {
    customerMeters: {
      list: async (query: unknown) => {
        calls.push(query);
        return { items: [{ meter: { name: "Demo API Calls" }, consumed_units: 2, credited_units: 100, balance: 98 }] };
      },
    },
    events: {
      ingest: async (body: unknown) => {
        calls.push(body);
        return { inserted: 1 };
      },
    },
  } as unknown as Polar;
  return { polar, calls };
}

describe("usage", () => {
  it("lists the user's meters by their external customer id", async () => {
    const { polar, calls } = fakePolar();
    expect(await meterUsage(polar, "user_1")).toEqual([
      { meter: "Demo API Calls", consumed: 2, credited: 100, balance: 98 },
    ]);
    expect(calls).toEqual([{ external_customer_id: "user_1", limit: 100 }]);
  });

  it("records one api.call event for the user", async () => {
    const { polar, calls } = fakePolar();
    await recordApiCall(polar, "user_1");
    expect(USAGE_EVENT).toBe("api.call");
    expect(calls).toEqual([{ events: [{ name: "api.call", external_customer_id: "user_1" }] }]);
  });
});
