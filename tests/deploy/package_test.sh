#!/bin/sh
# package_test.sh BUILD_DIR CPACK VERSION - the Debian package an operator installs.
#
# Builds the package of BUILD_DIR's tools with cpack into a temporary directory,
# checks its contents and control fields (dpkg-deb -c / -f / -e), extracts it
# into a throwaway root (dpkg-deb -x) and there:
#   - runs the extracted tools' --version;
#   - verifies the three systemd units as shipped against the shipped binaries
#     (systemd-analyze verify --root: ExecStart= must name an executable of the
#     package) and requires it to say nothing, since a misspelt directive is a
#     warning, not an error; and bounds their exposure (systemd-analyze
#     security --offline, at most 2.0, "OK");
#   - runs atlas-index.service's own ExecStart= line, paths mapped into the
#     root, over the shipped /etc/atlas-search/sources.json (the sample in
#     /usr/share/atlas-search/sample): exit 0, and the extracted atlas-search
#     finds records in the index it built;
#   - runs atlas-search.service's ExecStart= line with the shipped
#     /etc/default/atlas-search (on a free port) over that index: it listens,
#     /ready says the sample's records (when curl is there), and SIGTERM ends it
#     with exit 0.
# Exits 77 (skipped) only when dpkg-deb or systemd-analyze is missing
# (.ci/install-deps installs dpkg-dev and systemd).  About 10 s.
set -eu

if [ $# -ne 3 ]; then
    echo "usage: $0 BUILD_DIR CPACK VERSION" >&2
    exit 2
fi
build=$1
cpack=$2
version=$3

for tool in dpkg-deb systemd-analyze; do
    if ! command -v "$tool" >/dev/null 2>&1; then
        echo "SKIP: $tool is not installed (.ci/install-deps installs it)"
        exit 77
    fi
done

tmp=$(mktemp -d "${TMPDIR:-/tmp}/atlas-package-test.XXXXXX")
server=""
cleanup() {
    if [ -n "$server" ]; then kill -KILL "$server" 2>/dev/null || true; fi
    rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM
failures=0
fail() {
    echo "FAIL: $*" >&2
    failures=$((failures + 1))
}

# --- build the package ------------------------------------------------------
if ! "$cpack" --config "$build/CPackConfig.cmake" -G DEB -B "$tmp/pkg" >"$tmp/cpack.log" 2>&1; then
    cat "$tmp/cpack.log" >&2
    echo "FAIL: cpack did not build the package" >&2
    exit 1
fi
deb="$tmp/pkg/atlas-search_${version}_amd64.deb"
if [ ! -f "$deb" ]; then
    cat "$tmp/cpack.log" >&2
    ls -l "$tmp/pkg" >&2
    echo "FAIL: no $(basename "$deb")" >&2
    exit 1
fi
echo "built $(basename "$deb") ($(wc -c <"$deb") bytes)"

# --- contents ---------------------------------------------------------------
dpkg-deb -c "$deb" >"$tmp/contents"
has() {  # has PATH MODE: the package holds PATH (a file) with the mode string MODE
    if ! grep -q "^$2 .* \./$1\$" "$tmp/contents"; then
        fail "the package has no $2 ./$1"
    fi
}
has usr/bin/atlas-index -rwxr-xr-x
has usr/bin/atlas-search -rwxr-xr-x
has usr/bin/atlas-ship -rwxr-xr-x
has usr/share/atlas-search/replicas/haproxy.cfg -rw-r--r--
has lib/systemd/system/atlas-search.service -rw-r--r--
has lib/systemd/system/atlas-index.service -rw-r--r--
has lib/systemd/system/atlas-index.timer -rw-r--r--
has etc/atlas-search/sources.json -rw-r--r--
has etc/default/atlas-search -rw-r--r--
has usr/share/doc/atlas-search/README.md -rw-r--r--
has usr/share/atlas-search/sample/cryoet/SOURCE.md -rw-r--r--
if grep -q '\.py$' "$tmp/contents"; then
    fail "the package ships a script of data/: $(grep '\.py$' "$tmp/contents")"
fi
if grep -v ' \./\(usr\|etc\|lib\)/' "$tmp/contents" | grep -qv ' \./$'; then
    fail "files outside /usr, /etc and /lib: $(grep -v ' \./\(usr\|etc\|lib\)/' "$tmp/contents")"
fi

# --- control fields and maintainer scripts ---------------------------------
field() { dpkg-deb -f "$deb" "$1"; }
[ "$(field Package)" = atlas-search ] || fail "Package: '$(field Package)'"
[ "$(field Version)" = "$version" ] || fail "Version: '$(field Version)', expected $version"
[ "$(field Architecture)" = amd64 ] || fail "Architecture: '$(field Architecture)'"
[ -n "$(field Maintainer)" ] || fail "no Maintainer:"
[ -n "$(field Section)" ] || fail "no Section:"
[ -n "$(field Description)" ] || fail "no Description:"
depends=$(field Depends)
echo "Depends: $depends"
[ -n "$depends" ] || fail "Depends: is empty"
# What the tools link (ldd): each library's Debian 12 package must be a dependency.
for lib in libxapian30 libsqlite3-0 libfmt9 libroaring0 libcpp-httplib0.11 libzstd1 zlib1g libstdc++6 libc6; do
    case " $depends," in
        *" $lib "* | *" $lib,"*) ;;
        *) fail "Depends: lacks $lib" ;;
    esac
