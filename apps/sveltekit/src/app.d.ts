// See https://svelte.dev/docs/kit/types#app.d.ts
import type { User } from "@polar-kit/example-store/facts";

declare global {
  namespace App {
    interface Locals {
      /** The signed-in user, from the session cookie (hooks.server.ts). */
      user: User | undefined;
    }
    interface Error {
      /** The heading of the error page. */
      message: string;
      /** A sentence under it, for the shopper. */
      detail?: string;
    }
  }
}
