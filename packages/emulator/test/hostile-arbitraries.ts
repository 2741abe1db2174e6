// Generators of hostile requests, from the spec: values that fit an operation's schemas (so that
// requests get past validation into the handlers), then bent out of shape (wrong types, deep
// nesting, long arrays and strings, prototype keys, broken encodings), plus raw bodies, query
// strings and path segments that no client should send.
import fc from "fast-check";
import type { JsonSchema, Spec, SpecOperation } from "../src/spec";

/** Values the emulator already has, by name: `id` by collection path, other fields by field name. */
export interface Pools {
  idsByCollection: Map<string, string[]>;
  byField: Map<string, string[]>;
  allIds: string[];
}

/** One request to send. */
export interface HostileRequest {
  op: string;
  method: string;
  path: string;
  query: string;
  auth: "organization" | "user" | "customer" | "member" | "none" | "garbage" | "malformed";
  contentType?: string;
  body?: string | Uint8Array;
  version?: string;
}

const MAX_SCHEMA_DEPTH = 5;

/** `value` once in `odds` draws, `undefined` otherwise. */
const rarely = <T>(value: fc.Arbitrary<T>, odds: number): fc.Arbitrary<T | undefined> =>
  fc.oneof({ weight: odds - 1, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: value });

/** A value of every hostile kind that fits in a JSON document. */
export const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(
    null,
    true,
    0,
    -1,
    2 ** 31,
    -(2 ** 63),
    Number.MAX_SAFE_INTEGER + 2,
    1e308,
    -1e-308,
    1.5,
    "",
    " ",
    "null",
    "__proto__",
    "constructor",
    "\u0000",
    "\ud800",
    "💥".repeat(50),
    "Ω≈ç√∫˜µ≤≥÷",
    "' OR 1=1 --",
    "<script>alert(1)</script>",
    "../../etc/passwd",
    "%00%ff",
    "1e309",
    "NaN",
    "-Infinity",
    "2026-02-30T25:61:61Z",
    "99999-01-01T00:00:00Z",
    "00000000-0000-0000-0000-000000000000",
    [],
    {},
    [[[[[[[[[[]]]]]]]]]],
  ),
  fc.constant("x".repeat(100_000)),
  fc.constant(Array.from({ length: 2000 }, (_, i) => i)),
  fc.constant(Array.from({ length: 300 }, () => ({ a: "b" }))),
  fc.constant(JSON.parse('{"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}}}')),
  fc.jsonValue({ maxDepth: 3 }),
  fc.string({ unit: "binary", maxLength: 40 }),
);

function resolve(spec: Spec, schema: JsonSchema): JsonSchema {
  let current = schema;
  for (let hops = 0; typeof current.$ref === "string" && hops < 10; hops++) {
    const name = (current.$ref as string).split("/").pop() as string;
    current = spec.document.components.schemas[name] ?? {};
  }
  return current;
}

function stringFor(schema: JsonSchema, pools: Pools): fc.Arbitrary<string> {
  switch (schema.format) {
    case "uuid":
    case "uuid4":
      return pools.allIds.length ? fc.oneof(fc.constantFrom(...pools.allIds), fc.uuid()) : fc.uuid();
    case "date-time":
      return fc
        .date({ min: new Date("2020-01-01"), max: new Date("2030-01-01"), noInvalidDate: true })
        .map((d) => d.toISOString());
    case "date":
      return fc
        .date({ min: new Date("2020-01-01"), max: new Date("2030-01-01"), noInvalidDate: true })
        .map((d) => d.toISOString().slice(0, 10));
    case "email":
    case "idn-email":
      return fc.oneof(fc.emailAddress(), fc.constant("buyer@example.com"));
    case "uri":
      // Nothing the emulator calls back (webhook endpoints) may leave this machine.
      return fc.constantFrom("http://127.0.0.1:9/hook", "http://127.0.0.1:9/done/{CHECKOUT_ID}");
  }
  const min = Number(schema.minLength ?? 0);
  const max = Math.max(min, Math.min(Number(schema.maxLength ?? 24), 24));
  return fc.oneof(
    fc.string({ minLength: min, maxLength: max }),
    fc.string({ unit: "grapheme", minLength: min, maxLength: max }),
  );
}

