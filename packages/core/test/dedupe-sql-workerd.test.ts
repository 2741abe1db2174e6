// The built @polar-kit/core/dedupe/sql (dist/, made by `pnpm build`) inside a Cloudflare Worker run
// by workerd (through miniflare) with a D1 binding: the runtime and database it is meant for there.
import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { build } from "esbuild";
import { Miniflare } from "miniflare";
import { afterAll, describe, expect, it } from "vitest";

const dist = resolve(import.meta.dirname, "../dist");

async function bundle(): Promise<string> {
  const result = await build({
    entryPoints: [resolve(dist, "dedupe/sql.js")],
    bundle: true,
    write: false,
    format: "esm",
    platform: "neutral",
  });
  return result.outputFiles[0]?.text ?? "";
}

// Each request runs one step (`/claim?id=…`) on the deduplicator of its isolate, as a webhook
// handler would, and answers what it returned.
const WORKER = `
import { sqliteDeduplicator } from "./sql.js";
let dedupe;
export default {
  async fetch(request, env) {
    dedupe ??= sqliteDeduplicator({
      query: (sql, params) => env.DB.prepare(sql).bind(...params).all().then((result) => result.results),
    });
    const url = new URL(request.url);
    const id = url.searchParams.get("id");
    const step = url.pathname.slice(1);
    return Response.json({ answer: (await dedupe[step](id)) ?? null });
  },
};
`;

let miniflare: Miniflare | undefined;
afterAll(async () => {
  await miniflare?.dispose();
});

describe("@polar-kit/core/dedupe/sql on Cloudflare Workers", () => {
  it("is its own file, free of Node.js APIs, and the main entry carries none of it", async () => {
    const code = await bundle();
    expect(code).not.toMatch(/\bnode:|\brequire\(|\bBuffer\b|\bprocess\./);
    for (const file of ["index.js", "handlers.js"]) {
      expect(await readFile(resolve(dist, file), "utf8")).not.toMatch(/sqliteDeduplicator|postgresDeduplicator/);
    }
  });

  it("claims, answers in_flight, completes and answers done inside workerd, on D1", async () => {
    const worker = new Miniflare({
      modules: [
        { type: "ESModule", path: "worker.js", contents: WORKER },
        { type: "ESModule", path: "sql.js", contents: await bundle() },
      ],
      compatibilityDate: "2025-01-01",
      d1Databases: ["DB"],
    });
    miniflare = worker;
    const step = async (name: string, id: string) => {
      const response = await worker.dispatchFetch(`http://worker/${name}?id=${id}`);
      return ((await response.json()) as { answer: string | null }).answer;
    };
    const answers = await Promise.all(Array.from({ length: 6 }, () => step("claim", "msg_done")));
    expect(answers.filter((answer) => answer === "claimed")).toHaveLength(1);
    expect(answers.filter((answer) => answer === "in_flight")).toHaveLength(5);
    await step("complete", "msg_done");
    expect(await step("claim", "msg_done")).toBe("done");

    expect(await step("claim", "msg_failed")).toBe("claimed");
    await step("release", "msg_failed");
    expect(await step("claim", "msg_failed")).toBe("claimed");

    const db = await worker.getD1Database("DB");
    const rows = await db.prepare("SELECT id, done FROM polar_webhook_deliveries ORDER BY id").all();
    expect(rows.results).toEqual([
      { id: "msg_done", done: 1 },
      { id: "msg_failed", done: 0 },
    ]);
  });
});
