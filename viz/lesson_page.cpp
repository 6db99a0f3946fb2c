// SPDX-License-Identifier: MIT
// The page of lesson_page.hpp: plain HTML, a little CSS and a short script,
// all in one file. It only reads the frames; it lays nothing out (the SVG
// markup comes drawn) and fetches nothing (a Content-Security-Policy says
// so to the browser too).

#include <gradlab/viz/lesson_page.hpp>

#include <sstream>
#include <stdexcept>

#include "io/atomic_file.hpp"
#include "io/input_file.hpp"
#include "escape.hpp"
#include "heatmap_tiles.hpp"

namespace gradlab::viz {

namespace {

std::string escape(const std::string& s) { return detail::escape_html(s); }  // the one escaper

// A frame's PNG, through the library's checked opener: a FIFO, a device or a
// file bigger than any picture render draws is refused, never waited on.
std::string read_picture(const std::string& path) {
  gradlab::detail::InputFile in(path, "lesson_page: the picture", detail::kMaxPictureBytes);
  return in.read_rest();
}

// Graphviz's SVG starts with an XML declaration and a DOCTYPE, which HTML
// does not want inline; the <svg> element itself is kept. Its ids (node1,
// edge1, ...) repeat in every frame, so they become data attributes.
std::string inline_svg(const std::string& svg) {
  std::size_t start = svg.find("<svg");
  std::string out = start == std::string::npos ? svg : svg.substr(start);
  std::string renamed;
  for (std::size_t i = 0; i < out.size(); ++i) {
    if (out.compare(i, 5, " id=\"") == 0) {
      renamed += " data-id=\"";
      i += 4;
    } else {
      renamed += out[i];
    }
  }
  return renamed;
}

const char* kStyle = R"(
body { font-family: Helvetica, Arial, sans-serif; margin: 0; color: #222; }
header { position: sticky; top: 0; background: #f4f4f4; border-bottom: 1px solid #ccc; padding: 6px 12px; }
h1 { font-size: 18px; margin: 0 0 4px 0; }
nav { display: flex; gap: 10px; align-items: center; }
nav input[type=range] { flex: 1; }
#counter { min-width: 9em; font-variant-numeric: tabular-nums; }
main { padding: 8px 12px; }
pre { white-space: pre-wrap; font-size: 14px; margin: 6px 0; }
pre.checks { color: #1a6b1a; }
table.tape { border-collapse: collapse; font-size: 13px; margin: 6px 0; }
table.tape th, table.tape td { border: 1px solid #bbb; padding: 2px 8px; text-align: right; font-family: monospace; }
table.tape td { white-space: pre; vertical-align: top; }  /* a small tensor's numbers: a grid */
table.tape th { background: #eee; }
.picture svg, .picture img { max-width: 100%; height: auto; cursor: zoom-in; }
.picture.full { overflow: auto; max-height: 85vh; border: 1px solid #ccc; }
.picture.full svg, .picture.full img { max-width: none; cursor: zoom-out; }
.links { display: flex; gap: 18px; font-size: 14px; margin-bottom: 4px; }
.links a[rel=next] { margin-left: auto; }
)";

// The whole script. Kept short so a learner can read it too.
const char* kScript = R"(
// Stepping through the frames: one section of class "frame" is shown at a
// time. The buttons, the arrow keys, the slider and the URL fragment
// (#step-7) all call show(), the one place that changes what is on screen.
const frames = document.querySelectorAll('section.frame');
const counter = document.getElementById('counter');
const slider = document.getElementById('slider');
const back = document.getElementById('back');
const next = document.getElementById('next');
let current = -1;  // the frame on screen, counted from 0

function show(k) {
  k = Math.max(0, Math.min(frames.length - 1, k));
  if (k === current || frames.length === 0) return;
  frames.forEach((frame, i) => { frame.hidden = i !== k; });
  current = k;
  counter.textContent = 'step ' + (k + 1) + ' of ' + frames.length;
  slider.value = k + 1;
  back.disabled = k === 0;
  next.disabled = k === frames.length - 1;
  // The address names the step, so a teacher can link to it.
  history.replaceState(null, '', '#step-' + (k + 1));
}

// "#step-7" is frame 6 (steps count from 1); anything else is the first.
function fromHash() {
  const m = /^#step-(\d+)$/.exec(location.hash);
  return m ? Number(m[1]) - 1 : 0;
}

back.onclick = () => show(current - 1);
next.onclick = () => show(current + 1);
slider.oninput = () => show(Number(slider.value) - 1);
document.onkeydown = (e) => {
  if (e.key === 'ArrowRight') show(current + 1);
  else if (e.key === 'ArrowLeft') show(current - 1);
  else return;
  e.preventDefault();  // the slider must not move a second time
};
window.onhashchange = () => show(fromHash());
// A click on a picture shows it at full size, in a box that scrolls (pan);
// a click again fits it to the page's width.
document.querySelectorAll('.picture').forEach((p) => {
  p.onclick = () => p.classList.toggle('full');
});
show(fromHash());
)";

void put_table(std::ostringstream& os, const TapeTable& t) {
  os << "<table class=\"tape\">\n<tr>";
  for (const std::string& h : t.header) os << "<th>" << escape(h) << "</th>";
  os << "</tr>\n";
  for (const auto& row : t.rows) {
    os << "<tr>";
    for (const std::string& cell : row) os << "<td>" << escape(cell) << "</td>";
    os << "</tr>\n";
  }
  os << "</table>\n";
}

}  // namespace

// The course's links, one line above the steps: index, previous, next.
void put_links(std::ostringstream& os, const PageLinks& links) {
  if (links.index.href.empty() && links.previous.href.empty() && links.next.href.empty()) return;
  os << "<div class=\"links\">";
  auto link = [&](const PageLink& l, const char* rel, const char* before, const char* after) {
    if (!l.href.empty())
      os << "<a rel=\"" << rel << "\" href=\"" << escape(l.href) << "\">" << before << escape(l.text) << after
         << "</a>";
  };
  link(links.previous, "prev", "← ", "");
  link(links.index, "index", "", "");
  link(links.next, "next", "", " →");
  os << "</div>\n";
}

std::string lesson_page(const std::string& title, const std::vector<Frame>& frames, const PageLinks& links) {
  std::ostringstream os;
  const std::string n = std::to_string(frames.size());
  os << "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
     // Nothing may be fetched: pictures are data, the script and style inline.
     << "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; img-src data:; "
        "style-src 'unsafe-inline'; script-src 'unsafe-inline'\">\n"
     << "<title>" << escape(title) << "</title>\n<style>" << kStyle << "</style>\n</head>\n<body>\n"
     << "<header>\n";
  put_links(os, links);
  os << "<h1>" << escape(title) << "</h1>\n<nav>\n"
     << "<button id=\"back\" title=\"← key\">← back</button>\n"
     << "<span id=\"counter\">step 1 of " << n << "</span>\n"
     << "<button id=\"next\" title=\"→ key\">next →</button>\n"
     << "<input type=\"range\" id=\"slider\" min=\"1\" max=\"" << n << "\" value=\"1\" aria-label=\"step\">\n"
     << "</nav>\n</header>\n<main>\n";
  if (frames.empty()) os << "<p>This lesson has no steps.</p>\n";
  for (std::size_t k = 0; k < frames.size(); ++k) {
    const Frame& f = frames[k];
    os << "<section class=\"frame\" data-step=\"" << k + 1 << "\" data-highlight=\"" << escape(f.highlight)
       << "\"" << (k ? " hidden" : "") << ">\n";
    os << "<pre class=\"text\">" << escape(f.text) << "</pre>\n";
    if (!f.tape.rows.empty()) put_table(os, f.tape);
    if (!f.checks.empty()) os << "<pre class=\"checks\">" << escape(f.checks) << "</pre>\n";
    if (!f.svg.empty()) os << "<div class=\"picture\">\n" << inline_svg(f.svg) << "</div>\n";
    else if (!f.png.empty())
      os << "<div class=\"picture\"><img alt=\"step " << k + 1 << "\" src=\"data:image/png;base64,"
         << detail::base64(read_picture(f.png)) << "\"></div>\n";
    os << "</section>\n";
  }
  os << "</main>\n<script>" << kScript << "</script>\n</body>\n</html>\n";
  return os.str();
}

void write_lesson_page(const std::string& path, const std::string& title, const std::vector<Frame>& frames,
                       const PageLinks& links) {
  gradlab::detail::write_file_atomically(path, "write_lesson_page", lesson_page(title, frames, links));
}

}  // namespace gradlab::viz
