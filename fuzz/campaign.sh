#!/bin/sh
# The fuzz campaign of README "Fuzzing": each harness in turn, one process on
# one core, until 10^7 executions or SECONDS (default 300) have passed, from
# its seeds and what earlier campaigns found (BUILD/fuzz/campaign/<name>/corpus).
#   fuzz/campaign.sh [BUILD [SECONDS [HARNESS...]]]
# BUILD is a tree configured with -DATLAS_FUZZ=ON (default build/ci-fuzz; the
# harnesses and atlas-index are built first).  Prints a Markdown table:
# executions, exec/s, wall time, crashes, coverage (cov, ft) at the end; a
# crash's reproducer is named by fuzz/run.sh.  Exits 1 if any harness failed.
set -u
cd "$(dirname "$0")/.."
build=${1:-build/ci-fuzz}
seconds=${2:-300}
[ $# -ge 2 ] && shift 2 || shift $#
cmake --build "$build" -j2 --target atlas_fuzz >/dev/null || exit 2
out=$build/fuzz/campaign
mkdir -p "$out"
if [ ! -d "$out/index" ]; then
    "$build/tools/atlas-index" build --sources data/sources.json --out "$out/index" >"$out/index.log" 2>&1
    [ $? -le 1 ] || { echo "campaign: cannot build the sample index ($out/index.log)" >&2; exit 2; }
fi
ATLAS_FUZZ_INDEX=$(realpath "$out/index")
export ATLAS_FUZZ_INDEX
echo "| harness | executions | exec/s | wall time | crashes | cov | ft |"
echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: |"
rm -f "$out/.failed"
grep '^[a-z]' fuzz/harnesses.txt | while read -r name dict _searches; do
    [ $# -gt 0 ] && ! echo " $* " | grep -q " $name " && continue
    dict_arg=""
    [ "$dict" != none ] && dict_arg="-dict=fuzz/dicts/$dict.dict"
    log=$out/$name.log
    start=$(date +%s)
    fuzz/run.sh "$build/fuzz/${name}_fuzz" "fuzz/seeds/$name" "$out/$name" -runs=10000000 \
        -max_total_time="$seconds" -timeout=30 -rss_limit_mb=2048 $dict_arg >"$log" 2>&1
    rc=$?
    wall=$(( $(date +%s) - start ))
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    speed=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
    cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1 | cut -d' ' -f2)
    ft=$(grep -o 'ft: [0-9]*' "$log" | tail -1 | cut -d' ' -f2)
    crashes=0
    [ "$rc" -ne 0 ] && crashes=1 && grep 'reproduce with' "$log" >&2
    echo "| $name | ${runs:-?} | ${speed:-?} | ${wall} s | $crashes | ${cov:-?} | ${ft:-?} |"
    [ "$rc" -eq 0 ] || touch "$out/.failed"
done
[ ! -e "$out/.failed" ]
