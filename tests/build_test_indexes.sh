#!/bin/sh
# ctest fixture (tests/CMakeLists.txt, test_indexes): builds the two sample
# indexes every test process shares, once per ctest run, with the atlas-index
# binary:  DIR/cryoet (data/cryoet) and DIR/portals (data/sources.json).
# Each build's stdout, stderr and exit code are kept beside it (NAME.out,
# NAME.err, NAME.rc) for the tests that check what a build prints.
#   tests/build_test_indexes.sh ATLAS_INDEX_BIN DATA_DIR DIR
set -u
bin=$1
data=$2
dir=$3
rm -rf "$dir"
mkdir -p "$dir"
status=0
build() {
    name=$1
    shift
    "$bin" build "$@" --out "$dir/$name" >"$dir/$name.out" 2>"$dir/$name.err"
    rc=$?
    echo "$rc" >"$dir/$name.rc"
    # 1 = built, some records rejected: still an index the tests may examine.
    if [ "$rc" -gt 1 ]; then
        echo "build_test_indexes: $name: atlas-index exited $rc" >&2
        cat "$dir/$name.err" >&2
        status=1
    fi
}
build cryoet --source "cryoet=$data/cryoet"
build portals --sources "$data/sources.json"
exit $status
