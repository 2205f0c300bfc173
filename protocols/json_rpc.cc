// awsJson1_0 / awsJson1_1: `POST /` with `X-Amz-Target: <Prefix>.<Operation>` and a JSON body,
// answered with JSON. The body is read with RapidJSON's SAX reader straight into a Value shaped by
// the model (no intermediate DOM), which also lets numbers keep their exact text for bigInteger /
// bigDecimal and bounds nesting before any recursion. Facts followed (Smithy aws-json spec):
//  - member names are the model's member names: awsJson ignores @jsonName (restJson1 uses it);
//  - blobs are base64 strings, timestamps epoch seconds unless @timestampFormat says otherwise,
//    floats may be the strings "NaN", "Infinity", "-Infinity";
//  - an empty body is `{}`; errors carry `__type` (clients strip any `ns#` prefix and `:suffix`);
//  - @awsQueryCompatible services also send `x-amzn-query-error: Code;Sender|Receiver`.
#include <charconv>
#include <cmath>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

#include <rapidjson/error/en.h>
#include <rapidjson/memorystream.h>
#include <rapidjson/reader.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>
#include <zlib.h>

#include "core/json.h"
#include "protocols/codecs.h"
#include "protocols/rpc_errors.h"
#include "protocols/timestamps.h"

namespace rime::proto {
namespace {

constexpr int kMaxDepth = 64;

const char* type_label(ShapeType t) {
  switch (t) {
    case ShapeType::kBlob: return "Blob";
    case ShapeType::kBoolean: return "Boolean";
    case ShapeType::kString:
    case ShapeType::kEnum: return "String";
    case ShapeType::kByte: return "Byte";
    case ShapeType::kShort: return "Short";
    case ShapeType::kInteger:
    case ShapeType::kIntEnum: return "Integer";
    case ShapeType::kLong: return "Long";
    case ShapeType::kFloat: return "Float";
    case ShapeType::kDouble: return "Double";
    case ShapeType::kBigInteger: return "BigInteger";
    case ShapeType::kBigDecimal: return "BigDecimal";
    case ShapeType::kTimestamp: return "Timestamp";
    case ShapeType::kDocument: return "Document";
    case ShapeType::kList: return "List";
    case ShapeType::kMap: return "Map";
    case ShapeType::kStructure: return "Structure";
    case ShapeType::kUnion: return "Union";
  }
  return "Value";
}

bool integer_range(ShapeType t, std::int64_t& lo, std::int64_t& hi) {
  switch (t) {
    case ShapeType::kByte: lo = -128; hi = 127; return true;
    case ShapeType::kShort: lo = -32768; hi = 32767; return true;
    case ShapeType::kInteger:
    case ShapeType::kIntEnum: lo = std::numeric_limits<std::int32_t>::min(); hi = std::numeric_limits<std::int32_t>::max(); return true;
    case ShapeType::kLong: lo = std::numeric_limits<std::int64_t>::min(); hi = std::numeric_limits<std::int64_t>::max(); return true;
    default: return false;
  }
}

bool is_integer_text(std::string_view s) {
  std::size_t i = (!s.empty() && s[0] == '-') ? 1 : 0;
  if (i == s.size()) return false;
  for (; i < s.size(); ++i)
    if (s[i] < '0' || s[i] > '9') return false;
  return true;
}

/// A JSON number literal (what RawValue may write without breaking the document).
bool is_json_number(std::string_view s) {
  std::size_t i = 0, n = s.size();
  if (i < n && s[i] == '-') ++i;
  std::size_t start = i;
  while (i < n && s[i] >= '0' && s[i] <= '9') ++i;
  if (i == start || (s[start] == '0' && i - start > 1)) return false;
  if (i < n && s[i] == '.') {
    std::size_t f = ++i;
    while (i < n && s[i] >= '0' && s[i] <= '9') ++i;
    if (i == f) return false;
  }
  if (i < n && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < n && (s[i] == '+' || s[i] == '-')) ++i;
    std::size_t e = i;
    while (i < n && s[i] >= '0' && s[i] <= '9') ++i;
    if (i == e) return false;
  }
  return i == n;
}

std::optional<double> parse_double(std::string_view s) {
  double d = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), d);
  if (ec != std::errc() || p != s.data() + s.size() || !std::isfinite(d)) return std::nullopt;
  return d;
}

