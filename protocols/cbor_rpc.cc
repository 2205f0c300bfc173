// rpcv2Cbor (Smithy RPC v2 CBOR): `POST {prefix?}/service/<ServiceShape>/operation/<Operation>`
// with `smithy-protocol: rpc-v2-cbor` and a CBOR body, answered in CBOR. Facts followed (Smithy
// smithy-rpc-v2-cbor spec):
//  - routing uses the last four path segments; the service segment may also be the absolute
//    shape id with '#' as '.'; requests carrying X-Amz-Target / X-Amzn-Target are rejected;
//  - structures and unions are maps keyed by member name (a union's "__type" is ignored),
//    blobs byte strings, timestamps tag 1 over epoch seconds (int or float, @timestampFormat is
//    not honoured), bigInteger tags 2/3, bigDecimal tag 4, nulls mean absent;
//  - responses carry `smithy-protocol: rpc-v2-cbor`; an operation without output has no body and
//    no Content-Type; errors are a map with `__type` and `message`;
//  - @awsQueryCompatible services also send `x-amzn-query-error: Code;Sender|Receiver`.
#include <cctype>
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "protocols/cbor.h"
#include "protocols/codecs.h"
#include "protocols/rpc_errors.h"
#include "protocols/timestamps.h"

namespace rime::proto {
namespace {

using cbor::Item;
using cbor::Type;

constexpr int kMaxDepth = 64;
constexpr std::size_t kMaxBignumBytes = 256;  // ~617 decimal digits
constexpr std::size_t kMaxBigText = 1024;

const char* item_name(Type t) {
  switch (t) {
    case Type::kUnsigned:
    case Type::kNegative: return "integer";
    case Type::kBytes: return "byte string";
    case Type::kText: return "text string";
    case Type::kArray: return "array";
    case Type::kMap: return "map";
    case Type::kTag: return "tagged item";
    case Type::kFalse:
    case Type::kTrue: return "boolean";
    case Type::kNull:
    case Type::kUndefined: return "null";
    case Type::kFloat: return "float";
  }
  return "item";
}

// Decimal text <-> big-endian magnitude bytes, for bignums (tags 2 and 3).
std::string bytes_to_decimal(std::string_view bytes) {
  std::vector<std::uint32_t> limbs;  // base 1e9, least significant first
  for (unsigned char b : bytes) {
    std::uint64_t carry = b;
    for (auto& l : limbs) {
      std::uint64_t v = static_cast<std::uint64_t>(l) * 256 + carry;
      l = static_cast<std::uint32_t>(v % 1000000000);
      carry = v / 1000000000;
    }
    while (carry) {
      limbs.push_back(static_cast<std::uint32_t>(carry % 1000000000));
      carry /= 1000000000;
    }
  }
  if (limbs.empty()) return "0";
  std::string out = std::to_string(limbs.back());
  for (std::size_t i = limbs.size() - 1; i-- > 0;) {
    std::string part = std::to_string(limbs[i]);
    out.append(9 - part.size(), '0');
    out += part;
  }
  return out;
}

std::string decimal_to_bytes(std::string_view digits) {
  std::vector<std::uint8_t> be;  // big-endian magnitude
  for (char c : digits) {
    unsigned carry = static_cast<unsigned>(c - '0');
    for (std::size_t i = be.size(); i-- > 0;) {
      unsigned v = be[i] * 10u + carry;
      be[i] = static_cast<std::uint8_t>(v & 0xff);
      carry = v >> 8;
    }
    while (carry) {
      be.insert(be.begin(), static_cast<std::uint8_t>(carry & 0xff));
      carry >>= 8;
    }
  }
  return std::string(be.begin(), be.end());
}

void increment_decimal(std::string& d) {
  for (std::size_t i = d.size(); i-- > 0;) {
    if (d[i] != '9') {
      ++d[i];
      return;
    }
    d[i] = '0';
  }
  d.insert(d.begin(), '1');
}

void decrement_bytes(std::string& be) {  // be > 0
  for (std::size_t i = be.size(); i-- > 0;) {
    if (be[i] != 0) {
      be[i] = static_cast<char>(static_cast<unsigned char>(be[i]) - 1);
      break;
    }
    be[i] = static_cast<char>(0xff);
  }
  std::size_t z = 0;
  while (z < be.size() && be[z] == 0) ++z;
  be.erase(0, z);
}

std::string negative_to_decimal(std::uint64_t n) {  // the value -1 - n
  std::string d = std::to_string(n);
  increment_decimal(d);
  return "-" + d;
}

class Decoder {
 public:
  Decoder(const ServiceModel& model, cbor::Reader& reader) : model_(model), r_(reader) {}
  const std::string& error() const { return error_.empty() ? r_.error() : error_; }

