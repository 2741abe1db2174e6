import { describe, expect, it } from "vitest";
import { derivedUuid } from "./ids";

describe("derivedUuid", () => {
  it("is a stable UUID4 of its parts", () => {
    const id = derivedUuid("payment", "5b7c3c39-8f0e-4a55-9a0e-3d1f2f6d9c11");
    // Payment ids were minted with this value before; it must not change across versions.
    expect(id).toBe("dda9daa5-0c9b-4efc-9417-c810b9275cae");
    expect(derivedUuid("payment", "5b7c3c39-8f0e-4a55-9a0e-3d1f2f6d9c11")).toBe(id);
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});
