import { request as httpRequest } from "node:http";
import { describe, expect, it } from "vitest";
import { call, useEmulator } from "./harness";

const { emu } = await useEmulator();
const MiB = 1024 * 1024;

/** A body of `total` bytes made as it is read, so the test itself never holds it. */
function lazyBody(total: number, chunk = 64 * 1024): ReadableStream<Uint8Array> {
  const bytes = new Uint8Array(chunk).fill(0x20);
  let sent = 0;
  return new ReadableStream({
    pull(controller) {
      if (sent >= total) return controller.close();
      const size = Math.min(chunk, total - sent);
      sent += size;
      controller.enqueue(size === chunk ? bytes : bytes.subarray(0, size));
    },
  });
}

/** POSTs a chunked (no Content-Length) body of `total` bytes; resolves with the status answered. */
function postChunked(path: string, total: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${emu.url}${path}`, {
      method: "POST",
      headers: { authorization: `Bearer ${emu.accessToken}`, "content-type": "application/json" },
    });
    req.on("response", (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
      req.destroy();
    });
    // The server hangs up once it has answered; only an error before any answer is a failure.
    req.on("error", reject);
    const reader = lazyBody(total).getReader();
    const pump = async (): Promise<void> => {
      for (;;) {
        const { done, value } = await reader.read();
        if (done || req.destroyed) return void req.end();
        if (!req.write(value)) await new Promise((r) => req.once("drain", r));
      }
    };
    pump().catch(() => {});
  });
}

describe("request bodies", () => {
  it("refuses an oversized chunked body with 413 without holding it", async () => {
    global.gc?.();
    const before = process.memoryUsage().rss;
    let peak = before;
    const sampler = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage().rss);
    }, 20);
    try {
      expect(await postChunked("/v1/customers/", 200 * MiB)).toBe(413);
    } finally {
      clearInterval(sampler);
    }
    peak = Math.max(peak, process.memoryUsage().rss);
    console.info(`[hostile-body] rss growth while streaming 200 MiB: ${((peak - before) / MiB).toFixed(1)} MiB`);
    expect(peak - before).toBeLessThan(100 * MiB);
    // The emulator still answers afterwards.
    expect((await call(emu, "GET", "/v1/customers/")).status).toBe(200);
  });

  it("refuses a body declared too large before reading it", async () => {
    // Only a few bytes of the declared 11 MiB are ever sent: the answer cannot wait for the rest.
    const status = await new Promise<number>((resolve, reject) => {
      const req = httpRequest(`${emu.url}/v1/customers/`, {
        method: "POST",
        headers: {
          authorization: `Bearer ${emu.accessToken}`,
          "content-type": "application/json",
          "content-length": String(11 * MiB),
        },
        signal: AbortSignal.timeout(5000),
      });
      req.on("response", (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
        req.destroy();
      });
      req.on("error", reject);
      req.write("{}");
    });
    expect(status).toBe(413);
  });

  it("answers deeply nested JSON with a 422 that does not echo it", async () => {
    const deep = `${"[".repeat(5000)}1${"]".repeat(5000)}`;
    for (const path of ["/v1/customers/", "/v1/products/", "/v1/checkouts/", "/v1/meters/"]) {
      const res = await call(emu, "POST", path, { body: `{"email":${deep},"name":${deep}}` });
      expect(res.status, path).toBe(422);
      expect(res.body.detail).toEqual([expect.objectContaining({ loc: ["body", 0], type: "json_invalid" })]);
    }
  });
});
