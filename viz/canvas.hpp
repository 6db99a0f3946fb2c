// SPDX-License-Identifier: MIT
// The cairo canvas every picture draws on, and writing it out as a PNG file
// (whole or not at all). Internal to gradlab::viz.
#pragma once

#include <cairo.h>

#include <memory>
#include <string>
#include <utility>

namespace gradlab::viz::detail {

struct SurfaceDeleter {
  void operator()(cairo_surface_t* s) const { cairo_surface_destroy(s); }
};
struct ContextDeleter {
  void operator()(cairo_t* cr) const { cairo_destroy(cr); }
};
using Surface = std::unique_ptr<cairo_surface_t, SurfaceDeleter>;
using Context = std::unique_ptr<cairo_t, ContextDeleter>;

// A white width x height ARGB32 image and a context drawing on it.
std::pair<Surface, Context> make_canvas(int width, int height);

// Encodes the surface as PNG and writes it to path atomically;
// std::runtime_error names `what`, the path and the reason on failure.
void save_png(const std::string& path, const std::string& what, cairo_t* cr, cairo_surface_t* surface);

// cairo's text calls, with the text as every page shows it (escape.hpp's
// shown_text: invalid UTF-8 as U+FFFD), which cairo would otherwise refuse,
// leaving the rest of the picture blank.
void text_extents(cairo_t* cr, const std::string& text, cairo_text_extents_t* extents);
void show_text(cairo_t* cr, const std::string& text);

}  // namespace gradlab::viz::detail
