// SPDX-License-Identifier: MIT
// Saving named tensors to a file and loading them back, bit for bit. The file
// is binary, little-endian, written all or nothing, and checked in full
// (header, size, checksum, names, shapes) before a loaded number is used.
// Only float64 tensors and no compression; the optimizer's state rides along
// through optim/checkpoint.hpp.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include <gradlab/tensor.hpp>

namespace gradlab {

// What a module's parameters and an optimizer's state look like when saved:
// ("fc1.weight", tensor), ("fc1.bias", tensor), ...
using NamedTensors = std::vector<std::pair<std::string, Tensor>>;

// The layout of a file, version 1 (every number little-endian):
//   "GRADLAB\0"                     8 bytes, the magic
//   version                         u32
//   count                           u32, how many tensors
//   file size                       u64, so a cut file is told from a bad one
//   count times: name length u32, name bytes, rank u32, rank dims as i64
//   count times: the tensor's numbers, row-major f64
//   checksum                        u64, FNV-1a 64 of every byte before it
inline constexpr std::uint32_t kFormatVersion = 1;
// The largest file load() and read() accept (64 GiB); a larger one is
// refused before it is read, as is anything but a regular file.
inline constexpr std::uint64_t kMaxFileBytes = std::uint64_t{1} << 36;

// Writes the tensors to `path` through a temporary file and a rename, so a
// failed save leaves any old file whole. Names must be non-empty and unique.
// Throws std::runtime_error ("save: cannot write 'path': ...") or
// std::invalid_argument for a bad name.
void save(const std::string& path, const NamedTensors& tensors);

// Copies the tensors saved in `path` into `into`, which must have the same
// count, names (in order) and shapes. Everything is checked before the first
// number is copied: on any problem std::runtime_error names the file and the
// problem ("load: model.gl: checksum mismatch ...") and `into` is untouched.
void load(const std::string& path, const NamedTensors& into);

// The tensors saved in `path`, as new tensors, after the same checks of the
// file itself (magic, version, size, checksum).
NamedTensors read(const std::string& path);

// --- safetensors: weights that move to and from PyTorch -------------------
// The field's exchange format (an 8-byte little-endian header length, a JSON
// header {name: {dtype, shape, data_offsets}, "__metadata__": {...}}, then
// the raw little-endian numbers). Pair it with `model.named_parameters()`,
// whose names are PyTorch's ("0.weight", "fc1.bias"), and a file moves
// between the two libraries unchanged. gradlab's own format above stays for
// checkpoints with optimizer state.
using Metadata = std::map<std::string, std::string>;
enum class SafetensorsDtype { F64, F32 };

// Writes the tensors (in this order) as F64, or as F32 on request (a finite
// number beyond float32's range is refused, never written as inf), through
// a temporary file and a rename. Names must be non-empty, unique, valid UTF-8
// and not "__metadata__".
void save_safetensors(const std::string& path, const NamedTensors& tensors,
                      const Metadata& metadata = {}, SafetensorsDtype dtype = SafetensorsDtype::F64);

// Every tensor in the file, in the order of their data offsets; F64, F32, F16
// and BF16 are read (as double), other dtypes refused by name. The whole
// header is checked before a number is read: its length (at most 100 MB),
// JSON, no repeated or empty names, known dtypes, shapes that match their
// byte counts, offsets that tile the data with no gap or overlap.
// Only a regular file of at most kMaxFileBytes is read. std::runtime_error
// names the file and the problem.
NamedTensors read_safetensors(const std::string& path);
Metadata read_safetensors_metadata(const std::string& path);  // "__metadata__", after the same checks

// Copies the file's tensors into `into`, matched by name: the file must hold
// exactly the names of `into`, each with the same shape, or nothing changes.
void load_safetensors(const std::string& path, const NamedTensors& into);

namespace detail {
// Throws std::runtime_error("load: <path>: ...") unless `file` and `into`
// agree in count, names and shapes; `what` is the receiving side ("model").
void check_same_layout(const std::string& path, const NamedTensors& file,
                       const NamedTensors& into, const std::string& what);
// Copies the numbers of each `from` tensor into the matching `into` tensor.
void copy_numbers(const NamedTensors& from, const NamedTensors& into);
}  // namespace detail

}  // namespace gradlab