  /// The value an item (whose head is `head`) denotes for `shape`; kNull for CBOR null/undefined.
  std::optional<Value> value(Item& head, const Shape* shape, int depth) {
    if (head.type == Type::kNull || head.type == Type::kUndefined) return Value();
    if (!shape || shape->type == ShapeType::kDocument) return generic(head, depth);
    switch (shape->type) {
      case ShapeType::kStructure:
      case ShapeType::kUnion: return structure(head, *shape, depth);
      case ShapeType::kList: return list(head, *shape, depth);
      case ShapeType::kMap: return map(head, *shape, depth);
      case ShapeType::kBoolean:
        if (head.type == Type::kTrue || head.type == Type::kFalse) return Value(head.type == Type::kTrue);
        return mismatch(head, "Boolean");
      case ShapeType::kString:
      case ShapeType::kEnum:
        if (head.type == Type::kText) return Value(std::move(head.data));
        return mismatch(head, "String");
      case ShapeType::kBlob:
        if (head.type == Type::kBytes) return Value(Blob{std::move(head.data)});
        return mismatch(head, "Blob");
      case ShapeType::kByte: return integer(head, -128, 127, "Byte");
      case ShapeType::kShort: return integer(head, -32768, 32767, "Short");
      case ShapeType::kInteger:
      case ShapeType::kIntEnum:
        return integer(head, std::numeric_limits<std::int32_t>::min(), std::numeric_limits<std::int32_t>::max(),
                       "Integer");
      case ShapeType::kLong:
        return integer(head, std::numeric_limits<std::int64_t>::min(), std::numeric_limits<std::int64_t>::max(),
                       "Long");
      case ShapeType::kFloat:
      case ShapeType::kDouble:
        if (head.type == Type::kFloat) return Value(head.number);
        if (head.type == Type::kUnsigned) return Value(static_cast<double>(head.arg));
        if (head.type == Type::kNegative) return Value(-1.0 - static_cast<double>(head.arg));
        return mismatch(head, shape->type == ShapeType::kFloat ? "Float" : "Double");
      case ShapeType::kBigInteger: return big_integer(head);
      case ShapeType::kBigDecimal: return big_decimal(head);
      case ShapeType::kTimestamp: return timestamp(head);
      case ShapeType::kDocument: break;
    }
    return generic(head, depth);
  }

  std::optional<Item> read() {
    auto item = r_.read();
    return item;
  }

 private:
  std::nullopt_t fail(std::string message) {
    if (error_.empty()) error_ = std::move(message);
    return std::nullopt;
  }

  std::nullopt_t mismatch(const Item& head, const char* expected) {
    return fail(std::string("CBOR ") + item_name(head.type) + " can not be converted to " + expected);
  }

  std::optional<Value> integer(const Item& head, std::int64_t lo, std::int64_t hi, const char* type) {
    if (head.type == Type::kUnsigned) {
      if (head.arg > static_cast<std::uint64_t>(hi)) return fail(std::string("Numeric value out of range of ") + type);
      return Value(static_cast<std::int64_t>(head.arg));
    }
    if (head.type == Type::kNegative) {
      // value = -1 - arg >= lo  <=>  arg <= -1 - lo
      if (head.arg > static_cast<std::uint64_t>(-(lo + 1))) return fail(std::string("Numeric value out of range of ") + type);
      return Value(-1 - static_cast<std::int64_t>(head.arg));
    }
    return mismatch(head, type);
  }

