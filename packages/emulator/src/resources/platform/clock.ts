import type { Hono } from "hono";
import type { EmulatorState } from "../../context";
import { notifyQueued } from "../../webhooks/outbox";
import { issue, readObject, unprocessable } from "./emulator-input";

// A century: far enough for any expiry or renewal, small enough to stay a valid date.
const MAX_ADVANCE_MS = 100 * 365 * 24 * 3600 * 1000;

/** `GET /__emulator/clock` and `POST /__emulator/clock {advance_seconds | advance_ms}`. */
export function clockRoutes(app: Hono, state: EmulatorState): void {
  const now = () => ({ now: state.clock.iso() });
  app.get("/__emulator/clock", (c) => c.json(now()));
  app.post("/__emulator/clock", async (c) => {
    const body = await readObject(c);
    if (Array.isArray(body)) return unprocessable(c, body);
    const given = (["advance_seconds", "advance_ms"] as const).filter((key) => body[key] !== undefined);
    if (given.length !== 1) {
      return unprocessable(c, [
        issue("advance_seconds", "Give exactly one of advance_seconds or advance_ms", "missing"),
      ]);
    }
    const field = given[0] as "advance_seconds" | "advance_ms";
    const value = body[field];
    const ms = typeof value === "number" ? (field === "advance_seconds" ? value * 1000 : value) : Number.NaN;
    // The clock only moves forward: time-driven transitions cannot be undone.
    if (!Number.isFinite(ms) || ms < 0 || ms > MAX_ADVANCE_MS) {
      return unprocessable(c, [
        issue(field, "Input should be a number of at least 0 and at most a century", "number_range", value),
      ]);
    }
    state.advanceClock(Math.round(ms));
    // Retries that just came due go out now rather than at the next poll.
    notifyQueued(state.db);
    return c.json(now());
  });
}
