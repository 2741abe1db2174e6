#!/usr/bin/env bash
# `npm start`: installs the workspace, builds an example app and what it uses, then runs it against
# the local Polar emulator (scripts/start.mjs). APP=hono (the default) picks the app.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/ensure-pnpm.sh
app=${APP:-hono}
pnpm install --frozen-lockfile
# The app and its workspace dependencies (the adapter, the core) plus the emulator.
pnpm turbo run build --output-logs=errors-only --filter="@polar-kit/example-$app..." --filter=@polar-kit/emulator
exec node scripts/start.mjs
