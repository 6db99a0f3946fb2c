# SPDX-License-Identifier: MIT
# ctest runs this script: install gradlab from BINARY_DIR into WORK_DIR/prefix,
# build the consumer project against it, and check what its programs print.
set(prefix ${WORK_DIR}/prefix)
file(REMOVE_RECURSE ${WORK_DIR})
function(run)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "failed (${rc}): ${ARGN}\n${out}\n${err}")
  endif()
  set(out "${out}" PARENT_SCOPE)
endfunction()
run(${CMAKE_COMMAND} --install ${BINARY_DIR} --prefix ${prefix})
run(${CMAKE_COMMAND} -S ${SOURCE_DIR}/tests/consumer -B ${WORK_DIR}/build
    -DCMAKE_PREFIX_PATH=${prefix} -DCMAKE_BUILD_TYPE=Release)
run(${CMAKE_COMMAND} --build ${WORK_DIR}/build)
run(${WORK_DIR}/build/micrograd_readme)
if(NOT out STREQUAL "24.7041 138.8338 645.5773\n")
  message(FATAL_ERROR "micrograd_readme printed '${out}', expected '24.7041 138.8338 645.5773'")
endif()
run(${WORK_DIR}/build/readme_example ${WORK_DIR}/d.png)
set(expected "Value(label=a, data=-4.0000, grad=0.5000)\nValue(label=b, data=2.0000, grad=2.0000)\n")
if(NOT out STREQUAL expected)
  message(FATAL_ERROR "readme_example printed '${out}', README says '${expected}'")
endif()
file(READ ${WORK_DIR}/d.png head LIMIT 8 HEX)
if(NOT head STREQUAL "89504e470d0a1a0a")
  message(FATAL_ERROR "readme_example did not write a PNG (starts with ${head})")
endif()
# README's nn example: it trains three steps, prints the losses its comments
# give, and saves a gradlab file.
execute_process(COMMAND ${WORK_DIR}/build/readme_nn_example WORKING_DIRECTORY ${WORK_DIR}
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
set(expected "loss 2.19567\nloss 1.7653\nloss 1.1442\n5258 parameters\n")
if(NOT rc EQUAL 0 OR NOT out STREQUAL expected)
  message(FATAL_ERROR "readme_nn_example (${rc}) printed '${out}${err}', README says '${expected}'")
endif()
file(READ ${WORK_DIR}/model.gl head LIMIT 8 HEX)
if(NOT head STREQUAL "475241444c414200")  # "GRADLAB\0", the format's magic
  message(FATAL_ERROR "readme_nn_example did not write a gradlab file")
endif()
message(STATUS "consumer: micrograd_readme printed ${out}")
