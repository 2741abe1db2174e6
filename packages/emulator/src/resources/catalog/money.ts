import { loadSpec } from "../../spec";

// Currencies whose smallest unit is the unit itself (no cents), as the payment processor counts them.
const ZERO_DECIMAL = new Set([
  "bif",
  "clp",
  "djf",
  "gnf",
  "jpy",
  "kmf",
  "krw",
  "mga",
  "pyg",
  "rwf",
  "ugx",
  "vnd",
  "vuv",
  "xaf",
  "xof",
  "xpf",
]);

/** The processor's ceiling for one charge, in the smallest unit. */
export const MAXIMUM_AMOUNT = 99_999_999;

const minorUnits = (currency: string) => (ZERO_DECIMAL.has(currency) ? 1 : 100);

let minimums: Map<string, number> | undefined;

/**
 * The smallest positive price per currency, read from the table the spec prints in the description
 * of `ProductPriceFixedCreate.price_amount` ("- USD: 0.5", ..., "Other currencies: 50 minor units").
 */
export function minimumAmount(currency: string): number {
  if (!minimums) {
    minimums = new Map();
    const schema = loadSpec().document.components.schemas.ProductPriceFixedCreate as {
      properties: { price_amount: { description?: string } };
    };
    for (const [, code, major] of (schema.properties.price_amount.description ?? "").matchAll(
      /^- ([A-Z]{3}): ([\d,.]+)$/gm,
    )) {
      const lower = (code as string).toLowerCase();
      minimums.set(lower, Math.round(Number((major as string).replaceAll(",", "")) * minorUnits(lower)));
    }
  }
  return minimums.get(currency) ?? 50;
}

/** An amount in the smallest unit as the API writes it in messages, e.g. `$0.50`. */
export function formatAmount(amount: number, currency: string): string {
  return new Intl.NumberFormat("en-US", { style: "currency", currency: currency.toUpperCase() }).format(
    amount / minorUnits(currency),
  );
}

/**
 * Checks a price amount against the currency's floor and ceiling; `allowZero` admits 0 (free).
 * Returns the problem as a message, or nothing.
 */
export function amountProblem(amount: number, currency: string, allowZero: boolean): string | undefined {
  const minimum = minimumAmount(currency);
  if (amount < minimum && !(allowZero && amount === 0)) {
    return allowZero
      ? `Amount must be at least ${formatAmount(minimum, currency)} or 0 for free pricing`
      : `Amount must be at least ${formatAmount(minimum, currency)}`;
  }
  if (amount > MAXIMUM_AMOUNT) return `Amount must be at most ${formatAmount(MAXIMUM_AMOUNT, currency)}`;
  return undefined;
}
