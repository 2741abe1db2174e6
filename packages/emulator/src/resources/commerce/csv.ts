import { Reply } from "../../context";

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
  const date = new Date(value);
  const zone = typeof timezone === "string" && timezone ? timezone : "UTC";
  try {
    const parts = Object.fromEntries(
      new Intl.DateTimeFormat("en-CA", {
        timeZone: zone,
        hourCycle: "h23",
        year: "numeric",
        month: "2-digit",
        day: "2-digit",
        hour: "2-digit",
        minute: "2-digit",
        second: "2-digit",
      })
        .formatToParts(date)
        .map((p) => [p.type, p.value]),
    );
    const local = Date.UTC(
      Number(parts.year),
      Number(parts.month) - 1,
      Number(parts.day),
      Number(parts.hour),
      Number(parts.minute),
      Number(parts.second),
    );
    const offset = Math.round((local - Math.floor(date.getTime() / 1000) * 1000) / 60_000);
    const sign = offset < 0 ? "-" : "+";
    const abs = Math.abs(offset);
    const hh = String(Math.floor(abs / 60)).padStart(2, "0");
    const mm = String(abs % 60).padStart(2, "0");
    const micro = String(date.getUTCMilliseconds() * 1000).padStart(6, "0");
    const wall = `${parts.year}-${parts.month}-${parts.day}T${parts.hour}:${parts.minute}:${parts.second}`;
    return `${wall}${date.getUTCMilliseconds() ? `.${micro}` : ""}${sign}${hh}:${mm}`;
  } catch {
    return date.toISOString().replace("Z", "+00:00");
  }
}