// ---------------------------------------------------------------------------------------------
// Request: SAX events -> Value, guided by the shapes.

class InputBuilder {
 public:
  InputBuilder(const ServiceModel& model, const Shape* input) : model_(model), input_(input) {}

  // RapidJSON SAX interface (numbers arrive as text: kParseNumbersAsStringsFlag).
  bool Null() { return scalar(Token::kNull, {}); }
  bool Bool(bool b) { return scalar(b ? Token::kTrue : Token::kFalse, {}); }
  bool Int(int) { return false; }
  bool Uint(unsigned) { return false; }
  bool Int64(std::int64_t) { return false; }
  bool Uint64(std::uint64_t) { return false; }
  bool Double(double) { return false; }
  bool RawNumber(const char* s, rapidjson::SizeType n, bool) { return scalar(Token::kNumber, {s, n}); }
  bool String(const char* s, rapidjson::SizeType n, bool) { return scalar(Token::kString, {s, n}); }
  bool StartObject() { return start(true); }
  bool Key(const char* s, rapidjson::SizeType n, bool) { return key({s, n}); }
  bool EndObject(rapidjson::SizeType) { return end(); }
  bool StartArray() { return start(false); }
  bool EndArray(rapidjson::SizeType) { return end(); }

  const std::string& error() const { return error_; }
  Value take_result() { return std::move(result_); }

 private:
  enum class Token { kNull, kTrue, kFalse, kNumber, kString };
  enum class Kind { kStruct, kUnion, kList, kMap, kDocObject, kDocArray, kSkip };

  struct Frame {
    Kind kind = Kind::kSkip;
    const Shape* shape = nullptr;  // the container's shape (nullptr for documents / skipped values)
    Value value;
    const Member* member = nullptr;  // struct/union: the member whose value comes next
    bool skip_next = false;          // struct/union: the next value belongs to an unknown member
    std::string key;                 // map / document object: the key whose value comes next
    int members_set = 0;             // union: non-null members seen
  };

  // Where the next value goes: its shape and member (member carries @timestampFormat).
  struct Slot {
    const Shape* shape = nullptr;  // nullptr: a document value, or a value being skipped
    const Member* member = nullptr;
    bool skip = false;
    bool sparse = false;           // a null is a legal entry here
    bool in_struct = false;        // a null here means "absent"
  };

  bool fail(std::string message) {
    if (error_.empty()) error_ = std::move(message);
    return false;
  }

  Slot slot() const {
    Slot s;
    if (stack_.empty()) {
      s.shape = input_;
      s.skip = input_ == nullptr;  // operations without input: accept and ignore any body
      return s;
    }
    const Frame& f = stack_.back();
    switch (f.kind) {
      case Kind::kStruct:
      case Kind::kUnion:
        if (f.skip_next || !f.member) {
          s.skip = true;
        } else {
          s.member = f.member;
          s.shape = &model_.shape(f.member->target);
          s.in_struct = true;
        }
        break;
      case Kind::kList:
        if (f.shape->members.empty()) { s.skip = true; break; }
        s.member = &f.shape->members[0];
        s.shape = &model_.shape(s.member->target);
        s.sparse = f.shape->has(shape_flags::kSparse);
        break;
      case Kind::kMap:
        if (f.shape->members.size() < 2) { s.skip = true; break; }
        s.member = &f.shape->members[1];
        s.shape = &model_.shape(s.member->target);
        s.sparse = f.shape->has(shape_flags::kSparse);
        break;
      case Kind::kDocObject:
      case Kind::kDocArray:
        s.sparse = true;
        break;
      case Kind::kSkip:
        s.skip = true;
        break;
    }
    return s;
  }

