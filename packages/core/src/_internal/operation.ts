import type { Client } from "../client";
import { encodeParams } from "./encode";

export type { Client, RequestOptions } from "../client";

const PARAM = /\{[^}]+\}/g;

// Where an operation puts its input: a query-string suffix for the path, and the body.
type Placement = (input: unknown) => [suffix: string, body?: unknown];

/**
 * Builds the standalone function of one operation, `(client, ...pathParams, input?, options?)`,
 * from its descriptor (`"POST /v1/checkouts/"`). Kept tiny: one of these per operation is all a
 * tree-shaken bundle carries beyond the client.
 */
const define =
  (spec: string, takesInput: unknown, place?: Placement) =>
  // biome-ignore lint/suspicious/noExplicitAny: the generated signature types each operation.
  (client: Client, ...args: any[]): Promise<any> => {
    const [method, template] = spec.split(" ") as [string, string];
    let i = 0;
    const path = template.replace(PARAM, () => encodeURIComponent(args[i++]));
    const input = takesInput ? args[i++] : undefined;
    const [suffix, body] = place ? place(input) : ["", input];
    return client.request({ method, path: path + suffix, template, body }, args[i]);
  };

/** An operation with a JSON body (`withBody` set) or no input at all. */
export const operation = (spec: string, withBody?: 1) => define(spec, withBody);

/** An operation whose input is its query string. */
export const queryOperation = (spec: string) =>
  define(spec, 1, (input) => {
    const query = encodeParams(input as object).toString();
    return [query && `?${query}`];
  });

/** An operation with a form-encoded body (the OAuth 2.0 token endpoints). */
export const formOperation = (spec: string) => define(spec, 1, (input) => ["", encodeParams(input as object)]);
