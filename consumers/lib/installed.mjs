// The versions a row actually installed, noted under the result table: the ranges in its
// package.json say little about what a run tested.
import { readFileSync } from "node:fs";
import path from "node:path";

/** Notes `node <version>, <package> <version>, …` as read from the row's node_modules. */
export function noteInstalled(ctx, packages) {
  const versions = packages.map((name) => {
    const manifest = path.join(ctx.dir, "node_modules", name, "package.json");
    return `${name} ${JSON.parse(readFileSync(manifest, "utf8")).version}`;
  });
  ctx.note([path.basename(ctx.nodeHome).replace("-", " "), ...versions].join(", "));
}
