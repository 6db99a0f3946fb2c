// SPDX-License-Identifier: MIT
// A progress line for a chapter's longer waits (training, evaluating), so
// that no wait of more than a moment is silent: in a terminal one line that
// redraws itself (at most every 0.1 s), in a log a line at each quarter
// once a second has passed; both end with how long it took.
// Only the standard library.
#pragma once

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <string>
#include <utility>

namespace course {

class Progress {
 public:
  // `what` names the wait ("training the MLP"); `total` counts its steps.
  Progress(std::ostream& out, std::string what, long total)
      : out_(out), what_(std::move(what)), total_(total > 0 ? total : 1),
        tty_(&out == &std::cout && isatty(STDOUT_FILENO) != 0), start_(Clock::now()), last_(start_) {}
  // `done` steps of total are done; `note` says how it goes ("loss 2.31").
  void tick(long done, const std::string& note = "") {
    const auto now = Clock::now();
    if (tty_) {
      if (now - last_ < std::chrono::milliseconds(100) && done < total_) return;
      last_ = now;
      out_ << "\r  " << what_ << ": " << bar(done) << " " << done << "/" << total_
           << (note.empty() ? "" : "  " + note) << "   " << std::flush;
    } else {  // a log: a line at each quarter, once the wait has lasted a second
      const long quarter = 4 * done / total_;
      if (quarter <= quarter_ || done >= total_ || seconds() < 1.0) return;
      quarter_ = quarter;
      out_ << "  " << what_ << ": " << done << "/" << total_ << (note.empty() ? "" : "  " + note) << "\n"
           << std::flush;
    }
  }
  // The end: the line says how long the wait took.
  void finish(const std::string& note = "") {
    char took[64];
    std::snprintf(took, sizeof took, "%.1f s", seconds());
    if (tty_) out_ << "\r  " << what_ << ": " << bar(total_) << " done in " << took
                   << (note.empty() ? "" : ", " + note) << std::string(12, ' ') << "\n";
    else out_ << "  " << what_ << ": done in " << took << (note.empty() ? "" : ", " + note) << "\n";
    out_ << std::flush;
  }
  double seconds() const { return std::chrono::duration<double>(Clock::now() - start_).count(); }

 private:
  using Clock = std::chrono::steady_clock;
  std::string bar(long done) const {
    const long filled = std::clamp(20 * done / total_, 0L, 20L);
    std::string b(22, '.');
    b.front() = '[';
    b.back() = ']';
    for (long i = 0; i < filled; ++i) b[static_cast<std::size_t>(i + 1)] = '#';
    return b;
  }
  std::ostream& out_;
  std::string what_;
  long total_;
  bool tty_;
  Clock::time_point start_, last_;
  long quarter_ = 0;
};

}  // namespace course
