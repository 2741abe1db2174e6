import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { judge, type Verdict } from "./checks.ts";
import {
  type EmulatedPolar,
  type PolarOptions,
  type SenderOutcome,
  startEmulatedPolar,
  WEBHOOK_SECRET,
} from "./emulated-polar.ts";
import type { EngineKind } from "./engines.ts";
import { type FlakyProxy, type ProxyFaults, type ProxyStats, startFlakyProxy } from "./flaky-proxy.ts";
import { type Instance, startInstances } from "./instances.ts";
import type { CallbackFaults } from "./receiver.ts";
import { type LogEntry, readLog } from "./run-log.ts";
import { provisionStore, storeAddress } from "./stores.ts";
import { type CuttableLink, startCuttableLink } from "./tcp-proxy.ts";

export interface ScenarioOptions {
  engine: EngineKind;
  instances: number;
  leaseMs: number;
  /** Webhook endpoints on the emulator, all pointing at the proxy: one delivery in flight per endpoint. */
  endpoints: number;
  polar: PolarOptions;
  proxy: Omit<ProxyFaults, "seed">;
  /** Fixed for a replay; a new one per run otherwise (printed with every result). */
  seed?: number;
  callbacks?: Omit<CallbackFaults, "dir">;
  /** Puts a cuttable TCP link between the instances and the store (Redis, PostgreSQL). */
  cuttable?: boolean;
  /** The broken deduplicator of the negative controls: a store error counts as "done". */
  failOpen?: boolean;
}

export interface Results {
  verdict: Verdict;
  proxy: ProxyStats;
  sender: SenderOutcome;
  seed: number;
}

/** A running setup: the emulator as Polar → flaky proxy → N receiver processes → one store. */
export interface Scenario {
  polar: EmulatedPolar;
  instances: Instance[];
  proxy: FlakyProxy;
  link: CuttableLink | undefined;
  endpointIds: string[];
  log(): LogEntry[];
  /** Waits until nothing is pending at the emulator or the proxy, then judges. */
  results(): Promise<Results>;
  close(): Promise<void>;
}

export async function startScenario(options: ScenarioOptions): Promise<Scenario> {
  const seed = options.seed ?? Math.floor(Math.random() * 2 ** 31);
  const dir = mkdtempSync(join(tmpdir(), "polar-kit-dedupe-"));
  const logFile = join(dir, "runs.jsonl");
  const cleanups: (() => Promise<unknown> | unknown)[] = [() => rmSync(dir, { recursive: true, force: true })];
  const close = async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  };
  try {
    const address = storeAddress(options.engine);
    const link = options.cuttable && address ? await startCuttableLink(address) : undefined;
    if (options.cuttable && !link) throw new Error(`${options.engine} has no connection to cut`);
    if (link) cleanups.push(() => link.close());
    const store = await provisionStore(
      options.engine,
      { leaseMs: options.leaseMs, failOpen: options.failOpen },
      link?.port,
    );
    cleanups.push(() => store.remove());
    const instances = await startInstances(options.instances, {
      secret: WEBHOOK_SECRET,
      engine: store.spec,
      log: logFile,
      faults: { dir, ...options.callbacks },
    });
    cleanups.push(() => Promise.all(instances.map((instance) => instance.stop())));
    const proxy = await startFlakyProxy(
      instances.map((instance) => instance.url),
      { seed, ...options.proxy },
    );
    cleanups.push(() => proxy.close());
    const polar = await startEmulatedPolar(options.polar);
    // Closed first: no delivery may reach a proxy or instance that is going away.
    cleanups.push(() => polar.close());
    const endpointIds = await polar.addEndpoints(proxy.url, options.endpoints);
    return {
      polar,
      instances,
      proxy,
      link,
      endpointIds,
      log: () => readLog(logFile),
      async results() {
        await polar.settled(endpointIds);
        await proxy.idle();
        const sender = await polar.outcome(endpointIds);
        return { verdict: judge(sender, readLog(logFile)), proxy: { ...proxy.stats }, sender, seed };
      },
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}

/** One line per run for the test output: the figures the issue asks for. */
export function summary(name: string, { verdict, proxy, sender, seed }: Results): string {
  return [
    `${name} (seed ${seed}):`,
    `${verdict.events} events, ${verdict.runs} callback runs (+${verdict.failedRuns} injected failures),`,
    `${proxy.injectedDuplicates} duplicates injected (${proxy.concurrentDuplicates} concurrent, ${proxy.lateReplays} late), ${proxy.delayed} delayed,`,
    `instance answers ${JSON.stringify(verdict.answers)}, emulator attempts ${JSON.stringify(sender.attemptsByStatus)},`,
    `lost ${verdict.lost.length}, ran twice ${verdict.ranTwice.length}, undelivered ${verdict.undelivered.length}`,
    ...verdict.ranTwice.slice(0, 5).map((extra) => `\n  ran twice: ${extra.id} ${JSON.stringify(extra.attempts)}`),
  ].join(" ");
}
