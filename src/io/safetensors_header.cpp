// SPDX-License-Identifier: MIT
// The safetensors header, read as a stream of JSON events (nlohmann's SAX
// interface) straight into entries. No tree of the JSON is built: a tree
// that keeps the file's key order (nlohmann::ordered_json) searched its key
// list once per key, and 200,000 entries took 46 s; this takes one pass. A
// newcomer may skip this file: what the header holds is in safetensors.cpp.

#include "io/safetensors_header.hpp"

#include <algorithm>
#include <limits>
#include <stdexcept>
#include <unordered_set>

#include <nlohmann/json.hpp>

#include "tensor/sizes.hpp"

namespace gradlab::detail {

namespace {

using Json = nlohmann::json;

[[noreturn]] void refuse(const std::string& path, const std::string& problem) {
  throw std::runtime_error("read_safetensors: " + path + ": " + problem);
}

// One JSON value that is not an object or an array, as far as the header cares.
struct Scalar {
  enum Kind { kUnsigned, kString, kOther } kind = kOther;
  std::uint64_t number = 0;
  std::string* text = nullptr;
};

// What an entry's object held, field by field, until its end is read.
struct Fields {
  std::string name;
  bool has_dtype = false, has_shape = false, has_offsets = false;
  bool dtype_is_string = false;
  std::string dtype;
  // A list's first few items are kept (a shape has at most 64 sizes, the
  // offsets 2); its length is counted. An item that is not a non-negative
  // integer is marked by its position.
  struct List {
    bool is_list = false;
    std::size_t length = 0;
    std::vector<std::uint64_t> items;
    std::size_t first_bad = std::numeric_limits<std::size_t>::max();
  } shape, offsets;
};

class HeaderReader final : public Json::json_sax_t {
 public:
  HeaderReader(const std::string& path, std::uint64_t data_bytes, Metadata* metadata, std::size_t most_entries)
      : path_(path), data_bytes_(data_bytes), metadata_(metadata) {
    names_.reserve(most_entries);  // no rehashing on the way: a 100 MB header has 2 million names at most
  }

  std::vector<SafetensorsEntry> entries;
  std::string problem;    // the first one met; reported once the JSON is known to be valid
  std::string syntax;     // nlohmann's message for invalid JSON

  bool null() override { return scalar({}); }
  bool boolean(bool) override { return scalar({}); }
  bool number_integer(std::int64_t) override { return scalar({}); }
  bool number_unsigned(std::uint64_t v) override { return scalar({Scalar::kUnsigned, v, nullptr}); }
  bool number_float(double, const std::string&) override { return scalar({}); }
  bool string(std::string& s) override { return scalar({Scalar::kString, 0, &s}); }
  bool binary(Json::binary_t&) override { return scalar({}); }
  bool start_object(std::size_t) override { return open(/*object=*/true); }
  bool start_array(std::size_t) override { return open(/*object=*/false); }
  bool end_object() override { return close(); }
  bool end_array() override { return close(); }
  bool key(std::string& k) override {
    if (open_.size() == 1 && !names_.insert(k).second) refuse(path_, "the name '" + k + "' appears twice");
    key_ = std::move(k);
    return true;
  }
  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception& e) override {
    syntax = e.what();
    return false;
  }

 private:
  // Where a value stands: what the containers open around it are.
  enum class In { kHeader, kEntry, kMetadata, kShape, kOffsets, kSkipped };

  void note(const std::string& p) {
    if (problem.empty()) problem = p;
  }
  std::string where() const { return "tensor '" + fields_.name + "'"; }

  // A value that is not a container: where it stands says what it is.
  bool scalar(const Scalar& v) {
    if (open_.empty()) return true;  // the top level: the text starts with '{', so never
    switch (open_.back()) {
      case In::kHeader:
        if (key_ == "__metadata__") note("__metadata__ is not an object");
        else start_entry(false);
        break;
      case In::kEntry: field(&v); break;
      case In::kMetadata:
        if (v.kind != Scalar::kString) note("__metadata__ '" + key_ + "' is not a string");
        else if (metadata_ && problem.empty()) (*metadata_)[key_] = std::move(*v.text);
        break;
      case In::kShape: item(fields_.shape, v, 65); break;
      case In::kOffsets: item(fields_.offsets, v, 3); break;
      case In::kSkipped: break;
    }
    return true;
  }

  // An object or an array begins.
  bool open(bool object) {
    In inside = In::kSkipped;
    if (open_.empty()) {
      inside = object ? In::kHeader : In::kSkipped;
    } else {
      switch (open_.back()) {
        case In::kHeader:
          if (key_ == "__metadata__") {
            if (object) inside = In::kMetadata;
            else note("__metadata__ is not an object");
          } else {
            start_entry(object);
            if (object) inside = In::kEntry;
          }
          break;
        case In::kEntry:
          inside = field(nullptr, object);
          break;
        case In::kShape: item(fields_.shape, {}, 65); break;
        case In::kOffsets: item(fields_.offsets, {}, 3); break;
        case In::kMetadata: note("__metadata__ '" + key_ + "' is not a string"); break;
        case In::kSkipped: break;
      }
    }
    open_.push_back(inside);
    return true;
  }

  bool close() {
    if (open_.back() == In::kEntry) finish_entry();
    open_.pop_back();
    return true;
  }

  // A value under a top-level key other than "__metadata__": a tensor.
  void start_entry(bool object) {
    fields_ = Fields{};
    fields_.name = key_;
    if (fields_.name.empty()) note("a tensor has an empty name");
    if (!object) note(where() + " lacks dtype, shape or data_offsets");
  }

