import { readFile } from "node:fs/promises";
import { afterAll, expect, it } from "vitest";
// @ts-expect-error: the generator is plain JavaScript run by Node.
import { collectOperations, SPEC_PATH } from "../scripts/generate.mjs";
import { createPolar } from "../src/polar";
import { startScriptedServer } from "./scripted-server";

interface SpecOperation {
  id: string;
  method: string;
  path: string;
  group: string[];
  name: string;
  pathParams: string[];
  query: unknown[];
  body?: { type: string };
}

const camel = (s: string) => s.replace(/[-_]+([a-z0-9])/g, (_, c: string) => c.toUpperCase());
const spec = JSON.parse(await readFile(SPEC_PATH, "utf8"));
const operations: SpecOperation[] = collectOperations(spec);
const server = await startScriptedServer((req) =>
  // Paginated lists need a page to stop on; everything else may answer an empty object.
  req.method === "GET"
    ? { status: 200, body: { items: [], pagination: { total_count: 0, max_page: 0 } } }
    : { status: 200, body: {} },
);
afterAll(() => server.close());

it("reaches every operation of the spec with the right method and path", async () => {
  const polar = createPolar({ baseUrl: server.url, accessToken: "polar_oat_x" }) as unknown as Record<string, unknown>;
  const covered: string[] = [];
  for (const op of operations) {
    server.reset();
    const method = [...op.group.map(camel), op.name].reduce<unknown>(
      (node, key) => (node as Record<string, unknown>)?.[key],
      polar,
    );
    expect(typeof method, `${op.id} has no method ${[...op.group, op.name].join(".")}`).toBe("function");
    const params = op.pathParams.map((p, i) => `${p}-${i}`);
    const input = op.body ? { probe: op.id } : op.query.length ? { limit: 5 } : undefined;
    await (method as (...args: unknown[]) => Promise<unknown>)(...params, ...(input ? [input] : []));
    const expectedPath = params.reduce((path, value, i) => path.replace(`{${op.pathParams[i]}}`, value), op.path);
    expect(server.seen.map((r) => `${r.method} ${r.url.pathname}`)).toEqual([`${op.method} ${expectedPath}`]);
    if (input && op.body) {
      const sent = server.seen[0]?.body ?? "";
      expect(
        op.body.type === "application/json" ? JSON.parse(sent) : Object.fromEntries(new URLSearchParams(sent)),
      ).toEqual(input);
    }
    if (input && !op.body) expect(server.seen[0]?.url.searchParams.get("limit")).toBe("5");
    covered.push(op.id);
  }
  expect(new Set(covered).size).toBe(186);
  console.log(`coverage: ${covered.length}/${operations.length} operations reachable`);
});
