#!/bin/sh
# The benchmark's smoke mode: the whole pipeline of bench/scale.sh at about 10^4
# records, in seconds, so the harness never rots.  Run by ctest (bench_smoke).
#
#   bench/smoke.sh BUILD_DIR [RECORDS]
#
# 1. indexes the bundled sample (data/sources.json) with atlas-index;
# 2. scales its catalog to RECORDS (default 10000) records with atlas_scale;
# 3. draws a workload from them with atlas_workload;
# 4. runs atlas_bench on atlas, SQLite FTS5, PostgreSQL 15 when its peer is
#    built (ATLAS_BENCH_POSTGRESQL=0 from ctest says it is not) and the Debian
#    package is installed, and Orama when Node is on PATH and its npm packages
#    are installed (npm ci --prefix bench/orama; the test suite never fetches
#    them); atlas_bench exits non-zero when an engine disagrees with atlas on
#    the scenarios that do not depend on ranking.
set -eu
build=$(cd "$1" && pwd)
records=${2:-10000}
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/atlas-bench-smoke-XXXXXX")
trap 'rm -rf "$work"' EXIT INT TERM

"$build/tools/atlas-index" build --sources "$root/data/sources.json" --out "$work/index" >"$work/index.log" 2>&1 ||
    { cat "$work/index.log"; exit 1; }
"$build/bench/atlas_scale" --catalog "$work/index/CURRENT/catalog.sqlite" --records "$records" --seed 1 \
    --out "$work/records"
"$build/bench/atlas_workload" --records "$work/records" --seed 1 --per-scenario 5 --out "$work/workload.jsonl"

engines=atlas,sqlite
if [ "${ATLAS_BENCH_POSTGRESQL:-1}" = 0 ]; then
    echo "bench_smoke: postgresql: not built (libpq-dev missing); leaving it out"
elif [ -x /usr/lib/postgresql/15/bin/initdb ]; then
    engines=$engines,postgresql
else
    echo "bench_smoke: PostgreSQL 15 is not installed (.ci/install-deps --bench); leaving it out"
fi
if ! command -v node >/dev/null 2>&1; then
    echo "bench_smoke: orama: node is not on PATH (Node.js 20); leaving it out"
elif [ ! -e "$root/bench/orama/node_modules/@orama/orama/package.json" ]; then
    echo "bench_smoke: orama: bench/orama/node_modules is missing (npm ci --prefix bench/orama); leaving it out"
else
    engines=$engines,orama
fi
echo "bench_smoke: engines $engines"
"$build/bench/atlas_bench" --records "$work/records" --workload "$work/workload.jsonl" --engines "$engines" \
    --work "$work/bench" --rounds 1 --warmup 0 --threads 1 --report "$work/report.md" --label smoke
# atlas_bench has exited 0 (set -e); the report says so too.
grep -q "answers compared, 0 disagreements" "$work/report.md"
