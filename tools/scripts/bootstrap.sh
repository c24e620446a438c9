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

# Built once per change: a build restores every dist/ folder from Nx's cache even when nothing changed, which pulls
# the modules out from under a worker or API already running from this folder. Any file of the projects or of the
# workspace's configuration newer than the last build's start means a build (what builds write is left out: dist/,
# the console's generated GraphQL types).
stamp=.data/build.stamp
changed() {
  [ ! -f "$stamp" ] && return 0
  [ -n "$(find package.json package-lock.json nx.json tsconfig.base.json packages apps tools \
    \( -name node_modules -o -name dist -o -name api-docs -o -name .data -o -name .nx -o -path apps/console/src/gql \) -prune -o \
    -type f -newer "$stamp" -print -quit)" ]
}
if changed; then
  mkdir -p .data
  touch "$stamp.next"
  export NX_DAEMON=false NX_NO_CLOUD=true NX_TUI=false
  npx nx run-many -t build --outputStyle=static >/dev/null || npx nx run-many -t build --outputStyle=static
  mv "$stamp.next" "$stamp"
fi
