// SPDX-License-Identifier: MIT
// A backward step's tape as the rows of a table (lesson_page.hpp): the same
// columns and numbers print_tape_step writes to the terminal, one cell each.

#include <cstdio>

#include <gradlab/viz/lesson_page.hpp>
#include <gradlab/number_text.hpp>

namespace gradlab::viz {

// One row per operand and per use (tape_rows), as print_tape_step prints them.
TapeTable tape_table(const TapeStep& step) {
  TapeTable t{{"node", "op", "upstream", "operand", "local d", "contribution", "accumulated"}, {}};
  for (const TapeRow& r : tape_rows(step)) {
    bool first = t.rows.empty();
    t.rows.push_back({first ? step.name : "", first ? step.op : "", first ? four_decimals(step.upstream) : "", r.operand,
                      four_decimals(r.local), four_decimals(r.contribution), four_decimals(r.accumulated)});
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
