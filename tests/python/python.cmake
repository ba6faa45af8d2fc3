# tests/python/python.cmake - the atlas_search package's tests (tests/python/) and the
# FastAPI example's (examples/fastapi_portal/), include()d from tests/CMakeLists.txt
# after ATLAS_TEST_INDEXES is set.  Debian's /usr/bin/python3 with python3-pytest,
# python3-fastapi and python3-httpx imports the package from the build tree
# (<build>/python: the extension beside the package's .py files).
#
# Not in a sanitizer build: the extension would be loaded into an uninstrumented
# python, which needs libasan preloaded and leak checking off (the interpreter
# itself does not free everything at exit), so the run would check neither the
# interpreter nor the leaks; the C++ code the package calls runs under ASan+UBSan
# in the doctest suite, and the package's own code is exercised here in the
# Release build.
if(NOT ATLAS_BUILD_PYTHON)
  return()
endif()
if(ATLAS_SANITIZE)
  message(STATUS "tests/python: skipped in the sanitizer build (an instrumented extension "
                 "in an uninstrumented python; see tests/python/python.cmake)")
  return()
endif()
set(ATLAS_PYTHON_PATH ${PROJECT_BINARY_DIR}/python)  # python/CMakeLists.txt lays the package out there
foreach(suite IN ITEMS python_package python_fastapi_example)
  if(suite STREQUAL python_package)
    set(dir ${CMAKE_CURRENT_SOURCE_DIR}/python)
  else()
    set(dir ${PROJECT_SOURCE_DIR}/examples/fastapi_portal)
  endif()
  add_test(NAME ${suite}
           COMMAND /usr/bin/python3 -m pytest -q -p no:cacheprovider -rs ${dir})
  set_tests_properties(${suite} PROPERTIES FIXTURES_REQUIRED test_indexes TIMEOUT 900)
  # ENVIRONMENT is a list: one item per variable.
  set_property(TEST ${suite} PROPERTY ENVIRONMENT
      "ATLAS_TEST_INDEXES=${ATLAS_TEST_INDEXES}"
      "ATLAS_SEARCH_BIN=$<TARGET_FILE:atlas-search>"
      "ATLAS_VERSION=${PROJECT_VERSION}"
      "PYTHONPATH=${ATLAS_PYTHON_PATH}"
      "PYTHONDONTWRITEBYTECODE=1")
endforeach()
# The package's tests time two threads against one; alone, so the other
# tests' processes do not take the second core.
set_tests_properties(python_package PROPERTIES RUN_SERIAL TRUE)
