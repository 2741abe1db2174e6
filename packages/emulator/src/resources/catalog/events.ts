import type { EmulatorState } from "../../context";
import type { Doc } from "../../store";

/**
 * Catalog changes other areas react to (benefit grants follow the benefits of a product, and are
 * revoked when a benefit is deleted). Listeners run synchronously, inside the request's transaction.
 */
export type CatalogChange =
  | { type: "product.benefits_changed"; product: Doc; added: Doc[]; removed: Doc[] }
  | { type: "benefit.updated"; benefit: Doc; previous: Doc }
  | { type: "benefit.deleted"; benefit: Doc };

type Listener = (change: CatalogChange) => void;

// Keyed by emulator so that several emulators in one process (tests) do not hear each other.
const listeners = new WeakMap<EmulatorState, Listener[]>();

/** Subscribes to catalog changes of one emulator; returns the function that unsubscribes. */
export function onCatalogChange(state: EmulatorState, listener: Listener): () => void {
  const list = listeners.get(state) ?? [];
  list.push(listener);
  listeners.set(state, list);
  return () => {
    const current = listeners.get(state) ?? [];
    listeners.set(
      state,
      current.filter((l) => l !== listener),
    );
  };
}

export function announce(state: EmulatorState, change: CatalogChange): void {
  for (const listener of listeners.get(state) ?? []) listener(change);
}
