// restJson1: method + URI template in, HTTP bindings plus a JSON document body; JSON out, with
// header and status bindings; errors as an X-Amzn-ErrorType header and {"message": ..}.
//
// Facts followed (Smithy's restJson1 spec and its protocol tests):
// - body members use @jsonName; timestamps in the body are epoch seconds unless @timestampFormat;
//   blobs are base64; NaN and the infinities travel as the strings "NaN", "Infinity", "-Infinity";
// - an @httpPayload structure, union or document is the whole body; a blob or string payload is
//   the raw body;
// - an operation with output but nothing bound to the body answers "{}" with
//   Content-Type: application/json; an operation without output answers an empty body;
// - clients read the error code from X-Amzn-ErrorType (botocore: header first, then `code`).
//
// Request JSON is read with RapidJSON's SAX reader into a neutral tree first, numbers kept as
// their text so that bigInteger/bigDecimal and 64-bit integers are never rounded; nesting is
// bounded. Output is written with RapidJSON's Writer.
#include <charconv>
#include <cmath>

#include <rapidjson/memorystream.h>
#include <rapidjson/reader.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "core/json.h"
#include "protocols/codecs.h"
#include "protocols/http_bindings.h"
#include "protocols/timestamps.h"

namespace rime::proto {
namespace {

constexpr int kMaxDepth = 64;
// Epoch seconds beyond this are no date any SDK sends (year ~33000); they would overflow millis.
constexpr double kMaxEpochSeconds = 1e12;

// SAX handler building a neutral tree: objects keep key order, numbers are BigNumber text.
class TreeBuilder : public rapidjson::BaseReaderHandler<rapidjson::UTF8<>, TreeBuilder> {
 public:
  bool Null() { return add(Value()); }
  bool Bool(bool b) { return add(Value(b)); }
  bool Int(int i) { return add(Value(BigNumber{std::to_string(i)})); }
  bool Uint(unsigned u) { return add(Value(BigNumber{std::to_string(u)})); }
  bool Int64(std::int64_t i) { return add(Value(BigNumber{std::to_string(i)})); }
  bool Uint64(std::uint64_t u) { return add(Value(BigNumber{std::to_string(u)})); }
  bool Double(double d) { return add(Value(BigNumber{format_double(d)})); }
  bool RawNumber(const char* s, rapidjson::SizeType n, bool) { return add(Value(BigNumber{std::string(s, n)})); }
  bool String(const char* s, rapidjson::SizeType n, bool) { return add(Value(std::string_view(s, n))); }
  bool Key(const char* s, rapidjson::SizeType n, bool) {
    keys_.emplace_back(s, n);
    return true;
  }
  bool StartObject() { return open(Value::object()); }
  bool EndObject(rapidjson::SizeType) { return close(); }
  bool StartArray() { return open(Value::list()); }
  bool EndArray(rapidjson::SizeType) { return close(); }

  Value root;
  bool too_deep = false;

