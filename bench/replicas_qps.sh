#!/bin/sh
# replicas_qps.sh - the workload through HAProxy (deploy/replicas/haproxy.cfg):
# straight to one server, through HAProxy to one replica (the other two
# disabled on its admin socket), and to three replicas, each run for SECONDS
# at 8 and 64 connections (bench/atlas_http_load --url).  The replicas are
# hard-linked copies of one index on this machine.  README "Replicas behind
# HAProxy" has a run's table.
#
#   bench/replicas_qps.sh BUILD_DIR RECORDS_DIR WORKLOAD [SECONDS]
set -eu
build=$(cd "$1" && pwd)
records=$2
workload=$3
seconds=${4:-15}
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/atlas-replicas-qps-XXXXXX")
cleanup() {
    for f in "$work"/*.pid; do [ -f "$f" ] && kill "$(cat "$f")" 2>/dev/null || true; done
    rm -rf "$work"
}
trap cleanup EXIT INT TERM

"$build/tools/atlas-index" build --source records="$records" --out "$work/index" --quiet >/dev/null 2>&1
for n in 1 2 3; do
    cp -al "$work/index" "$work/r$n"
    "$build/tools/atlas-search" serve --index "$work/r$n" --port 0 --access-log off >"$work/s$n.out" 2>/dev/null &
    echo $! >"$work/s$n.pid"
done
sleep 2
port() { sed -n 's|^listening on http://.*:\([0-9]*\)$|\1|p' "$work/s$1.out"; }
hport=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
load() {  # NAME PORT
    echo "== $1"
    "$build/bench/atlas_http_load" --index "$work/index" --workload "$workload" --connections 8,64 \
        --seconds "$seconds" --url "http://127.0.0.1:$2" | grep "connections:"
}
haproxy_on() {  # ADDR ADDR ADDR
    ATLAS_LISTEN="127.0.0.1:$hport" ATLAS_REPLICA_1=$1 ATLAS_REPLICA_2=$2 ATLAS_REPLICA_3=$3 \
        ATLAS_HAPROXY_SOCKET="$work/haproxy.sock" haproxy -f "$root/deploy/replicas/haproxy.cfg" -db \
        >/dev/null 2>&1 &
    echo $! >"$work/haproxy.pid"
    sleep 2
}
admin() {  # COMMAND: to HAProxy's admin socket
    /usr/bin/python3 -c 'import socket, sys
c = socket.socket(socket.AF_UNIX); c.connect(sys.argv[1]); c.sendall(sys.argv[2].encode() + b"\n"); c.recv(4096)' \
        "$work/haproxy.sock" "$1"
}
r1="127.0.0.1:$(port 1)"; r2="127.0.0.1:$(port 2)"; r3="127.0.0.1:$(port 3)"
load "one server, no HAProxy" "$(port 1)"
haproxy_on "$r1" "$r2" "$r3"
admin "disable server replicas/r2"
admin "disable server replicas/r3"
load "HAProxy, one replica" "$hport"
admin "enable server replicas/r2"
admin "enable server replicas/r3"
sleep 2
load "HAProxy, three replicas" "$hport"
