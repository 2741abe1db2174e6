#!/usr/bin/env bash
# Sets up everything from a clean clone and runs every check: build, typecheck, lint
# (Biome, publint, attw), and all tests, on the pinned Node.js (.node-version, fetched from the npm
# registry) and the published libraries' tests on Node.js 22 too. Exits non-zero on the first failure.
set -euo pipefail
cd "$(dirname "$0")/.."
# Each phase says how long it took, so a slow CI run shows where the time went.
phase() {
  echo "[test:all] $1 took $((SECONDS - phase_start)) s (total $SECONDS s)" >&2
  phase_start=$SECONDS
}
phase_start=$SECONDS
. scripts/ensure-node.sh
. scripts/ensure-pnpm.sh
pnpm install --frozen-lockfile
# The example apps' end-to-end tests drive Debian's Chromium (playwright-core never downloads a browser).
if [ ! -x /usr/bin/chromium ]; then
  echo "installing Debian's chromium for the browser tests" >&2
  sudo=""
  if [ "$(id -u)" != 0 ]; then sudo="sudo"; fi
  $sudo apt-get update -qq
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi
phase "setup (Node, pnpm, workspace, Chromium)"
pnpm run check
phase "check (build, typecheck, lint, tests)"
# The published libraries on the oldest Node.js their engines allow, too.
bash scripts/test-on-node.sh 22.23.5 @polar-kit/core @polar-kit/hono @polar-kit/nextjs @polar-kit/sveltekit @polar-kit/emulator
phase "tests on Node 22"
# Packed tarballs installed into fresh projects, on every runtime and framework major we claim
# (consumers/README.md): the harness's own tests, then the matrix.
node --test consumers/test/
node consumers/run.mjs
phase "consumer matrix"
