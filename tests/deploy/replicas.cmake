# tests/deploy/replicas.cmake - the read replicas' topology test, included from
# tests/CMakeLists.txt (issue 21): three replicas behind HAProxy on this
# machine, one behind a slowed link in a network namespace, 60 s of the mixed
# workload while three generations are shipped and a replica is killed and
# restarted.  It needs the bench's record scaler, workload and load tools, and
# root for the namespace (without it, it says so and passes).
if(ATLAS_BUILD_BENCH)
  add_test(NAME deploy_replicas
           COMMAND sh ${CMAKE_CURRENT_LIST_DIR}/replicas_test.sh ${PROJECT_BINARY_DIR} 60 8)
  set_tests_properties(deploy_replicas PROPERTIES TIMEOUT 300 RUN_SERIAL TRUE LABELS deploy)
endif()
