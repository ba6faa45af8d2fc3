# fuzz/flags.cmake - the flags of a fuzz build tree (-DATLAS_FUZZ=ON), included by
# the top-level CMakeLists.txt before the libraries are defined.
#
# Clang 16 only: Debian's clang-14 cannot compile libstdc++ 12's <ranges>, and
# GCC has no libFuzzer.  Every library and tool is compiled with coverage
# instrumentation (fuzzer-no-link) and ASan+UBSan through atlas_sanitize, the
# interface target every target already links for -DATLAS_SANITIZE=ON; the
# harnesses (fuzz/CMakeLists.txt) add -fsanitize=fuzzer, which links libFuzzer's main.
if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang" OR CMAKE_CXX_COMPILER_VERSION VERSION_LESS 16)
  message(FATAL_ERROR "ATLAS_FUZZ=ON needs clang 16 (apt-get install clang-16 libfuzzer-16-dev "
                      "libclang-rt-16-dev; -DCMAKE_CXX_COMPILER=clang++-16), not "
                      "${CMAKE_CXX_COMPILER_ID} ${CMAKE_CXX_COMPILER_VERSION}")
endif()
if(ATLAS_SANITIZE)
  message(FATAL_ERROR "ATLAS_FUZZ=ON already sanitizes; leave ATLAS_SANITIZE off")
endif()
# RapidJSON 1.1's internal/stack.h adds an offset to a null pointer on every
# parse (UBSan's pointer-overflow check).  The ignore list exempts from that one
# check only the code of RapidJSON's own headers, not the translation units
# including them, so our code there keeps the check (-fno-sanitize=pointer-overflow
# on those files would drop it for the whole file).
set(ATLAS_FUZZ_IGNORELIST ${CMAKE_CURRENT_LIST_DIR}/ubsan_ignorelist.txt)
target_compile_options(atlas_sanitize INTERFACE
    -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all
    -fsanitize-ignorelist=${ATLAS_FUZZ_IGNORELIST} -fno-omit-frame-pointer -g
    # -O1: executions per second several times those of -O0; asserts stay on
    # (build type Debug, no NDEBUG) since a failed assert is a finding.
    -O1)
target_link_options(atlas_sanitize INTERFACE -fsanitize=address,undefined)