function integerFor(schema: JsonSchema): fc.Arbitrary<number> {
  const min = Math.max(Number(schema.minimum ?? -(2 ** 31)), -(2 ** 31));
  const max = Math.min(Number(schema.maximum ?? 2 ** 31), 2 ** 31);
  return fc.oneof(fc.integer({ min, max }), fc.constantFrom(min, max), fc.integer({ min: 0, max: 1000 }));
}

/** Values that fit `schema` (as far as a generator can tell), drawing ids from what exists. */
export function fitting(spec: Spec, input: JsonSchema, pools: Pools, depth = 0): fc.Arbitrary<unknown> {
  const schema = resolve(spec, input);
  if (depth > MAX_SCHEMA_DEPTH) return fc.constant(null);
  const branches = (schema.anyOf ?? schema.oneOf ?? schema.allOf) as JsonSchema[] | undefined;
  if (branches?.length) return fc.oneof(...branches.map((b) => fitting(spec, b, pools, depth + 1)));
  if (schema.const !== undefined) return fc.constant(schema.const);
  if (Array.isArray(schema.enum) && schema.enum.length) return fc.constantFrom(...(schema.enum as unknown[]));
  switch (schema.type) {
    case "object": {
      const properties = (schema.properties ?? {}) as Record<string, JsonSchema>;
      const model = Object.fromEntries(
        Object.entries(properties).map(([key, value]) => [key, fitting(spec, value, pools, depth + 1)]),
      );
      const requiredKeys = ((schema.required ?? []) as string[]).filter((key) => key in model);
      const extra = schema.additionalProperties;
      if (!Object.keys(model).length && extra && typeof extra === "object") {
        return fc.dictionary(
          fc.string({ minLength: 1, maxLength: 12 }),
          fitting(spec, extra as JsonSchema, pools, depth + 1),
          {
            maxKeys: 4,
          },
        );
      }
      return fc.record(model, { requiredKeys });
    }
    case "array": {
      const minLength = Number(schema.minItems ?? 0);
      const maxLength = Math.max(minLength, Math.min(Number(schema.maxItems ?? 3), 3));
      return fc.array(fitting(spec, (schema.items ?? {}) as JsonSchema, pools, depth + 1), { minLength, maxLength });
    }
    case "string":
      return stringFor(schema, pools);
    case "integer":
      return integerFor(schema);
    case "number":
      return fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e12, max: 1e12 });
    case "boolean":
      return fc.boolean();
    case "null":
      return fc.constant(null);
    default:
      return fc.jsonValue({ maxDepth: 2 });
  }
}

/** Every path into a JSON value (the root included), for mutations to pick from. */
function pathsOf(value: unknown, at: (string | number)[] = [], out: (string | number)[][] = []) {
  out.push(at);
  if (value && typeof value === "object" && out.length < 200) {
    for (const [key, child] of Object.entries(value)) {
      pathsOf(child, [...at, Array.isArray(value) ? Number(key) : key], out);
    }
  }
  return out;
}

/** `value` with the value at one of its paths replaced (or a key added there). */
function mutate(value: unknown, pick: number, replacement: unknown, key: string | undefined): unknown {
  const paths = pathsOf(value);
  const path = paths[pick % paths.length] as (string | number)[];
  if (!path.length) return key === undefined ? replacement : { ...(value as object), [key]: replacement };
  // Through JSON, as a request body goes: an own `__proto__` key stays an own key.
  const copy = JSON.parse(JSON.stringify(value)) as Record<string | number, unknown>;
  let node = copy;
  for (const part of path.slice(0, -1)) {
    const next = Object.hasOwn(node, part) ? node[part] : undefined;
    if (!next || typeof next !== "object") return replacement;
    node = next as Record<string | number, unknown>;
  }
  const last = path[path.length - 1] as string | number;
  if (key !== undefined && node[last] && typeof node[last] === "object") {
    // Own keys such as `__proto__`, as JSON.parse makes them.
    Object.defineProperty(node[last], key, { value: replacement, enumerable: true, writable: true });
  } else node[last] = replacement;
  return copy;
}

/** `value` with one of its non-empty lists (picked by `pick`) repeated to `length` items. */
function stretch(value: unknown, pick: number, length: number): unknown {
  const lists = pathsOf(value).filter((path) => {
    const node = path.reduce<unknown>((n, key) => (n as Record<string | number, unknown>)[key], value);
    return Array.isArray(node) && node.length > 0;
  });
  if (!lists.length) return value;
  const path = lists[pick % lists.length] as (string | number)[];
  const list = path.reduce<unknown>((n, key) => (n as Record<string | number, unknown>)[key], value) as unknown[];
  const long = Array.from({ length }, (_, i) => list[i % list.length]);
  return path.length
    ? mutate(
        value,
        pathsOf(value).findIndex((p) => p.join("/") === path.join("/")),
        long,
        undefined,
      )
    : long;
}

