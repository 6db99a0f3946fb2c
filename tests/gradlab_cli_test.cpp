// SPDX-License-Identifier: MIT
// The `gradlab` command, run as a user runs it: outputs, JSON, pictures, and
// every bad input with its message, exit status and empty stdout.
#include <boost/test/unit_test.hpp>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

#include <nlohmann/json.hpp>

namespace fs = std::filesystem;

namespace {

struct Result {
  int code;
  std::string out, err;
};

std::string read(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

// Where the command's stdout goes: a file of the test's (captured), another
// path (as "/dev/full"), or nowhere (a closed descriptor).
struct Stdout {
  enum { captured, path, closed } to = captured;
  std::string file = {};
};

// Runs the command with `args`, no shell in between, and captures both streams.
Result run(const std::vector<std::string>& args, const Stdout& stdout_to = {}) {
  fs::path dir = fs::temp_directory_path() / ("gradlab_cli_test_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  fs::path out = dir / "out", err = dir / "err";
  std::cout.flush();  // or the child would print the parent's buffered text again
  std::fflush(nullptr);
  pid_t pid = ::fork();
  if (pid == 0) {
    if (stdout_to.to == Stdout::closed) ::close(1);
    else std::freopen(stdout_to.to == Stdout::path ? stdout_to.file.c_str() : out.c_str(), "w", stdout);
    std::freopen(err.c_str(), "w", stderr);
    std::vector<char*> argv{const_cast<char*>(GRADLAB_CLI)};
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    ::execv(GRADLAB_CLI, argv.data());
    ::_exit(127);
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  Result r{WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status), read(out), read(err)};
  fs::remove_all(dir);
  return r;
}

// A bad input: non-zero exit, nothing on stdout, and stderr's first line.
std::string failure(const std::vector<std::string>& args, int code) {
  Result r = run(args);
  BOOST_TEST(r.code == code);
  BOOST_TEST(r.out == "");
  return r.err.substr(0, r.err.find('\n'));
}

}  // namespace

BOOST_AUTO_TEST_SUITE(gradlab_cli_test)

BOOST_AUTO_TEST_CASE(grad_prints_a_table) {
  Result r = run({"grad", "x*y + sin(x)", "x=1", "y=2"});
  BOOST_TEST(r.code == 0);
  BOOST_TEST(r.err == "");
  BOOST_TEST(r.out.find("value: 2.8414709848078967") != std::string::npos);
  BOOST_TEST(r.out.find("x        1                        2.5403023058681398") != std::string::npos);
  BOOST_TEST(r.out.find("y        2                        1") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(json_is_one_object_that_round_trips) {
  Result r = run({"grad", "x*y + sin(x)", "x=1", "y=2", "unused=7", "--json"});
  BOOST_TEST(r.code == 0);
  auto j = nlohmann::json::parse(r.out);
  BOOST_TEST(j.size() == 2u);
  BOOST_TEST(j["value"].get<double>() == 2.0 + std::sin(1.0));  // exactly: 17 digits round-trip
  BOOST_TEST(j["grad"]["x"].get<double>() == 2.0 + std::cos(1.0));
  BOOST_TEST(j["grad"]["y"].get<double>() == 1.0);
  BOOST_TEST(j["grad"]["unused"].get<double>() == 0.0);  // named but unused: 0
  BOOST_TEST(r.out.back() == '\n');
  BOOST_TEST(std::count(r.out.begin(), r.out.end(), '\n') == 1);
}

BOOST_AUTO_TEST_CASE(an_expression_may_begin_with_minus) {
  for (auto args : {std::vector<std::string>{"grad", "-x^2", "x=3", "--json"},
                    std::vector<std::string>{"grad", "--json", "--", "-x^2", "x=3"}}) {
    Result r = run(args);
    BOOST_TEST(r.code == 0);
    auto j = nlohmann::json::parse(r.out);
    BOOST_TEST(j["value"].get<double>() == -9.0);
    BOOST_TEST(j["grad"]["x"].get<double>() == -6.0);
  }
  Result r = run({"grad", "2^-x", "x=-1", "--json"});
  BOOST_TEST(nlohmann::json::parse(r.out)["value"].get<double>() == 2.0);
}

BOOST_AUTO_TEST_CASE(graph_writes_png_svg_and_dot) {
  fs::path dir = fs::temp_directory_path() / ("gradlab_cli_graph_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  Result png = run({"graph", "tanh(x*w + b)", "x=2", "w=-3", "b=6.8813735870195432", "-o",
                    (dir / "n.png").string()});
  BOOST_TEST(png.code == 0);
  BOOST_TEST(read(dir / "n.png").substr(1, 3) == "PNG");
  Result svg = run({"graph", "x^2", "x=3", "-o", (dir / "n.svg").string(), "--rankdir", "TB"});
  BOOST_TEST(svg.code == 0);
  BOOST_TEST(read(dir / "n.svg").find("<svg") != std::string::npos);
  Result dot = run({"graph", "x*x", "x=3", "--output", (dir / "n.dot").string(), "--no-grad"});
  BOOST_TEST(dot.code == 0);
  std::string text = read(dir / "n.dot");
  BOOST_TEST(text.find("{ x | data 3.0000 }") != std::string::npos);  // named, no grad
  BOOST_TEST(text.find("rankdir=LR") != std::string::npos);
  BOOST_TEST(text.find("×2") != std::string::npos);
  fs::remove_all(dir);
}

BOOST_AUTO_TEST_CASE(graph_writes_a_page_stepping_backward) {
  fs::path dir = fs::temp_directory_path() / ("gradlab_cli_page_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  Result r = run({"graph", "x*y + x", "x=2", "y=3", "-o", (dir / "p.html").string()});
  BOOST_TEST(r.code == 0);
  BOOST_TEST(r.out.find("press →") != std::string::npos);
  std::string page = read(dir / "p.html");
  auto count = [&](const std::string& what) {
    std::size_t n = 0;
    for (std::size_t at = page.find(what); at != std::string::npos; at = page.find(what, at + 1)) ++n;
    return n;
  };
  // The forward graph, one frame per op (+ then *), and the gradients at the end.
  BOOST_TEST(count("<section class=\"frame\"") == 4u);
  BOOST_TEST(count("<svg") == 4u);
  BOOST_TEST(count("<table class=\"tape\">") == 2u);
  BOOST_TEST(page.find("d(result)/dx = 4.0000") != std::string::npos);  // y + 1
  BOOST_TEST(page.find("d(result)/dy = 2.0000") != std::string::npos);
  BOOST_TEST(page.find("http") == page.find("http-equiv"));  // nothing fetched
  BOOST_TEST(run({"graph", "2*3", "-o", (dir / "c.html").string()}).code == 2);  // nothing to step
  fs::remove_all(dir);
}

BOOST_AUTO_TEST_CASE(version_and_help) {
  Result v = run({"--version"});
  BOOST_TEST(v.code == 0);
  BOOST_TEST(v.out.rfind("gradlab 0.", 0) == 0u);
  Result h = run({"grad", "--help"});
  BOOST_TEST(h.code == 0);
  BOOST_TEST(h.out.find("--json") != std::string::npos);
  BOOST_TEST(run({"--help"}).out.find("graph") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(malformed_expressions) {
  BOOST_TEST(failure({"grad", "", "x=1"}, 2) == "gradlab: empty expression at position 1");
  BOOST_TEST(failure({"grad", "  ", "x=1"}, 2) == "gradlab: empty expression at position 1");
  BOOST_TEST(failure({"grad", "(x", "x=1"}, 2) ==
             "gradlab: unbalanced '(': no ')' closes it at position 1");
  BOOST_TEST(failure({"grad", "x +", "x=1"}, 2) ==
             "gradlab: expected an operand after '+' but the expression ended at position 4");
  BOOST_TEST(failure({"grad", "x + + y", "x=1"}, 2).find("found '+'") != std::string::npos);
  BOOST_TEST(failure({"grad", "x ** 2", "x=1"}, 2) ==
             "gradlab: '**' is not an operator; write powers with ^ at position 3");
  BOOST_TEST(failure({"grad", "foo(x)", "x=1"}, 2) == "gradlab: unknown function 'foo' at position 1");
  BOOST_TEST(failure({"grad", "exp x", "x=1"}, 2) ==
             "gradlab: function 'exp' needs parentheses: exp(...) at position 1");
  Result caret = run({"grad", "x + * y", "x=1", "y=1"});
  BOOST_TEST(caret.err == "gradlab: expected a number, a name or '(' but found '*' at position 5\n"
                          "  x + * y\n      ^\n");
  std::string deep = std::string(50000, '(') + "x" + std::string(50000, ')');
  BOOST_TEST(failure({"grad", deep, "x=1"}, 2).find("nests deeper than 256 levels") !=
             std::string::npos);
  BOOST_TEST(failure({"grad"}, 2) == "gradlab: grad: missing the expression (see gradlab grad --help)");
}

BOOST_AUTO_TEST_CASE(malformed_assignments) {
  BOOST_TEST(failure({"grad", "y", "x=1"}, 2) == "gradlab: variable 'y' has no value (give y=NUMBER)");
  BOOST_TEST(failure({"grad", "x", "x=1", "x=2"}, 2) == "gradlab: variable 'x' is given twice");
  BOOST_TEST(failure({"grad", "x", "x"}, 2) == "gradlab: malformed argument 'x': expected NAME=VALUE");
  BOOST_TEST(failure({"grad", "x", "=3"}, 2) ==
             "gradlab: malformed argument '=3': NAME must be a variable name like x or w_1");
  BOOST_TEST(failure({"grad", "x", "x=abc"}, 2) == "gradlab: malformed argument 'x=abc': 'abc' is not a number");
  BOOST_TEST(failure({"grad", "x", "x="}, 2) == "gradlab: malformed argument 'x=': '' is not a number");
  for (std::string bad : {"inf", "nan", "-inf", "1e999"})
    BOOST_TEST(failure({"grad", "x", "x=" + bad}, 2) ==
               "gradlab: malformed argument 'x=" + bad + "': '" + bad + "' is not a finite number");
  BOOST_TEST(failure({"grad", "x", "exp=1"}, 2) ==
             "gradlab: malformed argument 'exp=1': 'exp' is a function, not a variable");
}

BOOST_AUTO_TEST_CASE(domain_errors_and_overflow) {
  BOOST_TEST(failure({"grad", "log(x)", "x=-1"}, 1) == "gradlab: log: input must be positive, got -1");
  BOOST_TEST(failure({"grad", "1/x", "x=0"}, 1) == "gradlab: div: division by zero (1 / 0)");
  BOOST_TEST(failure({"grad", "x/(x-x)", "x=1"}, 1) == "gradlab: div: division by zero (1 / 0)");
  BOOST_TEST(failure({"grad", "exp(x)", "x=1000"}, 1) ==
             "gradlab: the value is not a finite number (inf): the expression overflows or is "
             "undefined here");
  BOOST_TEST(failure({"grad", "sqrt(x)", "x=0"}, 1) ==
             "gradlab: the gradient with respect to x is not a finite number (inf)");
}

BOOST_AUTO_TEST_CASE(bad_command_lines) {
  BOOST_TEST(failure({}, 2).rfind("gradlab: A subcommand is required", 0) == 0u);
  BOOST_TEST(failure({"grad", "x", "x=1", "--bogus"}, 2).find("--bogus") != std::string::npos);
  BOOST_TEST(failure({"graph", "x", "x=1"}, 2).find("--output") != std::string::npos);
  BOOST_TEST(failure({"graph", "x", "x=1", "-o", "g.png", "--rankdir", "XY"}, 2).find("XY") !=
             std::string::npos);
  BOOST_TEST(failure({"graph", "x", "x=1", "-o", "g.jpg"}, 2) ==
             "gradlab: render: unknown format 'jpg' for 'g.jpg' (use .png, .svg or .dot)");
  BOOST_TEST(failure({"graph", "x", "x=1", "-o", "/nonexistent/dir/g.png"}, 1) ==
             "gradlab: render: cannot write '/nonexistent/dir/g.png': No such file or directory");
  std::string fanout = "x";
  for (int i = 0; i < 300; ++i) fanout += "+x";
  BOOST_TEST(failure({"graph", fanout, "x=1", "-o", "g.png"}, 1).find("max_skipped_layers") !=
             std::string::npos);
  BOOST_TEST(!fs::exists("g.png"));
}

BOOST_AUTO_TEST_CASE(an_answer_that_cannot_be_written_is_a_failure) {
  // A full disk, or a closed stdout: exit 1 with a message, never 0 with the answer lost.
  const std::string lost = "gradlab: cannot write to standard output (No space left on device); the answer is lost\n";
  const std::string closed = "gradlab: standard output is closed; nothing was done (the answer would be lost)\n";
  for (auto args : {std::vector<std::string>{"grad", "x*y", "x=1", "y=2", "--json"},
                    std::vector<std::string>{"grad", "x*y", "x=1", "y=2"}, std::vector<std::string>{"--help"},
                    std::vector<std::string>{"--version"}}) {
    Result full = run(args, {Stdout::path, "/dev/full"});
    BOOST_TEST(full.code == 1, args[0]);
    // The reason, when the last write saw it (CLI11 flushes --version's line itself).
    BOOST_TEST((full.err == lost || full.err == "gradlab: cannot write to standard output; the answer is lost\n"),
               full.err);
    Result none = run(args, {Stdout::closed});
    BOOST_TEST(none.code == 1, args[0]);
    BOOST_TEST(none.err == closed);
  }
  // The picture is written, but its report is lost: still a failure; with
  // stdout closed nothing is written (a file opened there would get the report).
  fs::path dir = fs::temp_directory_path() / ("gradlab_cli_stdout_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  Result full = run({"graph", "x*x", "x=3", "-o", (dir / "g.svg").string()}, {Stdout::path, "/dev/full"});
  BOOST_TEST(full.code == 1);
  BOOST_TEST(full.err == lost);
  BOOST_TEST(read(dir / "g.svg").find("<svg") != std::string::npos);
  Result none = run({"graph", "x*x", "x=3", "-o", (dir / "h.svg").string()}, {Stdout::closed});
  BOOST_TEST(none.code == 1);
  BOOST_TEST(!fs::exists(dir / "h.svg"));
  fs::remove_all(dir);
}

BOOST_AUTO_TEST_CASE(an_option_without_its_value_is_named) {
  BOOST_TEST(failure({"graph", "x", "x=1", "-o", "g.png", "--rankdir="}, 2) ==
             "gradlab: --rankdir is given no value after '='; write --rankdir=VALUE (see gradlab graph --help)");
  BOOST_TEST(failure({"graph", "x", "x=1", "--rankdir=", "-o", "g.png"}, 2) ==
             "gradlab: --rankdir is given no value after '='; write --rankdir=VALUE (see gradlab graph --help)");
  BOOST_TEST(failure({"graph", "x", "x=1", "--rankdir", "-o", "g.png"}, 2) ==
             "gradlab: --rankdir needs a value, but the option -o follows it (see gradlab graph --help)");
  BOOST_TEST(failure({"graph", "x", "--output=", "x=1"}, 2) ==
             "gradlab: --output is given no value after '='; write --output=VALUE (see gradlab graph --help)");
  BOOST_TEST(!fs::exists("g.png"));
}

BOOST_AUTO_TEST_CASE(a_page_too_big_to_lay_out_is_refused_at_once) {
  // x + x + ... + x, 50 terms, as a page: 51 frames of one picture that is
  // itself too big; it ran past 120 s, as .svg it was refused at once.
  std::string sum = "x";
  for (int i = 1; i < 50; ++i) sum += "+x";
  for (const char* file : {"p.html", "p.svg"}) {
    auto start = std::chrono::steady_clock::now();
    std::string msg = failure({"graph", sum, "x=1", "-o", file}, 1);  // too big to draw, page or picture alike
    BOOST_TEST(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() < 2.0, file);
    BOOST_TEST(!fs::exists(file));
    if (std::string(file) == "p.html") {
      BOOST_TEST(msg.find("which the frames of a page share") != std::string::npos, msg);
      BOOST_TEST(msg.find("write -o FILE.svg or -o FILE.png for one picture") != std::string::npos, msg);
    }
  }
}

BOOST_AUTO_TEST_SUITE_END()
