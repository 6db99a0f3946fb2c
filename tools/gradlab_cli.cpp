// SPDX-License-Identifier: MIT
// The `gradlab` command: the value, the gradients and the graph of an
// expression typed on the command line, through the public API only.
//   gradlab grad  "<expr>" NAME=VALUE ... [--json]
//   gradlab graph "<expr>" NAME=VALUE ... -o FILE.png|FILE.svg|FILE.dot|FILE.html

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <map>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <gradlab/gradlab.hpp>
#include <gradlab/viz/render.hpp>

#include "cli_arguments.hpp"
#include "expression.hpp"
#include "graph_page.hpp"

namespace gl = gradlab;

namespace {

// Exit codes: 0 done, 1 the expression could not be evaluated or the file
// written, 2 the command line or the expression's syntax is wrong.
constexpr int kEvaluationError = 1;
constexpr int kUsageError = 2;

// A failure with its exit code; main prints it as one line on stderr.
struct Failure {
  std::string message;
  int code;
};

// Every answer goes to stdout, so a write that fails there (a full disk,
// a closed pipe or descriptor) is a failure of the command: exit 1 with a
// message, never 0 with the answer lost. Returns `code` when all is well.
int finish_stdout(int code) {
  errno = 0;
  std::cout.flush();
  if (std::cout && std::fflush(stdout) == 0 && !std::ferror(stdout)) return code;
  const int err = errno;
  std::cerr << "gradlab: cannot write to standard output" << (err ? std::string(" (") + std::strerror(err) + ")" : "")
            << "; the answer is lost\n";
  return code == 0 ? kEvaluationError : code;
}

// The three standard descriptors must be open before any file is: a file
// opened on a closed one would receive what is printed there. A closed
// stdout is refused (the answer would be lost); closed stdin or stderr are
// given /dev/null. False when stdout is closed.
bool standard_descriptors_open() {
  for (int fd : {0, 2})
    if (::fcntl(fd, F_GETFD) == -1 && errno == EBADF) ::open("/dev/null", fd == 0 ? O_RDONLY : O_WRONLY);
  return !(::fcntl(1, F_GETFD) == -1 && errno == EBADF);
}

struct Evaluated {
  gl::Value result;
  std::vector<std::pair<std::string, gl::Value>> variables;  // command-line order
};

// Parses, binds the variables, builds the graph and (unless a page is to
// step through it) backpropagates.
Evaluated evaluate(const std::string& text, const std::vector<std::string>& assignments, bool backward = true) {
  gl::Expression expression;
  try {
    expression = gl::Expression::parse(text);
  } catch (const gl::SyntaxError& e) {
    throw Failure{std::string(e.what()) + "\n" + e.caret(), kUsageError};
  }
  Evaluated out;
  std::map<std::string, gl::Value> values;
  try {
    for (auto& [name, number] : gl::cli::parse_assignments(assignments)) {
      gl::Value v(number, name);
      values.emplace(name, v);
      out.variables.emplace_back(name, v);
    }
  } catch (const std::invalid_argument& e) {
    throw Failure{e.what(), kUsageError};
  }
  try {
    out.result = expression.evaluate(values);
  } catch (const std::invalid_argument& e) {  // a variable with no value
    throw Failure{e.what(), kUsageError};
  } catch (const std::domain_error& e) {
    throw Failure{e.what(), kEvaluationError};
  }
  double value = out.result.data();
  if (!std::isfinite(value))
    throw Failure{"the value is not a finite number (" + gl::cli::round_trip(value) +
                      "): the expression overflows or is undefined here",
                  kEvaluationError};
  if (!backward) return out;
  if (out.result.requires_grad()) out.result.backward();
  for (auto& [name, v] : out.variables)
    if (!std::isfinite(v.grad()))
      throw Failure{"the gradient with respect to " + name + " is not a finite number (" +
                        gl::cli::round_trip(v.grad()) + ")",
                    kEvaluationError};
  return out;
}

void print_grad(const Evaluated& e, bool json) {
  if (json) {
    nlohmann::ordered_json out;
    out["value"] = e.result.data();
    out["grad"] = nlohmann::ordered_json::object();
    for (auto& [name, v] : e.variables) out["grad"][name] = v.grad();
    std::cout << out.dump() << "\n";
    return;
  }
  std::size_t width = 8;
  for (auto& [name, v] : e.variables) width = std::max(width, name.size() + 2);
  std::cout << "value: " << gl::cli::round_trip(e.result.data()) << "\n";
  if (e.variables.empty()) return;
  std::printf("\n%-*s %-24s %s\n", static_cast<int>(width), "variable", "value", "gradient");
  for (auto& [name, v] : e.variables)
    std::printf("%-*s %-24s %s\n", static_cast<int>(width), name.c_str(),
                gl::cli::round_trip(v.data()).c_str(), gl::cli::round_trip(v.grad()).c_str());
}

// .html: the page that steps backward through the graph (graph_page.hpp).
bool wants_page(const std::string& path) {
  return path.size() > 5 && (path.ends_with(".html") || path.ends_with(".HTML"));
}

void write_page(const Evaluated& e, const std::string& expression, const std::string& path,
                const std::string& rankdir) {
  if (!e.result.requires_grad())
    throw Failure{"the expression has no variables, so there is no backward pass to step through", kUsageError};
  try {
    gl::cli::write_graph_page(e.result, expression, path,
                              rankdir == "TB" ? gl::viz::RankDir::TB : gl::viz::RankDir::LR);
  } catch (const std::exception& err) {  // too big to lay out (as a picture would be), an unwritable path
    throw Failure{err.what(), kEvaluationError};
  }
  std::cout << "wrote " << path << " (" << gl::engine::topological_order(*e.result.node()).size()
            << " nodes, value " << gl::cli::round_trip(e.result.data())
            << "; open it in a browser and press → to step backward)\n";
}

void write_graph(const Evaluated& e, const std::string& path, const std::string& rankdir,
                 bool no_grad) {
  gl::viz::RenderOptions options;
  options.dot.rankdir = rankdir == "TB" ? gl::viz::RankDir::TB : gl::viz::RankDir::LR;
  options.dot.show_grad = !no_grad;
  try {
    gl::viz::render(e.result, path, options);
  } catch (const std::invalid_argument& err) {  // unknown format
    throw Failure{err.what(), kUsageError};
  } catch (const std::exception& err) {  // unwritable path, too large
    throw Failure{err.what(), kEvaluationError};
  }
  std::cout << "wrote " << path << " (" << gl::engine::topological_order(*e.result.node()).size()
            << " nodes, value " << gl::cli::round_trip(e.result.data()) << ")\n";
}

}  // namespace

