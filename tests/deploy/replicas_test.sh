#!/bin/sh
# Read replicas behind HAProxy on one machine (issue 21): three `atlas-search
# serve` replicas, each over its own copy of the index, behind HAProxy with
# deploy/replicas/haproxy.cfg; the third replica in a network namespace the
# test creates, reached over a veth pair whose replies are slowed to RATE by
# a token bucket (tc tbf: this kernel has no netem).  The mixed workload runs
# through HAProxy on CONNECTIONS keep-alive connections for SECONDS while
# deploy/replicas/atlas-ship ships three new generations to every replica and
# one replica is killed with SIGKILL and restarted.  Passes when no request
# failed or had a wrong total at the client (atlas_http_load), every replica
# ends on the last generation, and the same requests answer identically on
# each replica (took_ms aside).  Run by ctest (deploy_replicas).
#
#   tests/deploy/replicas_test.sh BUILD_DIR [SECONDS] [CONNECTIONS] [RATE]
set -eu
build=$(cd "$1" && pwd)
seconds=${2:-60}
connections=${3:-8}
rate=${4:-2mbit}
root=$(cd "$(dirname "$0")/../.." && pwd)
ship="$root/deploy/replicas/atlas-ship"
export PATH="$build/tools:$PATH"  # atlas-ship verifies with atlas-index

if [ "$(id -u)" -ne 0 ]; then
    echo "skipped: the slowed replica's network namespace needs root"
    exit 0
fi
for tool in haproxy rsync ip tc curl flock; do
    command -v "$tool" >/dev/null || { echo "missing $tool (.ci/install-deps --bench installs it)"; exit 1; }
done

