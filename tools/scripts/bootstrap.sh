#!/usr/bin/env bash
# Brings a fresh clone to a runnable state: Debian's Chromium, the npm
# packages, and a build of every project. Idempotent and quick when done.
# The local MongoDB (FerretDB) is built and started on first use by phx-db.
set -euo pipefail
cd "$(dirname "$0")/../.."

if [ ! -x /usr/bin/chromium ]; then
  if [ "$(id -u)" = 0 ]; then
    echo "bootstrap: installing Debian's chromium (apt-get)" >&2
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  else
    echo "bootstrap: /usr/bin/chromium is missing; run: sudo apt-get install -y chromium" >&2
    exit 1
  fi
fi

if ! command -v go >/dev/null 2>&1 && [ ! -x /usr/local/go/bin/go ] && [ -z "${MONGODB_URI:-}" ]; then
  echo "bootstrap: Go is needed to build the local FerretDB (or set MONGODB_URI to a MongoDB)" >&2
  exit 1
fi

if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "bootstrap: npm ci" >&2
  npm ci --no-audit --no-fund --loglevel=error
fi

export NX_DAEMON=false NX_NO_CLOUD=true NX_TUI=false
npx nx run-many -t build --outputStyle=static >/dev/null || npx nx run-many -t build --outputStyle=static
