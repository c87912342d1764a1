#!/usr/bin/env bash
# Runs the shared Matrix harness (../shared/bench/matrix) against Hearth on loopback, with open
# registration (m.login.dummy) and rate limits off, as its README asks of any server.
# usage: [PORT=18448] [DATA=/tmp/hearth-bench-matrix] [NODE_FLAGS=...] bench/matrix-hearth.sh [reps] [extra harness args...]
# NODE_FLAGS adds node options to the measured server runs, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof"
# (the profile is written when the server exits at the end of each repetition).
set -euo pipefail
REPS=${1:-1}; shift || true
HERE=$(cd "$(dirname "$0")" && pwd); ROOT=$HERE/..
SHARED=${SHARED:-$ROOT/../shared/bench/matrix}
OUT=${OUT:-$HERE/results}; mkdir -p "$OUT"
DATA=${DATA:-/tmp/hearth-bench-matrix}; CFG=$DATA/hearth.yaml
PORT=${PORT:-18448}; URL=http://127.0.0.1:$PORT
mkdir -p "$DATA"
cat > "$CFG" <<YAML
server_name: bench.localhost
data_dir: $DATA
log_level: warn
matrix:
  client_listen: "127.0.0.1:$PORT"
  registration: { enabled: true }
  rate_limits: { enabled: false }
xmpp: { c2s_listen: null, c2s_tls_listen: null }
accounts: { scram_iterations: 4096 }
YAML
node "$ROOT/scripts/ensure-built.mjs"
[ -d "$SHARED/node_modules" ] || (cd "$SHARED" && npm install --no-audit --no-fund >/dev/null)
start() {
  # Same V8 flag as the shebang of bin/hearth.mjs (see docs/performance.md, memory).
  # shellcheck disable=SC2086
  taskset -c 0 node --max-semi-space-size=4 ${1:-} "$ROOT/bin/hearth.mjs" start --config "$CFG" > "$DATA/server.log" 2>&1 &
  SPID=$!
  for i in $(seq 1 60); do curl -sf $URL/_matrix/client/versions >/dev/null && break; sleep 0.5; done
}
start
taskset -c 1 node "$SHARED/bench.mjs" --url $URL --scenarios setup > /dev/null
kill -TERM "$SPID"; wait "$SPID" 2>/dev/null || true
for rep in $(seq 1 "$REPS"); do
  start "${NODE_FLAGS:-}"
  taskset -c 1 node "$SHARED/bench.mjs" --url $URL --pid "$SPID" --out "$OUT/hearth-matrix-rep$rep.json" "$@"
  kill -TERM "$SPID"; wait "$SPID" 2>/dev/null || true
done
echo "results in $OUT; summarize with: node $SHARED/summarize.mjs $OUT/hearth-matrix-rep*.json"
