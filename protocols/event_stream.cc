// application/vnd.amazon.eventstream framing; see event_stream.h.
#include "protocols/event_stream.h"

#include <zlib.h>

namespace rime::proto::eventstream {
namespace {

constexpr std::size_t kMaxNameSize = 255;
constexpr std::size_t kMaxValueSize = 32767;

std::uint32_t crc(std::string_view bytes, std::uint32_t seed = 0) {
  return static_cast<std::uint32_t>(
      crc32(seed, reinterpret_cast<const Bytef*>(bytes.data()), static_cast<uInt>(bytes.size())));
}

void put_be(std::string& out, std::uint64_t v, int bytes) {
  for (int s = (bytes - 1) * 8; s >= 0; s -= 8) out.push_back(static_cast<char>((v >> s) & 0xff));
}

std::uint64_t get_be(std::string_view in, std::size_t pos, int bytes) {
  std::uint64_t v = 0;
  for (int i = 0; i < bytes; ++i) v = (v << 8) | static_cast<unsigned char>(in[pos + i]);
  return v;
}

// Parses the headers section; nullopt with `error` set when malformed.
std::optional<std::vector<Header>> parse_headers(std::string_view h, std::string& error) {
  std::vector<Header> headers;
  std::size_t pos = 0;
  auto need = [&](std::size_t n) {
    if (n > h.size() - pos) {
      error = "Event stream header runs past the headers section";
      return false;
    }
    return true;
  };
  while (pos < h.size()) {
    std::size_t name_len = static_cast<unsigned char>(h[pos++]);
    if (name_len == 0) {
      error = "Event stream header with an empty name";
      return std::nullopt;
    }
    if (!need(name_len + 1)) return std::nullopt;
    Header header;
    header.name.assign(h.substr(pos, name_len));
    pos += name_len;
    auto type = static_cast<std::uint8_t>(h[pos++]);
    switch (static_cast<HeaderType>(type)) {
      case HeaderType::kTrue: header.value = true; break;
      case HeaderType::kFalse: header.value = false; break;
      case HeaderType::kByte:
        if (!need(1)) return std::nullopt;
        header.value = static_cast<std::int8_t>(get_be(h, pos, 1));
        pos += 1;
        break;
      case HeaderType::kShort:
        if (!need(2)) return std::nullopt;
        header.value = static_cast<std::int16_t>(get_be(h, pos, 2));
        pos += 2;
        break;
      case HeaderType::kInt:
        if (!need(4)) return std::nullopt;
        header.value = static_cast<std::int32_t>(get_be(h, pos, 4));
        pos += 4;
        break;
      case HeaderType::kLong:
      case HeaderType::kTimestamp: {
        if (!need(8)) return std::nullopt;
        auto v = static_cast<std::int64_t>(get_be(h, pos, 8));
        pos += 8;
        if (type == static_cast<std::uint8_t>(HeaderType::kLong)) header.value = v;
        else header.value = Timestamp{v};
        break;
      }
      case HeaderType::kBytes:
      case HeaderType::kString: {
        if (!need(2)) return std::nullopt;
        auto len = static_cast<std::size_t>(get_be(h, pos, 2));
        pos += 2;
        if (!need(len)) return std::nullopt;
        std::string v(h.substr(pos, len));
        pos += len;
        if (type == static_cast<std::uint8_t>(HeaderType::kBytes)) header.value = ByteArray{std::move(v)};
        else header.value = std::move(v);
        break;
      }
      case HeaderType::kUuid: {
        if (!need(16)) return std::nullopt;
        Uuid u;
        for (int i = 0; i < 16; ++i) u.bytes[i] = static_cast<std::uint8_t>(h[pos + i]);
        pos += 16;
        header.value = u;
        break;
      }
      default:
        error = "Unknown event stream header type " + std::to_string(type);
        return std::nullopt;
    }
    headers.push_back(std::move(header));
  }
  return headers;
}

// Validates the prelude of a message starting at `in[0]`; returns its total length, or 0 with
// `error` set.
std::uint32_t check_prelude(std::string_view in, std::string& error) {
  auto total = static_cast<std::uint32_t>(get_be(in, 0, 4));
  auto headers_len = static_cast<std::uint32_t>(get_be(in, 4, 4));
  auto prelude_crc = static_cast<std::uint32_t>(get_be(in, 8, 4));
  if (crc(in.substr(0, 8)) != prelude_crc) error = "Event stream prelude CRC mismatch";
  else if (total < kMinMessageSize || total > kMaxMessageSize) error = "Event stream message length out of range";
  else if (headers_len > kMaxHeadersSize || headers_len > total - kMinMessageSize)
    error = "Event stream headers length out of range";
  return error.empty() ? total : 0;
}

// Decodes one whole message of `total` bytes whose prelude was checked.
std::optional<Message> decode_checked(std::string_view m, std::string& error) {
  auto headers_len = static_cast<std::size_t>(get_be(m, 4, 4));
  auto message_crc = static_cast<std::uint32_t>(get_be(m, m.size() - 4, 4));
  if (crc(m.substr(0, m.size() - 4)) != message_crc) {
    error = "Event stream message CRC mismatch";
    return std::nullopt;
  }
  auto headers = parse_headers(m.substr(kPreludeSize, headers_len), error);
  if (!headers) return std::nullopt;
  Message msg;
  msg.headers = std::move(*headers);
  msg.payload.assign(m.substr(kPreludeSize + headers_len, m.size() - kMinMessageSize - headers_len));
  return msg;
}

}  // namespace

HeaderType header_type(const HeaderValue& value) {
  switch (value.index()) {
    case 0: return std::get<bool>(value) ? HeaderType::kTrue : HeaderType::kFalse;
    case 1: return HeaderType::kByte;
    case 2: return HeaderType::kShort;
    case 3: return HeaderType::kInt;
    case 4: return HeaderType::kLong;
    case 5: return HeaderType::kBytes;
    case 6: return HeaderType::kString;
    case 7: return HeaderType::kTimestamp;
    default: return HeaderType::kUuid;
  }
}

const HeaderValue* Message::find(std::string_view name) const {
  for (const Header& h : headers)
    if (h.name == name) return &h.value;
  return nullptr;
}

std::string_view Message::string_header(std::string_view name) const {
  const HeaderValue* v = find(name);
  if (!v || !std::holds_alternative<std::string>(*v)) return {};
  return std::get<std::string>(*v);
}

std::variant<std::string, FrameError> encode(const Message& message) {
  std::string headers;
  for (const Header& h : message.headers) {
    if (h.name.empty() || h.name.size() > kMaxNameSize)
      return FrameError{"Event stream header name must be 1 to 255 bytes: '" + h.name.substr(0, 64) + "'"};
    headers.push_back(static_cast<char>(h.name.size()));
    headers += h.name;
    HeaderType type = header_type(h.value);
    headers.push_back(static_cast<char>(type));
    switch (type) {
      case HeaderType::kTrue:
      case HeaderType::kFalse: break;
      case HeaderType::kByte: put_be(headers, static_cast<std::uint8_t>(std::get<std::int8_t>(h.value)), 1); break;
      case HeaderType::kShort: put_be(headers, static_cast<std::uint16_t>(std::get<std::int16_t>(h.value)), 2); break;
      case HeaderType::kInt: put_be(headers, static_cast<std::uint32_t>(std::get<std::int32_t>(h.value)), 4); break;
      case HeaderType::kLong: put_be(headers, static_cast<std::uint64_t>(std::get<std::int64_t>(h.value)), 8); break;
      case HeaderType::kTimestamp:
        put_be(headers, static_cast<std::uint64_t>(std::get<Timestamp>(h.value).epoch_millis), 8);
        break;
      case HeaderType::kBytes:
      case HeaderType::kString: {
        const std::string& v =
            type == HeaderType::kBytes ? std::get<ByteArray>(h.value).bytes : std::get<std::string>(h.value);
        if (v.size() > kMaxValueSize)
          return FrameError{"Event stream header '" + h.name + "' is longer than 32767 bytes"};
        put_be(headers, v.size(), 2);
        headers += v;
        break;
      }
      case HeaderType::kUuid:
        headers.append(reinterpret_cast<const char*>(std::get<Uuid>(h.value).bytes.data()), 16);
        break;
    }
    if (headers.size() > kMaxHeadersSize) return FrameError{"Event stream headers exceed 128 KiB"};
  }
  std::size_t total = kMinMessageSize + headers.size() + message.payload.size();
  if (total > kMaxMessageSize) return FrameError{"Event stream message exceeds 16 MiB"};
  std::string out;
  out.reserve(total);
  put_be(out, total, 4);
  put_be(out, headers.size(), 4);
  put_be(out, crc(out), 4);
  out += headers;
  out += message.payload;
  put_be(out, crc(out), 4);
  return out;
}

namespace {
Message typed(std::string_view kind, std::string_view type_header, std::string_view type, std::string payload,
              std::string_view content_type) {
  Message m;
  m.headers.push_back({":message-type", std::string(kind)});
  m.headers.push_back({std::string(type_header), std::string(type)});
  if (!content_type.empty()) m.headers.push_back({":content-type", std::string(content_type)});
  m.payload = std::move(payload);
  return m;
}
}  // namespace

Message event(std::string_view event_type, std::string payload, std::string_view content_type) {
  return typed("event", ":event-type", event_type, std::move(payload), content_type);
}

Message exception(std::string_view exception_type, std::string payload, std::string_view content_type) {
  return typed("exception", ":exception-type", exception_type, std::move(payload), content_type);
}

Message error(std::string_view code, std::string_view message) {
  Message m;
  m.headers.push_back({":message-type", std::string("error")});
  m.headers.push_back({":error-code", std::string(code)});
  m.headers.push_back({":error-message", std::string(message.substr(0, kMaxValueSize))});
  return m;
}

bool Decoder::fail(std::string message) {
  if (error_.empty()) error_ = std::move(message);
  buffer_.clear();
  consumed_ = 0;
  return false;
}

bool Decoder::feed(std::string_view bytes) {
  if (failed()) return false;
  // Drop what earlier messages used before growing, so the buffer holds one message at most.
  if (consumed_ > 0) {
    buffer_.erase(0, consumed_);
    consumed_ = 0;
  }
  buffer_.append(bytes);
  return decode_available();
}

bool Decoder::decode_available() {
  for (;;) {
    std::string_view rest = std::string_view(buffer_).substr(consumed_);
    if (rest.size() < kPreludeSize) return true;
    std::string err;
    std::uint32_t total = check_prelude(rest, err);
    if (total == 0) return fail(err);
    if (rest.size() < total) return true;
    auto msg = decode_checked(rest.substr(0, total), err);
    if (!msg) return fail(err);
    ready_.push_back(std::move(*msg));
    consumed_ += total;
  }
}

std::optional<Message> Decoder::next() {
  if (ready_pos_ >= ready_.size()) return std::nullopt;
  Message m = std::move(ready_[ready_pos_++]);
  if (ready_pos_ == ready_.size()) {
    ready_.clear();
    ready_pos_ = 0;
  }
  return m;
}

std::variant<Message, FrameError> decode(std::string_view bytes) {
  std::string err;
  if (bytes.size() < kMinMessageSize) return FrameError{"Event stream message is shorter than 16 bytes"};
  std::uint32_t total = check_prelude(bytes, err);
  if (total == 0) return FrameError{err};
  if (total != bytes.size()) return FrameError{"Event stream message length does not match the input"};
  auto msg = decode_checked(bytes, err);
  if (!msg) return FrameError{err};
  return std::move(*msg);
}

}  // namespace rime::proto::eventstream
