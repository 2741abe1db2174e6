// A generated corpus of hostile requests against every operation of the spec, over HTTP. Every
// answer must come within a deadline, never be a 5xx, be JSON without a stack trace when it is an
// error, and a refused request must leave the database as it was.
import fc from "fast-check";
import { expect, it } from "vitest";
import { loadSpec, type SpecOperation } from "../src/spec";
import { contractKit } from "./contract/kit";
import { recipes as memberRecipes } from "./contract/recipes-members-portal";
import { organizationToken, useEmulator } from "./harness";
import { type HostileRequest, type Pools, requestsFor } from "./hostile-arbitraries";

// Fixed, so that CI sends the same corpus every time; HOSTILE_SEED and HOSTILE_RUNS explore further.
const SEED = Number(process.env.HOSTILE_SEED ?? 20_260_401);
const RUNS_PER_OPERATION = Number(process.env.HOSTILE_RUNS ?? 30);
const DEADLINE_MS = 2000;
// A stack frame (`at fn (file.ts:1:2)`) or a source path in a body means internals leaked.
const STACK = /\bat \S+ \(|\bat (?:file|node):|node:internal|\/src\/\S+\.ts|\.ts:\d+:\d+/;

const { emu } = await useEmulator({ seed: "demo", webhooks: { retryDelaysMs: [] } });
const spec = loadSpec();
const operations = [...spec.operations.values()];

// A world with something of every kind, so that generated ids and tokens reach the handlers.
const kit = contractKit(emu);
const buyer = await kit.portalReader();
await Promise.all([kit.subscription(), kit.activation(), kit.ingested(), kit.newMeter(), kit.webhookEvent()]);
await Promise.all([kit.newCheckoutLink(), kit.newDiscount(), kit.newCustomField(), kit.newCheckout()]);
const member = await memberRecipes(kit)["customer_portal:members:list_members"]?.();
const personal = await fetch(`${emu.url}/__emulator/tokens`, {
  method: "POST",
  headers: { "content-type": "application/json" },
  body: JSON.stringify({ kind: "personal" }),
});
// Not listed by the API: no generated request can revoke the corpus's own token.
const tokens: Record<HostileRequest["auth"], string | undefined> = {
  organization: organizationToken(emu, emu.organizationId),
  user: ((await personal.json()) as { token: string }).token,
  customer: buyer.token,
  member: member?.token ?? undefined,
  none: undefined,
  garbage: "polar_oat_0000000000000000000000000000000000000000000",
  malformed: "\tBearer",
};

/** Ids of every list the organization and the buyer can read, and the other string fields of its items. */
async function collectPools(): Promise<Pools> {
  const pools: Pools = { idsByCollection: new Map(), byField: new Map(), allIds: [] };
  const keep = (field: string, value: unknown) => {
    if (typeof value !== "string" || !value || value.length > 200) return;
    const list = pools.byField.get(field) ?? [];
    if (!list.includes(value)) list.push(value);
    pools.byField.set(field, list);
  };
  for (const op of operations) {
    if (op.method !== "GET" || op.path.includes("{") || !op.parameters.some((p) => p.name === "limit")) continue;
    const token = op.subjects.includes("Organization") ? tokens.organization : tokens.customer;
    const res = await fetch(`${emu.url}${op.path}?limit=100`, { headers: { authorization: `Bearer ${token}` } });
    const items = res.ok ? (((await res.json()) as { items?: Record<string, unknown>[] }).items ?? []) : [];
    const ids = items.map((item) => item.id).filter((id): id is string => typeof id === "string");
    pools.idsByCollection.set(op.path, ids);
    pools.allIds.push(...ids);
    for (const item of items) {
      for (const [field, value] of Object.entries(item)) {
        keep(field, value);
        if (value && typeof value === "object") for (const [inner, v] of Object.entries(value)) keep(inner, v);
      }
    }
  }
  return pools;
}

// Writes that committed, logged by triggers: a rolled-back transaction takes its log rows with it.
// Webhook deliveries are written in the background (not by the request being checked) and left out.
function watchWrites(): () => number {
  const db = emu.state.db;
  db.exec("CREATE TEMP TABLE hostile_writes (what TEXT NOT NULL)");
  const tables = ["tokens", "usage_events", "oauth2_consents", "oauth2_codes", "oauth2_tokens", "settings"];
  for (const table of [...tables, "catalog_file_uploads", "catalog_file_parts"]) {
    for (const event of ["INSERT", "UPDATE", "DELETE"]) {
      db.exec(`CREATE TEMP TRIGGER hostile_${table}_${event} AFTER ${event} ON main.${table}
        BEGIN INSERT INTO hostile_writes VALUES ('${event} ${table}'); END`);
    }
  }
  const background = "('webhook_event', 'webhook_delivery')";
  for (const [event, row] of [
    ["INSERT", "NEW"],
    ["UPDATE", "NEW"],
    ["DELETE", "OLD"],
  ] as const) {
    // An endpoint's `enabled` flag is also turned off in the background after failed deliveries.
    const skipped = event === "UPDATE" ? background.replace(")", ", 'webhook_endpoint')") : background;
    db.exec(`CREATE TEMP TRIGGER hostile_resources_${event} AFTER ${event} ON main.resources
      WHEN ${row}.kind NOT IN ${skipped}
      BEGIN INSERT INTO hostile_writes VALUES ('${event} ' || ${row}.kind || ' ' || ${row}.id); END`);
  }
  const last = db.prepare("SELECT IFNULL(MAX(rowid), 0) AS n FROM temp.hostile_writes");
  return () => (last.get() as { n: number }).n;
}

const describe = (r: HostileRequest) =>
  `${r.op} ${r.method} ${r.path.slice(0, 120)}${r.query ? `?${r.query.slice(0, 120)}` : ""} auth=${r.auth}` +
  (r.body === undefined ? "" : ` body=${String(typeof r.body === "string" ? r.body : "<bytes>").slice(0, 160)}`);

async function send(r: HostileRequest): Promise<{ status: number; text: string; type: string; ms: number }> {
  const token = tokens[r.auth];
  const headers: Record<string, string> = {
    ...(token && { authorization: r.auth === "malformed" ? token : `Bearer ${token}` }),
    ...(r.contentType && { "content-type": r.contentType }),
    ...(r.version && { "polar-version": r.version }),
  };
  const started = performance.now();
  const res = await fetch(`${emu.url}${r.path}${r.query ? `?${r.query}` : ""}`, {
    method: r.method,
    headers,
    body: r.method === "GET" ? undefined : (r.body as BodyInit | undefined),
    signal: AbortSignal.timeout(DEADLINE_MS),
  });
  const text = await res.text();
  return { status: res.status, text, type: res.headers.get("content-type") ?? "", ms: performance.now() - started };
}

it(`answers ${RUNS_PER_OPERATION} hostile requests to each of the spec's operations without a 5xx`, async () => {
  const pools = await collectPools();
  const writes = watchWrites();
  // Reads first and deletions last (the portal's before the rest, which may delete its customer),
  // so that what the corpus deletes does not starve the rest.
  const order = ["GET", "POST", "PUT", "PATCH", "DELETE"];
  const rank = (op: SpecOperation) =>
    order.indexOf(op.method) * 2 + (op.path.startsWith("/v1/customer-portal") ? 0 : 1);
  const sorted = [...operations].sort((a, b) => rank(a) - rank(b));
  const corpus = sorted.flatMap((op, index) =>
    fc.sample(requestsFor(spec, op, pools), { seed: SEED + index, numRuns: RUNS_PER_OPERATION }),
  );

  const statuses = new Map<number, number>();
  const failures: string[] = [];
  let slowest = { ms: 0, request: "" };
  for (const request of corpus) {
    const before = writes();
    let answer: Awaited<ReturnType<typeof send>>;
    try {
      answer = await send(request);
    } catch (error) {
      failures.push(`no answer within ${DEADLINE_MS} ms (${(error as Error).name}): ${describe(request)}`);
      continue;
    }
    statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
    if (answer.ms > slowest.ms) slowest = { ms: answer.ms, request: describe(request) };
    const problem =
      answer.status >= 500
        ? `${answer.status} ${answer.text.slice(0, 300)}`
        : // Node's HTTP parser refuses a head over 16 KB (431, no body) before the emulator sees it.
          answer.status >= 400 && answer.status !== 431 && !/json/.test(answer.type)
          ? `${answer.status} error body is ${answer.type || "untyped"}`
          : answer.status >= 400 && STACK.test(answer.text)
            ? `${answer.status} error body shows internals: ${answer.text.slice(0, 300)}`
            : answer.status >= 400 && writes() !== before
              ? `${answer.status} refused but wrote: ${
                  (
                    emu.state.db
                      .prepare("SELECT group_concat(what, '; ') AS w FROM temp.hostile_writes WHERE rowid > ?")
                      .get(before) as { w: string }
                  ).w
                }`
              : undefined;
    if (problem) failures.push(`${problem}\n    ${describe(request)}`);
  }

  const histogram = [...statuses].sort(([a], [b]) => a - b).map(([status, n]) => `${status}: ${n}`);
  console.info(
    `[hostile-corpus] ${corpus.length} requests over ${operations.length} operations; ${histogram.join(", ")}; ` +
      `slowest ${slowest.ms.toFixed(0)} ms (${slowest.request.slice(0, 160)})`,
  );
  expect(failures.slice(0, 25), `${failures.length} failures`).toEqual([]);
  // The watch saw the accepted requests write: it would see a refused one do so.
  expect(writes()).toBeGreaterThan(100);
  // The emulator runs in this process: no `__proto__` key reached a shared prototype.
  expect(Object.keys(Object.prototype)).toEqual([]);
  expect(({} as Record<string, unknown>).polluted ?? ({} as Record<string, unknown>).admin).toBeUndefined();
});
