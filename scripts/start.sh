#!/usr/bin/env bash
# Sets up the workspace and runs the demo. Until the emulator lands this is a small script that
# uses the client: it lists the API surface and, with POLAR_ACCESS_TOKEN set, calls the sandbox.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/ensure-pnpm.sh
pnpm install --frozen-lockfile
pnpm --filter @polar-kit/core build
node scripts/demo.mjs