  // Hands a finished value to the enclosing container (or makes it the result).
  bool deliver(Value v) {
    if (stack_.empty()) {
      result_ = std::move(v);
      done_ = true;
      return true;
    }
    Frame& f = stack_.back();
    switch (f.kind) {
      case Kind::kStruct:
      case Kind::kUnion:
        if (f.kind == Kind::kUnion && f.value.find(f.member->name) == nullptr) ++f.members_set;
        f.value.set(std::string(f.member->name), std::move(v));
        f.member = nullptr;
        break;
      case Kind::kList:
      case Kind::kDocArray:
        f.value.as_list().push_back(std::move(v));
        break;
      case Kind::kMap:
      case Kind::kDocObject:
        // Map entries are appended without a duplicate scan (O(1) per entry for large maps).
        f.value.as_object().emplace_back(std::move(f.key), std::move(v));
        f.key.clear();
        break;
      case Kind::kSkip:
        break;
    }
    return true;
  }

  // A value the enclosing struct/union drops (unknown member, or null meaning absent).
  void discard() {
    if (!stack_.empty()) {
      Frame& f = stack_.back();
      if (f.kind == Kind::kStruct || f.kind == Kind::kUnion) {
        f.member = nullptr;
        f.skip_next = false;
      } else if (f.kind == Kind::kMap || f.kind == Kind::kDocObject) {
        f.key.clear();
      }
    }
  }

  static const char* token_name(Token t) {
    switch (t) {
      case Token::kNull: return "NULL_VALUE";
      case Token::kTrue:
      case Token::kFalse: return "BOOLEAN_VALUE";
      case Token::kNumber: return "NUMBER_VALUE";
      case Token::kString: return "STRING_VALUE";
    }
    return "VALUE";
  }

  bool mismatch(Token t, const Shape& shape) {
    return fail(std::string(token_name(t)) + " can not be converted to " + (shape.type == ShapeType::kStructure ||
                                                                               shape.type == ShapeType::kUnion
                                                                           ? std::string(shape.name)
                                                                           : std::string(type_label(shape.type))));
  }

