// Source of the small modules a README example imports from "the user's app" (e.g. `markPaid`
// from "./orders.ts"). Each exported function reports its call to the harness's recorder and
// fails if the recorder did not take it, so "the callback ran" is observed from outside, on any
// runtime that has `fetch`.

/**
 * A TypeScript module exporting `async function name(...args: Params)` for each entry of
 * `functions` (`{ markPaid: "orderId: string" }`), each POSTing `{ call, args }` to `recordUrl`.
 */
export function recordingModule(recordUrl, functions) {
  const header = [
    "// Written by the consumer matrix (consumers/lib/user-modules.mjs): stands for the app's own",
    "// code and reports each call to the matrix's recorder.",
    "",
    "async function record(call: string, args: unknown[]): Promise<void> {",
    `  const response = await fetch(${JSON.stringify(recordUrl)}, {`,
    '    method: "POST",',
    '    headers: { "content-type": "application/json" },',
    "    body: JSON.stringify({ call, args }),",
    "  });",
    '  if (!response.ok) throw new Error("recorder answered " + response.status);',
    "}",
    "",
  ];
  const exported = Object.entries(functions).map(([name, params]) => {
    const names = params
      .split(",")
      .map((param) => param.split(":")[0].trim())
      .filter(Boolean);
    return `export async function ${name}(${params}): Promise<void> {\n  await record(${JSON.stringify(name)}, [${names.join(", ")}]);\n}\n`;
  });
  return `${header.join("\n")}\n${exported.join("\n")}`;
}
