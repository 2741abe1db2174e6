import type { RequestEvent } from "@sveltejs/kit";
import type { Handle } from "@sveltejs/kit/hooks";
import { describe, expectTypeOf, it } from "vitest";
import { describeAdapterOn } from "../test/describe-adapter";
import { CustomerPortal, polarHandle, Webhooks } from "./index";

await describeAdapterOn(3);

// The package's own sources compile against Kit 3 (devDependency); the shipped .d.ts is checked
// against both majors in types.test.ts.
describe("sveltekit 3 types", () => {
  it("types callbacks with the RequestEvent, without annotations", () => {
    CustomerPortal({
      getExternalCustomerId: (event) => {
        expectTypeOf(event).toEqualTypeOf<RequestEvent>();
        return event.url.searchParams.get("never-from-the-url-in-real-apps");
      },
    });
    Webhooks({ onOrderRefunded: (_event, e) => expectTypeOf(e).toEqualTypeOf<RequestEvent>() });
  });

  it("returns Kit 3's Handle from @sveltejs/kit/hooks", () => {
    expectTypeOf(polarHandle({})).toEqualTypeOf<Handle>();
  });
});
