#!/usr/bin/env bash
# Puts the pinned pnpm on PATH using only Node.js and npm (corepack is not assumed).
# Source it: `. scripts/ensure-pnpm.sh`.
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
want=$(node -p "require('$root/package.json').packageManager.split('@')[1]")
if [ "$(pnpm --version 2>/dev/null)" != "$want" ]; then
  if [ "$("$root/.tools/node_modules/.bin/pnpm" --version 2>/dev/null)" != "$want" ]; then
    echo "installing pnpm $want into .tools/" >&2
    npm install --silent --no-audit --no-fund --prefix "$root/.tools" "pnpm@$want" >&2
  fi
  export PATH="$root/.tools/node_modules/.bin:$PATH"
fi
