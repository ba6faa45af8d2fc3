# tests/reliability/reliability.cmake - issue 19 item 4, included from tests/CMakeLists.txt:
#   reliability_kill         kill_test.cpp: atlas-index killed by SIGKILL at each sync,
#                            rename, symlink and mkdir of a build and at a sample of its
#                            creates, removals, writes and moments (kill_shim.c, an
#                            LD_PRELOAD library); CURRENT answers as before, the next
#                            build publishes; the builds under test are updates
#   reliability_kill_full    the same with every record written again (--full)
#   reliability_swap_stress  swap_stress_test.cpp: two reader threads and the server
#                            under load across 100 rebuilds; no error, no changed answer,
#                            no descriptor or memory growth
#   reliability_disk_full    disk_full_test.sh: builds on a full tmpfs fail with one line,
#                            leave nothing behind, CURRENT answers as before (skipped
#                            where no tmpfs can be mounted)
# Each loads the machine (builds back to back): RUN_SERIAL.
enable_language(C)
# Not linked with atlas_sanitize: preloaded into a sanitized atlas-index, a shim with
# its own ASan runtime would be a second one.  kill_test.cpp turns off ASan's check
# that its runtime comes first (verify_asan_link_order=0) for the preloaded child only.
add_library(atlas_kill_shim MODULE ${CMAKE_CURRENT_LIST_DIR}/kill_shim.c)
target_compile_options(atlas_kill_shim PRIVATE -Wall -Wextra $<$<BOOL:${ATLAS_WERROR}>:-Werror>)
target_link_libraries(atlas_kill_shim PRIVATE ${CMAKE_DL_LIBS})

add_library(atlas_reliability_util STATIC ${CMAKE_CURRENT_LIST_DIR}/reliability_util.cpp)
target_link_libraries(atlas_reliability_util PUBLIC atlas::query PRIVATE atlas_warnings)
add_executable(reliability_kill ${CMAKE_CURRENT_LIST_DIR}/kill_test.cpp)
target_link_libraries(reliability_kill PRIVATE atlas_reliability_util atlas_warnings)
add_executable(reliability_swap_stress ${CMAKE_CURRENT_LIST_DIR}/swap_stress_test.cpp)
target_link_libraries(reliability_swap_stress PRIVATE atlas_reliability_util PkgConfig::HTTPLIB
                      atlas_warnings)
add_dependencies(reliability_kill atlas-index atlas_kill_shim)
add_dependencies(reliability_swap_stress atlas-index atlas-search)

# Release tree only.  In the sanitized tree (Debug, ASan + UBSan) a build of the sample
# takes ~3.5 s of CPU, 7x the Release one: the kill test's points cost two builds each
# (its syncs and renames alone would take 6 min) and a process killed by SIGKILL
# reports nothing to ASan anyway; the swap stress would fit with 20 rebuilds and no
# memory bound (ASan's quarantine keeps up to 256 MiB of freed memory) but has not
# been run there yet, nor has the disk-full test.
if(NOT ATLAS_SANITIZE)
  add_test(NAME reliability_kill
           COMMAND reliability_kill $<TARGET_FILE:atlas-index> $<TARGET_FILE:atlas_kill_shim>
                   ${PROJECT_SOURCE_DIR}/data/sources.json --sample 10 --write-points 8 --time-points 6)
  add_test(NAME reliability_kill_full
           COMMAND reliability_kill $<TARGET_FILE:atlas-index> $<TARGET_FILE:atlas_kill_shim>
                   ${PROJECT_SOURCE_DIR}/data/sources.json --sample 10 --write-points 8 --time-points 6
                   --builds full)
  # 100 rebuilds of the CryoET and HOA samples (465 records) under load; the server's
  # and the readers' resident memory may grow by 32 MiB from rebuild 20 to the end.
  add_test(NAME reliability_swap_stress
           COMMAND reliability_swap_stress $<TARGET_FILE:atlas-index> $<TARGET_FILE:atlas-search>
                   100 4 32 --source cryoet=${PROJECT_SOURCE_DIR}/data/cryoet
                   --source hoa=${PROJECT_SOURCE_DIR}/data/hoa)
  # Ten levels of free room on a 64 MiB tmpfs in a mount namespace of its own.
  add_test(NAME reliability_disk_full
           COMMAND sh ${CMAKE_CURRENT_LIST_DIR}/disk_full_test.sh $<TARGET_FILE:atlas-index>
                   $<TARGET_FILE:atlas-search> ${PROJECT_SOURCE_DIR}/data/sources.json)
  set_tests_properties(reliability_kill reliability_kill_full reliability_swap_stress
                       reliability_disk_full PROPERTIES
                       TIMEOUT 900 RUN_SERIAL TRUE LABELS reliability)
  set_tests_properties(reliability_disk_full PROPERTIES SKIP_RETURN_CODE 77)
endif()
