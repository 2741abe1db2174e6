import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { closedPort, countingFetch, startScriptedServer } from "../test/scripted-server";
import { type ClientOptions, createClient } from "./client";
import { PolarApiError, PolarConnectionError } from "./errors";
import { createPolar } from "./polar";
import { VERSION } from "./version";

const server = await startScriptedServer();
afterAll(() => server.close());
beforeEach(() => server.reset());

const TOKEN = "polar_oat_supersecrettoken";
const fast = { backoff: { baseMs: 5, maxMs: 20 } } satisfies ClientOptions;
const polarAt = (options: ClientOptions = {}) =>
  createPolar({ accessToken: TOKEN, baseUrl: server.url, ...fast, ...options });

async function failureOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error("expected the call to fail");
}

describe("requests", () => {
  it("sends the token, Polar-Version, User-Agent and a JSON body", async () => {
    server.script({ status: 201, body: { id: "co_1", url: "https://checkout" } });
    const checkout = await polarAt().checkouts.create({ products: ["p1"], metadata: { plan: "pro" } });
    expect(checkout).toEqual({ id: "co_1", url: "https://checkout" });
    const [req] = server.seen;
    expect(req?.method).toBe("POST");
    expect(req?.url.pathname).toBe("/v1/checkouts/");
    expect(req?.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(req?.headers["polar-version"]).toBe("2026-04");
    expect(req?.headers["user-agent"]).toBe(`polar-kit/${VERSION}`);
    expect(req?.headers["content-type"]).toBe("application/json");
    expect(JSON.parse(req?.body ?? "")).toEqual({ products: ["p1"], metadata: { plan: "pro" } });
  });

  it("lets a call override the token, headers and Polar-Version comes from the client", async () => {
    await polarAt({ polarVersion: "2026-10" }).customerPortal.customers.get({
      accessToken: "polar_cst_customer",
      headers: { "x-trace": "t1" },
    });
    const [req] = server.seen;
    expect(req?.headers.authorization).toBe("Bearer polar_cst_customer");
    expect(req?.headers["polar-version"]).toBe("2026-10");
    expect(req?.headers["x-trace"]).toBe("t1");
  });

  it("sends no Authorization header without a token", async () => {
    await createPolar({ baseUrl: server.url }).customerPortal.organizations.get("acme");
    expect(server.seen[0]?.headers.authorization).toBeUndefined();
  });

  it("encodes path parameters so they cannot change the path", async () => {
    await polarAt().customers.getExternal("user/../1?x=y");
    expect(server.seen[0]?.url.pathname).toBe("/v1/customers/external/user%2F..%2F1%3Fx%3Dy");
    expect(server.seen[0]?.url.search).toBe("");
  });

  it("joins baseUrl without a double slash", async () => {
    await polarAt({ baseUrl: `${server.url}/` }).products.get("p1");
    expect(server.seen[0]?.url.pathname).toBe("/v1/products/p1");
  });

  it("repeats multi-value filters, deep-encodes metadata and keeps sorting order", async () => {
    server.script({ status: 200, body: { items: [], pagination: { total_count: 0, max_page: 0 } } });
    await polarAt().subscriptions.list({
      product_id: ["p1", "p2"],
      metadata: { plan: ["pro", "team"], seats: 3 },
      sorting: ["-started_at", "status"],
      active: true,
      customer_id: null,
    });
    const params = server.seen[0]?.url.searchParams;
    expect(params?.getAll("product_id")).toEqual(["p1", "p2"]);
    expect(params?.getAll("metadata[plan]")).toEqual(["pro", "team"]);
    expect(params?.get("metadata[seats]")).toBe("3");
    expect(params?.getAll("sorting")).toEqual(["-started_at", "status"]);
    expect(params?.get("active")).toBe("true");
    expect(params?.has("customer_id")).toBe(false);
  });

  it("form-encodes the OAuth 2.0 token endpoints", async () => {
    server.script({ status: 200, body: { access_token: "polar_at_o_x", token_type: "Bearer" } });
    await createPolar({ baseUrl: server.url }).oauth2.token({
      grant_type: "authorization_code",
      client_id: "polar_ci_1",
      client_secret: "polar_cs_1",
      code: "polar_ac_1",
      redirect_uri: "https://app.example/cb",
    });
    const [req] = server.seen;
    expect(req?.headers["content-type"]).toMatch(/^application\/x-www-form-urlencoded/);
    const form = new URLSearchParams(req?.body);
    expect(form.get("grant_type")).toBe("authorization_code");
    expect(form.get("redirect_uri")).toBe("https://app.example/cb");
  });

  it("returns CSV exports as text and empty 204/202 bodies as undefined", async () => {
    server.script({ status: 200, body: "id,email\n1,a@example.com\n" });
    expect(await polarAt().customers.export()).toBe("id,email\n1,a@example.com\n");
    server.script({ status: 204 });
    expect(await polarAt().benefits.delete("b1")).toBeUndefined();
    server.script({ status: 202 });
    expect(await polarAt().orders.receipt("o1")).toBeUndefined();
  });
});

describe("errors", () => {
  it("maps a 422 to validation_failed with its issues", async () => {
    server.script({
      status: 422,
      headers: { "x-request-id": "req_42" },
      body: {
        error: "RequestValidationError",
        detail: [{ loc: ["body", "products"], msg: "Field required", type: "missing", input: {} }],
      },
    });
    const error = await failureOf(polarAt().checkouts.create({ products: [] }));
    expect(error).toBeInstanceOf(PolarApiError);
    const api = error as PolarApiError;
    expect(api.code).toBe("validation_failed");
    expect(api.status).toBe(422);
    expect(api.error).toBe("RequestValidationError");
    expect(api.issues).toEqual([{ loc: ["body", "products"], msg: "Field required", type: "missing", input: {} }]);
    expect(api.requestId).toBe("req_42");
    expect(api.message).toBe(
      "Polar API 422 RequestValidationError on POST /v1/checkouts/: body.products: Field required (request id req_42)",
    );
  });

  it.each([
    [401, { error: "invalid_token", error_description: "The access token provided is expired." }, "unauthorized"],
    [401, { error: "Unauthorized", detail: "Unauthorized" }, "unauthorized"],
    [403, { error: "insufficient_scope", error_description: "higher privileges" }, "insufficient_scope"],
    [403, { error: "NotPermitted", detail: "Not permitted" }, "forbidden"],
    [404, { error: "ResourceNotFound", detail: "Not found" }, "not_found"],
    [409, { error: "ResourceAlreadyExists", detail: "exists" }, "conflict"],
    [400, { error: "BadRequest", detail: "bad" }, "bad_request"],
    [410, { error: "ResourceUnavailable", detail: "gone" }, "api_error"],
    [500, { detail: "boom" }, "server_error"],
  ] as const)("maps %i %j to %s", async (status, body, code) => {
    server.setHandler(() => ({ status, body }));
    const error = (await failureOf(polarAt({ maxRetries: 0 }).products.get("p1"))) as PolarApiError;
    expect(error.code).toBe(code);
    expect(error.status).toBe(status);
    const fields: Record<string, unknown> = body;
    expect(error.error).toBe(fields.error);
    expect(error.detail).toBe(fields.detail ?? fields.error_description);
  });

  it("never puts the token or a path secret in the message", async () => {
    server.setHandler(() => ({ status: 404, body: { error: "ResourceNotFound", detail: "Not found" } }));
    const error = (await failureOf(polarAt().checkouts.clientGet("polar_c_clientsecret"))) as PolarApiError;
    expect(error.message).toContain("GET /v1/checkouts/client/{client_secret}");
    expect(error.message).not.toContain("polar_c_clientsecret");
    expect(JSON.stringify({ ...error, message: error.message, stack: error.stack })).not.toContain(TOKEN);
  });

  it("exposes retryAfter on a 429 that is not retried", async () => {
    server.script({ status: 429, headers: { "retry-after": "7" } });
    const error = (await failureOf(polarAt({ maxRetries: 0 }).products.get("p1"))) as PolarApiError;
    expect(error.code).toBe("rate_limited");
    expect(error.retryAfter).toBe(7);
  });

  it("keeps a non-JSON error body as text", async () => {
    server.script({ status: 502, body: "<html>bad gateway</html>" });
    const error = (await failureOf(polarAt({ maxRetries: 0 }).products.get("p1"))) as PolarApiError;
    expect(error.code).toBe("server_error");
    expect(error.body).toBe("<html>bad gateway</html>");
  });
});

describe("retries", () => {
  it("retries a 429 after Retry-After, then succeeds", async () => {
    server.script({ status: 429, headers: { "retry-after": "0" } }, { status: 200, body: { id: "p1" } });
    expect(await polarAt().products.get("p1")).toEqual({ id: "p1" });
    expect(server.seen).toHaveLength(2);
  });

  it("reads Retry-After as an HTTP date", async () => {
    const soon = new Date(Date.now() + 1000).toUTCString();
    server.script({ status: 429, headers: { "retry-after": soon } }, { status: 200, body: { id: "p1" } });
    expect(await polarAt().products.get("p1")).toEqual({ id: "p1" });
    expect(server.seen).toHaveLength(2);
  });

  it("does not wait out a Retry-After longer than a minute", async () => {
    server.script({ status: 429, headers: { "retry-after": "3600" } });
    const error = (await failureOf(polarAt().products.get("p1"))) as PolarApiError;
    expect(error.retryAfter).toBe(3600);
    expect(server.seen).toHaveLength(1);
  });

  it("retries 503 twice on GET and gives up after maxRetries", async () => {
    server.script({ status: 503 }, { status: 503 }, { status: 200, body: { id: "p1" } });
    expect(await polarAt().products.get("p1")).toEqual({ id: "p1" });
    expect(server.seen).toHaveLength(3);

    server.reset();
    server.setHandler(() => ({ status: 503 }));
    const error = (await failureOf(polarAt({ maxRetries: 1 }).products.get("p1"))) as PolarApiError;
    expect(error.status).toBe(503);
    expect(server.seen).toHaveLength(2);
  });

  it("honours maxRetries per call", async () => {
    server.setHandler(() => ({ status: 504 }));
    await failureOf(polarAt({ maxRetries: 5 }).products.get("p1", { maxRetries: 0 }));
    expect(server.seen).toHaveLength(1);
  });

  it("does not retry a POST after a 503 or a 429 unless asked to", async () => {
    server.script({ status: 503 });
    await failureOf(polarAt().checkouts.create({ products: ["p1"] }));
    expect(server.seen).toHaveLength(1);

    server.reset();
    server.script({ status: 503 }, { status: 201, body: { id: "co_1" } });
    const checkout = await polarAt().checkouts.create({ products: ["p1"] }, { retryNonIdempotent: true });
    expect(checkout).toEqual({ id: "co_1" });
    expect(server.seen).toHaveLength(2);
  });

  it("does not retry a 4xx other than 429", async () => {
    server.setHandler(() => ({ status: 404, body: { error: "ResourceNotFound", detail: "Not found" } }));
    await failureOf(polarAt().products.get("p1"));
    expect(server.seen).toHaveLength(1);
  });

  it("retries a dropped connection on GET, but not on POST", async () => {
    server.script({ drop: true }, { status: 200, body: { id: "p1" } });
    expect(await polarAt().products.get("p1")).toEqual({ id: "p1" });
    expect(server.seen).toHaveLength(2);

    server.reset();
    server.script({ drop: true });
    const error = await failureOf(polarAt().checkouts.create({ products: ["p1"] }));
    expect(error).toBeInstanceOf(PolarConnectionError);
    expect((error as PolarConnectionError).code).toBe("network_error");
    expect(server.seen).toHaveLength(1);
  });

  it("retries a POST whose connection was refused, since it never reached a server", async () => {
    const counter = countingFetch();
    const port = await closedPort();
    const polar = createPolar({ baseUrl: `http://127.0.0.1:${port}`, fetch: counter.fetch, ...fast });
    const error = await failureOf(polar.checkouts.create({ products: ["p1"] }));
    expect((error as PolarConnectionError).code).toBe("network_error");
    expect((error as PolarConnectionError).cause).toBeDefined();
    expect(counter.calls).toHaveLength(3);
  });
});

describe("timeouts and cancellation", () => {
  it("times out a slow response and retries it on GET", async () => {
    server.script({ status: 200, body: { id: "slow" }, delayMs: 3000 }, { status: 200, body: { id: "p1" } });
    expect(await polarAt({ timeoutMs: 1000 }).products.get("p1")).toEqual({ id: "p1" });
    expect(server.seen).toHaveLength(2);
  });

  it("throws a timeout error when every attempt is too slow", async () => {
    server.setHandler(() => ({ status: 200, body: {}, delayMs: 400 }));
    const error = await failureOf(polarAt().products.get("p1", { timeoutMs: 50, maxRetries: 0 }));
    expect(error).toBeInstanceOf(PolarConnectionError);
    expect((error as PolarConnectionError).code).toBe("timeout");
    expect((error as Error).message).toBe("Polar API did not answer GET /v1/products/{id} within 50 ms");
  });

  it("rejects with the caller's abort reason and does not retry", async () => {
    server.setHandler(() => ({ status: 200, body: {}, delayMs: 400 }));
    const controller = new AbortController();
    const call = polarAt().products.get("p1", { signal: controller.signal });
    setTimeout(() => controller.abort(new Error("user left")), 50);
    expect(((await failureOf(call)) as Error).message).toBe("user left");
    expect(server.seen).toHaveLength(1);
  });

  // The backoff is at least 10 s, longer than this test may run: only an abort-aware wait passes.
  it("stops waiting between retries when aborted", { timeout: 8000 }, async () => {
    server.setHandler(() => ({ status: 503 }));
    const controller = new AbortController();
    const call = createPolar({ baseUrl: server.url, backoff: { baseMs: 20_000, maxMs: 20_000 } }).products.get("p1", {
      signal: controller.signal,
    });
    setTimeout(() => controller.abort(new Error("stop")), 100);
    expect(((await failureOf(call)) as Error).message).toBe("stop");
    expect(server.seen).toHaveLength(1);
  });

  it("fails at once with an already-aborted signal", async () => {
    const error = await failureOf(polarAt().products.get("p1", { signal: AbortSignal.abort(new Error("early")) }));
    expect((error as Error).message).toBe("early");
    expect(server.seen).toHaveLength(0);
  });
});

describe("pagination", () => {
  const TOTAL = 23;
  const pageServer = () =>
    server.setHandler((req) => {
      const page = Number(req.url.searchParams.get("page") ?? 1);
      const limit = Number(req.url.searchParams.get("limit") ?? 10);
      const ids = Array.from({ length: TOTAL }, (_, i) => `p${i + 1}`);
      return {
        status: 200,
        body: {
          items: ids.slice((page - 1) * limit, page * limit).map((id) => ({ id })),
          pagination: { total_count: TOTAL, max_page: Math.ceil(TOTAL / limit) },
        },
      };
    });

  it("awaits to the first page", async () => {
    pageServer();
    const page = await polarAt().products.list({ limit: 10 });
    expect(page.items.map((p) => p.id)).toEqual(Array.from({ length: 10 }, (_, i) => `p${i + 1}`));
    expect(page.pagination).toEqual({ total_count: 23, max_page: 3 });
  });

  it("iterates every item of every page, fetching pages lazily", async () => {
    pageServer();
    const ids: string[] = [];
    for await (const product of polarAt().products.list({ limit: 10, is_archived: false })) ids.push(product.id);
    expect(ids).toHaveLength(TOTAL);
    expect(ids.at(-1)).toBe("p23");
    expect(server.seen.map((r) => r.url.searchParams.get("page"))).toEqual([null, "2", "3"]);
    expect(server.seen.every((r) => r.url.searchParams.get("is_archived") === "false")).toBe(true);

    server.reset();
    pageServer();
    for await (const product of polarAt().products.list({ limit: 10 })) if (product.id === "p3") break;
    expect(server.seen).toHaveLength(1);
  });

  it("starts from the requested page and follows path parameters", async () => {
    pageServer();
    const ids: string[] = [];
    for await (const grant of polarAt().benefits.grants("b1", { page: 2, limit: 10 })) ids.push(grant.id);
    expect(ids).toHaveLength(13);
    expect(server.seen.map((r) => `${r.url.pathname}?${r.url.searchParams}`)).toEqual([
      "/v1/benefits/b1/grants?page=2&limit=10",
      "/v1/benefits/b1/grants?page=3&limit=10",
    ]);
  });

  it("stops on an empty list", async () => {
    server.setHandler(() => ({ status: 200, body: { items: [], pagination: { total_count: 0, max_page: 0 } } }));
    const seen = [];
    for await (const order of polarAt().orders.list()) seen.push(order);
    expect(seen).toEqual([]);
    expect(server.seen).toHaveLength(1);
  });
});

describe("createClient", () => {
  it("defaults to production and knows sandbox", () => {
    expect(createClient().baseUrl).toBe("https://api.polar.sh");
    expect(createClient({ server: "sandbox" }).baseUrl).toBe("https://sandbox-api.polar.sh");
    expect(createClient({ server: "sandbox", baseUrl: "http://localhost:8787/" }).baseUrl).toBe(
      "http://localhost:8787",
    );
  });

  it("does not see later changes to the caller's options", async () => {
    const options: ClientOptions = { baseUrl: server.url, accessToken: "polar_oat_first" };
    const polar = createPolar(options);
    options.accessToken = "polar_oat_second";
    await polar.products.get("p1");
    expect(server.seen[0]?.headers.authorization).toBe("Bearer polar_oat_first");
  });
});
