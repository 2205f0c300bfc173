#include "protocols/timestamps.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <ctime>

namespace rime::proto {
namespace {

void split(Timestamp t, std::time_t& secs, int& millis) {
  std::int64_t ms = t.epoch_millis;
  std::int64_t s = ms >= 0 ? ms / 1000 : -((-ms + 999) / 1000);
  secs = static_cast<std::time_t>(s);
  millis = static_cast<int>(ms - s * 1000);
}

bool digits(std::string_view s, std::size_t pos, std::size_t n, int& out) {
  if (pos + n > s.size()) return false;
  out = 0;
  for (std::size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    out = out * 10 + (s[i] - '0');
  }
  return true;
}

constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                   "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

}  // namespace

TimestampFormat effective_format(TimestampFormat declared, Protocol protocol, Location location) {
  if (declared != TimestampFormat::kDefault) return declared;
  if (location == Location::kHeader || location == Location::kPrefixHeaders) return TimestampFormat::kHttpDate;
  if (location == Location::kQuery || location == Location::kLabel || location == Location::kQueryParams)
    return TimestampFormat::kDateTime;
  switch (protocol) {
    case Protocol::kAwsJson1_0:
    case Protocol::kAwsJson1_1:
    case Protocol::kRestJson1:
    case Protocol::kRpcV2Cbor:
      return TimestampFormat::kEpochSeconds;
    default:
      return TimestampFormat::kDateTime;
  }
}

std::string format_date_time(Timestamp t) {
  std::time_t secs;
  int millis;
  split(t, secs, millis);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[96];
  if (millis)
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1,
                  tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, millis);
  else
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02dZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                  tm.tm_hour, tm.tm_min, tm.tm_sec);
  return buf;
}

std::string format_http_date(Timestamp t) {
  std::time_t secs;
  int millis;
  split(t, secs, millis);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[96];
  std::strftime(buf, sizeof buf, "%a, %d %b %Y %H:%M:%S GMT", &tm);
  return buf;
}

std::string format_epoch_seconds(Timestamp t) {
  std::time_t secs;
  int millis;
  split(t, secs, millis);
  std::string out = std::to_string(static_cast<std::int64_t>(secs));
  if (millis) {
    char buf[8];
    std::snprintf(buf, sizeof buf, ".%03d", millis);
    out += buf;
    while (out.back() == '0') out.pop_back();
  }
  return out;
}

double epoch_seconds(Timestamp t) { return static_cast<double>(t.epoch_millis) / 1000.0; }

Timestamp from_epoch_seconds(double seconds) {
  return Timestamp{static_cast<std::int64_t>(std::llround(seconds * 1000.0))};
}

std::optional<Timestamp> parse_date_time(std::string_view s) {
  int y, mo, d, h, mi, sec;
  if (!digits(s, 0, 4, y) || s.size() < 19 || s[4] != '-' || !digits(s, 5, 2, mo) || s[7] != '-' ||
      !digits(s, 8, 2, d) || (s[10] != 'T' && s[10] != 't') || !digits(s, 11, 2, h) || s[13] != ':' ||
      !digits(s, 14, 2, mi) || s[16] != ':' || !digits(s, 17, 2, sec))
    return std::nullopt;
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60) return std::nullopt;
  std::size_t pos = 19;
  int millis = 0;
  if (pos < s.size() && s[pos] == '.') {
    ++pos;
    int scale = 100, count = 0;
    while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
      millis += (s[pos] - '0') * scale;
      scale /= 10;
      ++pos;
      ++count;
    }
    if (count == 0) return std::nullopt;
  }
  int offset_minutes = 0;
  if (pos < s.size() && (s[pos] == 'Z' || s[pos] == 'z')) {
    ++pos;
  } else if (pos < s.size() && (s[pos] == '+' || s[pos] == '-')) {
    int oh, om;
    if (!digits(s, pos + 1, 2, oh) || pos + 3 >= s.size() || s[pos + 3] != ':' || !digits(s, pos + 4, 2, om))
      return std::nullopt;
    offset_minutes = (oh * 60 + om) * (s[pos] == '-' ? -1 : 1);
    pos += 6;
  } else {
    return std::nullopt;
  }
  if (pos != s.size()) return std::nullopt;
  std::tm tm{};
  tm.tm_year = y - 1900;
  tm.tm_mon = mo - 1;
  tm.tm_mday = d;
  tm.tm_hour = h;
  tm.tm_min = mi;
  tm.tm_sec = sec;
  std::int64_t secs = static_cast<std::int64_t>(timegm(&tm)) - offset_minutes * 60;
  return Timestamp{secs * 1000 + millis};
}

std::optional<Timestamp> parse_http_date(std::string_view s) {
  // "Wed, 25 Nov 2026 04:16:43 GMT"
  if (s.size() != 29 || s[3] != ',' || s.substr(25) != " GMT") return std::nullopt;
  int d, y, h, mi, sec;
  if (!digits(s, 5, 2, d) || !digits(s, 12, 4, y) || !digits(s, 17, 2, h) || !digits(s, 20, 2, mi) ||
      !digits(s, 23, 2, sec))
    return std::nullopt;
  std::string_view mon = s.substr(8, 3);
  int mo = -1;
  for (int i = 0; i < 12; ++i)
    if (mon == kMonths[i]) mo = i;
  if (mo < 0) return std::nullopt;
  std::tm tm{};
  tm.tm_year = y - 1900;
  tm.tm_mon = mo;
  tm.tm_mday = d;
  tm.tm_hour = h;
  tm.tm_min = mi;
  tm.tm_sec = sec;
  return Timestamp{static_cast<std::int64_t>(timegm(&tm)) * 1000};
}

std::optional<Timestamp> parse_epoch_seconds(std::string_view text) {
  if (text.empty() || text.size() > 40) return std::nullopt;
  std::string copy(text);
  char* end = nullptr;
  double v = std::strtod(copy.c_str(), &end);
  if (end != copy.c_str() + copy.size() || !std::isfinite(v)) return std::nullopt;
  return from_epoch_seconds(v);
}

std::optional<Timestamp> parse_timestamp(std::string_view text, TimestampFormat format) {
  switch (format) {
    case TimestampFormat::kDateTime: return parse_date_time(text);
    case TimestampFormat::kHttpDate: return parse_http_date(text);
    case TimestampFormat::kEpochSeconds: return parse_epoch_seconds(text);
    case TimestampFormat::kDefault: break;
  }
  if (auto t = parse_date_time(text)) return t;
  if (auto t = parse_epoch_seconds(text)) return t;
  return parse_http_date(text);
}

}  // namespace rime::proto
