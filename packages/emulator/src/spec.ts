import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

// The Polar OpenAPI spec drives routing, auth rules and validation. It sits next to the built
// code (dist/polar-openapi.json) or, in the workspace, in the repository's spec/ folder.
const CANDIDATES = ["./polar-openapi.json", "../../../spec/polar-openapi.json"];

export interface SpecParameter {
  name: string;
  in: "query" | "path" | "header" | "cookie";
  required?: boolean;
  schema: JsonSchema;
  style?: string;
}

export type JsonSchema = Record<string, unknown>;

/** What the emulator needs to know about one operation of the spec. */
export interface SpecOperation {
  id: string;
  method: string;
  path: string;
  parameters: SpecParameter[];
  bodySchema?: JsonSchema;
  bodyType?: string;
  bodyRequired: boolean;
  /** Success status -> JSON schema of the body (undefined for empty or non-JSON bodies). */
  responses: Record<string, JsonSchema | undefined>;
  /** Scopes that allow the call (any one is enough); empty when no security is declared. */
  scopes: string[];
  /** `x-polar-allowed-subjects`: Organization, User, Customer, Member, Anonymous. */
  subjects: string[];
}

export interface Spec {
  document: Record<string, unknown> & { components: { schemas: Record<string, JsonSchema> } };
  operations: Map<string, SpecOperation>;
}

let cached: Spec | undefined;

// Most Customer Portal operations declare only their security schemes, not their subjects.
const SUBJECT_OF_SCHEME: Record<string, string> = {
  oat: "Organization",
  pat: "User",
  oidc: "User",
  customer_session: "Customer",
  member_session: "Member",
};

function subjectsOf(security: Record<string, string[]>[]): string[] {
  const subjects = security.flatMap((entry) => Object.keys(entry).map((scheme) => SUBJECT_OF_SCHEME[scheme] ?? ""));
  return [...new Set(subjects.filter(Boolean))];
}

/** An operation object of the spec, as far as the router reads it. */
interface RawOperation {
  operationId: string;
  requestBody?: { content: Record<string, { schema: JsonSchema }>; required?: boolean };
  responses: Record<string, { content?: Record<string, { schema?: JsonSchema }> }>;
  parameters?: SpecParameter[];
  security?: Record<string, string[]>[];
  "x-polar-allowed-subjects"?: string[];
}

/** Loads and indexes the spec once per process. */
export function loadSpec(): Spec {
  if (cached) return cached;
  const path = CANDIDATES.map((c) => fileURLToPath(new URL(c, import.meta.url))).find((p) => existsSync(p));
  if (!path) throw new Error("polar-openapi.json not found next to the emulator");
  const document = JSON.parse(readFileSync(path, "utf8"));
  const operations = new Map<string, SpecOperation>();
  for (const [path, item] of Object.entries<Record<string, Record<string, unknown>>>(document.paths)) {
    for (const method of ["get", "post", "put", "patch", "delete"]) {
      const op = item[method] as RawOperation | undefined;
      if (!op) continue;
      const body = op.requestBody;
      const [bodyType, bodyContent] = Object.entries(body?.content ?? {})[0] ?? [];
      const responses: Record<string, JsonSchema | undefined> = {};
      for (const [status, response] of Object.entries(op.responses)) {
        if (/^2/.test(status)) responses[status] = response.content?.["application/json"]?.schema;
      }
      const security = op.security ?? [];
      operations.set(op.operationId, {
        id: op.operationId,
        method: method.toUpperCase(),
        path,
        parameters: [...((item.parameters as unknown as SpecParameter[]) ?? []), ...(op.parameters ?? [])],
        ...(bodyContent && { bodySchema: bodyContent.schema, bodyType }),
        bodyRequired: Boolean(body?.required),
        responses,
        scopes: [...new Set(security.flatMap((entry) => Object.values(entry).flat()))],
        subjects: op["x-polar-allowed-subjects"] ?? subjectsOf(security),
      });
    }
  }
  cached = { document, operations };
  return cached;
}