  // The integer an item denotes as decimal text: plain ints and bignums (tags 2, 3).
  std::optional<std::string> integer_text(const Item& head) {
    if (head.type == Type::kUnsigned) return std::to_string(head.arg);
    if (head.type == Type::kNegative) return negative_to_decimal(head.arg);
    if (head.type == Type::kTag && (head.arg == 2 || head.arg == 3)) {
      auto inner = r_.read();
      if (!inner) return std::nullopt;
      if (inner->type != Type::kBytes) return fail("A CBOR bignum must be a byte string");
      if (inner->data.size() > kMaxBignumBytes) return fail("CBOR bignum is too large");
      std::string d = bytes_to_decimal(inner->data);
      if (head.arg == 2) return d;
      increment_decimal(d);
      return "-" + d;
    }
    mismatch(head, "BigInteger");
    return std::nullopt;
  }

  std::optional<Value> big_integer(const Item& head) {
    auto text = integer_text(head);
    if (!text) return std::nullopt;
    return Value(BigNumber{std::move(*text)});
  }

  std::optional<Value> big_decimal(const Item& head) {
    if (head.type != Type::kTag || head.arg != 4) {
      if (head.type == Type::kUnsigned || head.type == Type::kNegative || head.type == Type::kTag) return big_integer(head);
      return mismatch(head, "BigDecimal");
    }
    auto arr = r_.read();
    if (!arr) return std::nullopt;
    if (arr->type != Type::kArray || (!arr->indefinite && arr->arg != 2))
      return fail("A CBOR decimal fraction must be an array of two integers");
    auto e = r_.read();
    if (!e) return std::nullopt;
    auto exp = integer(*e, -1000000, 1000000, "exponent");
    if (!exp) return std::nullopt;
    auto m = r_.read();
    if (!m) return std::nullopt;
    auto mantissa = integer_text(*m);
    if (!mantissa) return std::nullopt;
    if (arr->indefinite && !r_.consume_break()) return fail("A CBOR decimal fraction must be an array of two integers");
    std::int64_t x = exp->as_int();
    std::string digits = *mantissa;
    bool neg = !digits.empty() && digits[0] == '-';
    if (neg) digits.erase(0, 1);
    std::string text;
    if (x == 0) {
      text = digits;
    } else if (x < 0 && -x <= 64) {
      auto point = static_cast<std::size_t>(-x);
      if (digits.size() <= point) digits.insert(0, point - digits.size() + 1, '0');
      text = digits.substr(0, digits.size() - point) + "." + digits.substr(digits.size() - point);
    } else {
      text = digits + "E" + std::to_string(x);
    }
    return Value(BigNumber{(neg ? "-" : "") + text});
  }

  std::optional<Value> timestamp(const Item& head) {
    const Item* v = &head;
    std::optional<Item> inner;
    if (head.type == Type::kTag) {
      if (head.arg != 1) return fail("A timestamp must be CBOR tag 1 (epoch seconds)");
      inner = r_.read();
      if (!inner) return std::nullopt;
      v = &*inner;
    }
    constexpr std::uint64_t kMaxSeconds = 253402300800ull * 100;  // far beyond year 9999, far below overflow
    if (v->type == Type::kUnsigned && v->arg <= kMaxSeconds)
      return Value(Timestamp{static_cast<std::int64_t>(v->arg) * 1000});
    if (v->type == Type::kNegative && v->arg < kMaxSeconds)
      return Value(Timestamp{(-1 - static_cast<std::int64_t>(v->arg)) * 1000});
    if (v->type == Type::kFloat && std::isfinite(v->number) && std::fabs(v->number) <= static_cast<double>(kMaxSeconds))
      return Value(from_epoch_seconds(v->number));
    return fail("Invalid CBOR timestamp value");
  }

  // Iterates a container's elements: calls `each()` per element (per pair for maps).
  template <class F>
  bool elements(const Item& head, F&& each) {
    for (std::uint64_t i = 0;; ++i) {
      if (head.indefinite ? r_.consume_break() : i == head.arg) return true;
      if (!each()) return false;
    }
  }

  std::optional<std::string> key() {
    auto k = r_.read();
    if (!k) return std::nullopt;
    if (k->type != Type::kText) return fail("CBOR map keys must be text strings");
    return std::move(k->data);
  }

