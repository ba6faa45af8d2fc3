#!/bin/sh
# tests/capi/installed_test.sh - the library as a program outside this tree
# sees it (tests/capi/capi.cmake runs it):
#   installed_test.sh BUILD_DIR SOURCE_DIR VERSION CMAKE [SANITIZE_FLAGS]
# 1. cmake --install BUILD_DIR --prefix TMP --component dev: the library, the
#    public headers, atlas-search.pc and the CMake package (the default
#    component is the tools' package, with absolute /etc and /lib destinations
#    that --prefix does not move);
# 2. checks what was installed: the headers (not server.h), the SONAME, and
#    that only atlas_* and the public atlas:: C++ API are exported;
# 3. compiles tests/capi/capi_test.c as C99 with
#    `pkg-config --cflags --libs atlas-search` from TMP only, runs it on
#    $ATLAS_TEST_INDEXES/portals with LD_LIBRARY_PATH at TMP (and checks that
#    the library it loads is TMP's);
# 4. builds tests/capi/consumer (find_package(atlas_search), atlas::query)
#    against TMP and runs it.
set -eu
build=$1
src=$2
version=$3
cmake=$4
sanitize=${5:-}
index="${ATLAS_TEST_INDEXES:?ATLAS_TEST_INDEXES is not set}/portals"

fail() {
    echo "installed_test: $*" >&2
    exit 1
}

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
prefix="$tmp/prefix"

# --- 1. install -------------------------------------------------------------
"$cmake" --install "$build" --prefix "$prefix" --component dev >"$tmp/install.log" ||
    { cat "$tmp/install.log" >&2; fail "cmake --install failed"; }
lib=$(find "$prefix" -name 'libatlas-search.so.1' | head -n 1)
pc=$(find "$prefix" -name 'atlas-search.pc' | head -n 1)
config=$(find "$prefix" -name 'atlas_search-config.cmake' | head -n 1)
[ -n "$lib" ] || fail "no libatlas-search.so.1 under $prefix"
[ -n "$pc" ] || fail "no atlas-search.pc under $prefix"
[ -n "$config" ] || fail "no atlas_search-config.cmake under $prefix"
libdir=$(dirname "$lib")
[ -e "$libdir/libatlas-search.so" ] || fail "no libatlas-search.so namelink in $libdir"

# --- 2. what is installed and exported ----------------------------------------
for header in atlas.h search.h manifest.h request_text.h index.h error.h portals.h; do
    [ -f "$prefix/include/atlas/$header" ] || fail "atlas/$header is not installed"
done
[ ! -e "$prefix/include/atlas/server.h" ] || fail "atlas/server.h is installed"
soname=$(objdump -p "$lib" | awk '$1 == "SONAME" {print $2}')
[ "$soname" = "libatlas-search.so.1" ] || fail "SONAME is '$soname', not libatlas-search.so.1"
nm -D --defined-only -C "$lib" | awk '$2 != "A"' | sed 's/^[0-9a-f]* [A-Za-z] //' >"$tmp/exported"
grep -q '^atlas_search@@ATLAS_SEARCH_0$' "$tmp/exported" || fail "atlas_search is not exported"
grep -q '^atlas::Searcher::search(atlas::SearchRequest const&)@@' "$tmp/exported" ||
    fail "atlas::Searcher::search is not exported"
if grep -v -e '^atlas_[a-z_]*@@ATLAS_SEARCH_0$' -e '^atlas::' "$tmp/exported" >"$tmp/foreign"; then
    fail "exported beyond the C API and namespace atlas: $(head -n 5 "$tmp/foreign")"
fi
if grep -i -e 'atlas::detail' -e 'xapian' -e 'fmt::' -e 'roaring' -e 'sqlite' "$tmp/exported" \
        >"$tmp/internal"; then
    fail "internals exported: $(head -n 5 "$tmp/internal")"
fi

# --- 3. the C test, with pkg-config -----------------------------------------
flags=$(PKG_CONFIG_PATH="$(dirname "$pc")" pkg-config --cflags --libs atlas-search)
# shellcheck disable=SC2086 # the flags are words
cc -std=c99 -Wall -Wextra -Wpedantic -Werror $sanitize -DATLAS_EXPECTED_VERSION="\"$version\"" \
    "$src/tests/capi/capi_test.c" $flags -o "$tmp/capi_test" || fail "capi_test.c does not compile"
loaded=$(LD_LIBRARY_PATH="$libdir" ldd "$tmp/capi_test" | awk '$1 == "libatlas-search.so.1" {print $3}')
[ "$loaded" = "$lib" ] || fail "capi_test loads '$loaded', not the installed $lib"
mkdir "$tmp/scratch"
LD_LIBRARY_PATH="$libdir" "$tmp/capi_test" "$index" "$src/data" "$tmp/scratch" ||
    fail "capi_test failed"

# --- 4. a CMake consumer, with find_package --------------------------------------
"$cmake" -S "$src/tests/capi/consumer" -B "$tmp/consumer" -G Ninja -DCMAKE_BUILD_TYPE=Release \
    -DCMAKE_PREFIX_PATH="$prefix" -DCMAKE_CXX_FLAGS="$sanitize" \
    -DCMAKE_EXE_LINKER_FLAGS="$sanitize" >"$tmp/consumer.log" 2>&1 ||
    { cat "$tmp/consumer.log" >&2; fail "the consumer project does not configure"; }
"$cmake" --build "$tmp/consumer" >>"$tmp/consumer.log" 2>&1 ||
    { cat "$tmp/consumer.log" >&2; fail "the consumer project does not build"; }
LD_LIBRARY_PATH="$libdir" "$tmp/consumer/consumer" "$index" || fail "the consumer failed"
echo "installed_test: passed ($lib)"
