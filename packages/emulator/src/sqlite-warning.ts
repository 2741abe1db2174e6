// Node 22 prints "ExperimentalWarning: SQLite is an experimental feature and might change at any
// time" when `node:sqlite` is first loaded (Node 26 prints nothing). The CLI's user did not choose
// node:sqlite, the emulator did, so the CLI drops that one warning; every other one still prints.

type EmitWarning = typeof process.emitWarning;

const isSqliteExperimental = (warning: string | Error, typeOrOptions: unknown): boolean => {
  const type =
    warning instanceof Error
      ? warning.name
      : typeof typeOrOptions === "string"
        ? typeOrOptions
        : (typeOrOptions as { type?: unknown } | undefined)?.type;
  const message = warning instanceof Error ? warning.message : warning;
  return type === "ExperimentalWarning" && message.startsWith("SQLite ");
};

/** `emit` (`process.emitWarning`), less node:sqlite's experimental warning. */
export function withoutSqliteWarning(emit: EmitWarning): EmitWarning {
  return function emitWarning(this: unknown, warning: string | Error, ...rest: unknown[]) {
    if (isSqliteExperimental(warning, rest[0])) return;
    return (emit as (...args: unknown[]) => void).call(this, warning, ...rest);
  } as EmitWarning;
}
