// Percent-encoding and query parsing as SigV4 (RFC 3986 unreserved set) and the query and form
// protocols need them; malformed escapes are kept literally rather than failing the request.
#include <catch2/catch.hpp>

#include <string>

#include "core/uri.h"

using namespace rime;

// Truncated or non-hex escapes stay as they are; valid ones decode in either case.
TEST_CASE("percent_decode: escapes valid and malformed", "[core][uri]") {
  CHECK(percent_decode("") == "");
  CHECK(percent_decode("%") == "%");
  CHECK(percent_decode("%4") == "%4");
  CHECK(percent_decode("%zz") == "%zz");
  CHECK(percent_decode("%4g") == "%4g");
  CHECK(percent_decode("%g4") == "%g4");
  CHECK(percent_decode("100%") == "100%");
  CHECK(percent_decode("%41") == "A");
  CHECK(percent_decode("a%41") == "aA");
  CHECK(percent_decode("%41b") == "Ab");
  CHECK(percent_decode("%4a%4A") == "JJ");
  CHECK(percent_decode("%%41") == "%A");
  CHECK(percent_decode("%2541") == "%41");  // decoded once only
  CHECK(percent_decode("%00") == std::string(1, '\0'));
  CHECK(percent_decode("%C3%A9") == "\xC3\xA9");
  CHECK(percent_decode("%FF") == "\xFF");
  CHECK(percent_decode("a/b%2Fc") == "a/b/c");
}

// '+' is a space only in form encoding (awsQuery bodies); in paths and SigV4 it is a plus.
TEST_CASE("percent_decode: plus", "[core][uri]") {
  CHECK(percent_decode("a+b") == "a+b");
  CHECK(percent_decode("a+b", true) == "a b");
  CHECK(percent_decode("%2B", true) == "+");  // an encoded plus is always a plus
  CHECK(percent_decode("%20+%2B", true) == "  +");
  CHECK(percent_decode("+++", false) == "+++");
}

// SigV4's URI encoding: only A-Z a-z 0-9 - _ . ~ stay; everything else is %XX in upper-case hex.
TEST_CASE("percent_encode: RFC 3986 unreserved set", "[core][uri]") {
  CHECK(percent_encode("") == "");
  CHECK(percent_encode("AZaz09-_.~") == "AZaz09-_.~");
  CHECK(percent_encode(" ") == "%20");
  CHECK(percent_encode("+") == "%2B");
  CHECK(percent_encode("*") == "%2A");
  CHECK(percent_encode("%") == "%25");
  CHECK(percent_encode("=&?#") == "%3D%26%3F%23");
  CHECK(percent_encode("!'()") == "%21%27%28%29");
  CHECK(percent_encode("a/b") == "a%2Fb");
  CHECK(percent_encode("a/b", true) == "a/b");
  CHECK(percent_encode("\xC3\xA9") == "%C3%A9");
  CHECK(percent_encode(std::string(1, '\0')) == "%00");
  CHECK(percent_encode("\xFF") == "%FF");
}

// Every byte survives an encode/decode round trip, with and without kept slashes.
TEST_CASE("percent_encode then percent_decode is the identity", "[core][uri]") {
  std::string all;
  for (int c = 0; c < 256; ++c) all.push_back(static_cast<char>(c));
  CHECK(percent_decode(percent_encode(all)) == all);
  CHECK(percent_decode(percent_encode(all, true)) == all);
  CHECK(percent_decode(percent_encode(all), true) == all);  // no '+' survives encoding
  for (char c : percent_encode(all)) {
    bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
              c == '.' || c == '~' || c == '%';
    CHECK(ok);
  }
}

// Query strings: empty values, repeated keys kept in order, flags without '='.
TEST_CASE("parse_query", "[core][uri]") {
  using P = QueryParams::value_type;
  CHECK(parse_query("").empty());
  CHECK(parse_query("a=1&b=&c") == QueryParams{P{"a", "1"}, P{"b", ""}, P{"c", ""}});
  CHECK(parse_query("a&b=") == QueryParams{P{"a", ""}, P{"b", ""}});
  CHECK(parse_query("a=1&a=2&a=") == QueryParams{P{"a", "1"}, P{"a", "2"}, P{"a", ""}});
  CHECK(parse_query("&&a=1&&") == QueryParams{P{"a", "1"}});
  CHECK(parse_query("a=1=2") == QueryParams{P{"a", "1=2"}});
  CHECK(parse_query("k%3D=v%26w") == QueryParams{P{"k=", "v&w"}});
  CHECK(parse_query("versioning") == QueryParams{P{"versioning", ""}});
  CHECK(parse_query("q=a+b") == QueryParams{P{"q", "a b"}});
  CHECK(parse_query("q=a+b", false) == QueryParams{P{"q", "a+b"}});
  CHECK(parse_query("q=%2B", true) == QueryParams{P{"q", "+"}});
}

// find_param returns the first value of a repeated key, nullptr for a missing one.
TEST_CASE("find_param", "[core][uri]") {
  auto params = parse_query("a=1&a=2&empty=&flag");
  REQUIRE(find_param(params, "a"));
  CHECK(*find_param(params, "a") == "1");
  REQUIRE(find_param(params, "empty"));
  CHECK(find_param(params, "empty")->empty());
  CHECK(find_param(params, "flag"));
  CHECK(find_param(params, "A") == nullptr);  // names are case-sensitive
  CHECK(find_param(params, "missing") == nullptr);
}
