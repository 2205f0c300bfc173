// CBOR (RFC 8949) encoding and strict decoding; see cbor.h.
#include "protocols/cbor.h"

#include <cmath>
#include <cstdio>
#include <cstring>

namespace rime::proto::cbor {
namespace {

constexpr std::uint8_t kIndefinite = 31;
constexpr std::uint8_t kBreak = 0xff;

double half_to_double(std::uint16_t h) {
  int exp = (h >> 10) & 0x1f;
  int mant = h & 0x3ff;
  double v;
  if (exp == 0) v = std::ldexp(mant, -24);
  else if (exp != 31) v = std::ldexp(mant + 1024, exp - 25);
  else v = mant == 0 ? INFINITY : NAN;
  return (h & 0x8000) ? -v : v;
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Writer

void Writer::head(std::uint8_t major, std::uint64_t arg) {
  std::uint8_t m = static_cast<std::uint8_t>(major << 5);
  if (arg < 24) {
    out_.push_back(static_cast<char>(m | arg));
  } else if (arg <= 0xff) {
    out_.push_back(static_cast<char>(m | 24));
    out_.push_back(static_cast<char>(arg));
  } else if (arg <= 0xffff) {
    out_.push_back(static_cast<char>(m | 25));
    for (int s = 8; s >= 0; s -= 8) out_.push_back(static_cast<char>(arg >> s));
  } else if (arg <= 0xffffffffu) {
    out_.push_back(static_cast<char>(m | 26));
    for (int s = 24; s >= 0; s -= 8) out_.push_back(static_cast<char>(arg >> s));
  } else {
    out_.push_back(static_cast<char>(m | 27));
    for (int s = 56; s >= 0; s -= 8) out_.push_back(static_cast<char>(arg >> s));
  }
}

void Writer::signed_int(std::int64_t v) {
  if (v >= 0) head(0, static_cast<std::uint64_t>(v));
  else head(1, static_cast<std::uint64_t>(-(v + 1)));
}

void Writer::bytes(std::string_view b) {
  head(2, b.size());
  out_.append(b);
}

void Writer::text(std::string_view s) {
  head(3, s.size());
  out_.append(s);
}

void Writer::float32(float f) {
  std::uint32_t bits;
  std::memcpy(&bits, &f, 4);
  out_.push_back(static_cast<char>(0xfa));
  for (int s = 24; s >= 0; s -= 8) out_.push_back(static_cast<char>(bits >> s));
}

void Writer::float64(double d) {
  std::uint64_t bits;
  std::memcpy(&bits, &d, 8);
  out_.push_back(static_cast<char>(0xfb));
  for (int s = 56; s >= 0; s -= 8) out_.push_back(static_cast<char>(bits >> s));
}

void Writer::floating(double d) {
  if (std::isnan(d)) return float32(NAN);
  float f = static_cast<float>(d);
  if (std::isinf(d) || (std::isfinite(f) && static_cast<double>(f) == d)) return float32(f);
  float64(d);
}

// ---------------------------------------------------------------------------------------------
// Reader

bool Reader::fail(std::string message) {
  if (error_.empty()) error_ = std::move(message) + " at offset " + std::to_string(pos_);
  return false;
}

bool Reader::take(std::size_t n, std::string_view& out) {
  if (n > in_.size() - pos_) return fail("Truncated CBOR item");
  out = in_.substr(pos_, n);
  pos_ += n;
  return true;
}

bool Reader::argument(std::uint8_t info, std::uint64_t& value) {
  if (info < 24) {
    value = info;
    return true;
  }
  if (info > 27) return fail("Reserved or unexpected CBOR additional information " + std::to_string(info));
  std::size_t n = std::size_t{1} << (info - 24);
  std::string_view b;
  if (!take(n, b)) return false;
  value = 0;
  for (unsigned char c : b) value = (value << 8) | c;
  return true;
}

bool Reader::read_string(std::uint8_t major, std::uint8_t info, std::string& out) {
  if (info != kIndefinite) {
    std::uint64_t len;
    if (!argument(info, len)) return false;
    if (len > remaining()) return fail("Truncated CBOR string");
    std::string_view b;
    take(static_cast<std::size_t>(len), b);
    if (major == 3 && !valid_utf8(b)) return fail("Invalid UTF-8 in CBOR text string");
    out.assign(b);
    return true;
  }
  // Indefinite: definite chunks of the same major type until a break.
  out.clear();
  for (;;) {
    if (pos_ >= in_.size()) return fail("Truncated CBOR indefinite-length string");
    auto ib = static_cast<std::uint8_t>(in_[pos_]);
    if (ib == kBreak) {
      ++pos_;
      return true;
    }
    if ((ib >> 5) != major || (ib & 0x1f) == kIndefinite)
      return fail("Invalid chunk in CBOR indefinite-length string");
    ++pos_;
    std::uint64_t len;
    if (!argument(ib & 0x1f, len)) return false;
    if (len > remaining()) return fail("Truncated CBOR string");
    std::string_view b;
    take(static_cast<std::size_t>(len), b);
    if (major == 3 && !valid_utf8(b)) return fail("Invalid UTF-8 in CBOR text string");
    out.append(b);
  }
}

std::optional<Item> Reader::read() {
  if (failed()) return std::nullopt;
  if (pos_ >= in_.size()) {
    fail("Truncated CBOR input");
    return std::nullopt;
  }
  auto ib = static_cast<std::uint8_t>(in_[pos_++]);
  std::uint8_t major = ib >> 5, info = ib & 0x1f;
  Item item;
  switch (major) {
    case 0:
    case 1:
    case 6:
      if (info == kIndefinite || !argument(info, item.arg)) {
        if (info == kIndefinite) fail("Indefinite length is not allowed for this CBOR major type");
        return std::nullopt;
      }
      item.type = major == 0 ? Type::kUnsigned : major == 1 ? Type::kNegative : Type::kTag;
      return item;
    case 2:
    case 3:
      item.type = major == 2 ? Type::kBytes : Type::kText;
      if (!read_string(major, info, item.data)) return std::nullopt;
      return item;
    case 4:
    case 5:
      item.type = major == 4 ? Type::kArray : Type::kMap;
      if (info == kIndefinite) {
        item.indefinite = true;
        return item;
      }
      if (!argument(info, item.arg)) return std::nullopt;
      // Every element takes at least one byte: a count beyond that is a lie, caught here
      // before any caller reserves space for it.
      if (item.arg > remaining() || (major == 5 && item.arg > remaining() / 2)) {
        fail("CBOR container declares more elements than the input holds");
        return std::nullopt;
      }
      return item;
    default:
      break;
  }
  // Major type 7.
  switch (info) {
    case 20: item.type = Type::kFalse; return item;
    case 21: item.type = Type::kTrue; return item;
    case 22: item.type = Type::kNull; return item;
    case 23: item.type = Type::kUndefined; return item;
    case 25:
    case 26:
    case 27: {
      std::uint64_t bits;
      if (!argument(info, bits)) return std::nullopt;
      item.type = Type::kFloat;
      if (info == 25) {
        item.number = half_to_double(static_cast<std::uint16_t>(bits));
      } else if (info == 26) {
        auto b32 = static_cast<std::uint32_t>(bits);
        float f;
        std::memcpy(&f, &b32, 4);
        item.number = f;
      } else {
        std::memcpy(&item.number, &bits, 8);
      }
      return item;
    }
    case kIndefinite:
      --pos_;
      fail("Unexpected CBOR break");
      return std::nullopt;
    default:
      fail("Unsupported CBOR simple value");
      return std::nullopt;
  }
}

bool Reader::consume_break() {
  if (pos_ < in_.size() && static_cast<std::uint8_t>(in_[pos_]) == kBreak) {
    ++pos_;
    return true;
  }
  return false;
}

bool Reader::skip(const Item& item, int max_depth) {
  if (item.type != Type::kArray && item.type != Type::kMap && item.type != Type::kTag) return !failed();
  if (max_depth <= 0) return fail("CBOR input is nested too deeply");
  if (item.type == Type::kTag) {
    auto inner = read();
    return inner && skip(*inner, max_depth - 1);
  }
  std::uint64_t per = item.type == Type::kMap ? 2 : 1;
  if (item.indefinite) {
    for (;;) {
      if (consume_break()) return true;
      for (std::uint64_t k = 0; k < per; ++k) {
        if (k == 1 && consume_break()) return fail("CBOR map ends between a key and its value");
        auto inner = read();
        if (!inner || !skip(*inner, max_depth - 1)) return false;
      }
    }
  }
  for (std::uint64_t i = 0; i < item.arg * per; ++i) {
    auto inner = read();
    if (!inner || !skip(*inner, max_depth - 1)) return false;
  }
  return true;
}

bool valid_utf8(std::string_view s) {
  std::size_t i = 0, n = s.size();
  while (i < n) {
    auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      ++i;
      continue;
    }
    int len;
    std::uint32_t cp;
    if ((c & 0xe0) == 0xc0) len = 2, cp = c & 0x1f;
    else if ((c & 0xf0) == 0xe0) len = 3, cp = c & 0x0f;
    else if ((c & 0xf8) == 0xf0) len = 4, cp = c & 0x07;
    else return false;
    if (i + len > n) return false;
    for (int k = 1; k < len; ++k) {
      auto cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xc0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3f);
    }
    if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) || cp > 0x10ffff ||
        (cp >= 0xd800 && cp <= 0xdfff))
      return false;
    i += len;
  }
  return true;
}