work=$(mktemp -d "${TMPDIR:-/tmp}/atlas-replicas-XXXXXX")
ns="atlas-r3-$$"
veth="ar$$"  # and "ar$$n" in the namespace (names of at most 15 bytes)
net="10.$(($$ % 200 + 20)).$(($$ / 200 % 250)).0"
host_ip="${net%.0}.1"
slow_ip="${net%.0}.2"
cleanup() {
    for f in "$work"/*.pid; do
        [ -f "$f" ] && kill -9 "$(cat "$f")" 2>/dev/null || true
    done
    ip link del "$veth" 2>/dev/null || true
    ip netns del "$ns" 2>/dev/null || true
    [ -n "${KEEP:-}" ] || rm -rf "$work"
}
trap cleanup EXIT INT TERM
fail() {
    echo "FAILED: $*"
    for log in "$work"/*.log; do
        echo "--- $log (last lines)"
        tail -n 5 "$log"
    done
    exit 1
}

# --- the index and the workload (as tests/server/load_under_swaps.sh) ---
atlas-index build --sources "$root/data/sources.json" --out "$work/sample" --quiet >"$work/build.log" 2>&1 ||
    fail "the sample does not build"
"$build/bench/atlas_scale" --catalog "$work/sample/CURRENT/catalog.sqlite" --records 5000 --seed 2 \
    --out "$work/records" >"$work/scale.log" 2>&1 || fail "atlas_scale"
"$build/bench/atlas_workload" --records "$work/records" --seed 2 --per-scenario 10 \
    --out "$work/workload.jsonl" >"$work/workload.log" 2>&1 || fail "atlas_workload"
rebuild="atlas-index build --full --source records=$work/records --out $work/index --quiet"
$rebuild >"$work/rebuild.log" 2>&1 || fail "the first build"
"$ship" "$work/index" "$work/r1" "$work/r2" "$work/r3" >"$work/ship.log" 2>&1 || fail "the first ship"

# --- the slowed link: a namespace for replica 3 ---
ip netns add "$ns" || fail "cannot create a network namespace"
ip link add "$veth" type veth peer name "${veth}n" || fail "cannot create a veth pair"
ip link set "${veth}n" netns "$ns"
ip addr add "$host_ip/30" dev "$veth"
ip link set "$veth" up
ip netns exec "$ns" ip addr add "$slow_ip/30" dev "${veth}n"
ip netns exec "$ns" ip link set "${veth}n" up
ip netns exec "$ns" ip link set lo up
ip netns exec "$ns" tc qdisc add dev "${veth}n" root tbf rate "$rate" burst 16kb latency 200ms ||
    fail "cannot slow the link"

# --- the replicas ---
# serve N BIND PORT [NETNS]: starts replica N in the background; prints its port.
serve() {
    n=$1
    exec_in=""
    [ -n "${4:-}" ] && exec_in="ip netns exec $4"
    $exec_in atlas-search serve --index "$work/r$n" --bind "$2" --port "$3" --access-log off \
        >"$work/r$n.out" 2>"$work/r$n.log" &
    echo $! >"$work/r$n.pid"
    for _ in $(seq 100); do
        port=$(sed -n 's|^listening on http://.*:\([0-9]*\)$|\1|p' "$work/r$n.out")
        [ -n "$port" ] && { echo "$port"; return 0; }
        sleep 0.1
    done
    fail "replica $n did not start"
}
p1=$(serve 1 127.0.0.1 0)
p2=$(serve 2 127.0.0.1 0)
p3=$(serve 3 "$slow_ip" 0 "$ns")
url() {
    case $1 in
        1) echo "http://127.0.0.1:$p1" ;;
        2) echo "http://127.0.0.1:$p2" ;;
        3) echo "http://$slow_ip:$p3" ;;
    esac
}

# --- HAProxy ---
hport=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
ATLAS_LISTEN="127.0.0.1:$hport" ATLAS_REPLICA_1="127.0.0.1:$p1" ATLAS_REPLICA_2="127.0.0.1:$p2" \
    ATLAS_REPLICA_3="$slow_ip:$p3" ATLAS_HAPROXY_SOCKET="$work/haproxy.sock" \
    haproxy -f "$root/deploy/replicas/haproxy.cfg" -db >"$work/haproxy.log" 2>&1 &
echo $! >"$work/haproxy.pid"
for _ in $(seq 100); do
    curl -sf "http://127.0.0.1:$hport/ready" >/dev/null && break
    sleep 0.1
done
curl -sf "http://127.0.0.1:$hport/ready" >/dev/null || fail "HAProxy does not answer"
sleep 1  # every replica's first checks (rise 2, 0.3 s apart)

# --- the load, and beside it: three ships, a kill and a restart ---
cat >"$work/during.sh" <<EOF
set -e
step() { echo "\$(date +%T) \$*" >>"$work/during.log"; }
ship() {
    $rebuild >>"$work/rebuild.log" 2>&1
    "$ship" "$work/index" "$work/r1" "$work/r2" "$work/r3" >>"$work/ship.log" 2>&1
    step "shipped \$(readlink "$work/index/CURRENT")"
}
sleep $((seconds / 10)); ship
sleep $((seconds / 10))
kill -9 \$(cat "$work/r2.pid"); step "killed replica 2"
sleep $((seconds / 20 + 1))
atlas-search serve --index "$work/r2" --bind 127.0.0.1 --port $p2 --access-log off >>"$work/r2.out" 2>>"$work/r2.log" &
echo \$! >"$work/r2.pid"; step "restarted replica 2"
sleep $((seconds / 10)); ship
sleep $((seconds / 10)); ship
EOF
"$build/bench/atlas_http_load" --index "$work/index" --workload "$work/workload.jsonl" \
    --connections "$connections" --seconds "$seconds" --url "http://127.0.0.1:$hport" \
    --during "sh $work/during.sh" >"$work/load.log" 2>&1 || true
cat "$work/during.log" "$work/ship.log"
line=$(grep "connections during" "$work/load.log") || { cat "$work/load.log"; fail "the load did not run"; }
echo "$line"
failed=$(echo "$line" | sed -n 's/.*failed \([0-9]*\), wrong totals \([0-9]*\)$/\1/p')
wrong=$(echo "$line" | sed -n 's/.*failed \([0-9]*\), wrong totals \([0-9]*\)$/\2/p')
grep -q "runs of the --during command failed" "$work/load.log" && fail "a ship, the kill or the restart failed"
[ "$wrong" = 0 ] || fail "$wrong answers had a wrong total"
# A response the killed replica was writing when SIGKILL came, its headers
# already passed on (HAProxy logs it 200 with termination state SD), cannot
# be replayed by HAProxy or any proxy that streams responses (README
# "Replicas behind HAProxy").  Those, and only those, may fail at the client.
cut=$(grep -c ' replicas/r2 .* 200 .* SD-- ' "$work/haproxy.log" || true)
other=$(grep -v ' 200 [0-9]* - - ---- ' "$work/haproxy.log" | grep -v ' is UP, \| is DOWN, \|^\[' |
        grep -vc ' replicas/r2 .* 200 .* SD-- ' || true)
[ "$other" = 0 ] || { grep -v ' 200 [0-9]* - - ---- ' "$work/haproxy.log" | head; fail "HAProxy logged $other other errors"; }
[ "$failed" = "$cut" ] || fail "$failed requests failed at the client; $cut were cut by the kill"
echo "failed at the client: $failed (responses cut by the SIGKILL: $cut); wrong totals: 0"

# --- every replica on the last generation, answering alike ---
last=$(readlink "$work/index/CURRENT")
[ "$last" = "gen-000004" ] || fail "the source index is on $last, not gen-000004"
for n in 1 2 3; do
    ready=$(curl -sf "$(url $n)/ready") || fail "replica $n is not ready"
    echo "replica $n: $ready"
    case "$ready" in *"\"generation\":\"$last\""*) ;; *) fail "replica $n is not on $last" ;; esac
done
# Every fifth request of the workload: each scenario's.
/usr/bin/python3 -c '
import json, sys
for line in open(sys.argv[1]).readlines()[::5]: print(json.dumps(json.loads(line)["request"]))' \
    "$work/workload.jsonl" >"$work/requests"
i=0
while IFS= read -r request; do
    i=$((i + 1))
    for n in 1 2 3; do
        # curl's own status, not a pipe's: an empty answer must fail, not compare equal.
        curl -sf -X POST -H 'Content-Type: application/json' -d "$request" "$(url $n)/v1/search" \
            >"$work/raw.$n" || fail "replica $n: request $i failed"
        [ -s "$work/raw.$n" ] || fail "replica $n: request $i answered nothing"
        sed 's/"took_ms":[0-9.e+-]*//' "$work/raw.$n" >"$work/answer.$n"
    done
    cmp -s "$work/answer.1" "$work/answer.2" && cmp -s "$work/answer.1" "$work/answer.3" ||
        fail "request $i answers differently across replicas: $request"
done <"$work/requests"
echo "replicas: $i requests answer identically on all three, each on $last"
