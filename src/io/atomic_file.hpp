// SPDX-License-Identifier: MIT
// Writing a file all or nothing: the bytes go to a new temporary file next
// to the target (unnamed until it is whole, where the file system allows),
// are flushed to disk, and only then renamed over the target.
// Internal to gradlab (pictures, saved models); not an installed header.
#pragma once

#include <string>
#include <string_view>

namespace gradlab::detail {

// How the temporary file is made: kUnnamed uses O_TMPFILE (nothing is left
// behind even if the process is killed mid-write) and falls back to kNamed
// where the file system lacks it; kNamed is a short random name opened with
// O_EXCL (".gradlab-<12 letters>.tmp"), tried again under another name if
// taken. Only the tests ask for kNamed.
enum class TempFile { kUnnamed, kNamed };

// Writes `bytes` to `path`, or throws std::runtime_error naming `what` (the
// operation), the path and the system's reason, leaving `path` as it was and
// no temporary file behind. After the rename the directory is fsynced too.
// The file gets the usual permissions (0666 less the umask).
void write_file_atomically(const std::string& path, const std::string& what,
                           std::string_view bytes, TempFile how = TempFile::kUnnamed);

// "png" for "out/graph.PNG"; "" when there is no extension.
std::string extension_of(const std::string& path);

}  // namespace gradlab::detail
