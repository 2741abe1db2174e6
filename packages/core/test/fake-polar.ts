import { startScriptedServer } from "./scripted-server";

// Stands in for the Polar API in handler tests until the emulator lands: a real HTTP server that
// answers checkout and customer-session creation the way the API does (201 bodies in the spec's
// shape for the fields the handlers read, 422 `detail` lists for unknown ids).
export const PRODUCTS = ["8b6f1d6e-0d43-4a8e-9d1e-6f0c2b1f5a10", "2c1e7a9d-5b3f-4c2a-8e6d-9a0b1c2d3e4f"];
export const CUSTOMERS = { "c6d7e8f9-0a1b-4c2d-8e3f-4a5b6c7d8e9f": "user_1" } as Record<string, string>;
export const TOKEN = "polar_oat_handler_test_token";

export async function startFakePolar() {
  const server = await startScriptedServer((req) => {
    if (req.headers.authorization !== `Bearer ${TOKEN}`) {
      return { status: 401, body: { error: "invalid_token", error_description: "The access token is invalid." } };
    }
    const body = req.body ? JSON.parse(req.body) : {};
    if (req.method === "POST" && req.url.pathname === "/v1/checkouts/") {
      const unknown = (body.products as string[]).findIndex((id) => !PRODUCTS.includes(id));
      if (unknown >= 0) {
        return {
          status: 422,
          body: {
            error: "PolarRequestValidationError",
            detail: [{ loc: ["body", "products", unknown], msg: "Product does not exist.", type: "value_error" }],
          },
        };
      }
      return {
        status: 201,
        body: { id: "co_1", url: `${server.url}/checkout/polar_c_secret`, client_secret: "polar_c_secret" },
      };
    }
    if (req.method === "POST" && req.url.pathname === "/v1/customer-sessions/") {
      const known =
        body.customer_id in CUSTOMERS || Object.values(CUSTOMERS).includes(body.external_customer_id as string);
      if (!known) {
        return {
          status: 422,
          body: { detail: [{ loc: ["body", "customer_id"], msg: "Customer does not exist.", type: "value_error" }] },
        };
      }
      return {
        status: 201,
        body: { token: "polar_cst_x", customer_portal_url: `${server.url}/portal?customer_session_token=polar_cst_x` },
      };
    }
    return { status: 404, body: { detail: "Not Found" } };
  });
  return server;
}

/** A logger that keeps what it is told, to check what reaches logs (and what must not). */
export function memoryLogger() {
  const lines: string[] = [];
  const log = (...args: unknown[]) => lines.push(args.map(String).join(" "));
  return { lines, warn: log, error: log };
}
