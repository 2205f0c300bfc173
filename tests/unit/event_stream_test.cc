// application/vnd.amazon.eventstream framing (protocols/event_stream.h): fixtures decoded by
// botocore's EventStreamBuffer, incremental decoding, and strictness on corrupt input.
#include <catch2/catch.hpp>

#include <zlib.h>

#include "protocols/event_stream.h"
#include "tests/unit/rpc_test_models.h"

using namespace rime::proto;
using rime::proto::testmodels::hex_decode;
using rime::proto::testmodels::hex_encode;
namespace es = rime::proto::eventstream;

namespace {

// Every header type; botocore decodes it to
// {'t': True, 'f': False, 'b': -2, 's': -300, 'i': 123456789, 'l': -5000000000, 'ba': b'\x00\xff',
//  'str': 'hé', 'ts': 1704164645678, 'u': b'\x00\x01...\x0f'} with payload b'{"x":1}'.
constexpr const char* kAllTypesHex =
    "00000069000000527465fa8d017400016601016202fe017303fed4016904075bcd15016c05fffffffed5fa0e0002626106000200ff03"
    "73747207000368c3a9027473080000018cc820db2e017509000102030405060708090a0b0c0d0e0f7b2278223a317d95b472c7";
// event("Records", "abc", "application/octet-stream"), as botocore reads it.
constexpr const char* kEventHex =
    "0000006800000055d761469e0d3a6d6573736167652d747970650700056576656e740b3a6576656e742d747970650700075265636f"
    "7264730d3a636f6e74656e742d747970650700186170706c69636174696f6e2f6f637465742d73747265616d61626384681d8f";
// An empty message: no headers, no payload.
constexpr const char* kEmptyHex = "000000100000000005c248eb7d98c8ff";

es::Message all_types() {
  es::Message m;
  m.headers = {{"t", true},
               {"f", false},
               {"b", std::int8_t{-2}},
               {"s", std::int16_t{-300}},
               {"i", std::int32_t{123456789}},
               {"l", std::int64_t{-5000000000LL}},
               {"ba", es::ByteArray{std::string("\x00\xff", 2)}},
               {"str", std::string("h\xc3\xa9")},
               {"ts", Timestamp{1704164645678}},
               {"u", es::Uuid{{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15}}}};
  m.payload = "{\"x\":1}";
  return m;
}

std::string encoded(const es::Message& m) { return std::get<std::string>(es::encode(m)); }

void put_u32(std::string& s, std::size_t pos, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) s[pos + i] = static_cast<char>(v >> (24 - 8 * i));
}
std::uint32_t crc(std::string_view s) {
  return static_cast<std::uint32_t>(crc32(0, reinterpret_cast<const Bytef*>(s.data()), static_cast<uInt>(s.size())));
}
// A frame around raw header bytes with correct lengths and CRCs (to test header parsing alone).
std::string frame(std::string headers, std::string payload = "") {
  std::string m(12, '\0');
  put_u32(m, 0, static_cast<std::uint32_t>(16 + headers.size() + payload.size()));
  put_u32(m, 4, static_cast<std::uint32_t>(headers.size()));
  put_u32(m, 8, crc(std::string_view(m).substr(0, 8)));
  m += headers + payload + std::string(4, '\0');
  put_u32(m, m.size() - 4, crc(std::string_view(m).substr(0, m.size() - 4)));
  return m;
}

}  // namespace

TEST_CASE("Every header type encodes to the botocore-verified bytes", "[protocols][eventstream]") {
  // Why: the wire format is fixed; these bytes decode in botocore to the same headers.
  CHECK(hex_encode(encoded(all_types())) == kAllTypesHex);
  CHECK(hex_encode(encoded(es::event("Records", "abc", "application/octet-stream"))) == kEventHex);
  CHECK(hex_encode(encoded(es::Message{})) == kEmptyHex);
}

