// SPDX-License-Identifier: MIT
// A backward step's tape as the rows of a table (lesson_page.hpp): the same
// columns and numbers print_tape_step writes to the terminal, one cell each.

#include <cstdio>

#include <gradlab/viz/lesson_page.hpp>

namespace gradlab::viz {

namespace {
std::string four(double x) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.4f", x);
  return buf;
}
}  // namespace

// An operand used k times gets k rows, each adding its own contribution, so
// that the accumulated column shows the sum arriving (as print_tape_step).
TapeTable tape_table(const TapeStep& step) {
  TapeTable t{{"node", "op", "upstream", "operand", "local d", "contribution", "accumulated"}, {}};
  for (const TapeEdge& e : step.edges) {
    double so_far = e.accumulated - e.contribution;  // before this step
    for (std::size_t k = 0; k < e.local_each.size(); ++k) {
      std::string operand = e.name + (e.uses > 1 ? " (use " + std::to_string(k + 1) + ")" : "");
      double local = e.local_each[k], contribution = step.upstream * local;
      so_far += contribution;
      double accumulated = k + 1 == e.local_each.size() ? e.accumulated : so_far;
      bool first = t.rows.empty();
      t.rows.push_back({first ? step.name : "", first ? step.op : "", first ? four(step.upstream) : "", operand,
                        four(local), four(contribution), four(accumulated)});
    }
  }
  return t;
}

TapeTable tape_table(const TensorTapeStep& step) {
  TapeTable t{{"node", "op", "upstream", "operand", "contribution (+=)", "gradient now"}, {}};
  for (const TensorTapeEdge& e : step.edges) {
    bool first = t.rows.empty();
    t.rows.push_back({first ? step.name : "", first ? step.op : "", first ? step.upstream : "", e.name,
                      e.contribution, e.accumulated});
  }
  return t;
}

}  // namespace gradlab::viz
