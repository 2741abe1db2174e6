import type { Context } from "hono";
import { readText } from "../../body";
import type { Issue } from "../../validate";

// Emulator-only routes take small JSON bodies; anything bigger is a mistake.
const MAX_BODY_BYTES = 16 * 1024;

/** A 422 in the API's own shape, so clients of these routes parse one error format. */
export const unprocessable = (c: Context, issues: Issue[]) =>
  c.json({ error: "PolarRequestValidationError", detail: issues }, 422);

export const issue = (field: string, msg: string, type: string, input?: unknown): Issue => ({
  loc: ["body", field],
  msg,
  type,
  ...(input !== undefined && { input }),
});

/** The request's JSON object, or the issues that prevent reading one. */
export async function readObject(c: Context): Promise<Record<string, unknown> | Issue[]> {
  const text = await readText(c.req.raw, MAX_BODY_BYTES);
  if (text === undefined) {
    return [{ loc: ["body"], msg: `Body should be at most ${MAX_BODY_BYTES} bytes`, type: "too_long" }];
  }
  try {
    const value: unknown = JSON.parse(text || "null");
    if (value && typeof value === "object" && !Array.isArray(value)) return value as Record<string, unknown>;
    return [{ loc: ["body"], msg: "Input should be a valid dictionary", type: "dict_type", input: value }];
  } catch {
    return [{ loc: ["body", 0], msg: "JSON decode error", type: "json_invalid" }];
  }
}