 private:
  bool open(Value v) {
    if (stack_.size() >= kMaxDepth) {
      too_deep = true;
      return false;
    }
    stack_.push_back(std::move(v));
    return true;
  }
  bool close() {
    Value v = std::move(stack_.back());
    stack_.pop_back();
    return add(std::move(v));
  }
  bool add(Value v) {
    if (stack_.empty()) {
      root = std::move(v);
    } else if (stack_.back().is_object()) {
      stack_.back().as_object().emplace_back(std::move(keys_.back()), std::move(v));
      keys_.pop_back();
    } else {
      stack_.back().as_list().push_back(std::move(v));
    }
    return true;
  }
  std::vector<Value> stack_;
  std::vector<std::string> keys_;
};

std::optional<AwsError> parse_json_tree(std::string_view text, Value& out) {
  TreeBuilder builder;
  rapidjson::Reader reader;
  rapidjson::MemoryStream ms(text.data(), text.size());
  constexpr unsigned kFlags = rapidjson::kParseNumbersAsStringsFlag | rapidjson::kParseValidateEncodingFlag;
  rapidjson::ParseResult ok = reader.Parse<kFlags>(ms, builder);
  if (builder.too_deep) return AwsError::serialization("JSON nesting exceeds " + std::to_string(kMaxDepth) + " levels");
  if (!ok) return AwsError::serialization("Malformed JSON body at offset " + std::to_string(ok.Offset()));
  out = std::move(builder.root);
  return std::nullopt;
}

std::string_view wire_name(const Member& m) { return m.json_name.empty() ? m.name : m.json_name; }

TimestampFormat body_format(const Member* member, const Shape& target) {
  TimestampFormat declared = member && member->timestamp_format != TimestampFormat::kDefault
                                 ? member->timestamp_format
                                 : target.timestamp_format;
  return effective_format(declared, Protocol::kRestJson1, Location::kBody);
}

// Documents: numbers become integers when they are integral and fit, else doubles.
Value document_from_tree(const Value& in) {
  switch (in.kind()) {
    case Value::Kind::kBigNumber: {
      const std::string& t = in.as_big_number().text;
      if (is_number_text(t, false))
        if (auto n = parse_integer_text(t, ShapeType::kLong)) return Value(*n);
      if (auto d = parse_float_text(t); d && std::isfinite(*d)) return Value(*d);
      return in;
    }
    case Value::Kind::kList: {
      Value out = Value::list();
      for (const Value& e : in.as_list()) out.push(document_from_tree(e));
      return out;
    }
    case Value::Kind::kObject: {
      Value out = Value::object();
      for (const auto& [k, e] : in.as_object()) out.as_object().emplace_back(k, document_from_tree(e));
      return out;
    }
    default: return in;
  }
}

// Converts the neutral tree to a Value shaped by the model, coercing scalars.
class JsonInput {
 public:
  explicit JsonInput(const ServiceModel& model) : model_(model) {}
  std::string error;