const deepText = (depth: number) => `${'{"a":['.repeat(depth)}1${"]}".repeat(depth)}`;

/** Raw bodies no schema describes. */
const rawBody: fc.Arbitrary<{ contentType?: string; body: string | Uint8Array }> = fc.oneof(
  fc.constantFrom(
    { contentType: "application/json", body: "" },
    { contentType: "application/json", body: "null" },
    { contentType: "application/json", body: "[]" },
    { contentType: "application/json", body: "1e309" },
    { contentType: "application/json", body: '{"a":' },
    { contentType: "application/json", body: "\ufeff{}" },
    { contentType: "application/json", body: deepText(60) },
    { contentType: "application/json", body: deepText(20_000) },
    { contentType: "application/json", body: `[${"1,".repeat(200_000)}1]` },
    { contentType: "application/json", body: JSON.stringify({ s: "y".repeat(1_000_000) }) },
    { contentType: "application/json", body: '{"__proto__":{"admin":true},"constructor":{"prototype":{"x":1}}}' },
    { contentType: "text/plain", body: '{"name":"plain"}' },
    { contentType: "application/x-www-form-urlencoded", body: "a=1&a=2&__proto__[x]=1&b[c][d]=e" },
    {
      contentType: "multipart/form-data; boundary=zz",
      body: "--zz\r\nContent-Disposition: form-data; name=a\r\n\r\n1\r\n--zz--",
    },
    { contentType: undefined, body: "{}" },
    { contentType: "application/json; charset=utf-16", body: "{}" },
  ),
  fc.constant({
    contentType: "application/json",
    body: new Uint8Array([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x3a, 0x31, 0x7d]),
  }),
  fc.uint8Array({ maxLength: 64 }).map((bytes) => ({ contentType: "application/json", body: bytes })),
);

/** A body for `op`: fitting its schema, fitting then bent, or raw. */
function bodyFor(spec: Spec, op: SpecOperation, pools: Pools) {
  const form = op.bodyType === "application/x-www-form-urlencoded";
  const encode = (value: unknown) =>
    form && value && typeof value === "object"
      ? new URLSearchParams(
          Object.entries(value).map(([k, v]) => [k, typeof v === "string" ? v : JSON.stringify(v)]),
        ).toString()
      : JSON.stringify(value);
  const contentType = op.bodyType ?? "application/json";
  const fits = op.bodySchema ? fitting(spec, op.bodySchema, pools) : fc.jsonValue({ maxDepth: 2 });
  const bent = fc
    .tuple(
      fits,
      fc.array(
        fc.tuple(fc.nat(), hostileValue, fc.option(fc.constantFrom("__proto__", "constructor", "prototype", "x"))),
        {
          minLength: 1,
          maxLength: 3,
        },
      ),
    )
    .map(([value, changes]) =>
      changes.reduce((v, [pick, replacement, key]) => mutate(v, pick, replacement, key ?? undefined), value),
    );
  // Fitting, with one of its lists made long out of its own (valid) items.
  const stretched = fc
    .tuple(fits, fc.nat(), fc.constantFrom(1001, 1200, 5000))
    .map(([value, pick, length]) => stretch(value, pick, length));
  const sent = (value: unknown) => ({ contentType, body: encode(value) as string | Uint8Array });
  return fc.oneof(
    { weight: 4, arbitrary: fits.map(sent) },
    { weight: 4, arbitrary: bent.map(sent) },
    { weight: 1, arbitrary: stretched.map(sent) },
    { weight: 2, arbitrary: rawBody },
  );
}

const hostileText = fc.oneof(
  fc.constantFrom(
    "1e309",
    "-1",
    "0",
    "NaN",
    "Infinity",
    "9".repeat(400),
    "1.5",
    "0x10",
    " 7 ",
    "",
    "null",
    "true",
    "[]",
    "{}",
    '{"conjunction":"and","clauses":[]}',
    '{"conjunction":"or","clauses":[{"property":"metadata.a.b","operator":"like","value":"%"}]}',
    `${'{"conjunction":"and","clauses":['.repeat(80)}${"]}".repeat(80)}`,
    '{"a":',
    "2026-02-30",
    "-timestamp",
    "💥",
    "' OR 1=1 --",
    "x".repeat(3000),
  ),
  fc.string({ unit: "grapheme", maxLength: 12 }),
);