  Value document_scalar(Token t, std::string_view text) {
    switch (t) {
      case Token::kNull: return Value();
      case Token::kTrue: return Value(true);
      case Token::kFalse: return Value(false);
      case Token::kString: return Value(text);
      case Token::kNumber: {
        std::int64_t i = 0;
        auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), i);
        if (ec == std::errc() && p == text.data() + text.size()) return Value(i);
        if (auto d = parse_double(text)) return Value(*d);
        return Value(BigNumber{std::string(text)});
      }
    }
    return Value();
  }

  bool scalar(Token t, std::string_view text) {
    if (done_) return fail("Unexpected content after the JSON document");
    Slot s = slot();
    if (s.skip) {
      discard();
      return true;
    }
    if (t == Token::kNull) {
      if (s.in_struct) {  // a null member is an absent member
        discard();
        return true;
      }
      if (!s.sparse) {
        if (stack_.empty()) return fail("The request body must be a JSON object");
        return fail("Null value found in a collection that is not @sparse");
      }
      return deliver(Value());
    }
    if (!s.shape || s.shape->type == ShapeType::kDocument) return deliver(document_scalar(t, text));
    const Shape& shape = *s.shape;
    switch (shape.type) {
      case ShapeType::kBoolean:
        if (t != Token::kTrue && t != Token::kFalse) return mismatch(t, shape);
        return deliver(Value(t == Token::kTrue));
      case ShapeType::kString:
      case ShapeType::kEnum:
        if (t != Token::kString) return mismatch(t, shape);
        return deliver(Value(text));
      case ShapeType::kBlob: {
        if (t != Token::kString) return mismatch(t, shape);
        auto bytes = base64_decode(text);
        if (!bytes) return fail("Invalid base64 value for a Blob: " + std::string(text.substr(0, 64)));
        return deliver(Value(Blob{std::move(*bytes)}));
      }
      case ShapeType::kByte:
      case ShapeType::kShort:
      case ShapeType::kInteger:
      case ShapeType::kIntEnum:
      case ShapeType::kLong: {
        if (t != Token::kNumber) return mismatch(t, shape);
        std::int64_t lo = 0, hi = 0, v = 0;
        integer_range(shape.type, lo, hi);
        auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
        if (!is_integer_text(text)) return mismatch(t, shape);
        if (ec != std::errc() || p != text.data() + text.size() || v < lo || v > hi)
          return fail("Numeric value (" + std::string(text.substr(0, 64)) + ") out of range of " +
                      type_label(shape.type));
        return deliver(Value(v));
      }
      case ShapeType::kFloat:
      case ShapeType::kDouble: {
        if (t == Token::kString) {
          if (text == "NaN") return deliver(Value(std::numeric_limits<double>::quiet_NaN()));
          if (text == "Infinity") return deliver(Value(std::numeric_limits<double>::infinity()));
          if (text == "-Infinity") return deliver(Value(-std::numeric_limits<double>::infinity()));
          return mismatch(t, shape);
        }
        if (t != Token::kNumber) return mismatch(t, shape);
        auto d = parse_double(text);
        if (!d) return fail("Numeric value (" + std::string(text.substr(0, 64)) + ") out of range of " +
                            type_label(shape.type));
        return deliver(Value(*d));
      }
      case ShapeType::kBigInteger:
        if (t != Token::kNumber || !is_integer_text(text)) return mismatch(t, shape);
        return deliver(Value(BigNumber{std::string(text)}));
      case ShapeType::kBigDecimal:
        if (t != Token::kNumber) return mismatch(t, shape);
        return deliver(Value(BigNumber{std::string(text)}));
      case ShapeType::kTimestamp: {
        TimestampFormat fmt =
            effective_format(s.member ? s.member->timestamp_format : shape.timestamp_format,
                             Protocol::kAwsJson1_0, Location::kBody);
        std::optional<Timestamp> ts;
        if (fmt == TimestampFormat::kEpochSeconds) {
          if (t != Token::kNumber) return mismatch(t, shape);
          ts = parse_epoch_seconds(text);
        } else {
          if (t != Token::kString) return mismatch(t, shape);
          ts = parse_timestamp(text, fmt);
        }
        if (!ts) return fail("Invalid timestamp value: " + std::string(text.substr(0, 64)));
        return deliver(Value(*ts));
      }
      case ShapeType::kList:
      case ShapeType::kMap:
      case ShapeType::kStructure:
      case ShapeType::kUnion:
      case ShapeType::kDocument:
        return mismatch(t, shape);
    }
    return mismatch(t, shape);
  }

  bool start(bool object) {
    if (done_) return fail("Unexpected content after the JSON document");
    if (stack_.size() >= kMaxDepth) return fail("The JSON document is nested too deeply");
    Slot s = slot();
    Frame f;
    if (s.skip) {
      f.kind = Kind::kSkip;
    } else if (!s.shape || s.shape->type == ShapeType::kDocument) {
      f.kind = object ? Kind::kDocObject : Kind::kDocArray;
      f.value = object ? Value::object() : Value::list();
    } else {
      ShapeType t = s.shape->type;
      bool ok = object ? (t == ShapeType::kStructure || t == ShapeType::kUnion || t == ShapeType::kMap)
                       : t == ShapeType::kList;
      if (!ok) {
        if (stack_.empty()) return fail("The request body must be a JSON object");
        return fail(object ? "Start of structure or map found where not expected."
                           : "Start of list found where not expected.");
      }
      f.shape = s.shape;
      f.kind = t == ShapeType::kStructure ? Kind::kStruct
               : t == ShapeType::kUnion   ? Kind::kUnion
               : t == ShapeType::kMap     ? Kind::kMap
                                          : Kind::kList;
      f.value = object ? Value::object() : Value::list();
    }
    stack_.push_back(std::move(f));
    return true;
  }

  bool key(std::string_view k) {
    Frame& f = stack_.back();
    switch (f.kind) {
      case Kind::kStruct:
      case Kind::kUnion: {
        f.member = nullptr;
        f.skip_next = true;
        for (const Member& m : f.shape->members)
          if (m.name == k) {
            f.member = &m;
            f.skip_next = false;
            break;
          }
        // Unknown members (and a union's "__type") are ignored, as AWS does.
        return true;
      }
      case Kind::kMap:
      case Kind::kDocObject:
        f.key.assign(k);
        return true;
      default:
        return true;
    }
  }

  bool end() {
    Frame f = std::move(stack_.back());
    stack_.pop_back();
    if (f.kind == Kind::kSkip) {
      discard();
      return true;
    }
    // Smithy: exactly one member of a union is set (an unknown variant leaves none).
    if (f.kind == Kind::kUnion && f.members_set != 1)
      return fail("Union " + std::string(f.shape->name) + " must have exactly one member set");
    return deliver(std::move(f.value));
  }

  const ServiceModel& model_;
  const Shape* input_;
  std::vector<Frame> stack_;
  Value result_ = Value::object();
  bool done_ = false;
  std::string error_;
};

