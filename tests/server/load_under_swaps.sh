#!/bin/sh
# The server under load while the index is rebuilt (issue 16): 64 keep-alive
# connections on loopback run a workload drawn from the bundled sample, scaled
# to RECORDS records, while atlas-index publishes REBUILDS new generations of
# the same records; every answer must be 200 with the total the index gives
# (atlas_http_load exits 1 otherwise).  Run by ctest (server_load_under_swaps).
#
#   tests/server/load_under_swaps.sh BUILD_DIR [RECORDS] [REBUILDS] [CONNECTIONS]
set -eu
build=$(cd "$1" && pwd)
records=${2:-5000}
rebuilds=${3:-10}
connections=${4:-64}
root=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/atlas-load-XXXXXX")
trap '[ -n "${KEEP:-}" ] || rm -rf "$work"' EXIT INT TERM

"$build/tools/atlas-index" build --sources "$root/data/sources.json" --out "$work/sample" --quiet >"$work/log" 2>&1 ||
    { cat "$work/log"; exit 1; }
"$build/bench/atlas_scale" --catalog "$work/sample/CURRENT/catalog.sqlite" --records "$records" --seed 2 \
    --out "$work/records" >"$work/log" 2>&1 || { cat "$work/log"; exit 1; }
"$build/bench/atlas_workload" --records "$work/records" --seed 2 --per-scenario 10 \
    --out "$work/workload.jsonl" >"$work/log" 2>&1 || { cat "$work/log"; exit 1; }
rebuild="\"$build/tools/atlas-index\" build --source records=\"$work/records\" --out \"$work/index\" --quiet >/dev/null"
sh -c "$rebuild"
"$build/bench/atlas_http_load" --index "$work/index" --workload "$work/workload.jsonl" \
    --connections "$connections" --seconds 2 --rebuild "$rebuild" --rebuilds "$rebuilds"
# The rebuilds did publish: the first build's generation and one per rebuild.
current=$(readlink "$work/index/CURRENT")
expected=$(printf 'gen-%06d' $((rebuilds + 1)))
[ "${current##*/}" = "$expected" ] || { echo "CURRENT is $current, not $expected"; exit 1; }
echo "served $expected after $rebuilds rebuilds"
