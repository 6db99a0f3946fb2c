// SPDX-License-Identifier: MIT
// A training chapter's command line: its whole-number options (--steps N
// and the like) taken out, the rest (--no-pause, the folder) left for the
// lesson. The chapter's name in its messages comes from the course table.
#pragma once

#include <cstdint>
#include <cstdlib>
#include <iostream>
#include <string>
#include <vector>

#include "course_page.hpp"

namespace course {

// One whole-number option: `--steps N` sets *value to N, which must lie in
// [lo, hi].
struct NumberOption {
  std::string flag;
  std::int64_t* value;
  std::int64_t lo, hi;
};

#ifdef GRADLAB_CHAPTER
// "usage: NN_name <synopsis>\n<details>": what --help prints, and what a bad
// option's message ends with.
inline std::string usage(const std::string& synopsis, const std::string& details) {
  return "usage: " + std::string(here().name) + " " + synopsis + "\n" + details;
}

// Reads `options` out of argv and returns what is left for the lesson:
// argv[0] and every other argument, in order. --help (or -h) prints `help`
// and exits 0; an option without a whole number in its range after it
// exits 2, naming the option and the range, then `help`.
inline std::vector<char*> parse_options(int argc, char** argv, const std::string& help,
                                        const std::vector<NumberOption>& options) {
  std::vector<char*> rest{argv[0]};
  for (int i = 1; i < argc; ++i) {
    const std::string s = argv[i];
    if (s == "--help" || s == "-h") {
      std::cout << help;
      std::exit(std::cout.flush() ? 0 : 1);
    }
    const NumberOption* option = nullptr;
    for (const NumberOption& o : options)
      if (o.flag == s) option = &o;
    if (option == nullptr) {
      rest.push_back(argv[i]);
      continue;
    }
    char* end = nullptr;
    const long long n = i + 1 < argc ? std::strtoll(argv[i + 1], &end, 10) : 0;
    if (i + 1 >= argc || end == argv[i + 1] || *end != '\0' || n < option->lo || n > option->hi) {
      std::cerr << here().name << ": " << s << " needs a whole number from " << option->lo << " to "
                << option->hi << "\n" << help;
      std::exit(2);
    }
    *option->value = n;
    ++i;
  }
  return rest;
}
#endif

}  // namespace course
