// The hand-written CBOR encoder/decoder (protocols/cbor.h) against RFC 8949 Appendix A's
// examples, and its strictness on malformed input.
#include <catch2/catch.hpp>

#include <cmath>
#include <limits>

#include "protocols/cbor.h"
#include "tests/unit/rpc_test_models.h"

using namespace rime::proto;
using rime::proto::testmodels::hex_decode;
using rime::proto::testmodels::hex_encode;

namespace {

std::string diag_hex(std::string_view hex) { return cbor::to_diagnostic(hex_decode(hex)); }
bool malformed(std::string_view hex) { return diag_hex(hex).rfind("<malformed", 0) == 0; }

}  // namespace

TEST_CASE("Integers encode in their shortest form", "[protocols][cbor]") {
  // Why: Smithy asks for the smallest representation; vectors from RFC 8949 Appendix A.
  auto enc = [](std::int64_t v) {
    cbor::Writer w;
    w.signed_int(v);
    return hex_encode(w.data());
  };
  CHECK(enc(0) == "00");
  CHECK(enc(23) == "17");
  CHECK(enc(24) == "1818");
  CHECK(enc(100) == "1864");
  CHECK(enc(1000) == "1903e8");
  CHECK(enc(1000000) == "1a000f4240");
  CHECK(enc(1000000000000) == "1b000000e8d4a51000");
  CHECK(enc(-1) == "20");
  CHECK(enc(-10) == "29");
  CHECK(enc(-100) == "3863");
  CHECK(enc(-1000) == "3903e7");
  CHECK(enc(std::numeric_limits<std::int64_t>::min()) == "3b7fffffffffffffff");
  cbor::Writer w;
  w.unsigned_int(18446744073709551615ull);
  CHECK(hex_encode(w.data()) == "1bffffffffffffffff");
}

TEST_CASE("Floats use single precision when exact, never half", "[protocols][cbor]") {
  // Why: rpcv2Cbor: smallest float that holds the value, but no 16-bit floats on the wire.
  auto enc = [](double d) {
    cbor::Writer w;
    w.floating(d);
    return hex_encode(w.data());
  };
  CHECK(enc(1.5) == "fa3fc00000");
  CHECK(enc(100000.0) == "fa47c35000");
  CHECK(enc(3.4028234663852886e+38) == "fa7f7fffff");
  CHECK(enc(1.1) == "fb3ff199999999999a");
  CHECK(enc(1.0e+300) == "fb7e37e43c8800759c");
  CHECK(enc(INFINITY) == "fa7f800000");
  CHECK(enc(-INFINITY) == "faff800000");
  CHECK(enc(NAN) == "fa7fc00000");
}

TEST_CASE("Strings, containers, tags and simple values encode per RFC 8949", "[protocols][cbor]") {
  // Why: Appendix A vectors for every major type the codec writes.
  cbor::Writer w;
  w.array(7);
  w.boolean(false);
  w.boolean(true);
  w.null();
  w.bytes(std::string("\x01\x02\x03\x04", 4));
  w.text("\xc3\xbc");  // ü
  w.map(2);
  w.text("a");
  w.unsigned_int(1);
  w.text("b");
  w.array(2);
  w.unsigned_int(2);
  w.unsigned_int(3);
  w.tag(1);
  w.unsigned_int(1363896240);
  CHECK(hex_encode(w.data()) == "87f4f5f6440102030462c3bca26161016162820203c11a514b67b0");
  CHECK(cbor::to_diagnostic(w.data()) == R"([false, true, null, h'01020304', "ü", {"a": 1, "b": [2, 3]}, 1(1363896240)])");
}

TEST_CASE("The reader decodes RFC 8949 examples, indefinite lengths included", "[protocols][cbor]") {
  // Why: clients may send indefinite-length strings and containers; all must be accepted.
  CHECK(diag_hex("1bffffffffffffffff") == "18446744073709551615");
  CHECK(diag_hex("3bffffffffffffffff") == "-18446744073709551616");
  CHECK(diag_hex("5f42010243030405ff") == "h'0102030405'");
  CHECK(diag_hex("7f657374726561646d696e67ff") == R"("streaming")");
  CHECK(diag_hex("9fff") == "[_ ]");
  CHECK(diag_hex("9f018202039f0405ffff") == "[_ 1, [2, 3], [_ 4, 5]]");
  CHECK(diag_hex("bf61610161629f0203ffff") == R"({_ "a": 1, "b": [_ 2, 3]})");
  CHECK(diag_hex("826161bf61626163ff") == R"(["a", {_ "b": "c"}])");
  CHECK(diag_hex("c1fb41d452d9ec200000") == "1(1363896240.5)");
  CHECK(diag_hex("c249010000000000000000") == "2(h'010000000000000000')");
  CHECK(diag_hex("64f0908591") == "\"\xf0\x90\x85\x91\"");
  CHECK(diag_hex("f7") == "undefined");
  CHECK(diag_hex("1800") == "0");  // not preferred, but well formed
}

