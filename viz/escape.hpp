// SPDX-License-Identifier: MIT
// The one escaper for text that reaches a page or a picture: labels, notes,
// titles, a lesson's explanations and checks, the tape's cells. Every path
// (DOT for the SVG and PNG, the page's HTML) starts from escape_html, so a
// text reads the same in the picture, the table and the title. Internal to
// viz; a newcomer may skip it.
#pragma once

#include <string>
#include <string_view>

namespace gradlab::viz::detail {

// The text as it is shown: each ill-formed UTF-8 sequence (a stray byte, a
// cut-off character, an overlong form, a surrogate) becomes one U+FFFD "�",
// as a browser decodes it; each control character but the newline becomes
// the C++ escape a learner would type ("\0", "\x01"), since Graphviz reads
// text only up to a NUL and draws the others as nothing.
std::string shown_text(std::string_view text);

// shown_text with & < > " written as HTML's entities: the text of an HTML
// page or SVG, and of a Graphviz label, which reads the entities back (so a
// label "&amp;" is drawn as "&amp;", not as "&").
std::string escape_html(std::string_view text);

}  // namespace gradlab::viz::detail
