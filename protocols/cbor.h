// A small, strict CBOR (RFC 8949) encoder and pull decoder for the rpcv2Cbor protocol. Hand
// written because no C++ CBOR library is among the project's Debian packages.
//
// The Writer emits preferred serialization (shortest heads) and definite lengths. The Reader
// accepts every well-formed encoding, including indefinite-length strings, arrays and maps, and
// rejects what is not well formed: truncated items, reserved additional-info values (28..30),
// indefinite integers or tags, stray breaks, chunks of the wrong type, invalid UTF-8 in text,
// unassigned simple values. Declared lengths are checked against the bytes that remain before
// anything is allocated, so a hostile header cannot make it reserve memory.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace rime::proto::cbor {

/// Encoder: append items; containers are opened with their element count, then filled.
class Writer {
 public:
  void unsigned_int(std::uint64_t v) { head(0, v); }
  /// Major type 0 or 1, whichever holds `v`.
  void signed_int(std::int64_t v);
  /// The integer -1 - n (major type 1).
  void negative(std::uint64_t n) { head(1, n); }
  void bytes(std::string_view b);
  void text(std::string_view s);
  void array(std::uint64_t count) { head(4, count); }
  /// A map of `count` pairs: write key, value, key, value...
  void map(std::uint64_t count) { head(5, count); }
  void tag(std::uint64_t number) { head(6, number); }
  void boolean(bool b) { out_.push_back(static_cast<char>(b ? 0xf5 : 0xf4)); }
  void null() { out_.push_back(static_cast<char>(0xf6)); }
  void float32(float f);
  void float64(double d);
  /// Single precision when it holds `d` exactly (NaN and infinities too), else double; never
  /// half precision (Smithy rpcv2Cbor: "smallest type that can contain the value, not 16-bit").
  void floating(double d);

  const std::string& data() const { return out_; }
  std::string take() { return std::move(out_); }

 private:
  void head(std::uint8_t major, std::uint64_t arg);
  std::string out_;
};

enum class Type : std::uint8_t {
  kUnsigned,   // arg is the value
  kNegative,   // the value is -1 - arg
  kBytes,      // data holds the bytes (chunks of an indefinite string joined)
  kText,       // data holds valid UTF-8
  kArray,      // arg elements follow, or until a break when indefinite
  kMap,        // arg pairs follow, or until a break when indefinite
  kTag,        // arg is the tag number; the tagged item follows
  kFalse,
  kTrue,
  kNull,
  kUndefined,
  kFloat,      // number holds the value (half, single and double precision)
};

/// One data item's head as the Reader returns it.
struct Item {
  Type type = Type::kNull;
  std::uint64_t arg = 0;
  bool indefinite = false;  // arrays and maps: read elements until Reader::consume_break()
  double number = 0;        // kFloat
  std::string data;         // kBytes, kText
};

/// Pull decoder over a complete buffer. After a failure every call fails and error() says why.
class Reader {
 public:
  /// Reads from `input`, which must outlive the Reader (hence no temporaries).
  explicit Reader(std::string_view input) : in_(input) {}
  explicit Reader(std::string&&) = delete;

  /// Reads the next item's head (and a string's contents); nullopt when malformed or truncated.
  std::optional<Item> read();
  /// Inside an indefinite array or map: consumes the break and returns true when it is next.
  bool consume_break();
  /// Skips what follows `item`'s head: its elements, pairs or tagged item. Nesting past
  /// `max_depth` levels is an error (bounded recursion).
  bool skip(const Item& item, int max_depth = 64);

  bool at_end() const { return pos_ == in_.size(); }
  std::size_t offset() const { return pos_; }
  std::size_t remaining() const { return in_.size() - pos_; }
  bool failed() const { return !error_.empty(); }
  const std::string& error() const { return error_; }

 private:
  bool fail(std::string message);
  bool take(std::size_t n, std::string_view& out);
  bool argument(std::uint8_t info, std::uint64_t& value);
  bool read_string(std::uint8_t major, std::uint8_t info, std::string& out);

  std::string_view in_;
  std::size_t pos_ = 0;
  std::string error_;
};

/// True when `s` is well-formed UTF-8 (no overlong forms, surrogates or values past U+10FFFF).
bool valid_utf8(std::string_view s);

/// RFC 8949 diagnostic notation of one complete item ("{\"a\": [1, h'00ff', 1(1.5)]}"), for
/// tests and logs; "<malformed: why>" when the input is not exactly one well-formed item.
std::string to_diagnostic(std::string_view cbor);

}  // namespace rime::proto::cbor