done
dpkg-deb -e "$deb" "$tmp/control"
for conffile in /etc/atlas-search/sources.json /etc/default/atlas-search; do
    grep -qx "$conffile" "$tmp/control/conffiles" || fail "$conffile is not a conffile"
done
for script in postinst prerm postrm; do
    if [ ! -x "$tmp/control/$script" ]; then
        fail "no executable $script"
    elif ! sh -n "$tmp/control/$script"; then
        fail "$script is not valid sh"
    fi
done
# postinst reloads systemd only where systemd runs, and starts no build.
grep -q 'if .*\[ -d /run/systemd/system \]' "$tmp/control/postinst" ||
    fail "postinst does not check that systemd runs"
if grep -q 'atlas-index\|systemctl \(start\|enable\|restart\)' "$tmp/control/postinst"; then
    fail "postinst starts, enables or builds something"
fi

# --- the extracted tools ----------------------------------------------------
root="$tmp/root"
dpkg-deb -x "$deb" "$root"
for tool in atlas-search atlas-index; do
    out=$("$root/usr/bin/$tool" --version 2>&1) || fail "$tool --version exited $?: $out"
    echo "$out"
    case "$out" in
        "$tool $version "*) ;;
        *) fail "$tool --version says '$out', expected '$tool $version ...'" ;;
    esac
done