  bool read(const Member* member, ShapeIndex target_index, const Value& in, Value& out, int depth) {
    if (depth > kMaxDepth) return fail("nesting too deep");
    const Shape& target = model_.shape(target_index);
    switch (target.type) {
      case ShapeType::kStructure:
      case ShapeType::kUnion: {
        if (!in.is_object()) return fail_type(member, target);
        out = Value::object();
        if (!read_members(target, in, out, false, depth)) return false;
        if (target.type == ShapeType::kUnion && out.as_object().size() != 1)
          return fail("union " + std::string(target.name) + " must have exactly one member set");
        return true;
      }
      case ShapeType::kList: {
        if (!in.is_list()) return fail_type(member, target);
        const Member& item = target.members[0];
        out = Value::list();
        for (const Value& e : in.as_list()) {
          if (e.is_null()) {
            if (target.has(shape_flags::kSparse)) out.push(Value());
            continue;
          }
          Value v;
          if (!read(&item, item.target, e, v, depth + 1)) return false;
          out.push(std::move(v));
        }
        return true;
      }
      case ShapeType::kMap: {
        if (!in.is_object()) return fail_type(member, target);
        const Member& value_member = target.members[1];
        out = Value::object();
        for (const auto& [k, e] : in.as_object()) {
          if (e.is_null()) {
            if (target.has(shape_flags::kSparse)) out.set(k, Value());
            continue;
          }
          Value v;
          if (!read(&value_member, value_member.target, e, v, depth + 1)) return false;
          out.set(k, std::move(v));
        }
        return true;
      }
      case ShapeType::kDocument: out = document_from_tree(in); return true;
      case ShapeType::kString:
      case ShapeType::kEnum:
        if (!in.is_string()) return fail_type(member, target);
        out = in;
        return true;
      case ShapeType::kBoolean:
        if (!in.is_bool()) return fail_type(member, target);
        out = in;
        return true;
      case ShapeType::kBlob: {
        if (!in.is_string()) return fail_type(member, target);
        auto bytes = base64_decode(in.as_string());
        if (!bytes) return fail("invalid base64 for " + std::string(member ? member->name : target.name));
        out = Blob{std::move(*bytes)};
        return true;
      }
      case ShapeType::kByte:
      case ShapeType::kShort:
      case ShapeType::kInteger:
      case ShapeType::kLong:
      case ShapeType::kIntEnum: {
        if (!in.is_big_number()) return fail_type(member, target);
        auto n = parse_integer_text(in.as_big_number().text, target.type);
        if (!n) return fail_type(member, target);
        out = *n;
        return true;
      }
      case ShapeType::kFloat:
      case ShapeType::kDouble: {
        std::optional<double> d;
        if (in.is_big_number()) d = parse_float_text(in.as_big_number().text);
        // Only the three spellings Smithy allows for the non-finite values.
        else if (in.is_string() && (in.as_string() == "NaN" || in.as_string() == "Infinity" || in.as_string() == "-Infinity"))
          d = parse_float_text(in.as_string());
        if (!d) return fail_type(member, target);
        out = *d;
        return true;
      }
      case ShapeType::kBigInteger:
      case ShapeType::kBigDecimal:
        if (!in.is_big_number() || (target.type == ShapeType::kBigInteger && !is_number_text(in.as_big_number().text, false)))
          return fail_type(member, target);
        out = in;
        return true;
      case ShapeType::kTimestamp: {
        std::optional<Timestamp> t;
        if (in.is_big_number()) {
          auto d = parse_float_text(in.as_big_number().text);
          if (d && std::isfinite(*d) && std::fabs(*d) < kMaxEpochSeconds) t = from_epoch_seconds(*d);
        } else if (in.is_string()) {
          t = parse_timestamp(in.as_string(), body_format(member, target));
          if (!t) t = parse_timestamp(in.as_string(), TimestampFormat::kDefault);
        }
        if (!t) return fail_type(member, target);
        out = *t;
        return true;
      }
    }
    return fail_type(member, target);
  }

  /// Members of a structure from a JSON object; `body_only` skips members bound elsewhere.
  bool read_members(const Shape& shape, const Value& in, Value& out, bool body_only, int depth) {
    for (const auto& [key, e] : in.as_object()) {
      if (e.is_null()) continue;
      const Member* m = nullptr;
      for (const Member& candidate : shape.members)
        if (wire_name(candidate) == key && (!body_only || candidate.location == Location::kBody)) m = &candidate;
      if (!m) continue;  // unknown members are ignored, as AWS does
      Value v;
      if (!read(m, m->target, e, v, depth + 1)) return false;
      out.set(std::string(m->name), std::move(v));
    }
    return true;
  }

 private:
  bool fail(std::string message) {
    error = std::move(message);
    return false;
  }
  bool fail_type(const Member* member, const Shape& target) {
    std::string msg = "Invalid value for ";
    msg += member ? member->name : target.name;
    msg += ": expected ";
    msg += target.name;
    return fail(std::move(msg));
  }
  const ServiceModel& model_;
};

using JsonWriter = rapidjson::Writer<rapidjson::StringBuffer>;

class JsonOutput {
 public:
  JsonOutput(const ServiceModel& model, JsonWriter& w) : model_(model), w_(w) {}

