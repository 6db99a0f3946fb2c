// SPDX-License-Identifier: MIT
// A course's table of contents as one web page: for each chapter its
// number, its title linking to its page, one line, and a picture (inlined as
// a data URI, so the page fetches nothing), and the exercises with the
// chapter each follows. What the chapters are is the caller's: gradlab's
// course fills it from tutorials/course.txt (tutorials/course_index.cpp).
#pragma once

#include <string>
#include <vector>

namespace gradlab::viz {

struct CourseEntry {
  std::string number;        // "10"
  std::string title;         // "A language model of words"
  std::string summary;       // one line
  std::string href = {};     // its page, relative to the index ("10_language_model/index.html"); empty: none yet
  std::string picture = {};  // a PNG file to show beside it, or empty
};

struct CourseExercise {
  std::string number, title, after;  // after: the number of the chapter it follows
};

// The page, as text. Throws std::runtime_error naming the file when a
// picture cannot be read.
std::string course_index_page(const std::string& title, const std::vector<CourseEntry>& chapters,
                              const std::vector<CourseExercise>& exercises = {});

// Writes course_index_page() to path, whole or not at all.
void write_course_index(const std::string& path, const std::string& title, const std::vector<CourseEntry>& chapters,
                        const std::vector<CourseExercise>& exercises = {});

}  // namespace gradlab::viz
