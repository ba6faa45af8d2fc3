# tests/deploy/package.cmake - the Debian package test, included from
# tests/CMakeLists.txt.  package_test.sh builds the package of this build tree
# with cpack (cmake/packaging.cmake), checks it with dpkg-deb, verifies its
# systemd units and runs what it installs from a throwaway root.  It needs the
# tools built (ctest runs after the build) and skips (77) only without
# dpkg-deb or systemd-analyze.
add_test(NAME deploy_package
         COMMAND sh ${CMAKE_CURRENT_LIST_DIR}/package_test.sh
                 ${PROJECT_BINARY_DIR} ${CMAKE_CPACK_COMMAND} ${PROJECT_VERSION})
set_tests_properties(deploy_package PROPERTIES SKIP_RETURN_CODE 77 TIMEOUT 120 LABELS deploy)
