// Wall-clock time in IANA time zones, for everything the API buckets or renders in the request's
// `timezone`: meter quantities, metrics periods and CSV exports (Postgres' `date_trunc` and
// `isoformat()` in that zone).

export type TimeInterval = "year" | "month" | "week" | "day" | "hour";

/** How many days each interval may span (the API's metric limits), and the advisory minimum. */
export const INTERVAL_LIMITS: Record<TimeInterval, { min_days: number; max_days: number }> = {
  hour: { min_days: 0, max_days: 7 },
  day: { min_days: 0, max_days: 366 },
  week: { min_days: 14, max_days: 7 * 53 },
  month: { min_days: 60, max_days: 365 * 4 },
  year: { min_days: 366, max_days: 365 * 10 },
};

/** A wall-clock reading; fields may overflow (month 13 is next January, day 0 the month before). */
interface Wall {
  year: number;
  month: number;
  day: number;
  hour: number;
}

const HOUR_MS = 3_600_000;
const formats = new Map<string, Intl.DateTimeFormat>();

/** One formatter per zone; throws a RangeError for a zone Intl does not know. */
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

type Reading = Wall & { minute: number; second: number };

/** The wall-clock reading of an instant in `zone`, to the second. */
function wallClock(ms: number, zone: string): Reading {
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

/** How far a zone is ahead of UTC at an instant that reads `w` there, in milliseconds. */
const offsetOf = (ms: number, w: Reading) =>
  Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second) - Math.floor(ms / 1000) * 1000;

/** How far `zone` is ahead of UTC at an instant, in milliseconds. */
const offsetAt = (ms: number, zone: string) => offsetOf(ms, wallClock(ms, zone));

/** The instant a wall-clock time of `zone` names. */
export function instantOf(wall: Wall, zone: string): number {
  const naive = Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour);
  // Across a DST change the offset at the answer can differ from the one at the guess: look twice.
  const guess = naive - offsetAt(naive, zone);
  return naive - offsetAt(guess, zone);
}

/** `date_trunc(interval, t)` in `zone`, as a wall-clock time; weeks start on Monday. */
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

/** The start of the period of `interval` that contains `ms`, in `zone`. */
export const periodStartOf = (ms: number, interval: TimeInterval, zone: string) =>
  instantOf(truncate(ms, interval, zone), zone);

/** The start of the `index`-th period after `first`: calendar steps, except hours, which are absolute. */
function periodStart(first: Wall, firstMs: number, interval: TimeInterval, index: number, zone: string): number {
  if (interval === "hour") return firstMs + index * HOUR_MS;
  const step = { ...first };
  if (interval === "year") step.year += index;
  else if (interval === "month") step.month += index;
  else step.day += index * (interval === "week" ? 7 : 1);
  return instantOf(step, zone);
}

/** The bounds `[start, end)` of each period of `interval`, from the one containing `from` to the last starting before `to`. */
export function* eachPeriod(from: number, to: number, interval: TimeInterval, zone: string) {
  const first = truncate(from, interval, zone);
  const firstMs = instantOf(first, zone);
  for (let index = 0; ; index++) {
    const start = periodStart(first, firstMs, interval, index, zone);
    if (start >= to) return;
    yield { start, end: periodStart(first, firstMs, interval, index + 1, zone) };
  }
}

/**
 * An instant as the API's `isoformat()` renders it in `zone` (`2026-11-28T10:00:00+01:00`,
 * microseconds when there are milliseconds). Unknown zones fall back to UTC.
 */
export function isoInZone(ms: number, zone: string): string {
  const date = new Date(ms);
  let wall: Reading;
  try {
    wall = wallClock(ms, zone);
  } catch {
    return date.toISOString().replace("Z", "+00:00");
  }
  const offset = Math.round(offsetOf(ms, wall) / 60_000);
  const two = (n: number) => String(n).padStart(2, "0");
  const abs = Math.abs(offset);
  const micro = String(date.getUTCMilliseconds() * 1000).padStart(6, "0");
  return `${wall.year}-${two(wall.month)}-${two(wall.day)}T${two(wall.hour)}:${two(wall.minute)}:${two(wall.second)}${
    date.getUTCMilliseconds() ? `.${micro}` : ""
  }${offset < 0 ? "-" : "+"}${two(Math.floor(abs / 60))}:${two(abs % 60)}`;
}
