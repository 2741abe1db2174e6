import type { Hono } from "hono";
import type { EmulatorState, OperationHandlers } from "../context";

/** One area of the emulated API: its operation handlers, any non-API routes, and its timed work. */
export interface ResourceModule {
  handlers: OperationHandlers;
  /** Pages and emulator-only routes (hosted checkout, upload URLs, `/__emulator/...`). */
  routes?: (app: Hono, state: EmulatorState) => void;
  /**
   * Applies every time-driven transition that is due at `state.clock.now()` (renewals, expiries).
   * Runs in a transaction after each clock advance and once a second.
   */
  sweep?: (state: EmulatorState) => void;
}
