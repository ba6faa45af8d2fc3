#!/bin/sh
# The benchmark at scale, in one command: atlas-search, SQLite FTS5,
# PostgreSQL 15 and Orama on the same records and the same requests, at 10^5
# and 10^6 records.  Writes under bench/results/:
#   records-N.md     the report of one size (build, latency, QPS, ratios, agreement)
#   records-N.json   the same figures, for tools
#   records-N.tsv    p50/p99 per scenario and engine (the plot's input)
#   latency.png      latency per scenario per corpus size, every engine
#   LATEST.md        the machine, the command and the tables of this run
#
#   bench/scale.sh [--sizes 100000,1000000] [--corpus DIR] [--work DIR]
#                  [--engines atlas,sqlite,postgresql,orama] [--per-scenario N] [--seed S]
#
# 1. installs the packages (.ci/install-deps --bench: PostgreSQL 15, gnuplot)
#    and, when orama is among the engines, Orama's npm packages
#    (npm ci --prefix bench/orama, the exact versions of its package-lock.json;
#    it needs Node.js 20 and npm on PATH);
# 2. builds the tools in Release (build/bench);
# 3. indexes the real corpus (../shared/corpus: the CryoET mirror, HTAN,
#    the Human Organ Atlas, PaNOSC, Minerva stories), the generator's input;
# 4. per size: atlas_scale recombines its catalog into N records,
#    atlas_workload draws the requests, atlas_bench runs every engine.
# The work directory (default build/bench-work) keeps records and indexes
# between runs; a size whose records exist is not generated again.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
sizes=100000,1000000
corpus=$root/../shared/corpus
work=$root/build/bench-work
engines=atlas,sqlite,postgresql,orama
per_scenario=50
seed=42
while [ $# -gt 0 ]; do
    case $1 in
        --sizes) sizes=$2; shift 2 ;;
        --corpus) corpus=$2; shift 2 ;;
        --work) work=$2; shift 2 ;;
        --engines) engines=$2; shift 2 ;;
        --per-scenario) per_scenario=$2; shift 2 ;;
        --seed) seed=$2; shift 2 ;;
        *) echo "scale.sh: unknown argument '$1'" >&2; exit 2 ;;
    esac
done
[ -d "$corpus/cryoet" ] || { echo "scale.sh: no corpus at $corpus (give --corpus DIR)" >&2; exit 2; }
corpus=$(cd "$corpus" && pwd)
results=$root/bench/results
mkdir -p "$work" "$results"

"$root/.ci/install-deps" --bench
case ",$engines," in
    *,orama,*)
        command -v node >/dev/null && command -v npm >/dev/null ||
            { echo "scale.sh: orama needs Node.js 20 and npm on PATH (or leave it out of --engines)" >&2; exit 2; }
        npm ci --prefix "$root/bench/orama" --no-audit --no-fund ;;
esac
build=$root/build/bench
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DATLAS_BUILD_TESTS=OFF \
      -DATLAS_BUILD_BENCH=ON >/dev/null
cmake --build "$build" -j2 --target atlas-index atlas_scale atlas_workload atlas_bench

# The real index: every source of the corpus.
if [ ! -e "$work/real-index/CURRENT/catalog.sqlite" ]; then
    if [ ! -d "$work/cryoet-mirror" ]; then
        tar xzf "$corpus/cryoet/mirror.tar.gz" -C "$work"
    fi
    cat >"$work/sources.json" <<EOF
{"sources": [
  {"name": "cryoet",  "path": "$work/cryoet-mirror"},
  {"name": "htan",    "path": "$corpus/htan"},
  {"name": "hoa",     "path": "$corpus/hoa"},
  {"name": "panosc",  "path": "$corpus/panosc/panosc-eu_search-api/data"},
  {"name": "minerva", "path": "$corpus/htan"}
]}
EOF
    echo "== indexing the real corpus"
    # Exit code 1 means built with some records rejected (listed); still usable.
    "$build/tools/atlas-index" build --sources "$work/sources.json" --out "$work/real-index" || [ $? -eq 1 ]
