import { once } from "node:events";
import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import { seededRandom } from "./random.ts";

/** How often the proxy misbehaves, each a share of deliveries (0 to 1). */
export interface ProxyFaults {
  seed: number;
  /** Also sent, at the same moment, to the next instance: two attempts racing for one lease. */
  duplicateRate: number;
  /** Sent again to another instance a while after the answer: a late duplicate, out of order. */
  replayRate: number;
  /** Held back up to `maxDelayMs` before it is forwarded, so later deliveries overtake it. */
  delayRate: number;
  maxDelayMs: number;
}

export interface ProxyStats {
  deliveries: number;
  /** Extra copies sent: concurrent duplicates plus late replays. */
  injectedDuplicates: number;
  concurrentDuplicates: number;
  lateReplays: number;
  delayed: number;
  /** Copies no instance answered (refused or reset: a killed instance); the sender got 502. */
  unanswered: number;
}

export interface FlakyProxy {
  url: string;
  stats: ProxyStats;
  /** Resolves once no copy is in flight or waiting to be sent. */
  idle(): Promise<void>;
  close(): Promise<void>;
}

interface Delivery {
  path: string;
  headers: Record<string, string>;
  body: Buffer;
}

// What a receiver needs of the sender's request; hop-by-hop headers stay behind.
const FORWARDED = ["content-type", "user-agent", "webhook-id", "webhook-timestamp", "webhook-signature"];

/**
 * A round-robin HTTP load balancer in front of the receivers that duplicates, replays and delays
 * deliveries (seeded). The sender always gets the answer of the instance the delivery was meant
 * for, or 502 when that instance did not answer: the proxy never answers 2xx on its own.
 */
export async function startFlakyProxy(targets: readonly string[], faults: ProxyFaults): Promise<FlakyProxy> {
  const random = seededRandom(faults.seed);
  const stats: ProxyStats = {
    deliveries: 0,
    injectedDuplicates: 0,
    concurrentDuplicates: 0,
    lateReplays: 0,
    delayed: 0,
    unanswered: 0,
  };
  const pending = new Set<Promise<unknown>>();
  const track = <T>(promise: Promise<T>) => {
    pending.add(promise);
    promise.finally(() => pending.delete(promise)).catch(() => {});
    return promise;
  };
  // Instances that stopped answering leave the rotation, as with a load balancer's passive health
  // check; otherwise a sender lane in step with the rotation could keep hitting a dead one.
  const down = new Set<string>();
  let next = 0;
  const pick = () => {
    for (let tries = 0; tries < targets.length; tries++) {
      const target = targets[next++ % targets.length] as string;
      if (!down.has(target)) return target;
    }
    return targets[next++ % targets.length] as string;
  };

  const forward = async (target: string, delivery: Delivery) => {
    try {
      const response = await fetch(target + delivery.path, {
        method: "POST",
        headers: delivery.headers,
        body: new Uint8Array(delivery.body),
      });
      return { status: response.status, headers: response.headers, body: await response.text() };
    } catch {
      down.add(target);
      stats.unanswered++;
      return { status: 502, headers: new Headers(), body: "instance did not answer" };
    }
  };

  const server = createServer(async (message, reply) => {
    const delivery = await readDelivery(message);
    stats.deliveries++;
    // Every delivery draws the same values up front, so the faults follow from the seed and the arrival order.
    const delayMs = random() < faults.delayRate ? random() * faults.maxDelayMs : 0;
    const duplicate = random() < faults.duplicateRate;
    const replayAfterMs = random() < faults.replayRate ? random() * faults.maxDelayMs * 4 : undefined;
    const primary = pick();
    if (delayMs) {
      stats.delayed++;
      await sleep(delayMs);
    }
    if (duplicate) {
      stats.concurrentDuplicates++;
      stats.injectedDuplicates++;
      track(forward(pick(), delivery));
    }
    const answer = await track(forward(primary, delivery));
    reply.writeHead(answer.status, { "content-type": answer.headers.get("content-type") ?? "text/plain" });
    reply.end(answer.body);
    if (replayAfterMs !== undefined) {
      stats.lateReplays++;
      stats.injectedDuplicates++;
      const target = pick();
      track(sleep(replayAfterMs).then(() => forward(target, delivery)));
    }
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    stats,
    idle: async () => {
      while (pending.size) await Promise.allSettled([...pending]);
    },
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

async function readDelivery(message: IncomingMessage): Promise<Delivery> {
  const chunks: Buffer[] = [];
  for await (const chunk of message) chunks.push(chunk as Buffer);
  const headers: Record<string, string> = {};
  for (const name of FORWARDED) {
    const value = message.headers[name];
    if (typeof value === "string") headers[name] = value;
  }
  return { path: message.url ?? "/", headers, body: Buffer.concat(chunks) };
}
