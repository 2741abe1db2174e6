import { benefitGrantHandlers } from "./catalog/benefit-grants";
import { benefitHandlers } from "./catalog/benefits";
import { customFieldHandlers } from "./catalog/custom-fields";
import { discountHandlers } from "./catalog/discounts";
import { fileRoutes } from "./catalog/file-routes";
import { fileHandlers } from "./catalog/files";
import { productHandlers } from "./catalog/products";
import type { ResourceModule } from "./module";

/** Products, benefits, discounts, custom checkout fields and files: what an organization sells. */
export const catalog: ResourceModule = {
  handlers: {
    ...productHandlers,
    ...benefitHandlers,
    ...benefitGrantHandlers,
    ...discountHandlers,
    ...customFieldHandlers,
    ...fileHandlers,
  },
  routes: fileRoutes,
};

// What the other areas (checkout, orders, subscriptions, customer portal) use from the catalog.
export { customFieldDataOf, validateCustomFieldData } from "./catalog/custom-field-data";
export { findApplicableDiscount, redeemDiscount, releaseDiscountRedemption } from "./catalog/discount-redemption";
export { findDeletedDiscount } from "./catalog/discounts";
export { type CatalogChange, onCatalogChange } from "./catalog/events";
export { readFileBytes } from "./catalog/file-storage";
export { findProductPrice } from "./catalog/prices";
