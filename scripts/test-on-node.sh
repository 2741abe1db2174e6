#!/usr/bin/env bash
# Runs the tests of the named workspace packages on another Node.js version, taken from the npm
# registry like the pinned one (scripts/ensure-node.sh). Needs a built workspace.
# Usage: scripts/test-on-node.sh VERSION PACKAGE...
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/ensure-node.sh
. scripts/ensure-pnpm.sh
version=$1
shift
home=$(node_home "$version")
filters=()
for package in "$@"; do filters+=(--filter "$package"); done
echo "testing ${*} on Node.js $version" >&2
PATH="$home/bin:$PATH" pnpm "${filters[@]}" --workspace-concurrency=2 run test
