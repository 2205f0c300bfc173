// The `application/vnd.amazon.eventstream` message framing used by event-stream operations
// (Kinesis SubscribeToShard, S3 SelectObjectContent, Transcribe streaming, Lambda
// InvokeWithResponseStream...). One message on the wire:
//
//   prelude   total length (u32 BE) | headers length (u32 BE) | CRC32 of those 8 bytes (u32 BE)
//   headers   repeated: name length (u8) | name | type (u8) | value
//   payload   total - headers - 16 bytes
//   trailer   CRC32 of everything before it (u32 BE)
//
// Header value types: 0 true, 1 false (no bytes), 2 byte (i8), 3 short (i16 BE), 4 int
// (i32 BE), 5 long (i64 BE), 6 byte array and 7 string (u16 BE length + bytes), 8 timestamp
// (i64 BE epoch milliseconds), 9 uuid (16 bytes). CRCs are zlib's CRC32.
//
// Typical use, server side:
//   std::string frame = eventstream::encode(eventstream::event("Records", payload, "application/octet-stream"));
// and for input streams:
//   eventstream::Decoder d;  d.feed(bytes);  while (auto m = d.next()) handle(*m);  if (d.failed()) ...
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "protocols/value.h"

namespace rime::proto::eventstream {

/// Limits AWS applies: a message of at most 16 MiB with at most 128 KiB of headers.
inline constexpr std::size_t kMaxMessageSize = 16u << 20;
inline constexpr std::size_t kMaxHeadersSize = 128u << 10;
inline constexpr std::size_t kPreludeSize = 12;
inline constexpr std::size_t kMinMessageSize = 16;  // prelude + message CRC

enum class HeaderType : std::uint8_t {
  kTrue = 0, kFalse = 1, kByte = 2, kShort = 3, kInt = 4, kLong = 5,
  kBytes = 6, kString = 7, kTimestamp = 8, kUuid = 9,
};

struct ByteArray {
  std::string bytes;
  bool operator==(const ByteArray&) const = default;
};
struct Uuid {
  std::array<std::uint8_t, 16> bytes{};
  bool operator==(const Uuid&) const = default;
};

/// A header value; the alternative chosen is the wire type (bool covers types 0 and 1).
using HeaderValue = std::variant<bool, std::int8_t, std::int16_t, std::int32_t, std::int64_t, ByteArray,
                                 std::string, Timestamp, Uuid>;

HeaderType header_type(const HeaderValue& value);

struct Header {
  std::string name;
  HeaderValue value;
  bool operator==(const Header&) const = default;
};

struct Message {
  std::vector<Header> headers;  // wire order; names are not required to be unique
  std::string payload;

  /// First header called `name` (case-sensitive, as the format is), or nullptr.
  const HeaderValue* find(std::string_view name) const;
  /// A string header's value, or "" when absent or not a string.
  std::string_view string_header(std::string_view name) const;
  bool operator==(const Message&) const = default;
};

/// Why a message could not be framed or unframed.
struct FrameError {
  std::string message;
};

/// One framed message, or why it cannot be framed: a header name empty or over 255 bytes, a
/// string or byte array over 32,767 bytes, headers over kMaxHeadersSize, or the message over
/// kMaxMessageSize.
std::variant<std::string, FrameError> encode(const Message& message);

/// AWS's event message: `:message-type: event`, `:event-type: <type>`, `:content-type` when given.
Message event(std::string_view event_type, std::string payload, std::string_view content_type = {});
/// A modeled error inside the stream: `:message-type: exception`, `:exception-type: <type>`.
Message exception(std::string_view exception_type, std::string payload, std::string_view content_type = {});
/// An unmodeled error: `:message-type: error`, `:error-code`, `:error-message`, no payload.
Message error(std::string_view code, std::string_view message);

/// Incremental decoder: feed bytes as they arrive, take complete messages as they form. Strict:
/// a wrong CRC, an impossible length (below 16, past kMaxMessageSize, headers past the message
/// or kMaxHeadersSize), an unknown header type or a header running past its section fails the
/// decoder for good. It never buffers more than one message's worth (at most kMaxMessageSize)
/// plus what the last feed() added.
class Decoder {
 public:
  /// Appends bytes and decodes every message they complete; false once the stream is corrupt.
  bool feed(std::string_view bytes);
  /// The oldest complete message not yet taken.
  std::optional<Message> next();
  bool failed() const { return !error_.empty(); }
  const std::string& error() const { return error_; }
  /// Bytes of an incomplete message still waiting for the rest.
  std::size_t buffered() const { return buffer_.size() - consumed_; }

 private:
  bool decode_available();
  bool fail(std::string message);

  std::string buffer_;
  std::size_t consumed_ = 0;
  std::vector<Message> ready_;
  std::size_t ready_pos_ = 0;
  std::string error_;
};

/// Decodes exactly one message occupying all of `bytes`.
std::variant<Message, FrameError> decode(std::string_view bytes);

}  // namespace rime::proto::eventstream
