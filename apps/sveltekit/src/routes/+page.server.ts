import { PolarError } from "@polar-kit/core";
import { priceLabel, productPeriod } from "@polar-kit/example-store/format";
import { error } from "@sveltejs/kit";
import { polarClient } from "#lib/server/config.ts";
import type { PageServerLoad } from "./$types";

export const load: PageServerLoad = async () => {
  try {
    const { items } = await polarClient().products.list({ is_archived: false, sorting: ["created_at"], limit: 100 });
    // Only what the page shows goes to the browser.
    const products = items.map((product) => ({
      id: product.id,
      name: product.name,
      description: product.description,
      price: priceLabel(product),
      period: productPeriod(product),
    }));
    return { products };
  } catch (failure) {
    if (!(failure instanceof PolarError)) throw failure;
    // The client's messages never contain the token.
    console.error(`[store] could not list products: ${failure.message}`);
    error(502, "Products are unavailable", { detail: "The product list could not be loaded. Try again." });
  }
};
