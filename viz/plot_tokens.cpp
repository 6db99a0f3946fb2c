// SPDX-License-Identifier: MIT
// The tokens of a text as coloured boxes with their ids, rows of them under
// captions: how a tokenizer cuts a sentence. Laid out once to know the
// picture's height, then drawn.

#include "gradlab/viz/plot.hpp"

#include <cairo.h>

#include <algorithm>
#include <stdexcept>

#include "canvas.hpp"

namespace gradlab::viz {

namespace {

constexpr double kMargin = 16, kTokenFont = 16, kIdFont = 10, kCaptionFont = 14, kTitleFont = 17;
constexpr double kPad = 3;           // inside a box, left and right
constexpr double kBoxHeight = 36;    // the token's text, then its id
constexpr double kLineGap = 6;       // between two lines of boxes
constexpr double kRowGap = 14;       // between two rows

// Six pale colours, as tokenizer playgrounds use; token i takes i % 6.
constexpr double kColours[6][3] = {{0.78, 0.87, 0.98}, {0.99, 0.85, 0.70}, {0.80, 0.93, 0.78},
                                   {0.97, 0.78, 0.80}, {0.87, 0.82, 0.96}, {0.98, 0.94, 0.68}};

// A token's text as drawn: the invisible characters made visible.
std::string visible(const std::string& token) {
  std::string out;
  for (unsigned char ch : token) {
    if (ch == ' ') out += "\xC2\xB7";             // ·
    else if (ch == '\n') out += "\xE2\x86\xB5";   // ↵
    else if (ch == '\t') out += "\xE2\x86\x92";   // →
    else if (ch < 0x20 || ch == 0x7F) {           // the control pictures, U+2400 .. U+2421
      const unsigned code = 0x2400 + (ch == 0x7F ? 0x21u : ch);
      out += static_cast<char>(0xE0 | (code >> 12));
      out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (code & 0x3F));
    } else out += static_cast<char>(ch);
  }
  return out;
}

struct Box {
  double x, y, w;
  std::string text, id;
};

struct Layout {
  std::vector<std::pair<double, std::string>> captions;  // baseline y, text
  std::vector<Box> boxes;
  double height = 0;
};

double text_width(cairo_t* cr, const std::string& s) {
  cairo_text_extents_t e;
  detail::text_extents(cr, s, &e);
  return e.x_advance;
}

Layout lay_out(cairo_t* cr, const std::vector<TokenRow>& rows, const std::string& title, double width) {
  Layout l;
  double y = kMargin + (title.empty() ? 0 : kTitleFont + 10);
  for (const TokenRow& row : rows) {
    if (!row.caption.empty()) {
      l.captions.push_back({y + kCaptionFont, row.caption});
      y += kCaptionFont + 8;
    }
    double x = kMargin;
    for (std::size_t i = 0; i < row.tokens.size(); ++i) {
      Box b{0, 0, 0, visible(row.tokens[i]), row.ids.empty() ? "" : std::to_string(row.ids[i])};
      cairo_select_font_face(cr, "sans", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
      cairo_set_font_size(cr, kTokenFont);
      double w = text_width(cr, b.text);
      cairo_select_font_face(cr, "sans", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
      cairo_set_font_size(cr, kIdFont);
      b.w = std::max(w, text_width(cr, b.id)) + 2 * kPad;
      if (x > kMargin && x + b.w > width - kMargin) {  // wrap
        x = kMargin;
        y += kBoxHeight + kLineGap;
      }
      b.x = x;
      b.y = y;
      x += b.w + 1;
      l.boxes.push_back(std::move(b));
    }
    y += kBoxHeight + kRowGap;
  }
  l.height = y - kRowGap + kMargin;
  return l;
}

}  // namespace

void plot_tokens(const std::string& path, const std::vector<TokenRow>& rows, const TokenPlotOptions& options) {
  const std::string what = "plot_tokens";
  if (rows.empty()) throw std::invalid_argument(what + ": no rows to draw");
  for (std::size_t r = 0; r < rows.size(); ++r) {
    if (rows[r].tokens.empty()) throw std::invalid_argument(what + ": row " + std::to_string(r) + " has no tokens");
    if (!rows[r].ids.empty() && rows[r].ids.size() != rows[r].tokens.size())
      throw std::invalid_argument(what + ": row " + std::to_string(r) + " has " + std::to_string(rows[r].tokens.size()) +
                                  " tokens and " + std::to_string(rows[r].ids.size()) +
                                  " ids; expected as many of each, or no ids");
  }
  if (options.width < 200 || options.width > 10000)
    throw std::invalid_argument(what + ": width " + std::to_string(options.width) + " is outside [200, 10000] pixels");
  const auto width = static_cast<double>(options.width);
  Layout l;
  {
    auto [s, measure] = detail::make_canvas(1, 1);
    l = lay_out(measure.get(), rows, options.title, width);
  }
  if (l.height > 10000)
    throw std::invalid_argument(what + ": the picture would be " + std::to_string(static_cast<long>(l.height)) +
                                " pixels tall, more than 10000: fewer tokens, or a wider picture");
  auto [surface, context] = detail::make_canvas(options.width, static_cast<int>(l.height));
  cairo_t* cr = context.get();
  cairo_set_source_rgb(cr, 1, 1, 1);  // a white page
  cairo_paint(cr);
  if (!options.title.empty()) {
    cairo_select_font_face(cr, "sans", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_BOLD);
    cairo_set_font_size(cr, kTitleFont);
    cairo_set_source_rgb(cr, 0.1, 0.1, 0.1);
    cairo_move_to(cr, kMargin, kMargin + kTitleFont);
    detail::show_text(cr, options.title);
  }
  cairo_select_font_face(cr, "sans", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_BOLD);
  cairo_set_font_size(cr, kCaptionFont);
  cairo_set_source_rgb(cr, 0.2, 0.2, 0.2);
  for (const auto& [baseline, caption] : l.captions) {
    cairo_move_to(cr, kMargin, baseline);
    detail::show_text(cr, caption);
  }
  std::size_t i = 0;
  for (const Box& b : l.boxes) {
    const double* c = kColours[i++ % 6];
    cairo_set_source_rgb(cr, c[0], c[1], c[2]);
    cairo_rectangle(cr, b.x, b.y, b.w, kBoxHeight);
    cairo_fill(cr);
    cairo_set_source_rgb(cr, 0.05, 0.05, 0.05);
    cairo_select_font_face(cr, "sans", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
    cairo_set_font_size(cr, kTokenFont);
    cairo_move_to(cr, b.x + kPad, b.y + kTokenFont + 2);
    detail::show_text(cr, b.text);
    if (b.id.empty()) continue;
    cairo_set_source_rgb(cr, 0.35, 0.35, 0.35);
    cairo_select_font_face(cr, "sans", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
    cairo_set_font_size(cr, kIdFont);
    cairo_move_to(cr, b.x + kPad, b.y + kBoxHeight - 4);
    detail::show_text(cr, b.id);
  }
  detail::save_png(path, what, cr, surface.get());
}

}  // namespace gradlab::viz
