import type { EmulatorState } from "../../context";
import type { Doc } from "../../store";
import { activePrices } from "./prices";
import { KIND, sameJson } from "./shared";

// Products and discounts embed other catalog objects (benefits, media files, custom fields,
// products) in the API's shape. The store keeps them embedded so every reader gets the API's
// object as is; these functions compute the embedded copies, and `syncReferences` refreshes them
// after a change to any of those objects.

export type AttachedField = { custom_field_id: string; required: boolean; order: number };

/** Live benefits by id, in the given order; deleted or unknown ones are dropped. */
export function embedBenefits(state: EmulatorState, organizationId: string, ids: string[]): Doc[] {
  return ids
    .map((id) => state.store.find(KIND.benefit, id))
    .filter((b): b is Doc => Boolean(b && b.organization_id === organizationId && !b.is_deleted));
}

/** Uploaded product media files by id, in the given order. */
export function embedMedias(state: EmulatorState, organizationId: string, ids: string[]): Doc[] {
  return ids
    .map((id) => state.store.find(KIND.file, id))
    .filter((f): f is Doc =>
      Boolean(f && f.organization_id === organizationId && f.service === "product_media" && f.is_uploaded),
    );
}

/** `AttachedCustomField` objects for the attachments whose field still exists. */
export function embedCustomFields(
  state: EmulatorState,
  organizationId: string,
  attached: AttachedField[],
): (AttachedField & { custom_field: Doc })[] {
  return attached.flatMap((attachment) => {
    const field = state.store.find(KIND.customField, attachment.custom_field_id);
    if (!field || field.organization_id !== organizationId) return [];
    return [{ ...attachment, custom_field: field }];
  });
}

/** The `DiscountProduct` view of a product: the product without its prices, benefits and attachments. */
export function discountProductOf(product: Doc): Doc {
  const { prices: _p, benefits: _b, medias: _m, attached_custom_fields: _a, ...rest } = product;
  return rest as Doc;
}

/** A product with its embedded objects recomputed from the store. */
export function withFreshReferences(state: EmulatorState, product: Doc): Doc {
  const organizationId = product.organization_id as string;
  const ids = (list: unknown) => ((list as Doc[] | undefined) ?? []).map((item) => item.id);
  const attached = ((product.attached_custom_fields as AttachedField[] | undefined) ?? []).map(
    ({ custom_field_id, required, order }) => ({ custom_field_id, required, order }),
  );
  return {
    ...product,
    prices: activePrices(state, organizationId, product.id),
    benefits: embedBenefits(state, organizationId, ids(product.benefits)),
    medias: embedMedias(state, organizationId, ids(product.medias)),
    attached_custom_fields: embedCustomFields(state, organizationId, attached),
  };
}

/**
 * Refreshes the objects embedded in an organization's products and discounts. A change of a
 * benefit, file or custom field is not a change of the products holding it, so nothing is emitted.
 */
export function syncReferences(state: EmulatorState, organizationId: string): void {
  const products = new Map<string, Doc>();
  for (const product of state.store.all(KIND.product, { organizationId })) {
    const fresh = withFreshReferences(state, product);
    if (!sameJson(fresh, product)) state.store.put(KIND.product, fresh);
    products.set(fresh.id, fresh);
  }
  for (const discount of state.store.all(KIND.discount, { organizationId })) {
    const embedded = ((discount.products as Doc[] | undefined) ?? [])
      .map((p) => products.get(p.id))
      .filter((p): p is Doc => Boolean(p))
      .map(discountProductOf);
    if (!sameJson(embedded, discount.products)) state.store.put(KIND.discount, { ...discount, products: embedded });
  }
}
