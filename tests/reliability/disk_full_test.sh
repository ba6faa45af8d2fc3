#!/bin/sh
# Disk full (issue 19 item 4): builds that run out of room on a small tmpfs.
#
#   tests/reliability/disk_full_test.sh ATLAS_INDEX ATLAS_SEARCH SOURCES_JSON
#
# In a mount namespace of its own (unshare -m), a 64 MiB tmpfs holds the index.  After
# a first build, for each amount of free room left by a filler file (none, 64 KiB, up
# to 16 MiB: each runs out in another part of the build, the catalog, a shard, a
# display file, the compaction, the column file), a build must fail with exit 3 and one line naming the
# full disk ("No space left on device" or SQLite's "disk is full"), leave no *.tmp in
# the index directory, and keep CURRENT where it was, answering the fixed searches as
# before; then, the filler removed, the next build must publish a newer generation with
# the same answers.  A level at which the build fits is counted, not failed; at least
# four levels must run out.  Exit 77 (ctest: skipped) when the tmpfs cannot be mounted
# (not root, no unshare, no mount namespaces).  Run by ctest (reliability_disk_full).
set -u
index_bin=$1
search_bin=$2
sources=$3

if [ -z "${ATLAS_DISK_FULL_INSIDE:-}" ]; then
    if [ "$(id -u)" != 0 ]; then
        echo "SKIP: not root, so no tmpfs can be mounted"
        exit 77
    fi
    if ! command -v unshare >/dev/null 2>&1 || ! unshare --mount --propagation private true 2>/dev/null; then
        echo "SKIP: no private mount namespace (unshare -m) here"
        exit 77
    fi
    ATLAS_DISK_FULL_INSIDE=1 exec unshare --mount --propagation private sh "$0" "$@"
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/atlas-disk-full-XXXXXX")
fs="$work/fs"
mkdir "$fs"
if ! mount -t tmpfs -o size=64m atlas-disk-full "$fs" 2>"$work/mount.err"; then
    echo "SKIP: cannot mount a tmpfs: $(cat "$work/mount.err")"
    rm -rf "$work"
    exit 77
fi
trap 'umount "$fs" 2>/dev/null; [ -n "${KEEP:-}" ] || rm -rf "$work"' EXIT
index="$fs/index"
failures=0
fail() {
    failures=$((failures + 1))
    echo "FAIL: $*"
}

build() {
    "$index_bin" build --sources "$sources" --out "$index" --quiet >"$work/out" 2>"$work/err"
}

# The answers of the fixed searches, took_ms aside.
answers() {
    for q in ribosome lung "S. pombe" "cancer" ""; do
        "$search_bin" --index "$index" --json --limit 20 --facets source,kind -- "$q" 2>&1 |
            sed 's/"took_ms":[0-9.e+-]*,//'
        echo
    done
}

leftovers() { ls -a "$index" | grep '\.tmp$'; }

if ! build; then
    echo "FAIL: the first build failed:"
    cat "$work/err"
    exit 1
fi
answers >"$work/expected"
grep -q '"total":[1-9]' "$work/expected" || { echo "FAIL: the searches find nothing"; exit 1; }

full=0
fit=0
for free_kib in 0 64 512 1024 2048 4096 6144 8192 12288 16384; do
    current=$(readlink "$index/CURRENT")
    avail=$(df -k --output=avail "$fs" | tail -n 1)
    if [ "$avail" -le "$free_kib" ]; then
        fail "only ${avail} KiB free before the ${free_kib} KiB level"
        continue
    fi
    fallocate -l $(((avail - free_kib) * 1024)) "$fs/filler" ||
        dd if=/dev/zero of="$fs/filler" bs=1024 count=$((avail - free_kib)) 2>/dev/null
    level="${free_kib} KiB free"
    if build; then
        fit=$((fit + 1))
        echo "$level: the build fits ($(readlink "$index/CURRENT"))"
    else
        rc=$?
        full=$((full + 1))
        error=$(cat "$work/err")
        echo "$level: exit $rc: $error"
        [ "$rc" = 3 ] || fail "$level: exit $rc, not 3"
        [ "$(wc -l <"$work/err")" = 1 ] || fail "$level: $(wc -l <"$work/err") lines on stderr, not one"
        case $error in
            *"No space left on device"* | *"disk is full"*) ;;
            *) fail "$level: the error does not say the disk is full: $error" ;;
        esac
        left=$(leftovers)
        [ -z "$left" ] || fail "$level: the failed build left $(echo $left) behind"
        [ "$(readlink "$index/CURRENT")" = "$current" ] ||
            fail "$level: CURRENT moved from $current to $(readlink "$index/CURRENT")"
        answers >"$work/got"
        cmp -s "$work/expected" "$work/got" || fail "$level: CURRENT answers differently"
    fi
    rm -f "$fs/filler"
    before=$(readlink "$index/CURRENT")
    if ! build; then
        fail "$level: with the room back, the next build failed: $(cat "$work/err")"
        continue
    fi
    after=$(readlink "$index/CURRENT")
    [ "${after#gen-}" \> "${before#gen-}" ] || fail "$level: the next build left CURRENT on $after"
    left=$(leftovers)
    [ -z "$left" ] || fail "$level: the next build left $(echo $left) behind"
    answers >"$work/got"
    cmp -s "$work/expected" "$work/got" || fail "$level: the next build answers differently"
done
echo "$full builds ran out of room, $fit fit; CURRENT $(readlink "$index/CURRENT")"
[ "$full" -ge 4 ] || fail "only $full levels ran out of room (expected at least 4)"
[ "$failures" = 0 ] || { echo "$failures failures"; exit 1; }
