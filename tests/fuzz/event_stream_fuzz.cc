// Event-stream framing (protocols/event_stream.h): the one-shot decode() and the incremental
// Decoder. Input: one control byte, then the stream. Control bit 0 set: the harness rewrites
// each message's prelude and message CRC32 first (so mutations reach the header parser instead
// of dying at the checksum); bits 1..7: the chunk size the Decoder is fed in.
//
// Invariants: feeding the stream in chunks yields the same messages and the same failure as
// feeding it whole; a message decode() accepts re-encodes (when encode() allows its sizes) to
// exactly the bytes it came from.
#include <string>
#include <vector>

#include <zlib.h>

#include "protocols/event_stream.h"
#include "tests/fuzz/fuzz_target.h"

namespace {

namespace es = rime::proto::eventstream;

std::uint32_t get_be32(const std::string& s, std::size_t pos) {
  return (std::uint32_t(static_cast<unsigned char>(s[pos])) << 24) |
         (std::uint32_t(static_cast<unsigned char>(s[pos + 1])) << 16) |
         (std::uint32_t(static_cast<unsigned char>(s[pos + 2])) << 8) | std::uint32_t(static_cast<unsigned char>(s[pos + 3]));
}

void put_be32(std::string& s, std::size_t pos, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) s[pos + i] = static_cast<char>((v >> (24 - 8 * i)) & 0xff);
}

std::uint32_t crc(const std::string& s, std::size_t pos, std::size_t n) {
  return static_cast<std::uint32_t>(
      crc32(0, reinterpret_cast<const Bytef*>(s.data() + pos), static_cast<uInt>(n)));
}

void fix_crcs(std::string& s) {
  std::size_t pos = 0;
  while (s.size() - pos >= es::kPreludeSize) {
    std::uint32_t total = get_be32(s, pos);
    put_be32(s, pos + 8, crc(s, pos, 8));
    if (total < es::kMinMessageSize || total > s.size() - pos) return;
    put_be32(s, pos + total - 4, crc(s, pos, total - 4));
    pos += total;
  }
}

std::vector<es::Message> drain(es::Decoder& d) {
  std::vector<es::Message> out;
  while (auto m = d.next()) out.push_back(std::move(*m));
  return out;
}

}  // namespace

RIME_FUZZ_TARGET(event_stream) {
  if (size == 0) return 0;
  const unsigned control = data[0];
  std::string bytes(reinterpret_cast<const char*>(data + 1), size - 1);
  if (control & 1) fix_crcs(bytes);
  const std::size_t chunk = (control >> 1) + 1;

  es::Decoder whole;
  whole.feed(bytes);
  std::vector<es::Message> whole_messages = drain(whole);

  es::Decoder pieces;
  std::vector<es::Message> piece_messages;
  for (std::size_t pos = 0; pos < bytes.size() && !pieces.failed(); pos += chunk) {
    pieces.feed(std::string_view(bytes).substr(pos, chunk));
    for (auto& m : drain(pieces)) piece_messages.push_back(std::move(m));
  }
  RIME_FUZZ_CHECK(whole.failed() == pieces.failed(), whole.error() + " / " + pieces.error());
  RIME_FUZZ_CHECK(whole_messages == piece_messages, "chunked decoding differs");
  if (!whole.failed()) RIME_FUZZ_CHECK(whole.buffered() == pieces.buffered(), "buffered bytes differ");

  auto one = es::decode(bytes);
  if (auto* message = std::get_if<es::Message>(&one)) {
    auto encoded = es::encode(*message);
    if (auto* frame = std::get_if<std::string>(&encoded)) RIME_FUZZ_CHECK(*frame == bytes, "re-encoding differs");
    // A whole single message must come out of the Decoder too.
    RIME_FUZZ_CHECK(!whole.failed() && whole_messages.size() == 1 && whole_messages[0] == *message,
                    "decode() and Decoder disagree");
  }
  for (const auto& m : whole_messages) {
    auto encoded = es::encode(m);
    if (auto* frame = std::get_if<std::string>(&encoded)) {
      auto back = es::decode(*frame);
      RIME_FUZZ_CHECK(std::holds_alternative<es::Message>(back) && std::get<es::Message>(back) == m,
                      "encode/decode round trip");
    }
  }
  return 0;
}
