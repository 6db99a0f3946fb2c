// SPDX-License-Identifier: MIT
// The course's index page (course_index.hpp): plain HTML and a little CSS,
// no script; every text through the one escaper, every picture a data URI,
// and a Content-Security-Policy that lets the page fetch nothing.
#include <gradlab/viz/course_index.hpp>

#include <sstream>

#include "escape.hpp"
#include "heatmap_tiles.hpp"
#include "io/atomic_file.hpp"
#include "io/input_file.hpp"

namespace gradlab::viz {

namespace {

std::string escape(const std::string& s) { return detail::escape_html(s); }

const char* kStyle = R"(
body { font-family: Helvetica, Arial, sans-serif; margin: 0 auto; max-width: 1100px; padding: 12px; color: #222; }
h1 { font-size: 24px; }
ol.chapters { list-style: none; padding: 0; }
ol.chapters li { display: flex; gap: 16px; align-items: center; border-bottom: 1px solid #ddd; padding: 8px 0; }
ol.chapters .number { font-size: 22px; color: #888; min-width: 2em; font-variant-numeric: tabular-nums; }
ol.chapters img { width: 220px; height: 130px; object-fit: contain; background: #fafafa; border: 1px solid #eee; }
ol.chapters .title { font-size: 17px; font-weight: bold; }
ol.chapters .summary { font-size: 14px; color: #444; margin-top: 4px; }
table.exercises { border-collapse: collapse; font-size: 14px; }
table.exercises td, table.exercises th { border: 1px solid #ccc; padding: 3px 8px; text-align: left; }
)";

}  // namespace

std::string course_index_page(const std::string& title, const std::vector<CourseEntry>& chapters,
                              const std::vector<CourseExercise>& exercises) {
  std::ostringstream os;
  os << "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
     << "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; img-src data:; "
        "style-src 'unsafe-inline'\">\n"
     << "<title>" << escape(title) << "</title>\n<style>" << kStyle << "</style>\n</head>\n<body>\n"
     << "<h1>" << escape(title) << "</h1>\n<ol class=\"chapters\">\n";
  for (const CourseEntry& c : chapters) {
    os << "<li class=\"chapter\" data-number=\"" << escape(c.number) << "\">\n<span class=\"number\">"
       << escape(c.number) << "</span>\n";
    if (!c.picture.empty()) {
      gradlab::detail::InputFile in(c.picture, "course_index_page: the picture", detail::kMaxPictureBytes);
      std::string img = "<img alt=\"chapter " + escape(c.number) + "\" src=\"data:image/png;base64," +
                        detail::base64(in.read_rest()) + "\">";
      os << (c.href.empty() ? img : "<a href=\"" + escape(c.href) + "\">" + img + "</a>") << "\n";
    }
    os << "<div>\n<div class=\"title\">"
       << (c.href.empty() ? escape(c.title) + " (no page yet)"
                          : "<a href=\"" + escape(c.href) + "\">" + escape(c.title) + "</a>")
       << "</div>\n<div class=\"summary\">" << escape(c.summary) << "</div>\n</div>\n</li>\n";
  }
  os << "</ol>\n";
  if (!exercises.empty()) {
    os << "<h2>Exercises</h2>\n<p>make exercise checks them (tutorials/exercises/).</p>\n"
       << "<table class=\"exercises\">\n<tr><th>#</th><th>exercise</th><th>after chapter</th></tr>\n";
    for (const CourseExercise& e : exercises)
      os << "<tr><td>" << escape(e.number) << "</td><td>" << escape(e.title) << "</td><td>" << escape(e.after)
         << "</td></tr>\n";
    os << "</table>\n";
  }
  os << "</body>\n</html>\n";
  return os.str();
}

void write_course_index(const std::string& path, const std::string& title, const std::vector<CourseEntry>& chapters,
                        const std::vector<CourseExercise>& exercises) {
  gradlab::detail::write_file_atomically(path, "write_course_index", course_index_page(title, chapters, exercises));
}

}  // namespace gradlab::viz
