# reemu_gtest_suites(<target> PREFIX <prefix> [TIMEOUT <seconds>] [LABELS <label>...])
#
# Registers one CTest test per GoogleTest suite of <target>, named
# <prefix><suite> (a unit and an integration suite may share a name) and run
# as `<target> --gtest_filter=<suite>.*`. The suites are listed
# by running the built executable (--gtest_list_tests) after each build, as
# gtest_discover_tests does, so a new TEST needs no CMake change.
#
# One process per suite rather than per test: the sanitizer builds pay about
# a third of a second to start each process, and the suites are the unit of
# shared fixtures anyway. Every test still runs; a failure names its test in
# the output (ctest --output-on-failure, as the presets set).
set(REEMU_GTEST_SUITES_SCRIPT "${CMAKE_CURRENT_LIST_DIR}/gtest_suites_list.cmake")

function(reemu_gtest_suites target)
  cmake_parse_arguments(arg "" "PREFIX;TIMEOUT" "LABELS" ${ARGN})
  if(NOT arg_TIMEOUT)
    set(arg_TIMEOUT 300)
  endif()
  set(tests_file "${CMAKE_CURRENT_BINARY_DIR}/${target}_suites.cmake")
  add_custom_command(TARGET ${target} POST_BUILD
    BYPRODUCTS "${tests_file}"
    COMMAND "${CMAKE_COMMAND}"
            -D "EXE=$<TARGET_FILE:${target}>" -D "OUT=${tests_file}"
            -D "PREFIX=${arg_PREFIX}" -D "TIMEOUT=${arg_TIMEOUT}" -D "LABELS=${arg_LABELS}"
            -D "WORKDIR=${CMAKE_CURRENT_BINARY_DIR}"
            -P "${REEMU_GTEST_SUITES_SCRIPT}"
    VERBATIM)
  # Before the first build there is no list: a placeholder test fails and
  # says so, instead of ctest quietly running nothing.
  set(include_file "${CMAKE_CURRENT_BINARY_DIR}/${target}_suites_include.cmake")
  file(WRITE "${include_file}"
    "if(EXISTS \"${tests_file}\")\n"
    "  include(\"${tests_file}\")\n"
    "else()\n"
    "  add_test(${target}_NOT_BUILT ${target}_NOT_BUILT)\n"
    "endif()\n")
  set_property(DIRECTORY APPEND PROPERTY TEST_INCLUDE_FILES "${include_file}")
endfunction()