/** A query string: the operation's parameters (and strangers) with hostile values, some repeated. */
function queryFor(spec: Spec, op: SpecOperation, pools: Pools): fc.Arbitrary<string> {
  const names = op.parameters.filter((p) => p.in === "query").map((p) => p.name);
  const fittingPairs = op.parameters
    .filter((p) => p.in === "query")
    .map((p) =>
      fitting(spec, p.schema, pools).map((v) => [p.name, typeof v === "string" ? v : JSON.stringify(v)] as const),
    );
  const name = fc.oneof(
    ...(names.length ? [fc.constantFrom(...names)] : []),
    fc.constantFrom("__proto__", "constructor", "metadata[__proto__]", "metadata[a]", "page[]", "sorting", "x"),
    ...(names.length ? [fc.constantFrom(...names).map((n) => `${n}[${n}]`)] : []),
  );
  const hostilePair = fc.tuple(name, hostileText);
  const pairs = fc.array(fc.oneof(hostilePair, ...fittingPairs), { maxLength: 6 });
  const repeated = fc.tuple(name, fc.nat({ max: 300 })).map(([n, count]) => Array(count).fill([n, "1"]));
  return fc.tuple(pairs, rarely(repeated, 8), fc.boolean()).map(([list, repeats, raw]) => {
    const all = [...list, ...(repeats ?? [])] as [string, string][];
    // Sometimes sent unencoded: stray `%`, `&` and `=` as a careless client writes them.
    return all.map(([k, v]) => (raw ? `${k}=${v}` : `${encodeURIComponent(k)}=${encodeURIComponent(v)}`)).join("&");
  });
}

const hostileSegment = fc.constantFrom(
  "not-a-uuid",
  "00000000-0000-0000-0000-000000000000",
  "%00",
  "%ff",
  "%2e%2e",
  "..",
  "x".repeat(3000),
  "%F0%9F%92%A5",
  "__proto__",
  "constructor",
  "-1",
  "1e309",
  "%20",
);

/** A path for `op`: parameters from what exists, random, or hostile. */
function pathFor(op: SpecOperation, pools: Pools): fc.Arbitrary<string> {
  const names = [...op.path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1] as string);
  const collection = op.path.slice(0, op.path.indexOf("{"));
  const known = (name: string) =>
    (name === "id" ? pools.idsByCollection.get(collection) : pools.byField.get(name)) ?? pools.allIds;
  const segment = (name: string) =>
    fc.oneof(
      {
        weight: 6,
        arbitrary: known(name).length ? fc.constantFrom(...known(name)).map(encodeURIComponent) : fc.uuid(),
      },
      { weight: 1, arbitrary: fc.uuid() },
      { weight: 2, arbitrary: hostileSegment },
    );
  return fc
    .tuple(...names.map(segment))
    .map((values) => names.reduce((path, name, i) => path.replace(`{${name}}`, values[i] as string), op.path));
}

/** Requests for one operation: mostly with the token it takes, sometimes with none or a bad one. */
export function requestsFor(spec: Spec, op: SpecOperation, pools: Pools): fc.Arbitrary<HostileRequest> {
  const own = (["Organization", "User", "Customer", "Member"] as const).find((s) => op.subjects.includes(s));
  const mine = (own?.toLowerCase() ?? "none") as HostileRequest["auth"];
  const auth = fc.oneof(
    { weight: 6, arbitrary: fc.constant(mine) },
    {
      weight: 2,
      arbitrary: fc.constantFrom<HostileRequest["auth"]>(
        "none",
        "garbage",
        "malformed",
        "customer",
        "member",
        "organization",
        "user",
      ),
    },
  );
  const body = op.bodySchema ? bodyFor(spec, op, pools) : rarely(rawBody, 6);
  return fc
    .record({
      path: pathFor(op, pools),
      query: fc.oneof(fc.constant(""), queryFor(spec, op, pools)),
      auth,
      body,
      version: rarely(fc.constantFrom("2026-04", "1999-01", "9999-99"), 12),
    })
    .map(({ path, query, auth, body, version }) => ({
      op: op.id,
      method: op.method,
      path,
      query,
      auth,
      ...(body && { contentType: body.contentType, body: body.body }),
      ...(version && { version }),
    }));
}
