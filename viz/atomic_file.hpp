// SPDX-License-Identifier: MIT
// Writing a picture all or nothing: the writer fills a temporary file next to
// the target, which is renamed over the target only when the writer succeeded.
// Internal to gradlab::viz; not an installed header.
#pragma once

#include <functional>
#include <string>

namespace gradlab::viz::detail {

// Calls write(temporary_path); the writer returns false or throws on failure.
// On success the temporary file becomes `path`; on failure it is removed and
// std::runtime_error names `path` and `what` (plus the system's reason when
// the directory cannot be written). Never leaves a half-written `path`.
void write_atomically(const std::string& path, const std::string& what,
                      const std::function<bool(const std::string& tmp_path)>& write);

// "png" for "out/graph.PNG"; "" when there is no extension.
std::string extension_of(const std::string& path);

}  // namespace gradlab::viz::detail
