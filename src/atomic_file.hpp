// SPDX-License-Identifier: MIT
// Writing a file all or nothing: the bytes go to a new temporary file next
// to the target, are flushed to disk, and only then renamed over the target.
// Internal to gradlab (pictures, saved models); not an installed header.
#pragma once

#include <string>
#include <string_view>

namespace gradlab::detail {

// Writes `bytes` to `path`, or throws std::runtime_error naming `what` (the
// operation), the path and the system's reason, leaving `path` as it was and
// no temporary file behind. The file gets the usual permissions (0666 less
// the umask).
void write_file_atomically(const std::string& path, const std::string& what,
                           std::string_view bytes);

// "png" for "out/graph.PNG"; "" when there is no extension.
std::string extension_of(const std::string& path);

}  // namespace gradlab::detail
