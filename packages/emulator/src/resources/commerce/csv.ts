import { Reply } from "../../context";
import { isoInZone } from "../../zoned-time";

type Cell = string | number | boolean | null | undefined;

// Excel dialect, as the API's exports: quote only when needed, double inner quotes, CRLF rows.
function cell(value: Cell): string {
  if (value === null || value === undefined) return "";
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** A CSV body from a header row and data rows. */
export const toCsv = (rows: Cell[][]): string => rows.map((row) => `${row.map(cell).join(",")}\r\n`).join("");

/** The `text/csv` answer of the export endpoints, as a download named like the API's. */
export const csvReply = (rows: Cell[][], filename: string): Reply =>
  new Reply(200, toCsv(rows), "text/csv; charset=utf-8", {
    "content-disposition": `attachment; filename=${filename}`,
  });

/** An amount in cents as the exports write it (`1999` -> `19.99`). */
export const money = (cents: number): number => cents / 100;

/**
 * An API timestamp rendered in the export's `timezone` query (the API's `isoformat()` in that zone).
 * Unknown zones fall back to UTC rather than failing the whole export.
 */
export function inZone(value: string | null | undefined, timezone: unknown): string | null {
  if (!value) return null;
  return isoInZone(new Date(value).getTime(), typeof timezone === "string" && timezone ? timezone : "UTC");
}
