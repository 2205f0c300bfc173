// Base64 (blobs inline in snapshots, JSON blob members) must round-trip any bytes and reject
// malformed input; parse_json/json_member are the admin API's entry points.
#include <catch2/catch.hpp>

#include <random>
#include <string>

#include "core/json.h"

using namespace rime;

// RFC 4648 section 10 test vectors.
TEST_CASE("base64: RFC 4648 vectors", "[core][json]") {
  const std::pair<const char*, const char*> vectors[] = {
      {"", ""}, {"f", "Zg=="}, {"fo", "Zm8="}, {"foo", "Zm9v"},
      {"foob", "Zm9vYg=="}, {"fooba", "Zm9vYmE="}, {"foobar", "Zm9vYmFy"},
  };
  for (auto [plain, encoded] : vectors) {
    INFO(plain);
    CHECK(base64_encode(plain) == encoded);
    auto decoded = base64_decode(encoded);
    REQUIRE(decoded);
    CHECK(*decoded == plain);
  }
}

// Binary data (NULs, high bytes, every length mod 3) survives encode then decode.
TEST_CASE("base64: binary round trips", "[core][json]") {
  std::string all;
  for (int c = 0; c < 256; ++c) all.push_back(static_cast<char>(c));
  CHECK(base64_decode(base64_encode(all)) == all);
  std::mt19937 gen(42);
  for (std::size_t len = 0; len < 200; ++len) {
    std::string data(len, '\0');
    for (auto& c : data) c = static_cast<char>(gen());
    INFO(len);
    auto enc = base64_encode(data);
    CHECK(enc.size() == 4 * ((len + 2) / 3));
    CHECK(base64_decode(enc) == data);
  }
  std::string zeros(5, '\0');
  CHECK(base64_encode(zeros) == "AAAAAAA=");
  CHECK(base64_decode("AAAAAAA=") == zeros);
}

// Strict decoding: wrong length, foreign characters, URL-safe alphabet, misplaced padding.
TEST_CASE("base64: decode rejects malformed input", "[core][json]") {
  const char* bad[] = {
      "Zg",       // missing padding
      "Zg=",      // short
      "Zm9vY",    // length not a multiple of 4
      "Zm9v\n",   // whitespace
      "Zm 9v",
      "Zm9-",     // URL-safe alphabet
      "Zm9_",
      "Zm9v!A==",
      "=Zm9",     // padding first
      "Z=m9",     // padding in the middle
      "Zg==Zg==", // padding before more data
      "Z===",     // one data character cannot encode a byte
      "====",
  };
  for (const char* text : bad) {
    INFO(text);
    CHECK_FALSE(base64_decode(text));
  }
}

// parse_json reports where a document is broken; json_member looks members up safely.
TEST_CASE("parse_json and json_member", "[core][json]") {
  rapidjson::Document doc;
  std::string error;
  REQUIRE(parse_json(R"({"a": {"b": 1}, "s": "x"})", doc, error));
  const rapidjson::Value* a = json_member(doc, "a");
  REQUIRE(a);
  REQUIRE(json_member(*a, "b"));
  CHECK(json_member(*a, "b")->GetInt() == 1);
  CHECK(json_member(doc, "missing") == nullptr);
  CHECK(json_member(*json_member(doc, "s"), "x") == nullptr);  // not an object
  rapidjson::Document bad;
  CHECK_FALSE(parse_json(R"({"a": })", bad, error));
  CHECK(error.find("offset 6") != std::string::npos);
  CHECK_FALSE(parse_json("", bad, error));
}

// Found by tests/fuzz (admin_state): RapidJSON recurses once per nesting level, so a PUT
// /_rime/state body (or an SNS message body) of a few hundred kilobytes of "[" overflowed the
// server thread's stack. Nesting past kMaxJsonDepth is refused before parsing; brackets inside
// strings do not count.
TEST_CASE("parse_json refuses documents nested past kMaxJsonDepth", "[core][json][fuzz]") {
  rapidjson::Document doc;
  std::string error;
  std::string deep = std::string(1'000'000, '[') + std::string(1'000'000, ']');
  CHECK_FALSE(parse_json(deep, doc, error));
  CHECK(error.find("nested deeper than 512 levels at offset 512") != std::string::npos);
  std::string unclosed(1'000'000, '{');
  CHECK_FALSE(parse_json(unclosed, doc, error));

  std::string limit = std::string(kMaxJsonDepth, '[') + std::string(kMaxJsonDepth, ']');
  CHECK(parse_json(limit, doc, error));
  std::string objects;
  for (int i = 0; i < kMaxJsonDepth; ++i) objects += R"({"a":)";
  objects += "1" + std::string(kMaxJsonDepth, '}');
  CHECK(parse_json(objects, doc, error));
  // Brackets in strings, escaped quotes included, are text.
  std::string in_string = R"(["\"[[[)" + std::string(10'000, '[') + R"("])";
  CHECK(parse_json(in_string, doc, error));
  CHECK(doc[0].GetStringLength() == 10'004);
}
