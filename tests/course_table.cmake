# SPDX-License-Identifier: MIT
# The README's course table follows tutorials/course.txt, the course's one
# table: the same chapters, numbered the same, in the same order, and each
# exercise's number beside its title in the README's exercise list.
#   cmake -DSOURCE_DIR=... -P course_table.cmake
file(STRINGS ${SOURCE_DIR}/tutorials/course.txt lines ENCODING UTF-8)
set(want "")
set(exercises "")
foreach(line IN LISTS lines)
  if(line MATCHES "^chapter *\\| *([0-9][0-9]) *\\| *([a-z0-9_]+) *\\|")
    list(APPEND want "${CMAKE_MATCH_1}_${CMAKE_MATCH_2}")
  elseif(line MATCHES "^exercise *\\| *([0-9]+) *\\| *[a-z_]+ *\\| *([0-9][0-9]) *\\|")
    list(APPEND exercises "${CMAKE_MATCH_1} after ${CMAKE_MATCH_2}")
  endif()
endforeach()
file(STRINGS ${SOURCE_DIR}/README.md readme ENCODING UTF-8)
set(got "")
foreach(line IN LISTS readme)
  # A row of the course table: | 10 | `10_language_model` | ... |
  if(line MATCHES "^\\| ([0-9][0-9]) \\| `([0-9][0-9])_([a-z0-9_]+)` \\|")
    if(NOT CMAKE_MATCH_1 STREQUAL CMAKE_MATCH_2)
      message(FATAL_ERROR "README: the row '${CMAKE_MATCH_1}' names chapter ${CMAKE_MATCH_2}_${CMAKE_MATCH_3}")
    endif()
    list(APPEND got "${CMAKE_MATCH_2}_${CMAKE_MATCH_3}")
  endif()
endforeach()
if(NOT got STREQUAL want)
  message(FATAL_ERROR "README's course table lists\n  ${got}\nbut tutorials/course.txt has\n  ${want}")
endif()
list(LENGTH want chapters)
list(LENGTH exercises count)
# The README's exercise list: "1. **title** (after 04)" to N, each once, in
# order, each after the chapter the table says.
set(found "")
foreach(line IN LISTS readme)
  if(line MATCHES "^([0-9]+)\\. \\*\\*[^*]+\\*\\* \\(after ([0-9][0-9])\\)")
    list(APPEND found "${CMAKE_MATCH_1} after ${CMAKE_MATCH_2}")
  endif()
endforeach()
if(NOT found STREQUAL exercises)
  message(FATAL_ERROR "README's exercise list is numbered '${found}', tutorials/course.txt '${exercises}'")
endif()
message(STATUS "README follows tutorials/course.txt: ${chapters} chapters, ${count} exercises")
