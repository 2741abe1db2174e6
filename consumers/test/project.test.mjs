import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, test } from "node:test";
import { checkCoreFromTarball } from "../lib/project.mjs";

const folders = [];
const made = (dir) => {
  folders.push(dir);
  return dir;
};
after(() => {
  for (const dir of folders) rmSync(dir, { recursive: true, force: true });
});

const project = (files) => {
  const dir = made(mkdtempSync(path.join(tmpdir(), "project-test-")));
  for (const [name, text] of Object.entries(files)) writeFileSync(path.join(dir, name), text);
  return dir;
};

test("npm: every @polar-kit/core in package-lock.json must come from a file", () => {
  const lock = (resolved) =>
    JSON.stringify({
      packages: {
        "node_modules/@polar-kit/core": { resolved: "file:../tarballs/polar-kit-core-0.1.0.tgz" },
        "node_modules/@polar-kit/hono/node_modules/@polar-kit/core": { resolved },
      },
    });
  const fromFile = project({ "package-lock.json": lock("file:../tarballs/polar-kit-core-0.1.0.tgz") });
  assert.doesNotThrow(() => checkCoreFromTarball(fromFile, "npm"));
  const registry = project({
    "package-lock.json": lock("https://registry.npmjs.org/@polar-kit/core/-/core-0.1.0.tgz"),
  });
  assert.throws(
    () => checkCoreFromTarball(registry, "npm"),
    /hono\/node_modules\/@polar-kit\/core resolved from https/,
  );
});

test("pnpm: a registry version of @polar-kit/core in pnpm-lock.yaml fails", () => {
  const fromFile = project({
    "pnpm-lock.yaml": "packages:\n  '@polar-kit/core@file:../tarballs/polar-kit-core-0.1.0.tgz':\n    resolution: {}\n",
  });
  assert.doesNotThrow(() => checkCoreFromTarball(fromFile, "pnpm"));
  const registry = project({ "pnpm-lock.yaml": "packages:\n  '@polar-kit/core@0.1.0':\n    resolution: {}\n" });
  assert.throws(() => checkCoreFromTarball(registry, "pnpm"), /resolves @polar-kit\/core@0.1.0/);
});
