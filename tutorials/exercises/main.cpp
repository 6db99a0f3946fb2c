// SPDX-License-Identifier: MIT
// `make exercise`: checks your answers (my_gradients.cpp). Each run that an
// exercise still fails in makes its hint say more (where to look, the rule,
// the formula); --hint N shows level N at once. With --solutions it checks
// the shipped solutions, with --wrong-answer a deliberately wrong one, with
// --blank answers not written yet (for the tests; none of them counts as a
// try unless --tries names a file to count them in). Exit status: 0 all
// pass, 1 some fail, 3 nothing is written yet, 2 a bad command line.
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>

#include "exercises.hpp"

namespace {

// How many runs in a row each exercise has failed, kept beside the program.
std::filesystem::path tries_file(const char* argv0) {
  return std::filesystem::absolute(argv0).parent_path() / "exercise_tries.txt";
}

std::vector<int> read_tries(const std::filesystem::path& file) {
  std::vector<int> tries;
  std::ifstream in(file);
  for (int n; in >> n;) tries.push_back(n);
  return tries;
}

void write_tries(const std::filesystem::path& file, const std::vector<int>& tries) {
  std::ofstream out(file);
  for (int n : tries) out << n << "\n";
}

int status(const exercises::Outcome& o) {
  if (o.failed == 0) return 0;
  return o.not_written == o.exercises ? 3 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  std::string which, tries_path;
  int hint = 1;
  bool hint_given = false;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--help" || arg == "-h") {
      std::cout << "usage: exercise [--hint 1|2|3] [--tries FILE] [--solutions | --wrong-answer | --blank]\n"
                   "  Checks your answers in tutorials/exercises/my_gradients.cpp (make exercise).\n"
                   "  --hint K        show hint K of each failing exercise (not counted as a try)\n"
                   "  --tries FILE    count the runs each exercise failed in a row in FILE (default:\n"
                   "                  exercise_tries.txt beside the program, for your answers only)\n"
                   "  --solutions     check the worked solutions instead\n"
                   "  --wrong-answer  check answers with three known slips (each must FAIL)\n"
                   "  --blank         check an untouched file (nothing written yet)\n";
      return std::cout.flush() ? 0 : 1;
    }
    if (arg == "--hint" && i + 1 < argc && std::string(argv[i + 1]).find_first_not_of("123") ==
                                              std::string::npos && std::string(argv[i + 1]).size() == 1) {
      hint = std::stoi(argv[++i]);
      hint_given = true;
    } else if (arg == "--tries" && i + 1 < argc && tries_path.empty()) {
      tries_path = argv[++i];
    } else if ((arg == "--solutions" || arg == "--wrong-answer" || arg == "--blank") && which.empty()) {
      which = arg;
    } else {
      std::cerr << "usage: exercise [--hint 1|2|3] [--tries FILE] [--solutions | --wrong-answer | --blank]\n";
      return 2;
    }
  }
  exercises::Answers answers = which == "--solutions"      ? exercises::solutions()
                                : which == "--wrong-answer" ? exercises::wrong_answers()
                                : which == "--blank"        ? exercises::blank_answers()
                                                            : exercises::my_answers();
  if (which.empty()) std::cout << "Checking your answers in tutorials/exercises/my_gradients.cpp\n";
  if (!which.empty() && tries_path.empty())  // the shipped answers: no tries kept
    return status(exercises::check(answers, std::cout, hint));
  std::filesystem::path file = tries_path.empty() ? tries_file(argv[0]) : std::filesystem::path(tries_path);
  std::vector<int> tries = read_tries(file);
  exercises::Outcome outcome = exercises::check(answers, std::cout, hint, &tries);
  if (!hint_given) write_tries(file, tries);  // asking for a hint is not a try
  return status(outcome);
}
