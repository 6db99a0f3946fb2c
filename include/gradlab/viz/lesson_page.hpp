// SPDX-License-Identifier: MIT
// A lesson as one web page: the frames a Lesson records (text, picture, the
// tape rows of a backward step) written into a single HTML file that steps
// through them in any browser, offline. Pictures are inlined (SVG markup, or
// PNG as a data URI), so the file can be mailed or put on a slide.
#pragma once

#include <string>
#include <vector>

#include <gradlab/viz/tape.hpp>

namespace gradlab::viz {

// The rows of one backward step, as the terminal prints them.
struct TapeTable {
  std::vector<std::string> header = {};            // column names
  std::vector<std::vector<std::string>> rows = {}; // one per operand (per use)
};

// A backward step's rows, as print_tape_step prints them (tape_table.cpp).
TapeTable tape_table(const TapeStep& step);
TapeTable tape_table(const TensorTapeStep& step);

// One step of a lesson, as recorded.
struct Frame {
  std::string text = {};       // the explanation, as printed in the terminal
  std::string checks = {};     // the check lines printed under it
  std::string svg = {};        // the picture as SVG markup, or empty
  std::string png = {};        // else the path of a PNG picture (embedded), or empty
  TapeTable tape = {};         // a backward step's table, else empty
  std::string highlight = {};  // the node a backward step sweeps (its name), else empty
};

// A link a page shows above its steps: where to (relative, as
// "../index.html"), and its text. An empty href is left out.
struct PageLink {
  std::string href = {}, text = {};
};
// A course's links: its index, the page before and the page after.
struct PageLinks {
  PageLink index = {}, previous = {}, next = {};
};

// The page itself, as text: a title, the links (when given), then every
// frame in a <section>, one shown at a time, with next/back buttons, the
// arrow keys, a step counter, a slider and the URL fragment #step-K (K from
// 1). A picture is shown at the page's width; a click on it opens it at
// full size (scroll to pan, a click again to fit). Throws
// std::runtime_error naming the file when a frame's PNG cannot be read.
std::string lesson_page(const std::string& title, const std::vector<Frame>& frames, const PageLinks& links = {});

// Writes lesson_page() to path, whole or not at all (std::runtime_error
// naming the path on failure).
void write_lesson_page(const std::string& path, const std::string& title, const std::vector<Frame>& frames,
                       const PageLinks& links = {});

}  // namespace gradlab::viz
