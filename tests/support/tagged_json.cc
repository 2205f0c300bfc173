#include "tests/support/tagged_json.h"

#include <cmath>
#include <limits>

#include <rapidjson/document.h>
#include <rapidjson/error/en.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "core/json.h"

namespace rime::testing {
namespace {

using proto::Value;
using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

constexpr int kMaxDepth = 256;

void write_tag(Writer& w, const char* tag, std::string_view text) {
  w.StartObject();
  w.Key(tag);
  w.String(text.data(), static_cast<rapidjson::SizeType>(text.size()));
  w.EndObject();
}

void write(Writer& w, const Value& v) {
  switch (v.kind()) {
    case Value::Kind::kNull: w.Null(); break;
    case Value::Kind::kBool: w.Bool(v.as_bool()); break;
    case Value::Kind::kInt: w.Int64(v.as_int()); break;
    case Value::Kind::kDouble: {
      double d = v.as_double();
      if (std::isnan(d)) write_tag(w, "$double", "NaN");
      else if (std::isinf(d)) write_tag(w, "$double", d > 0 ? "Infinity" : "-Infinity");
      else w.Double(d);  // always with a fraction or exponent ("1.0"), so it reads back as a double
      break;
    }
    case Value::Kind::kString: {
      const std::string& s = v.as_string();
      w.String(s.data(), static_cast<rapidjson::SizeType>(s.size()));
      break;
    }
    case Value::Kind::kBlob: write_tag(w, "$blob", base64_encode(v.as_blob().bytes)); break;
    case Value::Kind::kTimestamp:
      w.StartObject();
      w.Key("$timestamp");
      w.Int64(v.as_timestamp().epoch_millis);
      w.EndObject();
      break;
    case Value::Kind::kBigNumber: write_tag(w, "$big", v.as_big_number().text); break;
    case Value::Kind::kList:
      w.StartArray();
      for (const Value& e : v.as_list()) write(w, e);
      w.EndArray();
      break;
    case Value::Kind::kObject:
      w.StartObject();
      for (const auto& [k, e] : v.as_object()) {
        w.Key(k.data(), static_cast<rapidjson::SizeType>(k.size()));
        write(w, e);
      }
      w.EndObject();
      break;
  }
}

class Reader {
 public:
  std::string error;

  std::optional<Value> read(const rapidjson::Value& j, int depth) {
    if (depth > kMaxDepth) return fail("nesting deeper than " + std::to_string(kMaxDepth));
    switch (j.GetType()) {
      case rapidjson::kNullType: return Value();
      case rapidjson::kFalseType: return Value(false);
      case rapidjson::kTrueType: return Value(true);
      case rapidjson::kStringType: return Value(std::string(j.GetString(), j.GetStringLength()));
      case rapidjson::kNumberType:
        if (j.IsInt64()) return Value(j.GetInt64());
        if (j.IsDouble()) return Value(j.GetDouble());
        return fail("integer out of the 64-bit signed range (use $big)");
      case rapidjson::kArrayType: {
        proto::List list;
        list.reserve(j.Size());
        for (const auto& e : j.GetArray()) {
          auto v = read(e, depth + 1);
          if (!v) return std::nullopt;
          list.push_back(std::move(*v));
        }
        return Value(std::move(list));
      }
      case rapidjson::kObjectType: {
        if (j.MemberCount() == 1) {
          const auto& m = *j.MemberBegin();
          if (m.name.GetStringLength() > 0 && m.name.GetString()[0] == '$') return tag(m.name, m.value);
        }
        proto::Object obj;
        obj.reserve(j.MemberCount());
        for (const auto& m : j.GetObject()) {
          auto v = read(m.value, depth + 1);
          if (!v) return std::nullopt;
          obj.emplace_back(std::string(m.name.GetString(), m.name.GetStringLength()), std::move(*v));
        }
        return Value(std::move(obj));
      }
    }
    return fail("unexpected JSON type");
  }

 private:
  std::optional<Value> fail(std::string why) {
    error = std::move(why);
    return std::nullopt;
  }

  std::optional<Value> tag(const rapidjson::Value& name, const rapidjson::Value& body) {
    std::string_view t(name.GetString(), name.GetStringLength());
    if (t != "$timestamp" && t != "$blob" && t != "$big" && t != "$double") return fail("unknown tag " + std::string(t));
    if (t == "$timestamp") {
      if (!body.IsInt64()) return fail("$timestamp needs an integer of epoch milliseconds");
      return Value(proto::Timestamp{body.GetInt64()});
    }
    if (!body.IsString()) return fail(std::string(t) + " needs a string");
    std::string_view text(body.GetString(), body.GetStringLength());
    if (t == "$blob") {
      auto bytes = base64_decode(text);
      if (!bytes) return fail("$blob is not valid base64");
      return Value(proto::Blob{std::move(*bytes)});
    }
    if (t == "$big") {
      if (text.empty()) return fail("$big is empty");
      return Value(proto::BigNumber{std::string(text)});
    }
    if (t == "$double") {
      if (text == "NaN") return Value(std::numeric_limits<double>::quiet_NaN());
      if (text == "Infinity") return Value(std::numeric_limits<double>::infinity());
      if (text == "-Infinity") return Value(-std::numeric_limits<double>::infinity());
    }
    return fail("$double must be NaN, Infinity or -Infinity");
  }
};

}  // namespace

std::string to_tagged_json(const proto::Value& value) {
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  write(w, value);
  return std::string(buffer.GetString(), buffer.GetSize());
}

std::optional<proto::Value> from_tagged_json(std::string_view text, std::string* error) {
  rapidjson::Document doc;
  doc.Parse<rapidjson::kParseFullPrecisionFlag | rapidjson::kParseIterativeFlag>(text.data(), text.size());
  if (doc.HasParseError()) {
    if (error)
      *error = std::string(rapidjson::GetParseError_En(doc.GetParseError())) + " at offset " +
               std::to_string(doc.GetErrorOffset());
    return std::nullopt;
  }
  Reader reader;
  auto v = reader.read(doc, 0);
  if (!v && error) *error = reader.error;
  return v;
}

}  // namespace rime::testing