  std::optional<Value> structure(const Item& head, const Shape& shape, int depth) {
    if (head.type != Type::kMap) return mismatch(head, shape.type == ShapeType::kUnion ? "Union" : "Structure");
    if (depth >= kMaxDepth) return fail("CBOR input is nested too deeply");
    Value out = Value::object();
    int set = 0;
    bool ok = elements(head, [&] {
      auto k = key();
      if (!k) return false;
      auto vh = r_.read();
      if (!vh) return false;
      const Member* member = nullptr;
      for (const Member& m : shape.members)
        if (m.name == *k) member = &m;
      if (!member) return r_.skip(*vh, kMaxDepth - depth);  // unknown members (and "__type") are ignored
      auto v = value(*vh, &model_.shape(member->target), depth + 1);
      if (!v) return false;
      if (v->is_null()) return true;  // null means absent
      if (!out.find(member->name)) ++set;
      out.set(std::string(member->name), std::move(*v));
      return true;
    });
    if (!ok) return std::nullopt;
    if (shape.type == ShapeType::kUnion && set != 1)
      return fail("Union " + std::string(shape.name) + " must have exactly one member set");
    return out;
  }

  std::optional<Value> list(const Item& head, const Shape& shape, int depth) {
    if (head.type != Type::kArray) return mismatch(head, "List");
    if (depth >= kMaxDepth) return fail("CBOR input is nested too deeply");
    if (shape.members.empty()) return r_.skip(head, kMaxDepth - depth) ? std::optional<Value>(Value::list()) : std::nullopt;
    const Shape& member = model_.shape(shape.members[0].target);
    bool sparse = shape.has(shape_flags::kSparse);
    Value out = Value::list();
    bool ok = elements(head, [&] {
      auto eh = r_.read();
      if (!eh) return false;
      auto v = value(*eh, &member, depth + 1);
      if (!v) return false;
      if (v->is_null() && !sparse) {
        fail("Null value found in a list that is not @sparse");
        return false;
      }
      out.as_list().push_back(std::move(*v));
      return true;
    });
    if (!ok) return std::nullopt;
    return out;
  }

  std::optional<Value> map(const Item& head, const Shape& shape, int depth) {
    if (head.type != Type::kMap) return mismatch(head, "Map");
    if (depth >= kMaxDepth) return fail("CBOR input is nested too deeply");
    if (shape.members.size() < 2) return r_.skip(head, kMaxDepth - depth) ? std::optional<Value>(Value::object()) : std::nullopt;
    const Shape& value_shape = model_.shape(shape.members[1].target);
    bool sparse = shape.has(shape_flags::kSparse);
    Value out = Value::object();
    bool ok = elements(head, [&] {
      auto k = key();
      if (!k) return false;
      auto vh = r_.read();
      if (!vh) return false;
      auto v = value(*vh, &value_shape, depth + 1);
      if (!v) return false;
      if (v->is_null() && !sparse) {
        fail("Null value found in a map that is not @sparse");
        return false;
      }
      out.as_object().emplace_back(std::move(*k), std::move(*v));
      return true;
    });
    if (!ok) return std::nullopt;
    return out;
  }

  // Documents (not part of rpcv2Cbor, kept for robustness) and anything without a shape.
  std::optional<Value> generic(const Item& head, int depth) {
    switch (head.type) {
      case Type::kUnsigned:
        if (head.arg > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()))
          return Value(BigNumber{std::to_string(head.arg)});
        return Value(static_cast<std::int64_t>(head.arg));
      case Type::kNegative:
        if (head.arg > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()))
          return Value(BigNumber{negative_to_decimal(head.arg)});
        return Value(-1 - static_cast<std::int64_t>(head.arg));
      case Type::kBytes: return Value(Blob{head.data});
      case Type::kText: return Value(head.data);
      case Type::kFalse: return Value(false);
      case Type::kTrue: return Value(true);
      case Type::kNull:
      case Type::kUndefined: return Value();
      case Type::kFloat: return Value(head.number);
      case Type::kTag:
        if (head.arg == 1) return timestamp(head);
        if (head.arg == 2 || head.arg == 3) return big_integer(head);
        if (head.arg == 4) return big_decimal(head);
        return fail("Unsupported CBOR tag " + std::to_string(head.arg));
      case Type::kArray:
      case Type::kMap: {
        if (depth >= kMaxDepth) return fail("CBOR input is nested too deeply");
        bool is_map = head.type == Type::kMap;
        Value out = is_map ? Value::object() : Value::list();
        bool ok = elements(head, [&] {
          std::optional<std::string> k;
          if (is_map && !(k = key())) return false;
          auto vh = r_.read();
          if (!vh) return false;
          auto v = generic(*vh, depth + 1);
          if (!v) return false;
          if (is_map) out.as_object().emplace_back(std::move(*k), std::move(*v));
          else out.as_list().push_back(std::move(*v));
          return true;
        });
        if (!ok) return std::nullopt;
        return out;
      }
    }
    return std::nullopt;
  }