AwsError unknown_operation(std::string message) { return AwsError{"UnknownOperationException", std::move(message), 400, true}; }

// ---------------------------------------------------------------------------------------------
// Response: Value -> JSON, guided by the shapes.

using JsonWriter = rapidjson::Writer<rapidjson::StringBuffer>;

void write_generic(JsonWriter& w, const Value& v);

void write_double(JsonWriter& w, double d) {
  if (std::isnan(d)) w.String("NaN");
  else if (std::isinf(d)) w.String(d > 0 ? "Infinity" : "-Infinity");
  else w.Double(d);
}

void write_string(JsonWriter& w, std::string_view s) { w.String(s.data(), static_cast<rapidjson::SizeType>(s.size())); }

void write_big_number(JsonWriter& w, const BigNumber& n) {
  if (is_json_number(n.text)) w.RawValue(n.text.data(), n.text.size(), rapidjson::kNumberType);
  else write_string(w, n.text);  // never emit text that would break the document
}

void write_epoch(JsonWriter& w, Timestamp t) {
  if (t.epoch_millis % 1000 == 0) w.Int64(t.epoch_millis / 1000);
  else w.Double(epoch_seconds(t));
}

void write_generic(JsonWriter& w, const Value& v) {
  switch (v.kind()) {
    case Value::Kind::kNull: w.Null(); break;
    case Value::Kind::kBool: w.Bool(v.as_bool()); break;
    case Value::Kind::kInt: w.Int64(v.as_int()); break;
    case Value::Kind::kDouble: write_double(w, v.as_double()); break;
    case Value::Kind::kString: write_string(w, v.as_string()); break;
    case Value::Kind::kBlob: write_string(w, base64_encode(v.as_blob().bytes)); break;
    case Value::Kind::kTimestamp: write_epoch(w, v.as_timestamp()); break;
    case Value::Kind::kBigNumber: write_big_number(w, v.as_big_number()); break;
    case Value::Kind::kList:
      w.StartArray();
      for (const Value& e : v.as_list()) write_generic(w, e);
      w.EndArray();
      break;
    case Value::Kind::kObject:
      w.StartObject();
      for (const auto& [k, e] : v.as_object()) {
        w.Key(k.data(), static_cast<rapidjson::SizeType>(k.size()));
        write_generic(w, e);
      }
      w.EndObject();
      break;
  }
}

