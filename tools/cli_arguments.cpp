// SPDX-License-Identifier: MIT
// Argument handling for the `gradlab` command that CLI11 leaves to us.

#include "cli_arguments.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <stdexcept>

#include "expression.hpp"

namespace gradlab::cli {

namespace {
bool contains(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}
bool is_option(const std::string& a, const std::vector<std::string>& with_value,
               const std::vector<std::string>& flags) {
  if (a == "-h" || a == "--help" || contains(flags, a) || contains(with_value, a)) return true;
  auto eq = a.find('=');  // --output=FILE
  return a.rfind("--", 0) == 0 && eq != std::string::npos && contains(with_value, a.substr(0, eq));
}
}  // namespace

SplitArguments take_expression(const std::vector<std::string>& args,
                               const std::vector<std::string>& subcommands,
                               const std::vector<std::string>& options_with_value,
                               const std::vector<std::string>& flags) {
  SplitArguments out;
  std::size_t i = 0;
  while (i < args.size() && !contains(subcommands, args[i])) out.rest.push_back(args[i++]);
  if (i == args.size()) return out;
  const std::string subcommand = args[i];
  out.rest.push_back(args[i++]);
  const std::string help = " (see gradlab " + subcommand + " --help)";
  for (; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (out.has_expression && a != "--" && !is_option(a, options_with_value, flags)) {
      out.rest.push_back(a);
      continue;
    }
    // An option's value is checked here, where it is still clear whose it is:
    // CLI11 takes "--rankdir=" as --rankdir wanting the next argument.
    if (auto eq = a.find('='); a.rfind("--", 0) == 0 && eq == a.size() - 1 &&
                               contains(options_with_value, a.substr(0, eq)))
      throw std::invalid_argument(a.substr(0, eq) + " is given no value after '='; write " + a + "VALUE" + help);
    if (contains(options_with_value, a) && i + 1 < args.size() && is_option(args[i + 1], options_with_value, flags))
      throw std::invalid_argument(a + " needs a value, but the option " + args[i + 1] + " follows it" + help);
    if (out.has_expression) {
      out.rest.push_back(a);
    } else if (a == "--" && i + 1 < args.size()) {
      out.expression = args[++i];
      out.has_expression = true;
    } else if (is_option(a, options_with_value, flags)) {
      out.rest.push_back(a);
      if (contains(options_with_value, a) && i + 1 < args.size()) out.rest.push_back(args[++i]);
    } else {
      out.expression = a;
      out.has_expression = true;
    }
  }
  return out;
}

std::vector<std::pair<std::string, double>> parse_assignments(const std::vector<std::string>& args) {
  std::vector<std::pair<std::string, double>> out;
  for (const std::string& a : args) {
    auto eq = a.find('=');
    if (eq == std::string::npos)
      throw std::invalid_argument("malformed argument '" + a + "': expected NAME=VALUE");
    std::string name = a.substr(0, eq), text = a.substr(eq + 1);
    bool valid = !name.empty() && (std::isalpha(static_cast<unsigned char>(name[0])) || name[0] == '_') &&
                 std::all_of(name.begin(), name.end(), [](unsigned char c) {
                   return std::isalnum(c) || c == '_';
                 });
    if (!valid)
      throw std::invalid_argument("malformed argument '" + a +
                                  "': NAME must be a variable name like x or w_1");
    if (contains(expression_functions(), name))
      throw std::invalid_argument("malformed argument '" + a + "': '" + name +
                                  "' is a function, not a variable");
    double value = 0;
    const char* first = text.data();
    const char* last = text.data() + text.size();
    if (first != last && *first == '+') ++first;  // from_chars does not take a '+'
    auto [end, ec] = std::from_chars(first, last, value);
    if (text.empty() || ec == std::errc::invalid_argument || end != last)
      throw std::invalid_argument("malformed argument '" + a + "': '" + text +
                                  "' is not a number");
    if (ec == std::errc::result_out_of_range || !std::isfinite(value))
      throw std::invalid_argument("malformed argument '" + a + "': '" + text +
                                  "' is not a finite number");
    if (std::any_of(out.begin(), out.end(), [&](auto& p) { return p.first == name; }))
      throw std::invalid_argument("variable '" + name + "' is given twice");
    out.emplace_back(name, value);
  }
  return out;
}

std::string round_trip(double x) {
  char buf[32];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, x);
  return std::string(buf, end);
}

}  // namespace gradlab::cli
