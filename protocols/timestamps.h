// Timestamps on the wire: Smithy's date-time (RFC 3339), http-date (RFC 7231) and epoch-seconds,
// and each protocol's default format.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "protocols/model.h"
#include "protocols/value.h"

namespace rime::proto {

/// The format a member uses where it travels: its own trait, else the protocol's default for
/// that location (headers: http-date; JSON bodies: epoch-seconds; XML/query: date-time).
TimestampFormat effective_format(TimestampFormat declared, Protocol protocol, Location location);

/// "2026-11-25T04:16:43Z", with ".123" only when there are milliseconds.
std::string format_date_time(Timestamp t);
/// "Wed, 25 Nov 2026 04:16:43 GMT"
std::string format_http_date(Timestamp t);
/// "1764044203" or "1764044203.123" (for headers and query strings).
std::string format_epoch_seconds(Timestamp t);
/// Epoch seconds as a number, for JSON and CBOR bodies.
double epoch_seconds(Timestamp t);

/// Parses RFC 3339 date-time (any fractional digits, 'Z' or numeric offset).
std::optional<Timestamp> parse_date_time(std::string_view text);
std::optional<Timestamp> parse_http_date(std::string_view text);
/// Parses "1764044203", "1764044203.5", "-1.25", "1.7e9".
std::optional<Timestamp> parse_epoch_seconds(std::string_view text);
Timestamp from_epoch_seconds(double seconds);
/// Parses by format (kDefault tries date-time, then epoch-seconds, then http-date).
std::optional<Timestamp> parse_timestamp(std::string_view text, TimestampFormat format);

}  // namespace rime::proto
