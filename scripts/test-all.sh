#!/usr/bin/env bash
# Sets up everything from a clean clone and runs every check: build, typecheck, lint
# (Biome, publint, attw), and all tests. Exits non-zero on the first failure.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/ensure-pnpm.sh
pnpm install --frozen-lockfile
pnpm run check
