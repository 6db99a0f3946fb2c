// SPDX-License-Identifier: MIT
// `make exercise`: checks your gradients (my_gradients.cpp). With
// --solutions it checks the shipped solutions, with --wrong-answer a
// deliberately wrong one (both for the tests). Exit status 0: all pass.
#include <iostream>
#include <string>

#include "exercises.hpp"

int main(int argc, char** argv) {
  std::string which = argc > 1 ? argv[1] : "";
  if (which == "--solutions") return exercises::check(exercises::solutions(), std::cout) ? 1 : 0;
  if (which == "--wrong-answer")
    return exercises::check(exercises::wrong_answers(), std::cout) ? 1 : 0;
  if (!which.empty()) {
    std::cerr << "usage: exercise [--solutions | --wrong-answer]\n";
    return 2;
  }
  std::cout << "Checking your gradients in tutorials/exercises/my_gradients.cpp\n";
  return exercises::check(exercises::my_answers(), std::cout) ? 1 : 0;
}
