#!/usr/bin/env bash
# Runs the shared Matrix harness (../shared/bench/matrix) against Hearth on loopback, with open
# registration (m.login.dummy) and rate limits off, as its README asks of any server.
# usage: [PORT=18448] [DATA=/tmp/hearth-bench-matrix] bench/matrix-hearth.sh [reps] [extra harness args...]
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
  taskset -c 0 node --max-semi-space-size=4 "$ROOT/bin/hearth.mjs" start --config "$CFG" > "$DATA/server.log" 2>&1 &
  SPID=$!
  for i in $(seq 1 60); do curl -sf $URL/_matrix/client/versions >/dev/null && break; sleep 0.5; done
}
start
taskset -c 1 node "$SHARED/bench.mjs" --url $URL --scenarios setup > /dev/null
kill -TERM "$SPID"; wait "$SPID" 2>/dev/null || true
for rep in $(seq 1 "$REPS"); do
  start
  taskset -c 1 node "$SHARED/bench.mjs" --url $URL --pid "$SPID" --out "$OUT/hearth-matrix-rep$rep.json" "$@"
  kill -TERM "$SPID"; wait "$SPID" 2>/dev/null || true
done
echo "results in $OUT; summarize with: node $SHARED/summarize.mjs $OUT/hearth-matrix-rep*.json"
