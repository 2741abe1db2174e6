#!/usr/bin/env bash
# Puts the pinned Node.js (.node-version) first on PATH, taken like pnpm from the npm registry:
# the node-<os>-<arch> package ships the binary and its headers, so native addons build offline
# against it (npm_config_nodedir). Needs only the machine's Node.js and npm.
# Source it: `. scripts/ensure-node.sh`. `node_home VERSION` prints another version's folder.
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

node_home() {
  local version=$1 os arch
  os=$(uname -s | tr '[:upper:]' '[:lower:]')
  case $(uname -m) in x86_64) arch=x64 ;; aarch64 | arm64) arch=arm64 ;; *) arch=$(uname -m) ;; esac
  local home="$root/.tools/node-$version"
  if [ ! -x "$home/bin/node" ]; then
    echo "installing Node.js $version (node-$os-$arch from the npm registry) into .tools/" >&2
    local tmp
    tmp=$(mktemp -d)
    (cd "$tmp" && npm pack --silent "node-$os-$arch@$version" >/dev/null) || { rm -rf "$tmp"; return 1; }
    mkdir -p "$home.partial"
    tar xzf "$tmp"/*.tgz -C "$home.partial" --strip-components=1
    rm -rf "$tmp" "$home"
    mv "$home.partial" "$home"
  fi
  echo "$home"
}

pinned=$(tr -d '[:space:]' <"$root/.node-version")
if [ "$(node --version 2>/dev/null)" != "v$pinned" ]; then
  home=$(node_home "$pinned") || return 1 2>/dev/null || exit 1
  export PATH="$home/bin:$PATH"
  export npm_config_nodedir="$home"
fi
