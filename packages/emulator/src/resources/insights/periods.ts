// The metrics' time axis: periods of an interval in an IANA time zone, as the API's
// `generate_series` over `date_trunc`ed timestamps in the request's zone builds them.
import { inZone } from "../commerce/csv";

export type TimeInterval = "year" | "month" | "week" | "day" | "hour";

/** One period of the axis: its start as the API writes it, and its bounds in epoch milliseconds. */
export interface Period {
  timestamp: string;
  /** The whole period, for metrics that are a state at a time (active subscriptions, MRR). */
  start: number;
  end: number;
  /** The period cut to the requested dates, for metrics that count what happened (orders, revenue). */
  from: number;
  to: number;
}

interface Wall {
  year: number;
  month: number;
  day: number;
  hour: number;
}

const HOUR_MS = 3_600_000;
const formats = new Map<string, Intl.DateTimeFormat>();

function format(zone: string): Intl.DateTimeFormat {
  let f = formats.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-CA", {
      timeZone: zone,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
    });
    formats.set(zone, f);
  }
  return f;
}

/** The wall-clock reading of an instant in `zone`, to the second. */
function wallClock(ms: number, zone: string): Wall & { minute: number; second: number } {
  const parts = Object.fromEntries(
    format(zone)
      .formatToParts(new Date(ms))
      .map((p) => [p.type, Number(p.value)]),
  ) as Record<string, number>;
  return {
    year: parts.year as number,
    month: parts.month as number,
    day: parts.day as number,
    hour: parts.hour as number,
    minute: parts.minute as number,
    second: parts.second as number,
  };
}

/** How far `zone` is ahead of UTC at an instant. */
function offsetAt(ms: number, zone: string): number {
  const w = wallClock(ms, zone);
  return Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second) - Math.floor(ms / 1000) * 1000;
}

/** The instant a wall-clock time of `zone` names (fields may overflow: month 13 is next January). */
function instantOf(wall: Wall, zone: string): number {
  const naive = Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour);
  // Across a DST change the offset at the answer can differ from the one at the guess: look twice.
  const guess = naive - offsetAt(naive, zone);
  return naive - offsetAt(guess, zone);
}

/** `date_trunc(interval, t)` in `zone`; weeks start on Monday. */
function truncate(ms: number, interval: TimeInterval, zone: string): Wall {
  const w = wallClock(ms, zone);
  switch (interval) {
    case "year":
      return { year: w.year, month: 1, day: 1, hour: 0 };
    case "month":
      return { year: w.year, month: w.month, day: 1, hour: 0 };
    case "week": {
      const weekday = new Date(Date.UTC(w.year, w.month - 1, w.day)).getUTCDay();
      return { year: w.year, month: w.month, day: w.day - ((weekday + 6) % 7), hour: 0 };
    }
    case "day":
      return { year: w.year, month: w.month, day: w.day, hour: 0 };
    default:
      return { year: w.year, month: w.month, day: w.day, hour: w.hour };
  }
}

/** The start of the `index`-th period after `first`: calendar steps, except hours, which are absolute. */
function periodStart(first: Wall, firstMs: number, interval: TimeInterval, index: number, zone: string): number {
  if (interval === "hour") return firstMs + index * HOUR_MS;
  const step = { ...first };
  if (interval === "year") step.year += index;
  else if (interval === "month") step.month += index;
  else step.day += index * (interval === "week" ? 7 : 1);
  return instantOf(step, zone);
}

/** Midnight starting a `YYYY-MM-DD` date in `zone`, `days` days later. */
export function midnight(date: string, zone: string, days = 0): number {
  const [year, month, day] = date.split("-").map(Number) as [number, number, number];
  return instantOf({ year, month, day: day + days, hour: 0 }, zone);
}

/** The start of the period of `interval` that contains `ms`, in `zone`. */
export const periodStartOf = (ms: number, interval: TimeInterval, zone: string) =>
  instantOf(truncate(ms, interval, zone), zone);

/**
 * Every period from the one containing `startDate` to the one containing `endDate` (both whole
 * days in `zone`), with the requested window `[from, to)` the counting metrics are cut to.
 */
export function periodsBetween(startDate: string, endDate: string, interval: TimeInterval, zone: string) {
  const from = midnight(startDate, zone);
  const to = midnight(endDate, zone, 1);
  const first = truncate(from, interval, zone);
  const firstMs = instantOf(first, zone);
  const periods: Period[] = [];
  for (let index = 0; ; index++) {
    const start = periodStart(first, firstMs, interval, index, zone);
    if (start >= to) break;
    const end = periodStart(first, firstMs, interval, index + 1, zone);
    periods.push({
      timestamp: inZone(new Date(start).toISOString(), zone) as string,
      start,
      end,
      from: Math.max(start, from),
      to: Math.min(end, to),
    });
  }
  return { periods, from, to };
}
