// SPDX-License-Identifier: MIT
// The safetensors format, the field's way to move weights between libraries
// (https://github.com/huggingface/safetensors): an 8-byte little-endian header
// length, a JSON header {name: {dtype, shape, data_offsets}, "__metadata__":
// {string: string}}, then the raw little-endian numbers. Written through the
// atomic writer; read header first (its length, then its JSON, parsed in
// safetensors_header.cpp), every entry checked before a number is read.

#include <gradlab/serialize.hpp>

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>
#include <limits>
#include <map>
#include <set>
#include <stdexcept>

#include <nlohmann/json.hpp>  // for the names, escaped as JSON strings

#include "io/atomic_file.hpp"
#include "io/input_file.hpp"
#include "io/safetensors_header.hpp"
#include "tensor/buffer_cache.hpp"
#include "tensor/sizes.hpp"

namespace gradlab {

namespace {

using detail::SafetensorsEntry;

[[noreturn]] void refuse(const std::string& op, const std::string& path, const std::string& problem) {
  throw std::runtime_error(op + ": " + path + ": " + problem);
}

std::uint64_t get_le(const unsigned char* p, int nbytes) {
  std::uint64_t v = 0;
  for (int i = 0; i < nbytes; ++i) v |= std::uint64_t{p[i]} << (8 * i);
  return v;
}

// IEEE half precision: 1 sign bit, 5 exponent bits (bias 15), 10 fraction bits.
double half_to_double(std::uint16_t h) {
  int sign = h >> 15, exponent = (h >> 10) & 0x1f, fraction = h & 0x3ff;
  double magnitude = exponent == 0    ? std::ldexp(fraction, -24)  // subnormal: 0.f × 2^-14
                     : exponent == 31 ? (fraction ? NAN : INFINITY)
                                      : std::ldexp(1024 + fraction, exponent - 25);
  return sign ? -magnitude : magnitude;
}

// bfloat16 is the upper half of a float32.
double bfloat16_to_double(std::uint16_t b) {
  return std::bit_cast<float>(static_cast<std::uint32_t>(b) << 16);
}

double number_at(const unsigned char* p, const std::string& dtype) {
  if (dtype == "F64") return std::bit_cast<double>(get_le(p, 8));
  if (dtype == "F32") return std::bit_cast<float>(static_cast<std::uint32_t>(get_le(p, 4)));
  if (dtype == "F16") return half_to_double(static_cast<std::uint16_t>(get_le(p, 2)));
  return bfloat16_to_double(static_cast<std::uint16_t>(get_le(p, 2)));
}

void put_le(std::string& out, std::uint64_t v, int nbytes) {
  for (int i = 0; i < nbytes; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

// The entries of an open file's header, in the order of their data,
// checked: its 8-byte length first (against the limit and the file's size),
// then the JSON, before a byte of the data is read; a file whose length
// field is garbage costs 8 bytes, not its size.
std::vector<SafetensorsEntry> read_header(detail::InputFile& file, const std::string& path, Metadata* metadata) {
  if (file.size() < 8)
    refuse("read_safetensors", path, "truncated (" + std::to_string(file.size()) +
                                         " bytes, less than the 8-byte header length)");
  const std::string length = file.read_exactly(8);
  const std::uint64_t header_bytes = get_le(reinterpret_cast<const unsigned char*>(length.data()), 8);
  if (header_bytes > detail::kMaxSafetensorsHeaderBytes)
    refuse("read_safetensors", path, "the header length " + std::to_string(header_bytes) +
                                         " is over the limit of " +
                                         std::to_string(detail::kMaxSafetensorsHeaderBytes) +
                                         " bytes (not a safetensors file?)");
  if (header_bytes > file.size() - 8)
    refuse("read_safetensors", path, "truncated (the header length is " + std::to_string(header_bytes) +
                                         " bytes, the file has " + std::to_string(file.size() - 8) +
                                         " after it)");
  const std::string text = file.read_exactly(header_bytes);
  if (text.empty() || text[0] != '{') refuse("read_safetensors", path, "the header does not start with '{'");
  return detail::parse_safetensors_header(path, text, file.size() - 8 - header_bytes, metadata);
}

// The numbers, read a chunk at a time straight into each tensor (the file's
// bytes are never all in memory at once), after the header has passed.
NamedTensors read_tensors(detail::InputFile& file, const std::vector<SafetensorsEntry>& entries) {
  constexpr std::uint64_t kChunkBytes = std::uint64_t{1} << 20;
  NamedTensors out;
  out.reserve(entries.size());
  for (const SafetensorsEntry& e : entries) {
    const std::size_t width = detail::safetensors_dtype_bytes(e.dtype);
    const std::uint64_t count = (e.end - e.begin) / width;
    std::vector<double> data = detail::buffer_for_overwrite(static_cast<std::size_t>(count));
    for (std::uint64_t i = 0; i < count;) {
      const std::uint64_t take = std::min(count - i, kChunkBytes / width);
      const std::string chunk = file.read_exactly(take * width);
      auto at = reinterpret_cast<const unsigned char*>(chunk.data());
      for (std::uint64_t j = 0; j < take; ++j) data[i + j] = number_at(at + j * width, e.dtype);
      i += take;
    }
    out.emplace_back(e.name, tensor(std::move(data), e.shape));
  }
  return out;
}

}  // namespace

void save_safetensors(const std::string& path, const NamedTensors& tensors, const Metadata& metadata,
                      SafetensorsDtype dtype) {
  const bool f32 = dtype == SafetensorsDtype::F32;
  const std::size_t width = f32 ? 4 : 8;
  // The header's text, written entry by entry in the tensors' order (a JSON
  // tree that keeps insertion order searches its keys on every insert).
  std::string text = "{";
  auto json_string = [&](const std::string& s) {
    try {
      return nlohmann::json(s).dump(-1, ' ', false, nlohmann::json::error_handler_t::strict);
    } catch (const nlohmann::json::exception&) {
      throw std::invalid_argument("save_safetensors: " + path + ": a tensor or metadata name is not valid UTF-8");
    }
  };
  if (!metadata.empty()) {
    text += "\"__metadata__\":{";
    for (const auto& [key, value] : metadata) {
      if (text.back() != '{') text += ',';
      text += json_string(key);
      text += ':';
      text += json_string(value);
    }
    text += '}';
  }
  std::set<std::string> seen;
  std::uint64_t offset = 0;
  for (const auto& [name, t] : tensors) {
    if (name.empty()) throw std::invalid_argument("save_safetensors: " + path + ": a tensor has an empty name");
    if (name == "__metadata__")
      throw std::invalid_argument("save_safetensors: " + path + ": '__metadata__' is not a tensor name");
    if (!seen.insert(name).second)
      throw std::invalid_argument("save_safetensors: " + path + ": the name '" + name + "' is used twice");
    std::int64_t numel = 1;
    for (std::int64_t d : t.shape()) numel *= d;
    if (numel != t.numel())  // its data was resized by hand
      throw std::invalid_argument("save_safetensors: " + path + ": tensor '" + name + "' holds " +
                                  std::to_string(t.numel()) + " numbers but its shape " +
                                  to_string(t.shape()) + " needs " + std::to_string(numel));
    std::uint64_t bytes = static_cast<std::uint64_t>(t.numel()) * width;
    if (text.size() > 1) text += ',';
    text += json_string(name);
    text += f32 ? R"(:{"dtype":"F32","shape":[)" : R"(:{"dtype":"F64","shape":[)";
    for (std::size_t d = 0; d < t.shape().size(); ++d) {
      if (d) text += ',';
      text += std::to_string(t.shape()[d]);
    }
    text += R"(],"data_offsets":[)";
    text += std::to_string(offset);
    text += ',';
    text += std::to_string(offset + bytes);
    text += "]}";
    offset += bytes;
  }
  text += '}';
  text.append((8 - text.size() % 8) % 8, ' ');  // the data starts 8-byte aligned, as the reference writes
  std::string out;
  out.reserve(8 + text.size() + offset);
  put_le(out, text.size(), 8);
  out += text;
  for (const auto& [name, t] : tensors) {
    for (double x : t.data()) {
      if (!f32) {
        put_le(out, std::bit_cast<std::uint64_t>(x), 8);
        continue;
      }
      auto f = static_cast<float>(x);
      if (std::isfinite(x) && !std::isfinite(f))
        throw std::invalid_argument("save_safetensors: " + path + ": tensor '" + name + "' holds " +
                                    std::to_string(x) + ", beyond float32's range");
      put_le(out, std::bit_cast<std::uint32_t>(f), 4);
    }
  }
  detail::write_file_atomically(path, "save_safetensors", out);
}


// Only a regular file is read, opened without blocking, of at most kMaxFileBytes.
NamedTensors read_safetensors(const std::string& path) {
  detail::InputFile file(path, "read_safetensors", kMaxFileBytes);
  return file.reading([&] { return read_tensors(file, read_header(file, path, nullptr)); });
}

// The metadata lives in the header: the numbers after it are not read.
Metadata read_safetensors_metadata(const std::string& path) {
  detail::InputFile file(path, "read_safetensors", kMaxFileBytes);
  Metadata metadata;
  file.reading([&] { read_header(file, path, &metadata); });
  return metadata;
}

void load_safetensors(const std::string& path, const NamedTensors& into) {
  NamedTensors file = read_safetensors(path);
  // Matched by name (a JSON header has no order); every check before any copy.
  std::map<std::string, const Tensor*> in_file;
  for (const auto& [name, t] : file) in_file[name] = &t;
  std::set<std::string> in_model;
  NamedTensors ordered;  // the file's tensors in `into`'s order
  ordered.reserve(into.size());
  for (const auto& [name, t] : into) {
    in_model.insert(name);
    auto found = in_file.find(name);
    if (found == in_file.end()) refuse("load_safetensors", path, "the file has no tensor '" + name + "'");
    if (found->second->shape() != t.shape())
      refuse("load_safetensors", path, "tensor '" + name + "' has shape " +
                                           to_string(found->second->shape()) + " in the file but " +
                                           to_string(t.shape()) + " in the model");
    ordered.emplace_back(name, *found->second);
  }
  for (const auto& [name, t] : file)
    if (!in_model.count(name))
      refuse("load_safetensors", path, "the file has a tensor '" + name + "' that the model lacks");
  detail::copy_numbers(ordered, into);
}

}  // namespace gradlab