  // A value inside an entry's object, under key_ (v is null for a container).
  In field(const Scalar* v, bool object = false) {
    const bool list = !v && !object;
    if (key_ == "dtype") {
      fields_.has_dtype = true;
      fields_.dtype_is_string = v && v->kind == Scalar::kString;
      if (fields_.dtype_is_string) fields_.dtype = std::move(*v->text);
    } else if (key_ == "shape" || key_ == "data_offsets") {
      (key_ == "shape" ? fields_.has_shape : fields_.has_offsets) = true;
      Fields::List& l = key_ == "shape" ? fields_.shape : fields_.offsets;
      l = Fields::List{};
      l.is_list = list;
      if (list) return key_ == "shape" ? In::kShape : In::kOffsets;
    }
    return In::kSkipped;  // any other key is allowed, and not read
  }

  // An item of a shape or of data_offsets; the first `keep` are kept.
  static void item(Fields::List& l, const Scalar& v, std::size_t keep) {
    if (l.length < keep) {
      if (v.kind != Scalar::kUnsigned) l.first_bad = std::min(l.first_bad, l.length);
      l.items.push_back(v.number);
    }
    ++l.length;
  }

  // Every check of one entry, in the order a reader meets them.
  void finish_entry() {
    if (!problem.empty()) return;  // the file is refused already: no more entries are needed
    const Fields& f = fields_;
    const std::string at = where();
    if (!f.has_dtype || !f.has_shape || !f.has_offsets) return note(at + " lacks dtype, shape or data_offsets");
    if (!f.dtype_is_string) return note(at + ": dtype is not a string");
    const std::size_t width = safetensors_dtype_bytes(f.dtype);
    if (width == 0) return note(at + " has dtype " + f.dtype + " (gradlab reads F64, F32, F16 and BF16)");
    if (!f.shape.is_list || f.shape.length > 64) return note(at + ": shape is not a list of at most 64 sizes");
    if (f.shape.first_bad < f.shape.length) return note(at + ": a shape entry is not a non-negative integer");
    SafetensorsEntry e{f.name, f.dtype, {}, 0, 0};
    std::uint64_t bytes = width;
    bool overflow = false;
    for (std::uint64_t size : f.shape.items) {
      if (size > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) overflow = true;
      else if (size != 0 && bytes > std::numeric_limits<std::uint64_t>::max() / size) overflow = true;
      else bytes *= size;
      e.shape.push_back(static_cast<std::int64_t>(std::min<std::uint64_t>(size, INT64_MAX)));
    }
    if (!f.offsets.is_list || f.offsets.length != 2) return note(at + ": data_offsets is not [begin, end]");
    for (std::size_t i = 0; i < 2; ++i)
      if (f.offsets.first_bad == i)
        return note(at + ": data_offsets[" + std::to_string(i) + "] is not a non-negative integer");
    e.begin = f.offsets.items[0];
    e.end = f.offsets.items[1];
    if (e.begin > e.end || e.end > data_bytes_)
      return note(at + " has data_offsets [" + std::to_string(e.begin) + ", " + std::to_string(e.end) +
                  "] outside the " + std::to_string(data_bytes_) + " bytes of data");
    if (overflow || bytes != e.end - e.begin)
      return note(at + " has shape " + to_string(e.shape) + " of " + e.dtype + " but " +
                  std::to_string(e.end - e.begin) + " bytes");
    // A 0 among the sizes makes the bytes 0 whatever the others are; the
    // others must still be sizes a tensor can have ([0, 2^62, 2^62] cannot).
    try {
      checked_numel("read_safetensors", e.shape);
    } catch (const std::length_error& error) {
      std::string why = error.what();
      return note(at + ": " + why.substr(std::min(why.size(), std::string("read_safetensors: ").size())));
    }
    entries.push_back(std::move(e));
  }

  const std::string& path_;
  const std::uint64_t data_bytes_;
  Metadata* metadata_;
  std::vector<In> open_;  // the containers open, innermost last
  std::string key_;       // the last key read
  std::unordered_set<std::string> names_;
  Fields fields_;  // of the entry being read
};

}  // namespace

std::size_t safetensors_dtype_bytes(const std::string& dtype) {
  if (dtype == "F64") return 8;
  if (dtype == "F32") return 4;
  if (dtype == "F16" || dtype == "BF16") return 2;
  return 0;  // not one gradlab reads
}

std::vector<SafetensorsEntry> parse_safetensors_header(const std::string& path, const std::string& text,
                                                       std::uint64_t data_bytes, Metadata* metadata) {
  HeaderReader reader(path, data_bytes, metadata, text.size() / 48);  // an entry takes 48 bytes at least
  if (!Json::sax_parse(text, &reader))
    refuse(path, "the header is not valid JSON (" + reader.syntax + ")");
  if (!reader.problem.empty()) refuse(path, reader.problem);
  std::vector<SafetensorsEntry>& entries = reader.entries;
  std::stable_sort(entries.begin(), entries.end(),
                   [](const SafetensorsEntry& a, const SafetensorsEntry& b) { return a.begin < b.begin; });
  std::uint64_t next = 0;  // where the next tensor must start
  for (const SafetensorsEntry& e : entries) {
    if (e.begin != next)
      refuse(path, "tensor '" + e.name + "' starts at byte " + std::to_string(e.begin) + " of the data, not at " +
                       std::to_string(next) + (e.begin < next ? " (it overlaps the one before)" : " (a gap)"));
    next = e.end;
  }
  if (next != data_bytes)
    refuse(path, "the tensors cover " + std::to_string(next) + " of the " + std::to_string(data_bytes) +
                     " bytes of data");
  return std::move(entries);
}

}  // namespace gradlab::detail