void write_value(JsonWriter& w, const ServiceModel& model, const Value& v, const Shape& shape, const Member* member) {
  switch (shape.type) {
    case ShapeType::kStructure:
    case ShapeType::kUnion:
      if (!v.is_object()) break;
      w.StartObject();
      // Model order; members the model lacks are not part of the API and are dropped.
      for (const Member& m : shape.members) {
        const Value* mv = v.find(m.name);
        if (!mv || mv->is_null()) continue;
        w.Key(m.name.data(), static_cast<rapidjson::SizeType>(m.name.size()));
        write_value(w, model, *mv, model.shape(m.target), &m);
      }
      w.EndObject();
      return;
    case ShapeType::kList:
      if (!v.is_list() || shape.members.empty()) break;
      w.StartArray();
      for (const Value& e : v.as_list()) {
        if (e.is_null()) w.Null();
        else write_value(w, model, e, model.shape(shape.members[0].target), &shape.members[0]);
      }
      w.EndArray();
      return;
    case ShapeType::kMap:
      if (!v.is_object() || shape.members.size() < 2) break;
      w.StartObject();
      for (const auto& [k, e] : v.as_object()) {
        if (e.is_null() && !shape.has(shape_flags::kSparse)) continue;
        w.Key(k.data(), static_cast<rapidjson::SizeType>(k.size()));
        if (e.is_null()) w.Null();
        else write_value(w, model, e, model.shape(shape.members[1].target), &shape.members[1]);
      }
      w.EndObject();
      return;
    case ShapeType::kBlob:
      if (v.is_blob()) return write_string(w, base64_encode(v.as_blob().bytes));
      if (v.is_string()) return write_string(w, base64_encode(v.as_string()));
      break;
    case ShapeType::kTimestamp: {
      if (!v.is_timestamp()) break;
      TimestampFormat fmt = effective_format(member ? member->timestamp_format : shape.timestamp_format,
                                             Protocol::kAwsJson1_0, Location::kBody);
      if (fmt == TimestampFormat::kDateTime) return write_string(w, format_date_time(v.as_timestamp()));
      if (fmt == TimestampFormat::kHttpDate) return write_string(w, format_http_date(v.as_timestamp()));
      return write_epoch(w, v.as_timestamp());
    }
    case ShapeType::kFloat:
    case ShapeType::kDouble:
      if (v.is_number()) return write_double(w, v.as_double());
      break;
    case ShapeType::kByte:
    case ShapeType::kShort:
    case ShapeType::kInteger:
    case ShapeType::kIntEnum:
    case ShapeType::kLong:
      if (v.is_int()) return (void)w.Int64(v.as_int());
      if (v.is_double() && std::isfinite(v.as_double())) return (void)w.Int64(static_cast<std::int64_t>(v.as_double()));
      break;
    default:
      break;
  }
  write_generic(w, v);  // documents, plain scalars, and values whose kind the shape did not expect
}

const char* content_type(Protocol protocol) {
  return protocol == Protocol::kAwsJson1_1 ? "application/x-amz-json-1.1" : "application/x-amz-json-1.0";
}

// DynamoDB signs every response body with its CRC32 (botocore verifies it when present).
void add_crc32(Response& r, const catalog::Service* service) {
  if (!service || service->name != "dynamodb") return;
  uLong crc = crc32(0L, reinterpret_cast<const Bytef*>(r.body.data()), static_cast<uInt>(r.body.size()));
  r.headers.add("x-amz-crc32", std::to_string(crc));
}

}  // namespace

ParseResult parse_json_rpc(const ServiceModel& model, const Request& request) {
  std::string_view target = request.headers.get("x-amz-target");
  if (target.empty()) return unknown_operation("Missing required header X-Amz-Target");
  auto dot = target.rfind('.');
  if (dot == std::string_view::npos || dot == 0 || dot + 1 == target.size())
    return unknown_operation("Invalid X-Amz-Target header: " + std::string(target));
  std::string_view prefix = target.substr(0, dot), op_name = target.substr(dot + 1);
  if (model.info && prefix != model.info->target_prefix &&
      (model.info->client_target_prefix.empty() || prefix != model.info->client_target_prefix))
    return unknown_operation("Unknown target prefix " + std::string(prefix));
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
  std::size_t first = body.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return parsed;  // empty body means {}
  // RapidJSON's stream ends at a NUL byte; JSON text never contains a raw one.
  if (std::memchr(body.data(), '\0', body.size()) != nullptr)
    return AwsError::serialization("The request body contains a NUL byte and is not valid JSON");

  const Shape* input = op->input == kNoShape ? nullptr : &model.shape(op->input);
  InputBuilder builder(model, input);
  rapidjson::Reader reader;
  rapidjson::MemoryStream stream(body.data(), body.size());
  constexpr unsigned kFlags = rapidjson::kParseNumbersAsStringsFlag | rapidjson::kParseValidateEncodingFlag |
                              rapidjson::kParseIterativeFlag;
  rapidjson::ParseResult ok = reader.Parse<kFlags>(stream, builder);
  if (!builder.error().empty()) return AwsError::serialization(builder.error());
  if (!ok)
    return AwsError::serialization(std::string("Malformed JSON: ") + rapidjson::GetParseError_En(ok.Code()) +
                                   " at offset " + std::to_string(ok.Offset()));
  Value result = builder.take_result();
  if (!result.is_object()) return AwsError::serialization("The request body must be a JSON object");
  if (input) parsed.input = std::move(result);
  return parsed;
}

