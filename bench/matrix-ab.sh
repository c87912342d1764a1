#!/usr/bin/env bash
# A/B of two trees on the Matrix bench, alternating runs (a fresh server each run), printing the
# server's CPU per event, which a busy machine disturbs less than the rates.
# usage: bench/matrix-ab.sh BASE_TREE ROUNDS [harness args...]
#   BASE_TREE: another checkout, built by its own bench script (e.g. `git archive <commit> | tar -x
#   -C /tmp/base && ln -s $PWD/node_modules /tmp/base/`). Data directories: /tmp/hearth-ab-{base,new}.
set -euo pipefail
BASE=$1; ROUNDS=$2; shift 2
HERE=$(cd "$(dirname "$0")" && pwd)
export SHARED=${SHARED:-$HERE/../../shared/bench/matrix}
OUT=${OUT:-/tmp/hearth-ab}
for r in $(seq 1 "$ROUNDS"); do
  for v in base new; do
    tree=$HERE/..; [ "$v" = base ] && tree=$BASE
    PORT=${PORT:-18449} DATA=/tmp/hearth-ab-$v OUT=$OUT/$v "$tree/bench/matrix-hearth.sh" 1 "$@" >/dev/null 2>&1
    node -e '
      const [v, file] = process.argv.slice(1);
      const d = JSON.parse(require("fs").readFileSync(file)).measurements;
      for (const k of ["one_room", "dm_rooms"]) {
        const m = d[k]; if (!m) continue;
        const c = m.cpu, n = k === "one_room" ? m.sent : m.delivered;
        console.log(`${v} ${k}: ${(c.serverCpuPct / 100 * c.wallS / n * 1e6).toFixed(0)} us CPU/event, sent ${m.sentPerSec}/s, delivered ${m.deliveredPerSec}/s, e2e p50 ${m.e2eP50ms} p99 ${m.e2eP99ms} ms, server ${c.serverCpuPct} %, other ${c.otherCpuPct} %`);
      }' "$v" "$OUT/$v/hearth-matrix-rep1.json"
  done
done
