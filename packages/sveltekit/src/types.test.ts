// The shipped declarations in a user's app, on each major: test/consumer type-checked with
// `skipLibCheck: false` (so SvelteKit's, Vite's and @polar-kit/core's declarations are checked too).
import { resolve } from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";

const consumer = resolve(import.meta.dirname, "../test/consumer");

function typeCheck(tsconfig: string) {
  const parsed = ts.getParsedCommandLineOfConfigFile(resolve(consumer, tsconfig), undefined, {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: (diagnostic) => {
      throw new Error(ts.flattenDiagnosticMessageText(diagnostic.messageText, "\n"));
    },
  });
  if (!parsed) throw new Error(`${tsconfig} could not be read`);
  const program = ts.createProgram({ rootNames: parsed.fileNames, options: parsed.options });
  const host = {
    getCanonicalFileName: (name: string) => name,
    getCurrentDirectory: () => consumer,
    getNewLine: () => "\n",
  };
  const errors = ts.getPreEmitDiagnostics(program).map((diagnostic) => ts.formatDiagnostic(diagnostic, host));
  const files = program.getSourceFiles().map((file) => file.fileName);
  return { errors, files, options: program.getCompilerOptions() };
}

// The version a program's SvelteKit declarations came from, read from the path pnpm installed them at.
const kitVersions = (files: string[]) => [
  ...new Set(files.flatMap((file) => /@sveltejs\+kit@(\d+)\./.exec(file)?.[1] ?? [])),
];

describe.each([
  { major: "3", tsconfig: "tsconfig.kit3.json" },
  { major: "2", tsconfig: "tsconfig.kit2.json" },
])("the shipped .d.ts in a SvelteKit $major app", ({ major, tsconfig }) => {
  it("type-checks with skipLibCheck: false", () => {
    const { errors, files, options } = typeCheck(tsconfig);
    expect(options.skipLibCheck).toBe(false);
    // Checked against the built package and this major's declarations only.
    expect(files).toContain(resolve(import.meta.dirname, "../dist/index.d.ts"));
    expect(kitVersions(files)).toEqual([major]);
    expect(errors).toEqual([]);
  });
});
