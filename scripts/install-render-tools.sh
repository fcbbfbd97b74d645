#!/usr/bin/env bash
# Install the tools that check dectree's rendered diagrams: Graphviz `dot` (Debian
# package graphviz) and the pinned Mermaid parser with jsdom (tests/render, npm ci).
# Idempotent and fast when both are already there; run as root for apt-get.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

if ! command -v dot >/dev/null 2>&1; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq graphviz >/dev/null
fi
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