# --- the units, as shipped --------------------------------------------------
# verify --root resolves every path in the root: ExecStart= finds the packaged
# binaries; the targets the units order against (sysinit.target by default
# dependencies, multi-user.target, timers.target, network.target) come from the
# host's systemd.
units="lib/systemd/system/atlas-search.service lib/systemd/system/atlas-index.service
lib/systemd/system/atlas-index.timer"
cp /lib/systemd/system/*.target "$root/lib/systemd/system/"
# shellcheck disable=SC2086  # $units is a list of words
if ! (cd "$root" && systemd-analyze verify --root="$root" $units) >"$tmp/verify.log" 2>&1; then
    fail "systemd-analyze verify failed"
fi
if [ -s "$tmp/verify.log" ]; then
    fail "systemd-analyze verify has something to say:"
    cat "$tmp/verify.log" >&2
else
    echo "systemd-analyze verify: the three units are clean"
fi
for unit in atlas-search.service atlas-index.service; do
    if ! (cd "$root" && systemd-analyze security --offline=true --root="$root" --threshold=20 \
            "lib/systemd/system/$unit") >"$tmp/security.log" 2>&1; then
        fail "$unit: exposure above 2.0 (or security failed):"
        grep -v '^✓' "$tmp/security.log" >&2
    fi
    grep 'Overall exposure' "$tmp/security.log" || true
done
grep -q '^ExecStart=/usr/bin/atlas-search serve --index /var/lib/atlas-search/index \$ATLAS_SERVE_ARGS$' \
    "$root/lib/systemd/system/atlas-search.service" || fail "atlas-search.service: unexpected ExecStart="
grep -q '^ATLAS_SERVE_ARGS=' "$root/etc/default/atlas-search" ||
    fail "/etc/default/atlas-search sets no ATLAS_SERVE_ARGS"

# --- the nightly build's command line, over the shipped sources file ---------
# /usr/bin -> the root's, /etc/atlas-search/sources.json -> a copy whose paths
# point into the root, /var/lib/atlas-search -> a temporary state directory.
mkdir -p "$tmp/etc" "$tmp/state"
sed "s|\"/usr/share/atlas-search/|\"$root/usr/share/atlas-search/|g" \
    "$root/etc/atlas-search/sources.json" >"$tmp/etc/sources.json"
exec_start=$(sed -n 's/^ExecStart=//p' "$root/lib/systemd/system/atlas-index.service")
command=$(printf '%s\n' "$exec_start" | sed -e "s|^/usr/bin/|$root/usr/bin/|" \
    -e "s|/etc/atlas-search/sources.json|$tmp/etc/sources.json|" \
    -e "s|/var/lib/atlas-search/|$tmp/state/|")
echo "atlas-index.service runs: $exec_start"
# shellcheck disable=SC2086  # the unit's words, split as systemd splits them (no quotes)
if $command >"$tmp/build.log" 2>&1; then
    echo "  $(head -n1 "$tmp/build.log")"
else
    rc=$?
    cat "$tmp/build.log" >&2
    fail "atlas-index.service's ExecStart= exited $rc over the shipped sources file"
fi
if [ -e "$tmp/state/index/CURRENT" ]; then
    hits=$("$root/usr/bin/atlas-search" --index "$tmp/state/index" --json "ribosome S. pombe" 2>&1) ||
        fail "atlas-search over the built index exited $?: $hits"
    case "$hits" in
        *'"total":'[1-9]*) ;;
        *) fail "no hits for 'ribosome S. pombe' in the sample: $(printf '%s' "$hits" | head -c 200)" ;;
    esac
else
    fail "the build published no index (no $tmp/state/index/CURRENT)"
fi

# --- the server's command line, over that index ------------------------------
# ExecStart= with ATLAS_SERVE_ARGS from the shipped /etc/default/atlas-search,
# its port made 0 (a free one: tests run side by side); then SIGTERM, which it
# must answer by exiting 0 well within the unit's TimeoutStopSec=.
exec_start=$(sed -n 's/^ExecStart=//p' "$root/lib/systemd/system/atlas-search.service")
serve_args=$(sed -n 's/^ATLAS_SERVE_ARGS="\(.*\)"$/\1/p' "$root/etc/default/atlas-search")
echo "atlas-search.service runs: $exec_start, ATLAS_SERVE_ARGS=\"$serve_args\""
serve_args=$(printf '%s\n' "$serve_args" | sed 's/--port [0-9]*/--port 0/')
command=$(printf '%s\n' "$exec_start" | sed -e "s|^/usr/bin/|$root/usr/bin/|" \
    -e "s|/var/lib/atlas-search/|$tmp/state/|" -e "s|\$ATLAS_SERVE_ARGS|$serve_args|")
# shellcheck disable=SC2086  # the unit's words, split as systemd splits them
$command >"$tmp/serve.out" 2>"$tmp/serve.err" &
server=$!
url=""
for _ in $(seq 300); do  # up to 30 s: CI machines are shared
    url=$(sed -n 's|^listening on \(http://[^ ]*\)$|\1|p' "$tmp/serve.out")
    [ -n "$url" ] && break
    kill -0 "$server" 2>/dev/null || break
    sleep 0.1
done
if [ -z "$url" ]; then
    cat "$tmp/serve.out" "$tmp/serve.err" >&2
    fail "the server did not start"
else
    echo "  $url"
    if command -v curl >/dev/null 2>&1; then
        ready=$(curl -s -f "$url/ready") || fail "GET /ready: $ready"
        case "$ready" in
            *'"ready":true'*'"records":1328'*) echo "  /ready: $ready" ;;
            *) fail "GET /ready: '$ready', expected ready with the sample's 1,328 records" ;;
        esac
    else
        echo "  (no curl: /ready not asked)"
    fi
    # wait, not a kill -0 loop (an exited child stays a zombie until waited
    # for); a watchdog kills it after the unit's TimeoutStopSec=30s.
    (
        sleep 30 &
        sleeping=$!
        trap 'kill "$sleeping"; exit 0' TERM
        wait "$sleeping" && kill -KILL "$server"
    ) >/dev/null 2>&1 &
    watchdog=$!
    kill -TERM "$server"
    rc=0
    wait "$server" || rc=$?
    kill "$watchdog" 2>/dev/null || true
    server=""
    case "$rc" in
        0) echo "  SIGTERM: exited 0" ;;
        137) fail "the server still ran 30 s after SIGTERM" ;;
        *) fail "the server exited $rc on SIGTERM" ;;
    esac
    [ "$rc" -eq 0 ] || cat "$tmp/serve.err" >&2
fi

if [ "$failures" -ne 0 ]; then
    echo "$failures check(s) failed" >&2
    exit 1
fi
echo "package ok: $(basename "$deb")"
