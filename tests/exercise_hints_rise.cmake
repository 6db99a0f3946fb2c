# SPDX-License-Identifier: MIT
# A failing exercise's hint says more on each run it still fails, for the
# whole step's exercises as for the others, and names the failing atom:
# three runs of the wrong answers counted in one tries file.
#   cmake -DPROGRAM=exercise -DWORK_DIR=dir -P exercise_hints_rise.cmake
file(REMOVE_RECURSE ${WORK_DIR})
file(MAKE_DIRECTORY ${WORK_DIR})
set(expect_1 "hint 1 of 3: dbndiff2 is the first FAIL from the loss back: bndiff2 appears in bnvar")
set(expect_2 "hint 2 of 3: dbndiff2: a sum passes its gradient to every summand")
set(expect_3 "hint 3 of 3: dbndiff2: dbndiff2 = ones \\(N, H\\) \\* dbnvar / \\(N - 1\\)")
foreach(run 1 2 3)
  execute_process(COMMAND ${PROGRAM} --wrong-answer --tries ${WORK_DIR}/tries.txt
                  OUTPUT_VARIABLE out RESULT_VARIABLE status)
  if(NOT status EQUAL 1)
    message(FATAL_ERROR "run ${run}: exit status ${status}, expected 1 (some FAIL)\n${out}")
  endif()
  if(NOT out MATCHES "${expect_${run}}")
    message(FATAL_ERROR "run ${run}: no '${expect_${run}}' in\n${out}")
  endif()
  # softmax cross-entropy (exercise 3) rises alike.
  if(NOT out MATCHES "hint ${run} of 3")
    message(FATAL_ERROR "run ${run}: the other failing exercises' hints did not rise to ${run}\n${out}")
  endif()
endforeach()
message(STATUS "hints rose 1, 2, 3 over three failing runs, naming dbndiff2")
