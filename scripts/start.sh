#!/usr/bin/env bash
# `npm start`: installs the workspace, builds an example app and what it uses, then runs it against
# the local Polar emulator (scripts/start.mjs). APP=nextjs (the default), sveltekit or hono picks the app.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/ensure-node.sh
. scripts/ensure-pnpm.sh
pnpm install --frozen-lockfile
app=${APP:-$(node --input-type=module -e 'import { DEFAULT_APP } from "./scripts/apps.mjs"; console.log(DEFAULT_APP)')}
case $app in nextjs | sveltekit | hono) ;; *) echo "start: APP=$app is not one of: nextjs, sveltekit, hono" >&2; exit 2 ;; esac
# The app and its workspace dependencies (the adapter, the core) plus the emulator.
pnpm turbo run build --output-logs=errors-only --filter="@polar-kit/example-$app..." --filter=@polar-kit/emulator
exec node scripts/start.mjs
