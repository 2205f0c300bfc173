// Time helpers: one source of "now" and the timestamp formats AWS protocols use.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace rime {

using SystemTime = std::chrono::system_clock::time_point;

inline SystemTime now() { return std::chrono::system_clock::now(); }
std::int64_t epoch_millis(SystemTime t);
/// ISO 8601 in UTC with milliseconds: 2026-11-25T04:16:43.123Z
std::string iso8601(SystemTime t);
/// RFC 7231 HTTP date: Wed, 25 Nov 2026 04:16:43 GMT
std::string http_date(SystemTime t);
/// Parses SigV4's basic format 20261125T041643Z; false when malformed.
bool parse_amz_date(std::string_view text, SystemTime& out);

}  // namespace rime
