import { resolve } from "node:path";
import { EdgeVM } from "@edge-runtime/vm";
import { signWebhook } from "@polar-kit/core";
import { build } from "esbuild";
import { expect, it } from "vitest";

// A route module as Next.js bundles it for `export const runtime = "edge"`: edge conditions, no
// Node.js built-ins, `process.env` provided by the runtime.
it("runs a Webhooks route in an edge VM", async () => {
  const bundle = await build({
    stdin: {
      contents: `import { Webhooks } from "./dist/index.js";
globalThis.POST = Webhooks({ onOrderPaid: (event) => { globalThis.paid = event.data.id; } });`,
      resolveDir: resolve(import.meta.dirname, ".."),
    },
    bundle: true,
    write: false,
    format: "iife",
    platform: "neutral",
    conditions: ["edge-light", "worker", "browser", "import", "default"],
    mainFields: ["module", "main"],
  });
  const code = bundle.outputFiles[0]?.text ?? "";
  expect(code).not.toMatch(/\bnode:|\brequire\(|\bBuffer\b/);

  const vm = new EdgeVM();
  vm.evaluate(`globalThis.process = { env: { POLAR_WEBHOOK_SECRET: "whsec_edge" } };`);
  vm.evaluate(code);
  const body = JSON.stringify({ type: "order.paid", timestamp: new Date().toISOString(), data: { id: "o_edge" } });
  const headers = await signWebhook({ body, secret: "whsec_edge" });
  const status = await vm.evaluate(
    `POST(new Request("https://shop.example/api/webhooks", { method: "POST", body: ${JSON.stringify(body)}, headers: ${JSON.stringify(headers)} })).then((r) => r.status)`,
  );
  expect(status).toBe(200);
  expect(vm.evaluate("globalThis.paid")).toBe("o_edge");
});
