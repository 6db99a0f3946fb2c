# SPDX-License-Identifier: MIT
# Runs PROGRAM with ARGS (then PNG_DIR, when given, as its last argument) and
# checks what it did: its exit status (0, or not 0 with EXPECT_FAIL), its
# output (matching EXPECT_OUTPUT when given; stdout alone with EXPECT_STDOUT) and, with PNG_DIR, that it wrote
# at least one picture there and that every *.png is a real PNG (the 8-byte
# signature, then the IHDR chunk), and that a lesson's page there, if any,
# holds its steps.
if(PNG_DIR)
  file(REMOVE_RECURSE "${PNG_DIR}")  # only this run's pictures count
endif()
# With EXPECT_STDOUT, EXPECT_OUTPUT is matched against standard output alone.
if(EXPECT_STDOUT)
  execute_process(COMMAND ${PROGRAM} ${ARGS} ${PNG_DIR} RESULT_VARIABLE status
                  OUTPUT_VARIABLE output ERROR_VARIABLE errors)
  message("${errors}")
else()
  execute_process(COMMAND ${PROGRAM} ${ARGS} ${PNG_DIR} RESULT_VARIABLE status
                  OUTPUT_VARIABLE output ERROR_VARIABLE output)
endif()
message("${output}")
if(EXPECT_FAIL AND status EQUAL 0)
  message(FATAL_ERROR "${PROGRAM} should have failed but exited with 0")
elseif(NOT EXPECT_FAIL AND NOT status EQUAL 0)
  message(FATAL_ERROR "${PROGRAM} exited with ${status}")
endif()
if(DEFINED EXPECT_OUTPUT AND NOT output MATCHES "${EXPECT_OUTPUT}")
  message(FATAL_ERROR "the output does not match '${EXPECT_OUTPUT}'")
endif()
if(PNG_DIR)
  file(GLOB pictures "${PNG_DIR}/*.png")
  list(LENGTH pictures count)
  if(count EQUAL 0)
    message(FATAL_ERROR "no PNG in ${PNG_DIR}")
  endif()
  foreach(png IN LISTS pictures)
    file(READ ${png} head LIMIT 16 HEX)
    if(NOT head STREQUAL "89504e470d0a1a0a0000000d49484452")
      message(FATAL_ERROR "${png} is not a valid PNG (starts with ${head})")
    endif()
  endforeach()
  message("${count} valid PNGs in ${PNG_DIR}")
  # A lesson's page, every step in it (lesson_page.hpp).
  if(EXISTS "${PNG_DIR}/index.html")
    file(READ "${PNG_DIR}/index.html" page)
    string(REGEX MATCHALL "<section class=\"frame\"" frames "${page}")
    list(LENGTH frames frame_count)
    if(frame_count EQUAL 0)
      message(FATAL_ERROR "${PNG_DIR}/index.html has no steps")
    endif()
    message("a page of ${frame_count} steps: ${PNG_DIR}/index.html")
  endif()
endif()
