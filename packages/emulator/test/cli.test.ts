// The CLI as users run it: the built `dist/cli.js` in a child process. The package's `test` task
// depends on `build`, so dist is current; run `npx tsdown` first when calling vitest by hand.
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectedSignature, type Receiver, startReceiver } from "./webhooks-support";

const CLI = fileURLToPath(new URL("../dist/cli.js", import.meta.url));
const dir = mkdtempSync(join(tmpdir(), "polar-kit-emulator-cli-"));
const children = new Set<ChildProcess>();

beforeAll(() => {
  expect(existsSync(CLI), `${CLI} is missing: build the package first (npx tsdown)`).toBe(true);
});
afterAll(() => {
  for (const child of children) child.kill("SIGKILL");
  rmSync(dir, { recursive: true, force: true });
});

interface Run {
  child: ChildProcess;
  /** The first line on stdout. */
  firstLine: Promise<string>;
  /** Resolves with the exit code and everything printed. */
  exit: Promise<{ code: number | null; stdout: string; stderr: string }>;
}

function run(args: string[]): Run {
  const child = spawn(process.execPath, [CLI, ...args], { stdio: ["ignore", "pipe", "pipe"] });
  children.add(child);
  let stdout = "";
  let stderr = "";
  child.stderr?.on("data", (chunk) => {
    stderr += chunk;
  });
  const firstLine = new Promise<string>((resolve, reject) => {
    child.stdout?.on("data", (chunk) => {
      stdout += chunk;
      const end = stdout.indexOf("\n");
      if (end >= 0) resolve(stdout.slice(0, end));
    });
    child.once("exit", (code) => reject(new Error(`exited with ${code} before printing a line: ${stderr}`)));
  });
  firstLine.catch(() => {});
  const exit = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) =>
    child.once("exit", (code) => {
      children.delete(child);
      resolve({ code, stdout, stderr });
    }),
  );
  return { child, firstLine, exit };
}

interface Ready {
  url: string;
  accessToken: string;
  webhookSecret: string | null;
  organizationId: string;
}

async function api(ready: Ready, method: string, path: string, body?: unknown) {
  const res = await fetch(`${ready.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${ready.accessToken}`, "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: await res.json() };
}

describe("polar-kit-emulator", () => {
  it("prints one JSON line when ready, serves the API, and exits 0 on SIGTERM", async () => {
    const cli = run(["--port", "0", "--json"]);
    const ready = JSON.parse(await cli.firstLine) as Ready;
    expect(Object.keys(ready).sort()).toEqual(["accessToken", "organizationId", "url", "webhookSecret"]);
    expect(ready.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(ready.accessToken).toMatch(/^polar_oat_/);
    expect(ready.webhookSecret).toBeNull();
    const orgs = await api(ready, "GET", "/v1/organizations/");
    expect(orgs.status).toBe(200);
    expect(orgs.body.items[0].id).toBe(ready.organizationId);
    cli.child.kill("SIGTERM");
    const { code, stdout, stderr } = await cli.exit;
    expect(code).toBe(0);
    expect(stdout.trimEnd().split("\n")).toHaveLength(1);
    // Nothing on stderr: on Node 22 that includes node:sqlite's experimental warning.
    expect(stderr).toBe("");
  });

  it("delivers signed webhooks to --webhook-url with --webhook-secret, and exits 0 on SIGINT", async () => {
    const receiver: Receiver = await startReceiver();
    try {
      const cli = run(["--port", "0", "--json", "--webhook-url", receiver.url, "--webhook-secret", "whsec_cli_test"]);
      const ready = JSON.parse(await cli.firstLine) as Ready;
      expect(ready.webhookSecret).toBe("whsec_cli_test");
      expect((await api(ready, "PATCH", `/v1/organizations/${ready.organizationId}`, { name: "CLI Co" })).status).toBe(
        200,
      );
      await receiver.waitFor(1);
      const [request] = receiver.received;
      expect(request?.json).toMatchObject({ type: "organization.updated", data: { name: "CLI Co" } });
      expect(request?.signature).toBe(expectedSignature("whsec_cli_test", request!));
      cli.child.kill("SIGINT");
      expect((await cli.exit).code).toBe(0);
    } finally {
      await receiver.close();
    }
  });

  it("keeps state in a --db file across runs", async () => {
    const db = join(dir, "state.db");
    const first = run(["--port", "0", "--json", "--db", db]);
    const one = JSON.parse(await first.firstLine) as Ready;
    expect((await api(one, "PATCH", `/v1/organizations/${one.organizationId}`, { name: "Persisted" })).status).toBe(
      200,
    );
    first.child.kill("SIGTERM");
    expect((await first.exit).code).toBe(0);

    const second = run(["--port", "0", "--json", "--db", db]);
    const two = JSON.parse(await second.firstLine) as Ready;
    expect([two.accessToken, two.organizationId]).toEqual([one.accessToken, one.organizationId]);
    expect((await api(two, "GET", `/v1/organizations/${two.organizationId}`)).body.name).toBe("Persisted");
    second.child.kill("SIGTERM");
    expect((await second.exit).code).toBe(0);
  });

  it("prints a banner with the URL, token and secret without --json", async () => {
    const cli = run(["--port", "0", "--webhook-url", "http://127.0.0.1:9/hooks"]);
    const url = /http:\/\/127\.0\.0\.1:\d+/.exec(await cli.firstLine)?.[0];
    expect(url).toBeDefined();
    cli.child.kill("SIGTERM");
    const { code, stdout } = await cli.exit;
    expect(code).toBe(0);
    expect(stdout).toMatch(/polar_oat_\w+/);
    expect(stdout).toMatch(/whsec_\w+/);
  });

  it("prints the usage with --help", async () => {
    const { code, stdout } = await run(["--help"]).exit;
    expect(code).toBe(0);
    for (const flag of ["--port", "--host", "--db", "--seed", "--webhook-url", "--webhook-secret", "--json"]) {
      expect(stdout).toContain(flag);
    }
  });

  it.each([
    [["--bogus"], /Unknown option '--bogus'/],
    [["--port"], /--port/],
    [["--port", "abc"], /--port must be a number/],
    [["--port", "70000"], /--port must be a number/],
    [["--port", "-1"], /--port/],
    [["--seed", "lots"], /--seed only knows "demo"/],
    [["--webhook-url", "ftp://example.com"], /--webhook-url must be an http\(s\) URL/],
    [["--webhook-url", "not a url"], /--webhook-url must be an http\(s\) URL/],
    [["--webhook-secret", "s"], /--webhook-secret needs --webhook-url/],
    [["--db", ""], /--db must name a file/],
    [["--json=yes"], /--json/],
    [["serve"], /positional/i],
  ])("refuses %j with exit code 2", async (args, message) => {
    const { code, stdout, stderr } = await run(args).exit;
    expect(code).toBe(2);
    expect(stdout).toBe("");
    expect(stderr).toMatch(message);
    expect(stderr).toContain("--help");
  });

  it("exits 1 with a clear message when the port is taken", async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, "127.0.0.1", resolve));
    try {
      const port = (blocker.address() as { port: number }).port;
      const { code, stderr } = await run(["--port", String(port)]).exit;
      expect(code).toBe(1);
      expect(stderr).toMatch(/could not start: .*EADDRINUSE/);
    } finally {
      blocker.close();
    }
  });
});
