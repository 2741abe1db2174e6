import type { EngineKind } from "../src/engines.ts";
import type { ScenarioOptions } from "../src/scenario.ts";

/** The emulator's retry schedule, compressed from Polar's 4 s … 1024 s, still jittered to 50–100 %. */
export const FAST_RETRIES = [50, 100, 200, 400, 800, 800, 800, 800, 800];

/** Longer, for faults that hold events back for a lease or an outage: at least 4.7 s of retries. */
export const FAULT_RETRIES = [100, 200, 400, 800, 1_600, 1_600, 1_600, 1_600, 1_600];

/** The proxy's misbehaviour in every test: a quarter duplicated at once, some replayed late, a third delayed. */
export const PROXY_FAULTS: ScenarioOptions["proxy"] = {
  duplicateRate: 0.25,
  replayRate: 0.15,
  delayRate: 0.3,
  maxDelayMs: 30,
};

/** Three endpoints: the emulator has one delivery in flight per endpoint, so three at a time. */
export const ENDPOINTS = 3;

/** The engines that several processes can share (memory is per process). */
export const SHARED_ENGINES: readonly EngineKind[] = ["redis", "postgres", "sqlite"];

/** The shared engines reached over TCP, whose connection a test can cut. */
export const NETWORKED_ENGINES: readonly EngineKind[] = ["redis", "postgres"];
