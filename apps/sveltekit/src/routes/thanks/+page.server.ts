import { orderOwnedBy } from "@polar-kit/example-store/facts";
import { formatDate, formatMoney } from "@polar-kit/example-store/format";
import { error } from "@sveltejs/kit";
import { store } from "#lib/server/db.ts";
import type { PageServerLoad } from "./$types";

// Polar sends the customer here after paying. The order counts as paid only once its verified
// `order.paid` webhook is in our database: the redirect alone proves nothing. Only the signed-in
// user who placed it sees it; anyone else with the link gets the page an unknown id gets.
export const load: PageServerLoad = ({ url, locals }) => {
  const checkoutId = url.searchParams.get("checkout_id") ?? "";
  if (!checkoutId || checkoutId.length > 200) {
    error(400, "Unknown checkout", { detail: "This page needs a checkout_id." });
  }
  const order = orderOwnedBy(store().orderForCheckout(checkoutId), locals.user);
  return {
    order: order && {
      id: order.id,
      productName: order.productName,
      date: formatDate(order.createdAt),
      total: formatMoney(order.totalAmount, order.currency),
    },
  };
};
