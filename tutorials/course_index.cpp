// SPDX-License-Identifier: MIT
// The course's index: out/index.html, one line and a picture for every
// chapter of course.txt, each linking to the chapter's page
// (out/NN_name/index.html, written when the chapter ran), and the
// exercises. `make course` runs every chapter, then this.
//   build/tutorials/course_index [folder]     (default: out)
// A chapter's picture is its last step's (step_NN.png), or, for a chapter
// that trains and does not step, its attention maps, its misclassified
// digits or its loss curve. Exit status 1 when a chapter has no page yet
// (the index is written all the same, that chapter without a link).
#include <algorithm>
#include <filesystem>
#include <iostream>
#include <string>
#include <vector>

#include <gradlab/viz/course_index.hpp>

#include "course_page.hpp"

namespace fs = std::filesystem;

namespace {

// The picture the index shows for the chapter in `dir`, or empty.
std::string picture_of(const fs::path& dir) {
  std::vector<std::string> steps;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    const std::string name = e.path().filename().string();
    if (name.rfind("step_", 0) == 0 && e.path().extension() == ".png") steps.push_back(name);
  }
  if (!steps.empty()) {  // step_02.png < step_10.png: the numbers have two digits or more
    std::sort(steps.begin(), steps.end(), [](const std::string& a, const std::string& b) {
      return a.size() != b.size() ? a.size() < b.size() : a < b;
    });
    return (dir / steps.back()).string();
  }
  for (const char* name : {"attention.png", "misclassified.png", "loss.png"})
    if (fs::is_regular_file(dir / name)) return (dir / name).string();
  return "";
}

}  // namespace

int main(int argc, char** argv) {
  std::string folder = "out";
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--help" || a == "-h") {
      std::cout << "usage: course_index [folder]\n"
                   "  Writes folder/index.html (default out/index.html): the course's table of contents,\n"
                   "  linking the page each chapter wrote to folder/NN_name/index.html (make course).\n";
      return std::cout.flush() ? 0 : 1;
    }
    if (a.rfind("-", 0) == 0 || i + 1 != argc) {
      std::cerr << "usage: course_index [folder]\n";
      return 2;
    }
    folder = a;
  }
  std::vector<gradlab::viz::CourseEntry> chapters;
  int missing = 0;
  for (const course::Chapter& c : course::kChapters) {
    const fs::path dir = fs::path(folder) / std::string(c.name);
    gradlab::viz::CourseEntry e{course::number(c), std::string(c.title), std::string(c.summary)};
    if (fs::is_regular_file(dir / "index.html")) {
      e.href = std::string(c.name) + "/index.html";
      e.picture = picture_of(dir);
    } else {
      ++missing;
      std::cerr << "course_index: " << (dir / "index.html").string() << " is not there yet: make tutorial N="
                << c.number << " writes it\n";
    }
    chapters.push_back(e);
  }
  std::vector<gradlab::viz::CourseExercise> exercises;
  for (const course::Exercise& e : course::kExercises)
    exercises.push_back({std::to_string(e.number), std::string(e.title), course::title(course::kChapters[e.after - 1])});
  const std::string path = (fs::path(folder) / "index.html").string();
  try {
    fs::create_directories(folder);
    gradlab::viz::write_course_index(path, "gradlab: the course", chapters, exercises);
  } catch (const std::exception& e) {
    std::cerr << "course_index: " << e.what() << "\n";
    return 1;
  }
  std::cout << "course index: " << path << " (" << std::size(course::kChapters) - missing << " of "
            << std::size(course::kChapters) << " chapters have a page)\n";
  return missing == 0 ? 0 : 1;
}
