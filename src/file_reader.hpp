// SPDX-License-Identifier: MIT
// Reading a whole file that a user named, safely: only a regular file is
// read (a FIFO, device or directory is refused without blocking), and only up
// to a stated size. Internal to gradlab; a newcomer may skip it.
#pragma once

#include <cstdint>
#include <string>

namespace gradlab::detail {

// The most bytes any reader takes from one file (64 GiB).
inline constexpr std::uint64_t kMaxFileBytes = std::uint64_t{1} << 36;

// The bytes of `path`, or std::runtime_error("<op>: <path>: <problem>") for a
// missing file, something that is not a regular file, a file over `max_bytes`
// or a read error.
std::string read_regular_file(const std::string& op, const std::string& path,
                              std::uint64_t max_bytes = kMaxFileBytes);

}  // namespace gradlab::detail
