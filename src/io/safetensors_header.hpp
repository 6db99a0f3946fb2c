// SPDX-License-Identifier: MIT
// The JSON header of a safetensors file (safetensors_header.cpp), read in
// one pass into the entries it describes, each entry checked, before a
// number of the file is read. Internal; not an installed header.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include <gradlab/serialize.hpp>
#include <gradlab/tensor.hpp>

namespace gradlab::detail {

// The longest header accepted, as the reference implementation (100 MB).
inline constexpr std::uint64_t kMaxSafetensorsHeaderBytes = 100'000'000;

// One tensor of the header: its bytes are [begin, end) of the data after it.
struct SafetensorsEntry {
  std::string name;
  std::string dtype;  // F64, F32, F16 or BF16
  Shape shape;
  std::uint64_t begin = 0, end = 0;
};

// The bytes of one number of `dtype`; 0 for a dtype gradlab does not read.
std::size_t safetensors_dtype_bytes(const std::string& dtype);

// The entries of the header `text` of the file `path` whose data has
// `data_bytes` bytes, in the order of their data, after every check: valid
// JSON (an object), no repeated or empty names, known dtypes, shapes that
// match their byte counts and that a tensor can have, offsets that tile the
// data from 0 to its end with no gap and no overlap. "__metadata__" goes to
// *metadata when it is not null. Time and memory grow linearly with the
// header: no JSON tree is built. Any problem is a std::runtime_error
// "read_safetensors: <path>: <problem>".
std::vector<SafetensorsEntry> parse_safetensors_header(const std::string& path, const std::string& text,
                                                       std::uint64_t data_bytes, Metadata* metadata);

}  // namespace gradlab::detail