// ---------------------------------------------------------------------------------------------
// Diagnostic notation

namespace {

bool diag(Reader& r, const Item& item, std::string& out, int depth) {
  if (depth > 64) return false;
  char buf[64];
  switch (item.type) {
    case Type::kUnsigned: out += std::to_string(item.arg); return true;
    case Type::kNegative:
      if (item.arg == UINT64_MAX) out += "-18446744073709551616";
      else out += "-" + std::to_string(item.arg + 1);
      return true;
    case Type::kBytes:
      out += "h'";
      for (unsigned char c : item.data) {
        std::snprintf(buf, sizeof buf, "%02x", c);
        out += buf;
      }
      out += "'";
      return true;
    case Type::kText:
      out += '"';
      for (char c : item.data) {
        if (c == '"' || c == '\\') out += '\\';
        out += c;
      }
      out += '"';
      return true;
    case Type::kFalse: out += "false"; return true;
    case Type::kTrue: out += "true"; return true;
    case Type::kNull: out += "null"; return true;
    case Type::kUndefined: out += "undefined"; return true;
    case Type::kFloat:
      if (std::isnan(item.number)) out += "NaN";
      else if (std::isinf(item.number)) out += item.number > 0 ? "Infinity" : "-Infinity";
      else {
        std::snprintf(buf, sizeof buf, "%.17g", item.number);
        std::string s = buf;
        // Shortest text that reads back the same value.
        for (int prec = 1; prec <= 17; ++prec) {
          std::snprintf(buf, sizeof buf, "%.*g", prec, item.number);
          if (std::strtod(buf, nullptr) == item.number) {
            s = buf;
            break;
          }
        }
        if (s.find_first_of(".eEn") == std::string::npos) s += ".0";
        out += s;
      }
      return true;
    case Type::kTag: {
      out += std::to_string(item.arg) + "(";
      auto inner = r.read();
      if (!inner || !diag(r, *inner, out, depth + 1)) return false;
      out += ")";
      return true;
    }
    case Type::kArray:
    case Type::kMap: {
      bool map = item.type == Type::kMap;
      out += map ? (item.indefinite ? "{_ " : "{") : (item.indefinite ? "[_ " : "[");
      for (std::uint64_t i = 0;; ++i) {
        if (item.indefinite ? r.consume_break() : i == item.arg) break;
        if (i) out += ", ";
        auto k = r.read();
        if (!k || !diag(r, *k, out, depth + 1)) return false;
        if (map) {
          out += ": ";
          auto v = r.read();
          if (!v || !diag(r, *v, out, depth + 1)) return false;
        }
      }
      out += map ? "}" : "]";
      return true;
    }
  }
  return false;
}

}  // namespace

std::string to_diagnostic(std::string_view cbor) {
  Reader r(cbor);
  std::string out;
  auto item = r.read();
  if (!item || !diag(r, *item, out, 0)) return "<malformed: " + (r.failed() ? r.error() : "nested too deeply") + ">";
  if (!r.at_end()) return "<malformed: trailing bytes after the item>";
  return out;
}

}  // namespace rime::proto::cbor