TEST_CASE("Messages decode back to what was encoded", "[protocols][eventstream]") {
  // Why: a round trip of every type, and of the fixtures.
  auto m = es::decode(hex_decode(kAllTypesHex));
  REQUIRE(std::holds_alternative<es::Message>(m));
  CHECK(std::get<es::Message>(m) == all_types());
  auto e = std::get<es::Message>(es::decode(hex_decode(kEventHex)));
  CHECK(e.string_header(":event-type") == "Records");
  CHECK(e.string_header(":message-type") == "event");
  CHECK(e.payload == "abc");
  CHECK(e.find(":missing") == nullptr);
  auto empty = std::get<es::Message>(es::decode(hex_decode(kEmptyHex)));
  CHECK(empty.headers.empty());
  CHECK(empty.payload.empty());
  es::Message big;
  big.payload = std::string(1 << 20, 'x');
  big.headers.push_back({"k", std::string(32767, 'v')});
  CHECK(std::get<es::Message>(es::decode(encoded(big))) == big);
}

TEST_CASE("Exception and error messages carry AWS's headers", "[protocols][eventstream]") {
  // Why: modeled stream errors use :exception-type; unmodeled ones :error-code/:error-message.
  es::Message x = es::exception("ResourceNotFoundException", "{}", "application/json");
  CHECK(x.string_header(":message-type") == "exception");
  CHECK(x.string_header(":exception-type") == "ResourceNotFoundException");
  CHECK(x.string_header(":content-type") == "application/json");
  es::Message err = es::error("InternalFailure", "boom");
  CHECK(err.string_header(":message-type") == "error");
  CHECK(err.string_header(":error-code") == "InternalFailure");
  CHECK(err.string_header(":error-message") == "boom");
  CHECK(es::header_type(err.headers[0].value) == es::HeaderType::kString);
  CHECK(es::header_type(es::HeaderValue{false}) == es::HeaderType::kFalse);
}

TEST_CASE("The decoder is incremental", "[protocols][eventstream]") {
  // Why: bytes arrive in arbitrary pieces; messages come out exactly when complete.
  std::string stream = encoded(all_types()) + encoded(es::event("A", "1")) + hex_decode(kEmptyHex);
  es::Decoder d;
  int seen = 0;
  for (char c : stream) {
    REQUIRE(d.feed(std::string_view(&c, 1)));
    while (auto m = d.next()) ++seen;
  }
  CHECK(seen == 3);
  CHECK(d.buffered() == 0);
  es::Decoder all;
  REQUIRE(all.feed(stream));
  CHECK(all.next() == all_types());
  CHECK(all.next()->string_header(":event-type") == "A");
  CHECK(all.next()->payload.empty());
  CHECK_FALSE(all.next());
  es::Decoder half;
  REQUIRE(half.feed(std::string_view(stream).substr(0, 50)));
  CHECK_FALSE(half.next());
  CHECK(half.buffered() == 50);
  REQUIRE(half.feed(std::string_view(stream).substr(50)));
  CHECK(half.next() == all_types());
}

TEST_CASE("Any corrupted byte is detected", "[protocols][eventstream]") {
  // Why: every byte is covered by the prelude or message CRC; corruption is an error, never a crash.
  const std::string good = encoded(all_types());
  for (std::size_t i = 0; i < good.size(); ++i) {
    std::string bad = good;
    bad[i] = static_cast<char>(bad[i] ^ 0x20);
    es::Decoder d;
    d.feed(bad);
    d.feed(std::string(200, '\0'));  // more bytes: a grown length must still be caught
    INFO("byte " << i);
    CHECK(d.failed());
    CHECK_FALSE(d.next());
    CHECK(std::holds_alternative<es::FrameError>(es::decode(bad)));
  }
}