fi

summary=$results/LATEST.md.tmp
{
    echo "# atlas_bench at scale: latest run"
    echo
    echo "Command: \`bench/scale.sh --sizes $sizes --engines $engines --per-scenario $per_scenario --seed $seed\`"
    echo
    echo "Machine: $(nproc) cores, $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)," \
         "$(awk '/MemTotal/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo), $(. /etc/os-release && echo "$PRETTY_NAME");" \
         "git $(git -C "$root" rev-parse --short HEAD)$(git -C "$root" diff --quiet HEAD || echo '+changes'), $(date -u +%Y-%m-%d)."
    echo
    echo "![latency per scenario](latency.png)"
} >"$summary"

tsvs=""
titles=""
for n in $(echo "$sizes" | tr ',' ' '); do
    records=$work/records-$n
    if [ ! -e "$records/.complete" ]; then
        echo "== generating $n records"
        rm -rf "$records"
        "$build/bench/atlas_scale" --catalog "$work/real-index/CURRENT/catalog.sqlite" --records "$n" \
            --seed "$seed" --out "$records"
        touch "$records/.complete"
    fi
    workload=$work/workload-$n.jsonl
    "$build/bench/atlas_workload" --records "$records" --seed "$seed" --per-scenario "$per_scenario" \
        --out "$workload"
    # Three timed rounds where they are cheap.  At 10^6 and above one for the
    # peers, whose facet requests take seconds, and five for atlas: a p99 of
    # one round of 50 requests is their slowest single timing (one scheduling
    # hiccup on a shared machine decides it); of five rounds, the third
    # slowest of 250.  One warm-up pass always.
    rounds=3
    if [ "$n" -ge 1000000 ]; then
        case ",$engines," in
            *,atlas,*) rounds=1,atlas=5 ;;
            *) rounds=1 ;;
        esac
    fi
    # Orama holds everything in one Node process: 2.2 GiB at 10^5 records
    # (README, "Benchmark"), so about 22 GiB at 10^6, more than a 24 GiB
    # machine has beside the harness; its engine would refuse the load anyway
    # (ATLAS_BENCH_ORAMA_MAX_RSS_GIB, default 16).  Set that variable to try.
    size_engines=$engines
    if [ "$n" -ge 1000000 ] && [ -z "${ATLAS_BENCH_ORAMA_MAX_RSS_GIB:-}" ]; then
        size_engines=$(echo ",$engines," | sed 's/,orama,/,/; s/^,//; s/,$//')
        [ "$size_engines" = "$engines" ] ||
            echo "scale.sh: leaving orama out at $n records (about 22 GiB of Node memory; set ATLAS_BENCH_ORAMA_MAX_RSS_GIB to try)"
    fi
    echo "== benchmarking $n records"
    rm -rf "$work/engines-$n"
    status=0
    "$build/bench/atlas_bench" --records "$records" --workload "$workload" --engines "$size_engines" \
        --work "$work/engines-$n" --rounds "$rounds" --warmup 1 --threads 1,2 --qps-seconds 10 \
        --report "$results/records-$n.md" --json "$results/records-$n.json" \
        --plot-data "$results/records-$n.tsv" --label "$n records" || status=$?
    rm -rf "$work/engines-$n"
    [ "$status" -eq 0 ] || echo "scale.sh: atlas_bench reported problems at $n records (see records-$n.md)"
    {
        echo
        # The report without its own title: the size is the section's.
        echo "## $n records"
        tail -n +2 "$results/records-$n.md" | sed 's/^## /### /'
    } >>"$summary"
    tsvs="$tsvs $results/records-$n.tsv"
    titles="$titles $n"
done

engine_count=$(echo "$engines" | tr ',' '\n' | wc -l)
gnuplot -e "files='$(echo $tsvs)'; titles='$(echo $titles)'; engines=$engine_count; out='$results/latency.png'" \
    "$root/bench/plot.gp"
mv "$summary" "$results/LATEST.md"
echo "== wrote $results/LATEST.md and $results/latency.png"
