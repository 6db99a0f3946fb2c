// SPDX-License-Identifier: MIT
// The safetensors format, the field's way to move weights between libraries
// (https://github.com/huggingface/safetensors): an 8-byte little-endian header
// length, a JSON header {name: {dtype, shape, data_offsets}, "__metadata__":
// {string: string}}, then the raw little-endian numbers. Written through the
// atomic writer; read only after every header entry has been checked.

#include <gradlab/serialize.hpp>

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>
#include <limits>
#include <map>
#include <set>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "io/atomic_file.hpp"
#include "io/input_file.hpp"

namespace gradlab {

namespace {

using Json = nlohmann::ordered_json;

// The longest header accepted, as the reference implementation (100 MB).
constexpr std::uint64_t kMaxHeaderBytes = 100'000'000;

[[noreturn]] void refuse(const std::string& op, const std::string& path, const std::string& problem) {
  throw std::runtime_error(op + ": " + path + ": " + problem);
}

// The dtypes gradlab reads, and the bytes of one number of each.
std::size_t dtype_bytes(const std::string& dtype) {
  if (dtype == "F64") return 8;
  if (dtype == "F32") return 4;
  if (dtype == "F16" || dtype == "BF16") return 2;
  return 0;  // not one gradlab reads
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

struct Entry {
  std::string name;
  std::string dtype;
  Shape shape;
  std::uint64_t begin = 0, end = 0;  // byte offsets into the data after the header
};

// A non-negative integer of the header, or a refusal naming what it is.
std::uint64_t header_count(const Json& j, const std::string& path, const std::string& what) {
  if (!j.is_number_unsigned()) refuse("read_safetensors", path, what + " is not a non-negative integer");
  return j.get<std::uint64_t>();
}

// Every check of the header, before a number is read: known dtypes, shapes
// whose byte count is what the offsets span, offsets that tile the data from
// 0 to its end with no gap and no overlap, no duplicate or empty names.
std::vector<Entry> parse_header(const std::string& path, const std::string& text,
                                std::uint64_t data_bytes, Metadata* metadata) {
  // nlohmann keeps the last of two equal keys: the callback sees each key and refuses repeats.
  std::set<std::string> names;
  auto no_repeats = [&](int depth, Json::parse_event_t event, Json& parsed) {
    if (event == Json::parse_event_t::key && depth == 1 && !names.insert(parsed.get<std::string>()).second)
      refuse("read_safetensors", path, "the name '" + parsed.get<std::string>() + "' appears twice");
    return true;
  };
  Json header;
  try {
    header = Json::parse(text, no_repeats);
  } catch (const Json::exception& e) {
    refuse("read_safetensors", path, std::string("the header is not valid JSON (") + e.what() + ")");
  }
  if (!header.is_object()) refuse("read_safetensors", path, "the header is not a JSON object");

  std::vector<Entry> entries;
  for (const auto& [name, info] : header.items()) {
    if (name == "__metadata__") {
      if (!info.is_object()) refuse("read_safetensors", path, "__metadata__ is not an object");
      for (const auto& [key, value] : info.items()) {
        if (!value.is_string())
          refuse("read_safetensors", path, "__metadata__ '" + key + "' is not a string");
        if (metadata) (*metadata)[key] = value.get<std::string>();
      }
      continue;
    }
    const std::string where = "tensor '" + name + "'";
    if (name.empty()) refuse("read_safetensors", path, "a tensor has an empty name");
    if (!info.is_object() || !info.contains("dtype") || !info.contains("shape") ||
        !info.contains("data_offsets"))
      refuse("read_safetensors", path, where + " lacks dtype, shape or data_offsets");
    Entry e{name, {}, {}, 0, 0};
    if (!info["dtype"].is_string()) refuse("read_safetensors", path, where + ": dtype is not a string");
    e.dtype = info["dtype"].get<std::string>();
    std::size_t width = dtype_bytes(e.dtype);
    if (width == 0)
      refuse("read_safetensors", path, where + " has dtype " + e.dtype +
                                           " (gradlab reads F64, F32, F16 and BF16)");
    const Json& shape = info["shape"];
    if (!shape.is_array() || shape.size() > 64)
      refuse("read_safetensors", path, where + ": shape is not a list of at most 64 sizes");
    std::uint64_t bytes = width;
    bool overflow = false;
    for (const Json& d : shape) {
      std::uint64_t size = header_count(d, path, where + ": a shape entry");
      if (size > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) overflow = true;
      else if (size != 0 && bytes > std::numeric_limits<std::uint64_t>::max() / size) overflow = true;
      else bytes *= size;
      e.shape.push_back(static_cast<std::int64_t>(std::min<std::uint64_t>(size, INT64_MAX)));
    }
    const Json& offsets = info["data_offsets"];
    if (!offsets.is_array() || offsets.size() != 2)
      refuse("read_safetensors", path, where + ": data_offsets is not [begin, end]");
    e.begin = header_count(offsets[0], path, where + ": data_offsets[0]");
    e.end = header_count(offsets[1], path, where + ": data_offsets[1]");
    if (e.begin > e.end || e.end > data_bytes)
      refuse("read_safetensors", path, where + " has data_offsets [" + std::to_string(e.begin) + ", " +
                                           std::to_string(e.end) + "] outside the " +
                                           std::to_string(data_bytes) + " bytes of data");
    if (overflow || bytes != e.end - e.begin)
      refuse("read_safetensors", path, where + " has shape " + to_string(e.shape) + " of " + e.dtype +
                                           " but " + std::to_string(e.end - e.begin) + " bytes");
    entries.push_back(std::move(e));
  }
  std::stable_sort(entries.begin(), entries.end(),
                   [](const Entry& a, const Entry& b) { return a.begin < b.begin; });
  std::uint64_t next = 0;  // where the next tensor must start
  for (const Entry& e : entries) {
    if (e.begin != next)
      refuse("read_safetensors", path, "tensor '" + e.name + "' starts at byte " + std::to_string(e.begin) +
                                           " of the data, not at " + std::to_string(next) +
                                           (e.begin < next ? " (it overlaps the one before)" : " (a gap)"));
    next = e.end;
  }
  if (next != data_bytes)
    refuse("read_safetensors", path, "the tensors cover " + std::to_string(next) + " of the " +
                                         std::to_string(data_bytes) + " bytes of data");
  return entries;
}

void put_le(std::string& out, std::uint64_t v, int nbytes) {
  for (int i = 0; i < nbytes; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

// A whole file's bytes, checked: header length, header, then the numbers.
NamedTensors parse(const std::string& path, const std::string& bytes, Metadata* metadata) {
  if (bytes.size() < 8) refuse("read_safetensors", path, "truncated (" + std::to_string(bytes.size()) +
                                                            " bytes, less than the 8-byte header length)");
  auto p = reinterpret_cast<const unsigned char*>(bytes.data());
  std::uint64_t header_bytes = get_le(p, 8);
  if (header_bytes > kMaxHeaderBytes)
    refuse("read_safetensors", path, "the header length " + std::to_string(header_bytes) +
                                         " is over the limit of " + std::to_string(kMaxHeaderBytes) +
                                         " bytes (not a safetensors file?)");
  if (header_bytes > bytes.size() - 8)
    refuse("read_safetensors", path, "truncated (the header length is " + std::to_string(header_bytes) +
                                         " bytes, the file has " + std::to_string(bytes.size() - 8) +
                                         " after it)");
  std::string text = bytes.substr(8, header_bytes);
  if (text.empty() || text[0] != '{') refuse("read_safetensors", path, "the header does not start with '{'");
  std::uint64_t data_at = 8 + header_bytes;
  std::vector<Entry> entries = parse_header(path, text, bytes.size() - data_at, metadata);

  NamedTensors out;
  out.reserve(entries.size());
  for (const Entry& e : entries) {
    std::size_t width = dtype_bytes(e.dtype);
    std::vector<double> data((e.end - e.begin) / width);
    const unsigned char* at = p + data_at + e.begin;
    for (std::size_t i = 0; i < data.size(); ++i) data[i] = number_at(at + i * width, e.dtype);
    out.emplace_back(e.name, tensor(std::move(data), e.shape));
  }
  return out;
}

// Only a regular file is read, opened without blocking, of at most kMaxFileBytes.
std::string file_bytes(const std::string& path) {
  return detail::InputFile(path, "read_safetensors", kMaxFileBytes).read_rest();
}

}  // namespace

void save_safetensors(const std::string& path, const NamedTensors& tensors, const Metadata& metadata,
                      SafetensorsDtype dtype) {
  const bool f32 = dtype == SafetensorsDtype::F32;
  const std::size_t width = f32 ? 4 : 8;
  Json header = Json::object();
  if (!metadata.empty()) header["__metadata__"] = metadata;
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
    header[name] = {{"dtype", f32 ? "F32" : "F64"},
                    {"shape", t.shape()},
                    {"data_offsets", {offset, offset + bytes}}};
    offset += bytes;
  }
  std::string text;
  try {
    text = header.dump(-1, ' ', false, nlohmann::json::error_handler_t::strict);
  } catch (const Json::exception&) {
    throw std::invalid_argument("save_safetensors: " + path + ": a tensor or metadata name is not valid UTF-8");
  }
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


NamedTensors read_safetensors(const std::string& path) { return parse(path, file_bytes(path), nullptr); }

Metadata read_safetensors_metadata(const std::string& path) {
  Metadata metadata;
  parse(path, file_bytes(path), &metadata);
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
