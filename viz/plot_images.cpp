// SPDX-License-Identifier: MIT
// A grid of small grayscale images with a caption under each: what a
// classifier got wrong, for instance ("7 -> 9").

#include "gradlab/viz/plot.hpp"

#include <cairo.h>

#include <stdexcept>

#include "canvas.hpp"

namespace gradlab::viz {

void plot_images(const std::string& path, const Tensor& images, const std::vector<std::string>& captions,
                 const ImageGridOptions& options) {
  const char* what = "plot_images";
  if (images.dim() != 3 || images.shape()[0] < 1 || images.shape()[1] < 1 || images.shape()[2] < 1)
    throw std::invalid_argument(std::string(what) + ": images must have shape (N, H, W) with N >= 1, got " +
                                to_string(images.shape()));
  const std::int64_t n = images.shape()[0], h = images.shape()[1], w = images.shape()[2];
  if (!captions.empty() && static_cast<std::int64_t>(captions.size()) != n)
    throw std::invalid_argument(std::string(what) + ": " + std::to_string(captions.size()) + " captions for " +
                                std::to_string(n) + " images");
  if (options.columns < 1 || options.scale < 1 || options.scale > 32)
    throw std::invalid_argument(std::string(what) + ": columns must be >= 1 and scale in [1, 32]");
  for (double v : images.data())
    if (!(v >= 0 && v <= 1))
      throw std::invalid_argument(std::string(what) + ": pixel values must be in [0, 1], got " + std::to_string(v));

  const int s = options.scale, pad = 6, caption = captions.empty() ? 0 : 16, top = options.title.empty() ? 0 : 28;
  const int cols = static_cast<int>(std::min<std::int64_t>(options.columns, n));
  const int rows = static_cast<int>((n + cols - 1) / cols);
  const int cell_w = static_cast<int>(w) * s + 2 * pad, cell_h = static_cast<int>(h) * s + 2 * pad + caption;
  const int width = cols * cell_w, height = top + rows * cell_h;
  if (width > 10000 || height > 10000)
    throw std::invalid_argument(std::string(what) + ": the grid would be " + std::to_string(width) + "x" +
                                std::to_string(height) + " pixels; show fewer images or a smaller scale");
  auto [surface, context] = detail::make_canvas(width, height);
  cairo_t* cr = context.get();
  cairo_set_source_rgb(cr, 1, 1, 1);
  cairo_paint(cr);
  cairo_select_font_face(cr, "sans-serif", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
  if (top) {
    cairo_set_font_size(cr, 15);
    cairo_text_extents_t e;
    detail::text_extents(cr, options.title, &e);
    cairo_set_source_rgb(cr, 0.1, 0.1, 0.1);
    cairo_move_to(cr, (width - e.width) / 2 - e.x_bearing, 20);
    detail::show_text(cr, options.title);
  }
  const std::vector<double>& px = images.data();
  cairo_set_font_size(cr, 12);
  for (std::int64_t i = 0; i < n; ++i) {
    double x0 = static_cast<double>(i % cols) * cell_w + pad;
    double y0 = top + static_cast<double>(i / cols) * cell_h + pad;
    for (std::int64_t r = 0; r < h; ++r)
      for (std::int64_t c = 0; c < w; ++c) {
        double ink = 1 - px[static_cast<std::size_t>((i * h + r) * w + c)];
        cairo_set_source_rgb(cr, ink, ink, ink);
        cairo_rectangle(cr, x0 + static_cast<double>(c * s), y0 + static_cast<double>(r * s), s, s);
        cairo_fill(cr);
      }
    cairo_set_source_rgb(cr, 0.75, 0.75, 0.75);  // a thin frame around each image
    cairo_set_line_width(cr, 1);
    cairo_rectangle(cr, x0 - 0.5, y0 - 0.5, static_cast<double>(w * s) + 1, static_cast<double>(h * s) + 1);
    cairo_stroke(cr);
    if (caption) {
      const std::string& text = captions[static_cast<std::size_t>(i)];
      cairo_text_extents_t e;
      detail::text_extents(cr, text, &e);
      cairo_set_source_rgb(cr, 0.15, 0.15, 0.15);
      cairo_move_to(cr, x0 + (static_cast<double>(w * s) - e.width) / 2 - e.x_bearing,
                    y0 + static_cast<double>(h * s) + 13);
      detail::show_text(cr, text);
    }
  }
  detail::save_png(path, what, cr, surface.get());
}

}  // namespace gradlab::viz