TEST_CASE("Half-precision floats decode, including specials", "[protocols][cbor]") {
  // Why: implementations MUST read 16-bit floats (incl. NaN and infinities) though none write them.
  auto half = [](std::string_view hex) {
    std::string bytes = hex_decode(hex);
    cbor::Reader r(bytes);
    auto item = r.read();
    REQUIRE(item);
    REQUIRE(item->type == cbor::Type::kFloat);
    return item->number;
  };
  CHECK(half("f90000") == 0.0);
  CHECK(std::signbit(half("f98000")));
  CHECK(half("f93c00") == 1.0);
  CHECK(half("f93e00") == 1.5);
  CHECK(half("f97bff") == 65504.0);
  CHECK(half("f90001") == 5.960464477539063e-08);
  CHECK(half("f90400") == 6.103515625e-05);
  CHECK(half("f9c400") == -4.0);
  CHECK(half("f97c00") == INFINITY);
  CHECK(half("f9fc00") == -INFINITY);
  CHECK(std::isnan(half("f97e00")));
  CHECK(half("fa47c35000") == 100000.0);
}

TEST_CASE("Malformed CBOR is rejected, never over-read", "[protocols][cbor]") {
  // Why: strict decoding: truncation, reserved values, stray breaks, bad chunks, bad UTF-8.
  CHECK(malformed(""));
  CHECK(malformed("1a0000"));           // truncated argument
  CHECK(malformed("1c"));               // reserved additional info 28
  CHECK(malformed("1f"));               // indefinite unsigned integer
  CHECK(malformed("df"));               // indefinite tag
  CHECK(malformed("ff"));               // stray break
  CHECK(malformed("5f6161ff"));         // text chunk inside a byte string
  CHECK(malformed("5f5f4100ffff"));     // nested indefinite chunk
  CHECK(malformed("5f4101"));           // missing break
  CHECK(malformed("61ff"));             // invalid UTF-8
  CHECK(malformed("62c080"));           // overlong UTF-8
  CHECK(malformed("63eda080"));         // UTF-16 surrogate in UTF-8
  CHECK(malformed("7f61ff61ffff"));     // invalid UTF-8 chunk
  CHECK(malformed("e0"));               // unassigned simple value
  CHECK(malformed("f818"));             // two-byte simple value below 32
  CHECK(malformed("0000"));             // trailing bytes
  CHECK(malformed("a16161"));           // map missing a value
  CHECK(malformed("bf6161ff"));         // break between key and value
  CHECK(malformed("9f01"));             // unterminated indefinite array
  CHECK(malformed("c1"));               // tag without content
}

TEST_CASE("Declared lengths beyond the input fail before allocating", "[protocols][cbor]") {
  // Why: a 9-byte header must not make the decoder reserve gigabytes.
  CHECK(malformed("5bffffffffffffffff"));
  CHECK(malformed("7b00000000ffffffff61"));
  CHECK(malformed("9b00000000ffffffff"));
  CHECK(malformed("bb0000000100000000"));
  std::string huge = hex_decode("9b00000000ffffffff");
  cbor::Reader r(huge);
  CHECK_FALSE(r.read());
  CHECK(r.error().find("more elements") != std::string::npos);
}

TEST_CASE("Skipping is depth-bounded", "[protocols][cbor]") {
  // Why: skip() recurses; 10,000 nested arrays must fail cleanly, not overflow the stack.
  std::string deep(10000, '\x81');
  deep += '\x00';
  cbor::Reader r(deep);
  auto item = r.read();
  REQUIRE(item);
  CHECK_FALSE(r.skip(*item));
  CHECK(r.failed());
  CHECK(malformed(hex_encode(deep)));
  std::string ok(10, '\x81');
  ok += '\x00';
  cbor::Reader r2(ok);
  auto item2 = r2.read();
  CHECK(r2.skip(*item2));
  CHECK(r2.at_end());
}

TEST_CASE("UTF-8 validation accepts every plane and rejects the rest", "[protocols][cbor]") {
  // Why: CBOR text strings must be valid UTF-8 (RFC 8949 §3.1, major type 3).
  CHECK(cbor::valid_utf8(""));
  CHECK(cbor::valid_utf8("plain"));
  CHECK(cbor::valid_utf8("\xc3\xa9\xe4\xb8\xad\xf0\x9f\x98\x80\xf4\x8f\xbf\xbf"));
  CHECK_FALSE(cbor::valid_utf8("\xf4\x90\x80\x80"));  // past U+10FFFF
  CHECK_FALSE(cbor::valid_utf8("\xe0\x80\x80"));      // overlong
  CHECK_FALSE(cbor::valid_utf8("\xc3"));              // truncated
  CHECK_FALSE(cbor::valid_utf8("\x80"));              // lone continuation
}