  const ServiceModel& model_;
  cbor::Reader& r_;
  std::string error_;
};

// ---------------------------------------------------------------------------------------------
// Output

void write_big_integer(cbor::Writer& w, std::string_view text) {
  bool neg = !text.empty() && text[0] == '-';
  std::string_view digits = neg ? text.substr(1) : text;
  if (digits.empty() || digits.size() > kMaxBigText || digits.find_first_not_of("0123456789") != std::string_view::npos) {
    w.text(text);  // not an integer: keep the text rather than invent a number
    return;
  }
  std::string be = decimal_to_bytes(digits);
  if (neg && !be.empty()) {
    decrement_bytes(be);  // tag 3 carries -1 - n
    w.tag(3);
  } else {
    w.tag(2);
  }
  w.bytes(be);
}

void write_big_decimal(cbor::Writer& w, std::string_view text) {
  // [sign] digits [. digits] [e|E [sign] digits]  ->  tag 4 [exponent, mantissa]
  std::size_t i = 0;
  bool neg = false;
  if (i < text.size() && (text[i] == '-' || text[i] == '+')) neg = text[i++] == '-';
  std::string mantissa;
  std::int64_t exp = 0;
  bool seen_digit = false;
  for (; i < text.size() && std::isdigit(static_cast<unsigned char>(text[i])); ++i) mantissa += text[i], seen_digit = true;
  if (i < text.size() && text[i] == '.') {
    for (++i; i < text.size() && std::isdigit(static_cast<unsigned char>(text[i])); ++i)
      mantissa += text[i], --exp, seen_digit = true;
  }
  bool ok = seen_digit && mantissa.size() <= kMaxBigText;
  if (ok && i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
    ++i;
    bool eneg = false;
    if (i < text.size() && (text[i] == '-' || text[i] == '+')) eneg = text[i++] == '-';
    std::int64_t e = 0;
    std::size_t start = i;
    for (; i < text.size() && std::isdigit(static_cast<unsigned char>(text[i])) && e < 100000000; ++i) e = e * 10 + (text[i] - '0');
    ok = i > start;
    exp += eneg ? -e : e;
  }
  if (!ok || i != text.size()) {
    w.text(text);
    return;
  }
  std::size_t z = mantissa.find_first_not_of('0');
  mantissa = z == std::string::npos ? "0" : mantissa.substr(z);
  w.tag(4);
  w.array(2);
  w.signed_int(exp);
  if (mantissa.size() <= 18) {
    std::int64_t m = std::stoll(mantissa);
    w.signed_int(neg ? -m : m);
  } else {
    write_big_integer(w, (neg ? "-" : "") + mantissa);
  }
}

void write_timestamp(cbor::Writer& w, Timestamp t) {
  w.tag(1);
  if (t.epoch_millis % 1000 == 0) w.signed_int(t.epoch_millis / 1000);
  else w.float64(epoch_seconds(t));
}

