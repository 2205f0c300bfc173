// Timestamp formats the protocols emit (ISO 8601 with milliseconds, RFC 7231 HTTP date) and
// SigV4's X-Amz-Date parsing.
#include <catch2/catch.hpp>

#include <chrono>
#include <regex>
#include <string>

#include "core/clock.h"

using namespace rime;
using namespace std::chrono;

namespace {
SystemTime at_ms(std::int64_t ms) { return SystemTime(milliseconds(ms)); }
}  // namespace

// XML/query protocols write ISO 8601 UTC with millisecond precision.
TEST_CASE("iso8601", "[core][clock]") {
  CHECK(iso8601(at_ms(0)) == "1970-01-01T00:00:00.000Z");
  CHECK(iso8601(at_ms(1700000000123)) == "2023-11-14T22:13:20.123Z");
  CHECK(iso8601(at_ms(1700000000007)) == "2023-11-14T22:13:20.007Z");
  CHECK(iso8601(at_ms(951782400000)) == "2000-02-29T00:00:00.000Z");  // leap day
  CHECK(iso8601(at_ms(4102444799999)) == "2099-12-31T23:59:59.999Z");
  static const std::regex shape(R"(^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$)");
  CHECK(std::regex_match(iso8601(now()), shape));
}

// Headers (Last-Modified, Date) use RFC 7231's IMF-fixdate: English names, GMT, 2-digit day.
TEST_CASE("http_date", "[core][clock]") {
  CHECK(http_date(at_ms(0)) == "Thu, 01 Jan 1970 00:00:00 GMT");
  CHECK(http_date(at_ms(1700000000999)) == "Tue, 14 Nov 2023 22:13:20 GMT");  // sub-second truncated
  CHECK(http_date(at_ms(951782400000)) == "Tue, 29 Feb 2000 00:00:00 GMT");
  static const std::regex shape(R"(^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d{2}:\d{2}:\d{2} GMT$)");
  CHECK(std::regex_match(http_date(now()), shape));
}

// epoch_millis is what JSON protocols and stat() times are built on.
TEST_CASE("epoch_millis", "[core][clock]") {
  CHECK(epoch_millis(at_ms(0)) == 0);
  CHECK(epoch_millis(at_ms(1700000000123)) == 1700000000123);
}

// X-Amz-Date's basic format parses to the exact second, in UTC.
TEST_CASE("parse_amz_date: valid", "[core][clock]") {
  SystemTime t;
  REQUIRE(parse_amz_date("20231114T221320Z", t));
  CHECK(epoch_millis(t) == 1700000000000);
  REQUIRE(parse_amz_date("19700101T000000Z", t));
  CHECK(epoch_millis(t) == 0);
  REQUIRE(parse_amz_date("20000229T120000Z", t));
  CHECK(iso8601(t) == "2000-02-29T12:00:00.000Z");
  REQUIRE(parse_amz_date("20261231T235959Z", t));
  CHECK(iso8601(t) == "2026-12-31T23:59:59.000Z");
}

// Anything but yyyymmddThhmmssZ is rejected (AWS answers such requests with an error).
TEST_CASE("parse_amz_date: invalid", "[core][clock]") {
  const char* bad[] = {
      "",
      "20231114T221320",        // no Z
      "20231114T221320z",       // lower-case z
      "20231114t221320Z",       // lower-case t
      "20231114 221320Z",
      "2023-11-14T22:13:20Z",   // extended ISO 8601 is not X-Amz-Date
      "20231114T221320.000Z",
      "2023111AT221320Z",
      "20231114T2213a0Z",
      "20231314T221320Z",       // month 13
      "20230014T221320Z",       // month 0
      "20231100T221320Z",       // day 0
      "20231132T221320Z",       // day 32
      "20231114T241320Z",       // hour 24
      "20231114T226020Z",       // minute 60
      "20231114T221361Z",       // second 61
      " 20231114T221320Z",
      "20231114T221320Z ",
      "+2023114T221320Z",
  };
  for (const char* text : bad) {
    INFO(text);
    SystemTime t;
    CHECK_FALSE(parse_amz_date(text, t));
  }
}

// Days that do not exist in their month are malformed, not silently moved into the next month.
TEST_CASE("parse_amz_date: impossible calendar days", "[core][clock]") {
  for (const char* text : {"20230229T000000Z", "20230230T000000Z", "20230431T000000Z", "21000229T000000Z"}) {
    INFO(text);
    SystemTime t;
    CHECK_FALSE(parse_amz_date(text, t));
  }
}