Response serialize_json_rpc_output(Protocol protocol, const ServiceModel& model, const Operation& op,
                                   const Value& output, const RequestContext& ctx) {
  Response r;
  r.status = 200;
  r.headers.add("Content-Type", content_type(protocol));
  r.headers.add("x-amzn-RequestId", ctx.request_id);
  // Smithy: an operation without output SHOULD answer an empty body (clients accept either).
  const Member* stream = op.output == kNoShape ? nullptr : event_stream_member(model, model.shape(op.output));
  if (stream) {
    // The members beside the stream go first, as the `initial-response` event.
    EventStreamFormat format{content_type(protocol), [&](const Member* member, ShapeIndex target, const Value& v) {
                               rapidjson::StringBuffer buf;
                               JsonWriter w(buf);
                               write_value(w, model, v, model.shape(target), member);
                               return std::string(buf.GetString(), buf.GetSize());
                             }};
    r.body = frame_initial_response(*stream, output, format, op.output) +
             frame_event_stream(model, *stream, output, format);
    r.headers.set("Content-Type", std::string(kEventStreamContentType));
  } else if (op.output != kNoShape) {
    rapidjson::StringBuffer buf;
    JsonWriter w(buf);
    const Shape& shape = model.shape(op.output);
    if (output.is_object()) write_value(w, model, output, shape, nullptr);
    else {
      w.StartObject();
      w.EndObject();
    }
    r.body.assign(buf.GetString(), buf.GetSize());
  }
  add_crc32(r, model.info);
  return r;
}

ErrorNames resolve_error_names(const ServiceModel* model, std::string_view code) {
  ErrorNames names{code, code};
  if (!model) return names;
  for (const Shape& shape : model->shapes) {
    if (!shape.has(shape_flags::kClientError) && !shape.has(shape_flags::kServerError)) continue;
    if (shape.name == code || (!shape.query_error_code.empty() && shape.query_error_code == code)) {
      names.type = shape.name;
      if (!shape.query_error_code.empty()) names.query_code = shape.query_error_code;
      if (shape.name == code) break;  // an exact shape name wins over another shape's query code
    }
  }
  return names;
}

namespace {

Response json_error(Protocol protocol, const catalog::Service* service, const ServiceModel* model,
                    const AwsError& error, const RequestContext& ctx) {
  ErrorNames names = resolve_error_names(model, error.code);
  rapidjson::StringBuffer buf;
  JsonWriter w(buf);
  w.StartObject();
  // The shape name: every SDK strips an optional "namespace#" (Smithy's sanitising rule), and the
  // catalog does not carry the Smithy namespace that a full shape id would need.
  w.Key("__type");
  write_string(w, names.type);
  w.Key("message");
  write_string(w, error.message);
  w.EndObject();
  Response r;
  r.status = error.status;
  r.headers.add("Content-Type", content_type(protocol));
  r.headers.add("x-amzn-RequestId", ctx.request_id);
  if ((service && service->aws_query_compatible) || ctx.query_mode)
    r.headers.add("x-amzn-query-error", std::string(names.query_code) + (error.sender_fault ? ";Sender" : ";Receiver"));
  r.body.assign(buf.GetString(), buf.GetSize());
  add_crc32(r, service);
  return r;
}

}  // namespace

Response serialize_json_rpc_error(Protocol protocol, const catalog::Service& service, const AwsError& error,
                                  const RequestContext& ctx) {
  return json_error(protocol, &service, nullptr, error, ctx);
}

Response serialize_json_rpc_error(Protocol protocol, const ServiceModel& model, const AwsError& error,
                                  const RequestContext& ctx) {
  return json_error(protocol, model.info, &model, error, ctx);
}

}  // namespace rime::proto
