import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { fileURLToPath } from "node:url";
import type { ReceiverConfig } from "./receiver.ts";

const RECEIVER = fileURLToPath(new URL("./receiver.ts", import.meta.url));

/** A receiver running in its own process. */
export interface Instance {
  name: string;
  url: string;
  pid: number;
  /** `kill -9`: no cleanup, no answer to what it was handling. */
  kill(): Promise<void>;
  /** SIGTERM, waited for. */
  stop(): Promise<void>;
}

/** Starts a receiver process (Node.js strips the TypeScript) and waits until it listens. */
export async function startInstance(config: ReceiverConfig): Promise<Instance> {
  const child = spawn(process.execPath, [RECEIVER], {
    env: { ...process.env, RECEIVER_CONFIG: JSON.stringify(config) },
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  const exited = once(child, "exit");
  const ready = once(child, "message") as Promise<[{ port: number }]>;
  const [message] = await Promise.race([
    ready,
    exited.then(([code]) => {
      throw new Error(`receiver ${config.instance} exited with ${code} before listening`);
    }),
  ]);
  // The channel stays open so that the receiver sees its parent go (a crashed test run) and exits;
  // unreferenced, it does not keep this process alive.
  child.channel?.unref();
  const end = async (signal: NodeJS.Signals) => {
    if (!running(child)) return;
    child.kill(signal);
    await exited;
  };
  return {
    name: config.instance,
    url: `http://127.0.0.1:${message.port}`,
    pid: child.pid as number,
    kill: () => end("SIGKILL"),
    stop: () => end("SIGTERM"),
  };
}

const running = (child: ChildProcess) => child.exitCode === null && child.signalCode === null;

/** Starts `count` receivers named r1, r2, … with the same config otherwise. */
export function startInstances(count: number, config: Omit<ReceiverConfig, "instance">): Promise<Instance[]> {
  return Promise.all(Array.from({ length: count }, (_, i) => startInstance({ ...config, instance: `r${i + 1}` })));
}
