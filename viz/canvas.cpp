// SPDX-License-Identifier: MIT
// The canvas of viz/canvas.hpp.

#include "canvas.hpp"

#include <stdexcept>

#include "io/atomic_file.hpp"
#include "escape.hpp"

namespace gradlab::viz::detail {

// An ARGB32 image surface (transparent until drawn on) and its context.
std::pair<Surface, Context> make_canvas(int width, int height) {
  Surface surface(cairo_image_surface_create(CAIRO_FORMAT_ARGB32, width, height));
  Context cr(cairo_create(surface.get()));
  if (cairo_status(cr.get()) != CAIRO_STATUS_SUCCESS) {
    throw std::runtime_error("cannot create a " + std::to_string(width) + "x" +
                             std::to_string(height) +
                             " image: " + cairo_status_to_string(cairo_status(cr.get())));
  }
  return {std::move(surface), std::move(cr)};
}

void save_png(const std::string& path, const std::string& what, cairo_t* cr,
              cairo_surface_t* surface) {
  cairo_surface_flush(surface);
  if (cairo_status(cr) != CAIRO_STATUS_SUCCESS) {
    throw std::runtime_error(what + ": drawing '" + path +
                             "' failed: " + cairo_status_to_string(cairo_status(cr)));
  }
  // Encoded in memory, then written whole (atomic_file.hpp).
  std::string png;
  cairo_status_t status = cairo_surface_write_to_png_stream(
      surface,
      [](void* closure, const unsigned char* data, unsigned int length) {
        static_cast<std::string*>(closure)->append(reinterpret_cast<const char*>(data), length);
        return CAIRO_STATUS_SUCCESS;
      },
      &png);
  if (status != CAIRO_STATUS_SUCCESS)
    throw std::runtime_error(what + ": encoding '" + path + "' failed: " +
                             cairo_status_to_string(status));
  gradlab::detail::write_file_atomically(path, what, png);
}

void text_extents(cairo_t* cr, const std::string& text, cairo_text_extents_t* extents) {
  cairo_text_extents(cr, shown_text(text).c_str(), extents);
}

void show_text(cairo_t* cr, const std::string& text) { cairo_show_text(cr, shown_text(text).c_str()); }

}  // namespace gradlab::viz::detail
