#!/usr/bin/env bash
# Install the tools that check dectree's rendered diagrams: Graphviz `dot` (Debian
# package graphviz) and the pinned Mermaid parser with jsdom (tests/render, npm ci).
# Idempotent and fast when both are already there. Needs Node.js and npm on PATH, and
# root or sudo for apt-get when Graphviz is missing (sudo is used when not root).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

if ! command -v dot >/dev/null 2>&1; then
  as_root=()
  if [[ "$(id -u)" != 0 ]]; then
    if ! command -v sudo >/dev/null 2>&1; then
      echo "install-render-tools: Graphviz (dot) is missing and installing it needs root or sudo" >&2
      exit 1
    fi
    as_root=(sudo)
  fi
  "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq graphviz >/dev/null
fi
for tool in node npm; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "install-render-tools: $tool is missing: install Node.js and npm first" >&2
    exit 1
  fi
done
dot -V

# npm ci wipes and reinstalls node_modules; skip it when the installed tree already
# matches the committed lock file (npm writes node_modules/.package-lock.json).
lock="$here/tests/render/package-lock.json"
stamp="$here/tests/render/node_modules/.dectree-lock.sha256"
want="$(sha256sum "$lock" | cut -d' ' -f1)"
if [[ ! -f "$stamp" || "$(cat "$stamp")" != "$want" ]]; then
  npm ci --prefix "$here/tests/render" --no-audit --no-fund --loglevel=error
  echo "$want" > "$stamp"
fi
node -e 'console.log("mermaid " + require(process.argv[1]).version)' \
  "$here/tests/render/node_modules/mermaid/package.json"