TEST_CASE("Impossible lengths fail before buffering", "[protocols][eventstream]") {
  // Why: a hostile prelude must not make the decoder wait for (or allocate) gigabytes.
  auto prelude = [](std::uint32_t total, std::uint32_t headers) {
    std::string p(12, '\0');
    put_u32(p, 0, total);
    put_u32(p, 4, headers);
    put_u32(p, 8, crc(std::string_view(p).substr(0, 8)));
    return p;
  };
  for (auto [total, headers] : {std::pair{0xffffffffu, 0u}, std::pair{(16u << 20) + 1, 0u}, std::pair{15u, 0u},
                                std::pair{100u, 85u}, std::pair{(1u << 20), (128u << 10) + 1}}) {
    es::Decoder d;
    CHECK_FALSE(d.feed(prelude(total, headers)));
    CHECK(d.failed());
    CHECK(d.buffered() == 0);
  }
  es::Decoder ok;
  CHECK(ok.feed(prelude(16u << 20, 0)));  // the maximum is allowed: it waits for the bytes
  CHECK_FALSE(ok.failed());
  CHECK(std::get<es::FrameError>(es::decode(hex_decode("0000001000000000"))).message.find("shorter") != std::string::npos);
  std::string two = hex_decode(kEmptyHex) + hex_decode(kEmptyHex);
  CHECK(std::holds_alternative<es::FrameError>(es::decode(two)));  // one message exactly
  es::Decoder failed;
  failed.feed(prelude(15, 0));
  CHECK_FALSE(failed.feed(hex_decode(kEmptyHex)));  // stays failed
}

TEST_CASE("Malformed headers with valid CRCs are rejected", "[protocols][eventstream]") {
  // Why: CRCs can be right while the headers section lies (unknown type, value past the end).
  CHECK(std::holds_alternative<es::Message>(es::decode(frame(std::string("\x01k\x07\x00\x01v", 6)))));
  CHECK(std::get<es::FrameError>(es::decode(frame(std::string("\x01k\x0a", 3)))).message ==
        "Unknown event stream header type 10");
  CHECK(std::holds_alternative<es::FrameError>(es::decode(frame(std::string("\x01k\x07\x00\x05v", 6)))));
  CHECK(std::holds_alternative<es::FrameError>(es::decode(frame(std::string("\x05k", 2)))));
  CHECK(std::holds_alternative<es::FrameError>(es::decode(frame(std::string("\x00", 1)))));
  CHECK(std::holds_alternative<es::FrameError>(es::decode(frame(std::string("\x01k\x05\x00\x00", 5)))));
  CHECK(std::holds_alternative<es::FrameError>(es::decode(frame(std::string("\x01k\x09", 3) + std::string(15, 'u')))));
  CHECK(std::holds_alternative<es::FrameError>(es::decode(frame(std::string("\x01k", 2)))));
}

TEST_CASE("Encoding refuses what the format cannot carry", "[protocols][eventstream]") {
  // Why: names are 1..255 bytes, string values up to 32767, messages up to 16 MiB.
  auto fails = [](es::Message m) { return std::holds_alternative<es::FrameError>(es::encode(m)); };
  CHECK(fails(es::Message{{{"", true}}, ""}));
  CHECK(fails(es::Message{{{std::string(256, 'n'), true}}, ""}));
  CHECK_FALSE(fails(es::Message{{{std::string(255, 'n'), true}}, ""}));
  CHECK(fails(es::Message{{{"s", std::string(32768, 'v')}}, ""}));
  CHECK(fails(es::Message{{{"b", es::ByteArray{std::string(32768, 'v')}}}, ""}));
  CHECK(fails(es::Message{{}, std::string(16u << 20, 'p')}));
  CHECK_FALSE(fails(es::Message{{}, std::string((16u << 20) - 16, 'p')}));
  es::Message many;
  for (int i = 0; i < 5; ++i) many.headers.push_back({"h" + std::to_string(i), std::string(30000, 'v')});
  CHECK(fails(many));  // headers over 128 KiB
}
