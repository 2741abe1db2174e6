import { createHmac } from "node:crypto";
import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { EdgeVM } from "@edge-runtime/vm";
import { build } from "esbuild";
import { afterAll, describe, expect, it } from "vitest";
import { startScriptedServer } from "./scripted-server";

// Runs the built package (dist/, made by `pnpm build`) where only web APIs exist.
const dist = resolve(import.meta.dirname, "../dist");
const server = await startScriptedServer(() => ({ status: 200, body: { id: "p1", name: "Pro" } }));
afterAll(() => server.close());

async function bundleForEdge(entry: string): Promise<string> {
  const result = await build({
    entryPoints: [resolve(dist, entry)],
    bundle: true,
    write: false,
    format: "iife",
    globalName: "polarKit",
    platform: "neutral",
  });
  return result.outputFiles[0]?.text ?? "";
}

describe("edge runtime", () => {
  it("has no Node.js-only API in the built code", async () => {
    // dist/webhooks/node.js, the `node` condition of ./webhooks, is the one file allowed node:crypto.
    for (const file of ["index.js", "funcs.js", "webhooks.js"]) {
      const code = await bundleForEdge(file);
      expect(code).not.toMatch(/\bnode:|\brequire\(|\bBuffer\b|\bprocess\./);
    }
  });

  it("calls the API from an edge VM with no Node.js globals", async () => {
    const vm = new EdgeVM();
    expect(vm.evaluate("typeof process + typeof require + typeof Buffer")).toBe("undefinedundefinedundefined");
    vm.evaluate(await bundleForEdge("index.js"));
    const product = await vm.evaluate(
      `polarKit.createPolar({ accessToken: "polar_oat_edge", baseUrl: ${JSON.stringify(server.url)} }).products.get("p1")`,
    );
    expect(product).toEqual({ id: "p1", name: "Pro" });
    expect(server.seen[0]?.headers.authorization).toBe("Bearer polar_oat_edge");
  });

  it("maps errors inside the edge VM", async () => {
    server.script({ status: 404, body: { error: "ResourceNotFound", detail: "Not found" } });
    const vm = new EdgeVM();
    vm.evaluate(await bundleForEdge("index.js"));
    const code = await vm.evaluate(
      `polarKit.createPolar({ baseUrl: ${JSON.stringify(server.url)} }).products.get("missing").catch((e) => e.code)`,
    );
    expect(code).toBe("not_found");
  });

  it("verifies and signs webhooks inside the edge VM with the built ./webhooks", async () => {
    const secret = JSON.stringify("whsec_edge_secret");
    const body = JSON.stringify({ type: "order.paid", timestamp: "2026-01-01T00:00:00Z", data: { id: "o1" } });
    // Signed outside the VM with node:crypto, so that the VM's WebCrypto is checked against it.
    const signature = createHmac("sha256", "whsec_edge_secret").update(`evt_1.1767225600.${body}`).digest("base64");
    const signed = { "webhook-id": "evt_1", "webhook-timestamp": "1767225600", "webhook-signature": `v1,${signature}` };
    const vm = new EdgeVM();
    vm.evaluate(await bundleForEdge("webhooks.js"));
    const options = `{ headers: new Headers(${JSON.stringify(signed)}), secret: ${secret}, now: 1767225600 }`;
    const text = JSON.stringify(body);
    const results = await vm.evaluate(`Promise.all([
      polarKit.verifyWebhook({ ...${options}, body: ${text} }),
      polarKit.verifyWebhook({ ...${options}, body: new TextEncoder().encode(${text}) }),
      polarKit.verifyWebhook({ ...${options}, body: new TextEncoder().encode(${text}).buffer }),
      polarKit.verifyWebhook({ ...${options}, body: ${text} + " " }).catch((e) => e.reason),
      polarKit.signWebhook({ body: ${text}, secret: ${secret}, id: "evt_1", timestamp: 1767225600 }),
    ])`);
    const event = JSON.parse(body);
    expect(results).toEqual([event, event, event, "no_matching_signature", signed]);
  });

  it("ships a package.json the edge bundle can trust", async () => {
    const pkg = JSON.parse(await readFile(resolve(dist, "../package.json"), "utf8"));
    expect(pkg.sideEffects).toBe(false);
    expect(pkg.dependencies ?? {}).toEqual({});
  });
});
