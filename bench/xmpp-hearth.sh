#!/usr/bin/env bash
# Runs the shared XMPP harness (../shared/bench/xmpp) against Hearth, the way
# servers/run-suite.sh runs it against Prosody and ejabberd: server pinned to CPU 0, harness to
# CPU 1, a fresh server per repetition, same arguments.
# usage: bench/xmpp-hearth.sh [reps] [extra harness args...]
#   env: PHASES=msg,muc (default all), USERS=5000, DATA=dir, PORT_BASE=15000 (c2s on PORT_BASE+222),
#        OUT=results dir, NAME=result file prefix (default hearth)
set -euo pipefail
REPS=${1:-1}; shift || true
HERE=$(cd "$(dirname "$0")" && pwd); ROOT=$HERE/..
SHARED=${SHARED:-$ROOT/../shared/bench/xmpp}
# A worktree under /work/wt/NAME has the shared directory one level further up.
[ -e "$SHARED/bench.mjs" ] || SHARED=$ROOT/../../shared/bench/xmpp
OUT=${OUT:-$HERE/results}; mkdir -p "$OUT"
DATA=${DATA:-/tmp/hearth-bench-data}; CFG=$DATA/hearth.yaml; USERS=${USERS:-5000}; PHASES=${PHASES:-all}
NAME=${NAME:-hearth}
PB=${PORT_BASE:-15000}
mkdir -p "$DATA"
cat > "$CFG" <<YAML
server_name: bench.localhost
data_dir: $DATA
log_level: warn
matrix: { client_listen: "127.0.0.1:$((PB + 3008))" }
xmpp: { c2s_listen: "127.0.0.1:$((PB + 222))", c2s_tls_listen: "127.0.0.1:$((PB + 223))", allow_insecure_auth: true, muc_domain: conference.bench.localhost }
accounts: { scram_iterations: 4096 }
YAML
node "$ROOT/scripts/ensure-built.mjs"
node "$HERE/setup-users.mjs" --config "$CFG" --count "$USERS"
ARGS=(--users "$USERS" --mem-counts 1000,5000 --logins 1000 --pairs 50 --messages 200 --window 32
      --occupants 100 --senders 5 --muc-messages 100 --muc-window 8 --timeout 120 --max-seconds 800
      --domain bench.localhost --muc-domain conference.bench.localhost "$@")
for rep in $(seq 1 "$REPS"); do
  # Same V8 flag as the shebang of bin/hearth.mjs and `npm start` (docs/performance.md, memory).
  taskset -c 0 node --max-semi-space-size=4 "$ROOT/bin/hearth.mjs" start --config "$CFG" > "$DATA/server.log" 2>&1 &
  WRAP=$!
  trap 'kill -TERM "$WRAP" 2>/dev/null || true' EXIT   # never leave the server running if the harness fails
  for i in $(seq 1 60); do (exec 3<>/dev/tcp/127.0.0.1/$((PB + 222))) 2>/dev/null && break; sleep 0.5; done
  sleep 3
  SPID=$WRAP
  RSS0=$(awk '/VmRSS/{print $2}' /proc/$SPID/status)
  echo "== hearth rep $rep pid $SPID idle RSS after start: $RSS0 KiB"
  echo "{\"server\":\"hearth\",\"rep\":$rep,\"pid\":$SPID,\"idle_rss_after_start_kib\":$RSS0}" > "$OUT/$NAME-rep$rep-start.json"
  if [ "$PHASES" = all ]; then PH=(all); else PH=(run --phases "$PHASES"); fi
  taskset -c 1 node "$SHARED/bench.mjs" "${PH[@]}" --port $((PB + 222)) --server-pid "$SPID" --label "$NAME#$rep" \
    --out "$OUT/$NAME-rep$rep.json" "${ARGS[@]}" > /dev/null
  kill -TERM "$WRAP"; wait "$WRAP" 2>/dev/null || true
done
echo "results in $OUT; summarize with: node $SHARED/summarize.mjs $OUT $NAME"
