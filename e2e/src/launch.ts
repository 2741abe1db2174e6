import { type ChildProcess, spawn } from "node:child_process";
import { createServer } from "node:net";
import { type ExampleApp, waitForHttp } from "../../scripts/apps.mjs";

/** A port nothing listens on right now (for servers that take a fixed port, not 0). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() =>
        typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port")),
      );
    });
  });
}

/** A child process and everything it printed, for error messages. */
export interface Child {
  process: ChildProcess;
  output(): string;
  /** SIGTERM, then waits for the exit (SIGKILL after 10 s). */
  stop(): Promise<void>;
}

export function startChild(command: string, args: string[], options: { cwd?: string; env: NodeJS.ProcessEnv }): Child {
  const child = spawn(command, args, { cwd: options.cwd, env: options.env, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout?.on("data", (chunk) => {
    output += chunk;
  });
  child.stderr?.on("data", (chunk) => {
    output += chunk;
  });
  return {
    process: child,
    output: () => output,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Resolves once the child's `url` answers HTTP at all; fails, with its output, if it exits first or after `timeoutMs`. */
async function waitForChild(url: string, child: Child, timeoutMs = 60_000): Promise<void> {
  const exited = () => {
    if (child.process.exitCode === null) return false;
    throw new Error(`the server exited (${child.process.exitCode}) before answering`);
  };
  try {
    await waitForHttp(url, { timeoutMs, done: exited });
  } catch (error) {
    throw new Error(`${(error as Error).message}:\n${child.output()}`);
  }
}

/** Serves a built example app on a free port with the given environment. */
export async function startApp(
  app: ExampleApp,
  port: number,
  env: Record<string, string>,
): Promise<{ url: string; child: Child }> {
  const [command, args] = app.command(port);
  const url = `http://127.0.0.1:${port}`;
  const child = startChild(command, args, {
    cwd: app.dir,
    env: { ...process.env, NODE_ENV: "production", PORT: String(port), HOST: "127.0.0.1", ...env },
  });
  await waitForChild(url, child);
  return { url, child };
}