int main(int argc, char** argv) {
  if (!standard_descriptors_open()) {
    std::cerr << "gradlab: standard output is closed; nothing was done (the answer would be lost)\n";
    return kEvaluationError;
  }
  CLI::App app{"gradlab: the value, the gradients and the graph of an expression.\n"
               "Grammar: numbers, variables, + - * / ^ (right-associative; -x^2 is -(x^2)),\n"
               "unary -, parentheses, exp log tanh relu sigmoid sqrt sin cos.",
               "gradlab"};
  app.set_version_flag("--version", std::string("gradlab ") + GRADLAB_VERSION);
  app.require_subcommand(1);
  app.footer("Exit status: 0 done, 1 the expression cannot be evaluated or the file written,\n"
             "2 the command line or the expression is malformed.");

  std::string output, rankdir = "LR";
  std::vector<std::string> assignments;
  bool json = false, no_grad = false;

  CLI::App* grad = app.add_subcommand(
      "grad", "EXPRESSION [NAME=VALUE ...]: print the value and the gradient of each variable");
  grad->add_option("assignments", assignments, "NAME=VALUE for each variable, e.g. x=1 y=2");
  grad->add_flag("--json", json, "print one JSON object: {\"value\": v, \"grad\": {...}}");
  grad->footer("Example: gradlab grad \"x*y + sin(x)\" x=1 y=2");

  CLI::App* graph = app.add_subcommand(
      "graph", "EXPRESSION [NAME=VALUE ...] -o FILE: draw the graph after backward()");
  graph->add_option("assignments", assignments, "NAME=VALUE for each variable");
  graph->add_option("-o,--output", output,
                    "FILE.png, FILE.svg, FILE.dot, or FILE.html: a page stepping backward one node at a time")
      ->required();
  graph->add_option("--rankdir", rankdir, "LR (left to right) or TB (top to bottom)")
      ->check(CLI::IsMember({"LR", "TB"}));
  graph->add_flag("--no-grad", no_grad, "leave the gradients out of the picture");
  graph->footer("Example: gradlab graph \"tanh(x*w + b)\" x=2 w=-3 b=6.88 -o neuron.png\n"
                "         gradlab graph \"tanh(x*w + b)\" x=2 w=-3 b=6.88 -o neuron.html");

  // The expression is taken out first: it may begin with '-' like an option.
  gl::cli::SplitArguments split;
  try {
    split = gl::cli::take_expression({argv + 1, argv + argc}, {"grad", "graph"}, {"-o", "--output", "--rankdir"},
                                     {"--json", "--no-grad"});
  } catch (const std::invalid_argument& e) {
    std::cerr << "gradlab: " << e.what() << "\n";
    return kUsageError;
  }
  std::vector<std::string> args(split.rest.rbegin(), split.rest.rend());  // CLI11 takes them last first
  try {
    app.parse(args);
  } catch (const CLI::CallForHelp& e) {
    return finish_stdout(app.exit(e));
  } catch (const CLI::CallForAllHelp& e) {
    return finish_stdout(app.exit(e));
  } catch (const CLI::CallForVersion& e) {
    return finish_stdout(app.exit(e));
  } catch (const CLI::ParseError& e) {
    std::cerr << "gradlab: " << e.what() << " (see gradlab --help)\n";
    return kUsageError;
  }

  if (!split.has_expression) {
    std::cerr << "gradlab: " << (grad->parsed() ? "grad" : "graph")
              << ": missing the expression (see gradlab " << (grad->parsed() ? "grad" : "graph")
              << " --help)\n";
    return kUsageError;
  }
  try {
    const bool page = graph->parsed() && wants_page(output);
    Evaluated e = evaluate(split.expression, assignments, !page);
    if (grad->parsed()) print_grad(e, json);
    else if (page) write_page(e, split.expression, output, rankdir);
    else write_graph(e, output, rankdir, no_grad);
    return finish_stdout(0);
  } catch (const Failure& f) {
    std::cerr << "gradlab: " << f.message << "\n";
    return f.code;
  } catch (const std::exception& e) {
    std::cerr << "gradlab: " << e.what() << "\n";
    return kEvaluationError;
  }
}