void write_generic(cbor::Writer& w, const Value& v) {
  switch (v.kind()) {
    case Value::Kind::kNull: w.null(); break;
    case Value::Kind::kBool: w.boolean(v.as_bool()); break;
    case Value::Kind::kInt: w.signed_int(v.as_int()); break;
    case Value::Kind::kDouble: w.floating(v.as_double()); break;
    case Value::Kind::kString: w.text(v.as_string()); break;
    case Value::Kind::kBlob: w.bytes(v.as_blob().bytes); break;
    case Value::Kind::kTimestamp: write_timestamp(w, v.as_timestamp()); break;
    case Value::Kind::kBigNumber: {
      const std::string& t = v.as_big_number().text;
      if (t.find_first_of(".eE") == std::string::npos) write_big_integer(w, t);
      else write_big_decimal(w, t);
      break;
    }
    case Value::Kind::kList:
      w.array(v.as_list().size());
      for (const Value& e : v.as_list()) write_generic(w, e);
      break;
    case Value::Kind::kObject:
      w.map(v.as_object().size());
      for (const auto& [k, e] : v.as_object()) {
        w.text(k);
        write_generic(w, e);
      }
      break;
  }
}

void write_value(cbor::Writer& w, const ServiceModel& model, const Value& v, const Shape& shape) {
  switch (shape.type) {
    case ShapeType::kStructure:
    case ShapeType::kUnion: {
      if (!v.is_object()) break;
      std::uint64_t count = 0;
      for (const Member& m : shape.members)
        if (const Value* mv = v.find(m.name); mv && !mv->is_null()) ++count;
      w.map(count);
      for (const Member& m : shape.members) {
        const Value* mv = v.find(m.name);
        if (!mv || mv->is_null()) continue;
        w.text(m.name);
        write_value(w, model, *mv, model.shape(m.target));
      }
      return;
    }
    case ShapeType::kList:
      if (!v.is_list() || shape.members.empty()) break;
      w.array(v.as_list().size());
      for (const Value& e : v.as_list()) {
        if (e.is_null()) w.null();
        else write_value(w, model, e, model.shape(shape.members[0].target));
      }
      return;
    case ShapeType::kMap: {
      if (!v.is_object() || shape.members.size() < 2) break;
      bool sparse = shape.has(shape_flags::kSparse);
      std::uint64_t count = 0;
      for (const auto& entry : v.as_object())
        if (sparse || !entry.second.is_null()) ++count;
      w.map(count);
      for (const auto& [k, e] : v.as_object()) {
        if (e.is_null() && !sparse) continue;
        w.text(k);
        if (e.is_null()) w.null();
        else write_value(w, model, e, model.shape(shape.members[1].target));
      }
      return;
    }
    case ShapeType::kBlob:
      if (v.is_string()) return w.bytes(v.as_string());
      break;
    case ShapeType::kFloat:
    case ShapeType::kDouble:
      if (v.is_number()) return w.floating(v.as_double());
      break;
    case ShapeType::kByte:
    case ShapeType::kShort:
    case ShapeType::kInteger:
    case ShapeType::kIntEnum:
    case ShapeType::kLong:
      if (v.is_double() && std::isfinite(v.as_double())) return w.signed_int(static_cast<std::int64_t>(v.as_double()));
      break;
    case ShapeType::kBigInteger:
      if (v.is_big_number()) return write_big_integer(w, v.as_big_number().text);
      if (v.is_int()) return write_big_integer(w, std::to_string(v.as_int()));
      break;
    case ShapeType::kBigDecimal:
      if (v.is_big_number()) return write_big_decimal(w, v.as_big_number().text);
      break;
    case ShapeType::kTimestamp:
      if (v.is_number()) return write_timestamp(w, from_epoch_seconds(v.as_double()));
      break;
    default:
      break;
  }
  write_generic(w, v);
}

AwsError unknown_operation(std::string message) {
  return AwsError{"UnknownOperationException", std::move(message), 404, true};
}

void common_headers(Response& r, const RequestContext& ctx) {
  r.headers.add("smithy-protocol", "rpc-v2-cbor");
  r.headers.add("x-amzn-RequestId", ctx.request_id);
}

}  // namespace