  void write(const Member* member, ShapeIndex target_index, const Value& v, int depth) {
    if (depth > kMaxDepth) {
      w_.Null();
      return;
    }
    const Shape& target = model_.shape(target_index);
    switch (target.type) {
      case ShapeType::kStructure:
      case ShapeType::kUnion:
        if (!v.is_object()) break;
        w_.StartObject();
        write_members(target, v, false, depth);
        w_.EndObject();
        return;
      case ShapeType::kList: {
        if (!v.is_list()) break;
        const Member& item = target.members[0];
        w_.StartArray();
        for (const Value& e : v.as_list()) {
          if (e.is_null()) {
            if (target.has(shape_flags::kSparse)) w_.Null();
            continue;
          }
          write(&item, item.target, e, depth + 1);
        }
        w_.EndArray();
        return;
      }
      case ShapeType::kMap: {
        if (!v.is_object()) break;
        const Member& value_member = target.members[1];
        w_.StartObject();
        for (const auto& [k, e] : v.as_object()) {
          if (e.is_null() && !target.has(shape_flags::kSparse)) continue;
          w_.Key(k.data(), static_cast<rapidjson::SizeType>(k.size()));
          if (e.is_null())
            w_.Null();
          else
            write(&value_member, value_member.target, e, depth + 1);
        }
        w_.EndObject();
        return;
      }
      case ShapeType::kTimestamp:
        if (v.is_timestamp() || v.is_number()) {
          Timestamp t = v.is_timestamp() ? v.as_timestamp() : from_epoch_seconds(v.as_double());
          TimestampFormat format = body_format(member, target);
          if (format == TimestampFormat::kDateTime)
            string(format_date_time(t));
          else if (format == TimestampFormat::kHttpDate)
            string(format_http_date(t));
          else
            epoch(t);
          return;
        }
        break;
      case ShapeType::kBlob:
        if (v.is_string()) {
          string(base64_encode(v.as_string()));
          return;
        }
        break;
      default: break;
    }
    write_generic(v, depth);
  }

  void write_members(const Shape& shape, const Value& v, bool body_only, int depth) {
    for (const Member& m : shape.members) {
      if (body_only && !in_output_body(m.location)) continue;
      const Value* e = v.find(m.name);
      if (!e || e->is_null()) continue;
      std::string_view key = wire_name(m);
      w_.Key(key.data(), static_cast<rapidjson::SizeType>(key.size()));
      write(&m, m.target, *e, depth + 1);
    }
  }

  /// By Value kind, for documents and values whose kind the model does not pin down.
  void write_generic(const Value& v, int depth) {
    if (depth > kMaxDepth) {
      w_.Null();
      return;
    }
    switch (v.kind()) {
      case Value::Kind::kNull: w_.Null(); return;
      case Value::Kind::kBool: w_.Bool(v.as_bool()); return;
      case Value::Kind::kInt: w_.Int64(v.as_int()); return;
      case Value::Kind::kDouble:
        if (std::isfinite(v.as_double()))
          w_.Double(v.as_double());
        else
          string(format_double(v.as_double()));
        return;
      case Value::Kind::kString: string(v.as_string()); return;
      case Value::Kind::kBlob: string(base64_encode(v.as_blob().bytes)); return;
      case Value::Kind::kTimestamp: epoch(v.as_timestamp()); return;
      case Value::Kind::kBigNumber: {
        const std::string& t = v.as_big_number().text;
        if (is_number_text(t, true))
          w_.RawValue(t.data(), t.size(), rapidjson::kNumberType);
        else
          string(t);
        return;
      }
      case Value::Kind::kList:
        w_.StartArray();
        for (const Value& e : v.as_list()) write_generic(e, depth + 1);
        w_.EndArray();
        return;
      case Value::Kind::kObject:
        w_.StartObject();
        for (const auto& [k, e] : v.as_object()) {
          w_.Key(k.data(), static_cast<rapidjson::SizeType>(k.size()));
          write_generic(e, depth + 1);
        }
        w_.EndObject();
        return;
    }
  }

