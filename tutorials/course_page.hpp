// SPDX-License-Identifier: MIT
// A chapter's page in the course: its title and its links (the index and
// the chapters before and after it) from the course's one table
// (course_table.hpp, generated from course.txt). Stepping chapters run
// through run_lesson(); training chapters write their frames with
// write_page().
#pragma once

#include <functional>
#include <string>
#include <vector>

#include <gradlab/viz/lesson.hpp>
#include <gradlab/viz/lesson_page.hpp>

#include "course_table.hpp"

namespace course {

// "10 A language model of words": a page's title.
inline std::string title(const Chapter& c) { return number(c) + " " + std::string(c.title); }

// A page's links, relative to its folder out/NN_name/: the index is
// out/index.html, a neighbour's page out/MM_other/index.html.
inline gradlab::viz::PageLinks links(const Chapter& c) {
  gradlab::viz::PageLinks l;
  l.index = {"../index.html", "the course"};
  const auto count = static_cast<int>(std::size(kChapters));
  if (c.number > 1) {
    const Chapter& p = kChapters[c.number - 2];
    l.previous = {"../" + std::string(p.name) + "/index.html", title(p)};
  }
  if (c.number < count) {
    const Chapter& n = kChapters[c.number];
    l.next = {"../" + std::string(n.name) + "/index.html", title(n)};
  }
  return l;
}

#ifdef GRADLAB_CHAPTER
// A stepping chapter's main(): Lesson::run under the chapter's own name,
// its page titled and linked as the table says.
inline int run_lesson(int argc, char** argv, const std::function<void(gradlab::viz::Lesson&)>& body) {
  const Chapter& c = here();
  return gradlab::viz::Lesson::run(std::string(c.name), argc, argv, [&](gradlab::viz::Lesson& lesson) {
    lesson.set_page(title(c), links(c));
    body(lesson);
  });
}

// A training chapter's page: its frames (text and a picture each) written
// to dir/index.html.
inline std::string write_page(const std::string& dir, const std::vector<gradlab::viz::Frame>& frames) {
  const Chapter& c = here();
  const std::string path = dir + "/index.html";
  gradlab::viz::write_lesson_page(path, title(c), frames, links(c));
  return path;
}
#endif

}  // namespace course