ParseResult parse_cbor_rpc(const ServiceModel& model, const Request& request) {
  // Smithy: a request carrying X-Amz-Target or X-Amzn-Target is malformed and MUST be rejected.
  if (request.headers.contains("x-amz-target") || request.headers.contains("x-amzn-target"))
    return AwsError::serialization("rpcv2Cbor requests must not carry an X-Amz-Target header");
  if (request.headers.get("smithy-protocol") != "rpc-v2-cbor")
    return AwsError::serialization("Missing or unsupported Smithy-Protocol header (expected rpc-v2-cbor)");
  if (request.method != "POST") return AwsError{"MethodNotAllowedException", "rpcv2Cbor requests must use POST", 405, true};

  // Last four segments: service/<S>/operation/<O>; anything before them is a prefix.
  std::vector<std::string_view> segs;
  std::string_view path = request.path;
  while (!path.empty()) {
    auto slash = path.rfind('/');
    std::string_view seg = slash == std::string_view::npos ? path : path.substr(slash + 1);
    if (segs.size() == 4) break;
    segs.push_back(seg);
    path = slash == std::string_view::npos ? std::string_view() : path.substr(0, slash);
  }
  if (segs.size() < 4 || segs[3] != "service" || segs[1] != "operation")
    return unknown_operation("Expected a path of the form /service/<Service>/operation/<Operation>");
  std::string_view service = segs[2], op_name = segs[0];
  if (model.info) {
    std::string_view shape = model.info->shape_name;
    bool match = service == shape || (service.size() > shape.size() + 1 && service.ends_with(shape) &&
                                      service[service.size() - shape.size() - 1] == '.');
    if (!match) return unknown_operation("Unknown service " + std::string(service));
  }
  const Operation* op = model.find_operation(op_name);
  if (!op) return AwsError::not_implemented(model.info ? model.info->name : std::string_view("service"), op_name);

  std::string spilled;
  std::string_view body;
  if (request.body.in_memory()) {
    body = request.body.view();
  } else {
    spilled = request.body.read_all();
    body = spilled;
  }
  ParsedRequest parsed;
  parsed.operation = op;
  parsed.input = Value::object();
  if (body.empty()) return parsed;

  cbor::Reader reader(body);
  Decoder decoder(model, reader);
  auto head = decoder.read();
  if (!head) return AwsError::serialization("Malformed CBOR: " + decoder.error());
  if (op->input == kNoShape) {
    if (!reader.skip(*head)) return AwsError::serialization("Malformed CBOR: " + decoder.error());
  } else {
    if (head->type != Type::kMap) return AwsError::serialization("The request body must be a CBOR map");
    auto v = decoder.value(*head, &model.shape(op->input), 0);
    if (!v) return AwsError::serialization(decoder.error());
    parsed.input = std::move(*v);
  }
  if (!reader.at_end()) return AwsError::serialization("Malformed CBOR: trailing bytes after the request body");
  return parsed;
}

Response serialize_cbor_rpc_output(const ServiceModel& model, const Operation& op, const Value& output,
                                   const RequestContext& ctx) {
  Response r;
  r.status = 200;
  common_headers(r, ctx);
  if (op.output == kNoShape) return r;  // Unit output: no body and no Content-Type
  r.headers.add("Content-Type", "application/cbor");
  cbor::Writer w;
  if (output.is_object()) write_value(w, model, output, model.shape(op.output));
  else w.map(0);
  r.body = w.take();
  return r;
}

namespace {

Response cbor_error(const catalog::Service* service, const ServiceModel* model, const AwsError& error,
                    const RequestContext& ctx) {
  ErrorNames names = resolve_error_names(model, error.code);
  Response r;
  r.status = error.status;
  common_headers(r, ctx);
  r.headers.add("Content-Type", "application/cbor");
  if ((service && service->aws_query_compatible) || ctx.query_mode)
    r.headers.add("x-amzn-query-error", std::string(names.query_code) + (error.sender_fault ? ";Sender" : ";Receiver"));
  cbor::Writer w;
  w.map(2);
  // Smithy asks for the absolute shape id; the catalog lacks the namespace, and every client
  // strips "ns#" anyway (see json_rpc.cc).
  w.text("__type");
  w.text(names.type);
  w.text("message");
  w.text(error.message);
  r.body = w.take();
  return r;
}

}  // namespace

Response serialize_cbor_rpc_error(const catalog::Service& service, const AwsError& error, const RequestContext& ctx) {
  return cbor_error(&service, nullptr, error, ctx);
}

Response serialize_cbor_rpc_error(const ServiceModel& model, const AwsError& error, const RequestContext& ctx) {
  return cbor_error(model.info, &model, error, ctx);
}

}  // namespace rime::proto
