// SPDX-License-Identifier: MIT
// The gradlab file format (layout in serialize.hpp): bytes out through the
// atomic writer, bytes in, then every check before a single number is used.

#include <gradlab/serialize.hpp>

#include <algorithm>
#include <bit>
#include <cstring>
#include <set>
#include <stdexcept>

#include "io/atomic_file.hpp"
#include "io/input_file.hpp"

namespace gradlab {

namespace {

constexpr char kMagic[8] = {'G', 'R', 'A', 'D', 'L', 'A', 'B', '\0'};
constexpr std::size_t kFixedHeader = 24;  // magic, version, count, file size
constexpr std::size_t kChecksumBytes = 8;

// FNV-1a, 64 bits: xor each byte in, multiply by the FNV prime. One bit
// flipped anywhere changes the result.
std::uint64_t fnv1a64(const char* bytes, std::size_t n) {
  std::uint64_t h = 14695981039346656037ull;
  for (std::size_t i = 0; i < n; ++i) {
    h ^= static_cast<unsigned char>(bytes[i]);
    h *= 1099511628211ull;
  }
  return h;
}

// Little-endian whatever the machine: byte i holds bits 8i..8i+7.
void put_u64(std::string& out, std::uint64_t v) {
  for (int i = 0; i < 8; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}
void put_u32(std::string& out, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}
std::uint64_t get_le(const std::string& in, std::size_t at, int nbytes) {
  std::uint64_t v = 0;
  for (int i = 0; i < nbytes; ++i)
    v |= std::uint64_t{static_cast<unsigned char>(in[at + i])} << (8 * i);
  return v;
}

[[noreturn]] void refuse(const std::string& path, const std::string& problem) {
  throw std::runtime_error("load: " + path + ": " + problem);
}

// Reads the header entries after the checksum has vouched for the bytes; the
// bounds are still checked, so a file crafted with a valid checksum cannot
// make us read past the end.
NamedTensors parse(const std::string& path, const std::string& bytes, std::uint32_t count) {
  const std::size_t end = bytes.size() - kChecksumBytes;
  std::size_t at = kFixedHeader;
  auto need = [&](std::size_t n) {
    if (n > end - at) refuse(path, "corrupted header (an entry runs past the end of the file)");
  };
  struct Entry {
    std::string name;
    Shape shape;
    std::uint64_t numel;
  };
  std::vector<Entry> entries;
  std::uint64_t total = 0;  // numbers in all tensors
  for (std::uint32_t i = 0; i < count; ++i) {
    need(4);
    auto name_len = static_cast<std::size_t>(get_le(bytes, at, 4));
    at += 4;
    need(name_len);
    std::string name = bytes.substr(at, name_len);
    at += name_len;
    need(4);
    auto rank = static_cast<std::size_t>(get_le(bytes, at, 4));
    at += 4;
    if (rank > 64) refuse(path, "corrupted header (tensor '" + name + "' has rank " +
                                    std::to_string(rank) + ")");
    need(8 * rank);
    Shape shape(rank);
    std::uint64_t numel = 1;
    for (auto& d : shape) {
      d = static_cast<std::int64_t>(get_le(bytes, at, 8));
      at += 8;
      // Each dimension on its own too: after a 0, the product no longer grows.
      if (d < 0 || static_cast<std::uint64_t>(d) > end / 8 ||
          (d > 0 && numel > (end / 8) / static_cast<std::uint64_t>(d)))
        refuse(path, "corrupted header (tensor '" + name + "' has shape dimension " +
                         std::to_string(d) + ")");
      numel *= static_cast<std::uint64_t>(d);
    }
    total += numel;
    if (total > end / 8) refuse(path, "corrupted header (more numbers than the file holds)");
    entries.push_back({std::move(name), std::move(shape), numel});
  }
  if (end - at != 8 * total)
    refuse(path, "corrupted header (the shapes need " + std::to_string(8 * total) +
                     " bytes of numbers, the file has " + std::to_string(end - at) + ")");
  NamedTensors out;
  out.reserve(entries.size());
  for (auto& [name, shape, numel] : entries) {
    std::vector<double> data(static_cast<std::size_t>(numel));
    for (double& x : data) {
      x = std::bit_cast<double>(get_le(bytes, at, 8));  // the exact bits that were saved
      at += 8;
    }
    out.emplace_back(name, tensor(std::move(data), shape));
  }
  return out;
}

}  // namespace

void save(const std::string& path, const NamedTensors& tensors) {
  std::set<std::string> seen;
  for (const auto& [name, t] : tensors) {
    if (name.empty()) throw std::invalid_argument("save: " + path + ": a tensor has an empty name");
    if (!seen.insert(name).second)
      throw std::invalid_argument("save: " + path + ": the name '" + name + "' is used twice");
  }
  std::string out(kMagic, sizeof kMagic);
  put_u32(out, kFormatVersion);
  put_u32(out, static_cast<std::uint32_t>(tensors.size()));
  put_u64(out, 0);  // the file size, filled in below
  for (const auto& [name, t] : tensors) {
    put_u32(out, static_cast<std::uint32_t>(name.size()));
    out += name;
    put_u32(out, static_cast<std::uint32_t>(t.dim()));
    for (std::int64_t d : t.shape()) put_u64(out, static_cast<std::uint64_t>(d));
  }
  for (const auto& entry : tensors)
    for (double x : entry.second.data()) put_u64(out, std::bit_cast<std::uint64_t>(x));
  std::uint64_t size = out.size() + kChecksumBytes;
  for (int i = 0; i < 8; ++i) out[16 + i] = static_cast<char>((size >> (8 * i)) & 0xff);
  put_u64(out, fnv1a64(out.data(), out.size()));
  detail::write_file_atomically(path, "save", out);
}

namespace {

// The checks of a whole file, in the order a reader meets them, then its tensors.
NamedTensors read_checked(detail::InputFile& file, const std::string& path) {
  // The fixed header first: a file that is not ours, or whose size is not the
  // one its header states, is refused before the rest is read.
  std::string bytes = file.read(kFixedHeader);

  // 1. Is it ours? A file cut inside the magic still starts like one.
  std::size_t magic_seen = std::min(bytes.size(), sizeof kMagic);
  if (std::memcmp(bytes.data(), kMagic, magic_seen) != 0)
    refuse(path, "not a gradlab file (it does not start with \"GRADLAB\")");
  if (file.size() < kFixedHeader + kChecksumBytes)
    refuse(path, "truncated (expected at least " + std::to_string(kFixedHeader + kChecksumBytes) +
                     " bytes, found " + std::to_string(file.size()) + ")");
  if (bytes.size() < kFixedHeader) file.refuse("changed while it was read (it became shorter)");
  // 2. A format we can read.
  auto version = static_cast<std::uint32_t>(get_le(bytes, 8, 4));
  if (version != kFormatVersion)
    refuse(path, "format version " + std::to_string(version) + " not supported (this build reads " +
                     std::to_string(kFormatVersion) + ")");
  // 3. Whole: the header says how long the file was when it was written.
  std::uint64_t expected = get_le(bytes, 16, 8);
  if (file.size() < expected)
    refuse(path, "truncated (expected " + std::to_string(expected) + " bytes, found " +
                     std::to_string(file.size()) + ")");
  if (file.size() > expected)
    refuse(path, "corrupted (the header says " + std::to_string(expected) + " bytes, found " +
                     std::to_string(file.size()) + ")");
  bytes += file.read_rest();
  // 4. Unchanged: the checksum covers every byte before it.
  std::size_t body = bytes.size() - kChecksumBytes;
  if (fnv1a64(bytes.data(), body) != get_le(bytes, body, 8))
    refuse(path, "checksum mismatch (the file is corrupted)");
  return parse(path, bytes, static_cast<std::uint32_t>(get_le(bytes, 12, 4)));
}

}  // namespace

NamedTensors read(const std::string& path) {
  // A regular file of at most kMaxFileBytes, or a refusal before a byte is
  // read: a FIFO, a device (/dev/zero) or a directory is never read from.
  detail::InputFile file(path, "load", kMaxFileBytes);
  return file.reading([&] { return read_checked(file, path); });
}

namespace detail {

void check_same_layout(const std::string& path, const NamedTensors& file,
                       const NamedTensors& into, const std::string& what) {
  if (file.size() != into.size())
    refuse(path, "the file holds " + std::to_string(file.size()) + " tensors but the " + what +
                     " has " + std::to_string(into.size()));
  for (std::size_t i = 0; i < file.size(); ++i) {
    const auto& [fname, ft] = file[i];
    const auto& [iname, it] = into[i];
    if (fname != iname)
      refuse(path, "parameter " + std::to_string(i) + " is named '" + fname +
                       "' in the file but '" + iname + "' in the " + what);
    if (ft.shape() != it.shape())
      refuse(path, "parameter " + std::to_string(i) + " ('" + fname + "') has shape " +
                       to_string(ft.shape()) + " in the file but " + to_string(it.shape()) +
                       " in the " + what);
  }
}

void copy_numbers(const NamedTensors& from, const NamedTensors& into) {
  for (std::size_t i = 0; i < from.size(); ++i) {
    Tensor dst = into[i].second;  // a handle on the same node
    dst.data() = from[i].second.data();
  }
}

}  // namespace detail

void load(const std::string& path, const NamedTensors& into) {
  NamedTensors file = read(path);
  detail::check_same_layout(path, file, into, "model");
  detail::copy_numbers(file, into);
}

}  // namespace gradlab
