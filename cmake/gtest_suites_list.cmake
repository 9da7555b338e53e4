# Run by reemu_gtest_suites (GTestSuites.cmake) after a test executable is
# built: lists its suites and writes one add_test per suite to OUT.
# Inputs: EXE, OUT, PREFIX, TIMEOUT, LABELS, WORKDIR.
execute_process(COMMAND "${EXE}" --gtest_list_tests
  WORKING_DIRECTORY "${WORKDIR}"
  OUTPUT_VARIABLE listing ERROR_VARIABLE errors RESULT_VARIABLE status TIMEOUT 60)
if(NOT status EQUAL 0)
  file(REMOVE "${OUT}")
  message(FATAL_ERROR "${EXE} --gtest_list_tests failed (${status}):\n${errors}")
endif()
string(REPLACE "\n" ";" lines "${listing}")
set(labels "")
if(LABELS)
  set(labels " LABELS [==[${LABELS}]==]")
endif()
set(script "")
set(count 0)
foreach(line IN LISTS lines)
  # A suite line is "name." (typed suites add "  # TypeParam = ..."); test
  # lines are indented; gtest_main's banner has a space before any dot.
  if(line MATCHES "^([A-Za-z0-9_/]+)\\.")
    set(suite "${CMAKE_MATCH_1}")
    string(APPEND script
      "add_test([==[${PREFIX}${suite}]==] [==[${EXE}]==] [==[--gtest_filter=${suite}.*]==])\n"
      "set_tests_properties([==[${PREFIX}${suite}]==] PROPERTIES WORKING_DIRECTORY [==[${WORKDIR}]==]"
      " TIMEOUT ${TIMEOUT}${labels})\n")
    math(EXPR count "${count} + 1")
  endif()
endforeach()
if(count EQUAL 0)
  file(REMOVE "${OUT}")
  message(FATAL_ERROR "${EXE} lists no test suite")
endif()
file(WRITE "${OUT}" "${script}")
