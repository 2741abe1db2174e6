// The per-row result table printed at the end of a run.

const seconds = (value) => (value === undefined ? "-" : value.toFixed(1));

export function formatTable(results) {
  const header = ["row", "install s", "build s", "test s", "result"];
  const lines = results.map((r) => [
    r.name,
    seconds(r.install),
    seconds(r.build),
    seconds(r.test),
    r.ok ? "pass" : "FAIL",
  ]);
  const widths = header.map((title, column) => Math.max(title.length, ...lines.map((line) => line[column].length)));
  const format = (cells) => cells.map((cell, column) => cell.padEnd(widths[column])).join("  ");
  const out = [format(header), widths.map((width) => "-".repeat(width)).join("  "), ...lines.map(format)];
  for (const result of results.filter((r) => r.notes?.length)) {
    out.push("", `${result.name}:`, ...result.notes.map((note) => `  ${note}`));
  }
  for (const result of results.filter((r) => !r.ok)) out.push("", `${result.name} failed:`, result.error);
  return out.join("\n");
}
