// SPDX-License-Identifier: MIT
// The parts of the `gradlab` command that are not CLI11's: telling the
// expression apart from options (it may begin with '-'), and reading
// NAME=VALUE assignments strictly.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace gradlab::cli {

// The arguments of a subcommand with its expression taken out. The
// expression is the first argument after the subcommand that is not one of
// its options, even when it begins with '-' ("-x^2"); a "--" before it is
// dropped. `options_with_value` take the next argument (-o FILE), `flags`
// take none. CLI11 then sees only options and NAME=VALUE arguments.
struct SplitArguments {
  std::vector<std::string> rest;
  std::string expression;
  bool has_expression = false;
};
SplitArguments take_expression(const std::vector<std::string>& args,
                               const std::vector<std::string>& subcommands,
                               const std::vector<std::string>& options_with_value,
                               const std::vector<std::string>& flags);

// Reads "x=3" as {"x", 3}. Throws std::invalid_argument, naming the argument,
// for a missing '=', a name that is not [A-Za-z_][A-Za-z0-9_]* or is a
// function's, and a value that is not a finite number; and for a name given
// twice.
std::vector<std::pair<std::string, double>> parse_assignments(const std::vector<std::string>& args);

// The shortest text that reads back as the same double ("0.1", "1e+300").
std::string round_trip(double x);

}  // namespace gradlab::cli
