// The metrics' time axis: periods of an interval in an IANA time zone, as the API's
// `generate_series` over `date_trunc`ed timestamps in the request's zone builds them.
import { eachPeriod, instantOf, isoInZone, type TimeInterval } from "../../zoned-time";

export { periodStartOf, type TimeInterval } from "../../zoned-time";

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

/** Midnight starting a `YYYY-MM-DD` date in `zone`, `days` days later. */
function midnight(date: string, zone: string, days = 0): number {
  const [year, month, day] = date.split("-").map(Number) as [number, number, number];
  return instantOf({ year, month, day: day + days, hour: 0 }, zone);
}

/**
 * Every period from the one containing `startDate` to the one containing `endDate` (both whole
 * days in `zone`), with the requested window `[from, to)` the counting metrics are cut to.
 */
export function periodsBetween(startDate: string, endDate: string, interval: TimeInterval, zone: string) {
  const from = midnight(startDate, zone);
  const to = midnight(endDate, zone, 1);
  const periods: Period[] = [];
  for (const { start, end } of eachPeriod(from, to, interval, zone)) {
    periods.push({ timestamp: isoInZone(start, zone), start, end, from: Math.max(start, from), to: Math.min(end, to) });
  }
  return { periods, from, to };
}
