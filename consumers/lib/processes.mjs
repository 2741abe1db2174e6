// Every child process the matrix starts goes through here: each runs in its own process group,
// so stopping it also stops what it spawned (npx -> node, wrangler -> workerd), and each has a
// time limit, so a hang becomes a failure that names the step instead of a stuck CI job.
import { spawn } from "node:child_process";

const running = new Set();
const OUTPUT_TAIL = 4000;

/** A failed step: its message is what the result table prints. */
export class StepError extends Error {}

function killGroup(child, signal) {
  try {
    process.kill(-child.pid, signal);
  } catch {
    // already gone
  }
}

function tail(text) {
  return text.length > OUTPUT_TAIL ? `…${text.slice(-OUTPUT_TAIL)}` : text;
}

function launch(command, args, { cwd, env }) {
  const child = spawn(command, args, {
    cwd,
    env: env ?? process.env,
    detached: true, // its own process group
    stdio: ["ignore", "pipe", "pipe"],
  });
  running.add(child);
  const exited = new Promise((resolve) => {
    child.on("error", (error) => resolve({ code: null, error }));
    child.on("exit", (code, signal) => resolve({ code, signal }));
  }).then((result) => {
    running.delete(child);
    return result;
  });
  let output = "";
  const listeners = new Set();
  for (const stream of [child.stdout, child.stderr]) {
    stream.setEncoding("utf8");
    stream.on("data", (chunk) => {
      output += chunk;
      if (output.length > 200_000) output = output.slice(-100_000);
      for (const listener of listeners) listener(chunk);
    });
  }
  return { child, exited, output: () => output, onData: (listener) => listeners.add(listener) };
}

/** Runs a command to completion; rejects with its output's tail on a non-zero exit or after `timeoutMs`. */
export async function run(command, args, { cwd, env, timeoutMs, label = `${command} ${args.join(" ")}` }) {
  const started = launch(command, args, { cwd, env });
  let timer;
  const timedOut = new Promise((resolve) => {
    timer = setTimeout(() => resolve("timeout"), timeoutMs);
  });
  const result = await Promise.race([started.exited, timedOut]);
  clearTimeout(timer);
  if (result === "timeout") {
    killGroup(started.child, "SIGKILL");
    await started.exited;
    throw new StepError(`${label}: no result after ${timeoutMs / 1000} s\n${tail(started.output())}`);
  }
  if (result.error) throw new StepError(`${label}: ${result.error.message}`);
  if (result.code !== 0) {
    const how = result.signal ? `signal ${result.signal}` : `exit code ${result.code}`;
    throw new StepError(`${label}: ${how}\n${tail(started.output())}`);
  }
  return started.output();
}

/**
 * Starts a long-running process and resolves once `ready(output)` returns a value (which is
 * returned as `ready`), or, given `readyUrl`, once that URL answers at all; fails if the process
 * exits first or `timeoutMs` passes.
 */
export async function startServer(
  command,
  args,
  { cwd, env, timeoutMs, ready = () => undefined, readyUrl, label = `${command} ${args[0] ?? ""}` },
) {
  const started = launch(command, args, { cwd, env });
  let answering = false;
  if (readyUrl) pollUntilAnswering(readyUrl, started, () => (answering = true));
  const stop = () => stopProcess(started);
  let timer;
  try {
    const value = await new Promise((resolve, reject) => {
      const check = () => {
        let found;
        try {
          found = answering || ready(started.output());
        } catch (error) {
          reject(error);
          return;
        }
        if (found !== undefined && found !== false && found !== null) resolve(found);
      };
      started.onData(check);
      started.onAnswer = check;
      check();
      started.exited.then((result) =>
        reject(
          new StepError(
            `${label} exited before it was ready (${result.error?.message ?? `exit code ${result.code}`})\n${tail(started.output())}`,
          ),
        ),
      );
      timer = setTimeout(
        () => reject(new StepError(`${label}: not ready after ${timeoutMs / 1000} s\n${tail(started.output())}`)),
        timeoutMs,
      );
    });
    return { ready: value, stop, output: started.output };
  } catch (error) {
    await stop();
    throw error;
  } finally {
    clearTimeout(timer);
  }
}

// Any HTTP answer counts (a 404 too): the server listens. Connection errors mean not yet.
async function pollUntilAnswering(url, started, onAnswer) {
  while (running.has(started.child)) {
    try {
      await fetch(url, { redirect: "manual", signal: AbortSignal.timeout(2000) });
      onAnswer();
      started.onAnswer?.();
      return;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
}

async function stopProcess(started) {
  if (!running.has(started.child)) return;
  killGroup(started.child, "SIGTERM");
  const grace = setTimeout(() => killGroup(started.child, "SIGKILL"), 5000);
  await started.exited;
  clearTimeout(grace);
}

/** Stops whatever is still running (a failed row's servers), then the process groups' leftovers. */
export async function stopAll() {
  await Promise.all([...running].map((child) => stopProcess({ child, exited: waitExit(child) })));
}

function waitExit(child) {
  return child.exitCode !== null || child.signalCode !== null
    ? Promise.resolve()
    : new Promise((resolve) => child.once("exit", resolve));
}

// Last resort when the harness itself is interrupted or crashes: no process outlives it.
process.on("exit", () => {
  for (const child of running) killGroup(child, "SIGKILL");
});
for (const signal of ["SIGINT", "SIGTERM"]) {
  process.on(signal, () => {
    for (const child of running) killGroup(child, "SIGKILL");
    process.exit(130);
  });
}

/** Rejects with a StepError naming `label` if `promise` takes longer than `timeoutMs`. */
export async function within(timeoutMs, label, promise) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new StepError(`${label}: no result after ${timeoutMs / 1000} s`)), timeoutMs);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