 private:
  void string(const std::string& s) { w_.String(s.data(), static_cast<rapidjson::SizeType>(s.size())); }
  void epoch(Timestamp t) {
    if (t.epoch_millis % 1000 == 0)
      w_.Int64(t.epoch_millis / 1000);
    else
      w_.Double(epoch_seconds(t));
  }
  const ServiceModel& model_;
  JsonWriter& w_;
};

}  // namespace

ParseResult parse_rest_json(const ServiceModel& model, const Request& request) {
  auto match = match_rest_model_operation(model, request);
  if (!match) return unknown_rest_operation(request);
  ParsedRequest parsed{match->operation, Value::object()};
  if (parsed.operation->input == kNoShape) return parsed;
  const Shape& input = model.shape(parsed.operation->input);
  if (auto err = read_http_bindings(model, *match, request, parsed.input)) return *err;

  const Member* payload = payload_member(input);
  if (payload && is_raw_payload(model, *payload)) {
    read_raw_payload(model, *payload, request, parsed.input);
    return parsed;
  }
  if (!payload && !has_body_members(input)) return parsed;
  std::string storage;
  std::string_view body = request_body(request, storage);
  if (blank_body(body)) return parsed;  // servers accept an omitted body as "{}"

  Value tree;
  if (auto err = parse_json_tree(body, tree)) return *err;
  JsonInput reader(model);
  if (payload) {
    if (tree.is_null()) return parsed;
    Value v;
    if (!reader.read(payload, payload->target, tree, v, 0)) return AwsError::serialization(reader.error);
    parsed.input.set(std::string(payload->name), std::move(v));
    return parsed;
  }
  if (!tree.is_object()) return AwsError::serialization("Expected a JSON object as the request body");
  if (!reader.read_members(input, tree, parsed.input, true, 0)) return AwsError::serialization(reader.error);
  return parsed;
}

Response serialize_rest_json_output(const ServiceModel& model, const Operation& op, const Value& output,
                                    const RequestContext& ctx) {
  Response r;
  r.status = op.http_code ? op.http_code : 200;
  add_request_id_headers(model.info, ctx, r);
  if (op.output == kNoShape) return r;  // Unit output: empty body
  const Shape& shape = model.shape(op.output);
  write_http_bindings(model, shape, output, r);
  if (const Member* stream = event_stream_member(model, shape)) {
    EventStreamFormat format{"application/json", [&](const Member* member, ShapeIndex target, const Value& v) {
                               rapidjson::StringBuffer buffer;
                               JsonWriter writer(buffer);
                               JsonOutput(model, writer).write(member, target, v, 0);
                               return std::string(buffer.GetString(), buffer.GetSize());
                             }};
    r.body = frame_event_stream(model, *stream, output, format);
    // A member bound to Content-Type (Lambda's ResponseStreamContentType) keeps its value.
    if (!r.headers.contains("content-type")) r.headers.set("Content-Type", std::string(kEventStreamContentType));
    return r;
  }

  rapidjson::StringBuffer buffer;
  JsonWriter writer(buffer);
  JsonOutput out(model, writer);
  if (const Member* payload = payload_member(shape)) {
    if (is_raw_payload(model, *payload)) {
      write_raw_payload(model, *payload, output, r);
      return r;
    }
    const Value* v = output.find(payload->name);
    if (!v || v->is_null()) return r;  // an unset payload is no body at all
    out.write(payload, payload->target, *v, 0);
  } else {
    writer.StartObject();
    out.write_members(shape, output, true, 0);
    writer.EndObject();
  }
  r.body.assign(buffer.GetString(), buffer.GetSize());
  if (!r.headers.contains("content-type")) r.headers.set("Content-Type", "application/json");
  return r;
}

Response serialize_rest_json_error(const catalog::Service& service, const AwsError& error, const RequestContext& ctx) {
  Response r;
  r.status = error.status;
  r.headers.set("X-Amzn-ErrorType", error.code);
  add_request_id_headers(&service, ctx, r);
  r.headers.set("Content-Type", "application/json");
  rapidjson::StringBuffer buffer;
  JsonWriter writer(buffer);
  writer.StartObject();
  writer.Key("message");
  writer.String(error.message.data(), static_cast<rapidjson::SizeType>(error.message.size()));
  writer.EndObject();
  r.body.assign(buffer.GetString(), buffer.GetSize());
  return r;
}

}  // namespace rime::proto
