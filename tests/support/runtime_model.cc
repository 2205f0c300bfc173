#include "tests/support/runtime_model.h"

#include <cstdint>
#include <fstream>
#include <initializer_list>
#include <limits>
#include <optional>
#include <sstream>
#include <utility>

#include <rapidjson/document.h>
#include <rapidjson/error/en.h>

#include "services/catalog/catalog.h"

namespace rime::testing {

namespace {

constexpr std::string_view kFormat = "rime-runtime-model/1";

using Json = rapidjson::Value;
using proto::Location;
using proto::ShapeType;
using proto::TimestampFormat;

template <class E>
struct Named {
  std::string_view name;
  E value;
};

constexpr Named<ShapeType> kShapeTypes[] = {
    {"blob", ShapeType::kBlob},           {"boolean", ShapeType::kBoolean},
    {"string", ShapeType::kString},       {"enum", ShapeType::kEnum},
    {"byte", ShapeType::kByte},           {"short", ShapeType::kShort},
    {"integer", ShapeType::kInteger},     {"int_enum", ShapeType::kIntEnum},
    {"long", ShapeType::kLong},           {"float", ShapeType::kFloat},
    {"double", ShapeType::kDouble},       {"big_integer", ShapeType::kBigInteger},
    {"big_decimal", ShapeType::kBigDecimal}, {"timestamp", ShapeType::kTimestamp},
    {"document", ShapeType::kDocument},   {"list", ShapeType::kList},
    {"map", ShapeType::kMap},             {"structure", ShapeType::kStructure},
    {"union", ShapeType::kUnion},
};
constexpr Named<Location> kLocations[] = {
    {"body", Location::kBody},           {"header", Location::kHeader},
    {"prefix_headers", Location::kPrefixHeaders}, {"query", Location::kQuery},
    {"query_params", Location::kQueryParams}, {"label", Location::kLabel},
    {"payload", Location::kPayload},     {"status_code", Location::kStatusCode},
    {"host_label", Location::kHostLabel},
};
constexpr Named<TimestampFormat> kTimestampFormats[] = {
    {"date_time", TimestampFormat::kDateTime},
    {"http_date", TimestampFormat::kHttpDate},
    {"epoch_seconds", TimestampFormat::kEpochSeconds},
};
constexpr Named<std::uint16_t> kMemberFlags[] = {
    {"required", proto::member_flags::kRequired},
    {"xml_attribute", proto::member_flags::kXmlAttribute},
    {"xml_flattened", proto::member_flags::kXmlFlattened},
    {"idempotency_token", proto::member_flags::kIdempotencyToken},
    {"has_default", proto::member_flags::kHasDefault},
    {"host_label", proto::member_flags::kHostLabel},
};
constexpr Named<std::uint16_t> kShapeFlags[] = {
    {"sparse", proto::shape_flags::kSparse},
    {"streaming", proto::shape_flags::kStreaming},
    {"sensitive", proto::shape_flags::kSensitive},
    {"client_error", proto::shape_flags::kClientError},
    {"server_error", proto::shape_flags::kServerError},
    {"event_stream", proto::shape_flags::kEventStream},
};

struct LoadError {
  std::string message;
};

std::string_view sv(const Json& j) { return {j.GetString(), j.GetStringLength()}; }

}  // namespace

/// Fills a RuntimeModel from a parsed document; throws LoadError with a JSON path on anything
/// malformed (caught in parse(): callers see an error message, never an exception).
class RuntimeModelLoader {
 public:
  explicit RuntimeModelLoader(RuntimeModel& out) : out_(out) {}

  void load(const Json& root) {
    path_ = "$";
    expect_object(root, {"format", "service", "shapes", "operations", "errors"});
    if (string(root, "format", true) != kFormat)
      fail("format: expected \"" + std::string(kFormat) + "\"");
    std::string_view service = string(root, "service", true);
    const catalog::Service* info = catalog::find(service);
    if (!info) fail("service: \"" + std::string(service) + "\" is not in the catalog");

    const Json& shapes = array(root, "shapes", true);
    shape_count_ = shapes.Size();
    if (shape_count_ >= proto::kNoShape) fail("shapes: too many");
    out_.shapes_.reserve(shape_count_);
    std::vector<Ranges> ranges;
    ranges.reserve(shape_count_);
    for (rapidjson::SizeType i = 0; i < shapes.Size(); ++i) {
      path_ = "$.shapes[" + std::to_string(i) + "]";
      ranges.push_back(shape(shapes[i]));
    }

    const Json& ops = array(root, "operations", true);
    std::vector<std::pair<std::size_t, std::size_t>> op_errors;
    out_.operations_.reserve(ops.Size());
    for (rapidjson::SizeType i = 0; i < ops.Size(); ++i) {
      path_ = "$.operations[" + std::to_string(i) + "]";
      op_errors.push_back(operation(ops[i]));
      if (i > 0 && !(out_.operations_[i - 1].name < out_.operations_[i].name))
        fail("name: operations are not sorted by name (or repeat one)");
    }
    path_ = "$";
    std::size_t service_errors = out_.indices_.size();
    index_list(array(root, "errors", true), "errors");
    std::size_t service_errors_end = out_.indices_.size();

    // Every vector is complete: the spans may point into them now.
    for (std::size_t i = 0; i < shape_count_; ++i) {
      proto::Shape& s = out_.shapes_[i];
      const Ranges& r = ranges[i];
      s.members = std::span<const proto::Member>(out_.members_).subspan(r.members.first, r.members.second);
      s.enum_values = std::span<const std::string_view>(out_.enum_values_).subspan(r.enums.first, r.enums.second);
      s.int_enum_values =
          std::span<const std::int64_t>(out_.int_enum_values_).subspan(r.int_enums.first, r.int_enums.second);
    }
    std::span<const proto::ShapeIndex> indices(out_.indices_);
    for (std::size_t i = 0; i < out_.operations_.size(); ++i)
      out_.operations_[i].errors = indices.subspan(op_errors[i].first, op_errors[i].second);
    out_.model_ = proto::ServiceModel{
        .info = info,
        .shapes = out_.shapes_,
        .operations = out_.operations_,
        .errors = indices.subspan(service_errors, service_errors_end - service_errors),
    };
  }

 private:
  using Range = std::pair<std::size_t, std::size_t>;  // offset, count
  struct Ranges {
    Range members, enums, int_enums;
  };

  [[noreturn]] void fail(const std::string& what) const { throw LoadError{path_ + ": " + what}; }

  void expect_object(const Json& j, std::initializer_list<std::string_view> allowed) {
    if (!j.IsObject()) fail("expected an object");
    for (const auto& m : j.GetObject()) {
      std::string_view key = sv(m.name);
      bool known = false;
      for (std::string_view a : allowed) known = known || a == key;
      if (!known) fail("unknown key \"" + std::string(key) + "\"");
    }
  }

  const Json* member(const Json& obj, const char* key, bool required) {
    auto it = obj.FindMember(key);
    if (it == obj.MemberEnd()) {
      if (required) fail(std::string("missing \"") + key + "\"");
      return nullptr;
    }
    return &it->value;
  }

  std::string_view string(const Json& obj, const char* key, bool required = false) {
    const Json* j = member(obj, key, required);
    if (!j) return {};
    if (!j->IsString()) fail(std::string(key) + ": expected a string");
    return sv(*j);
  }

  /// A string kept in the arena ("" needs no storage).
  std::string_view owned(std::string_view text) {
    if (text.empty()) return {};
    return out_.strings_.emplace_back(text);
  }

  const Json& array(const Json& obj, const char* key, bool required) {
    static const Json kEmpty(rapidjson::kArrayType);
    const Json* j = member(obj, key, required);
    if (!j) return kEmpty;
    if (!j->IsArray()) fail(std::string(key) + ": expected an array");
    return *j;
  }

  std::int64_t integer(const Json& obj, const char* key, std::int64_t min, std::int64_t max, std::int64_t fallback) {
    const Json* j = member(obj, key, false);
    if (!j) return fallback;
    if (!j->IsInt64() || j->GetInt64() < min || j->GetInt64() > max)
      fail(std::string(key) + ": expected an integer in [" + std::to_string(min) + ", " + std::to_string(max) + "]");
    return j->GetInt64();
  }

  template <class E, std::size_t N>
  E named(const Json& obj, const char* key, const Named<E> (&table)[N], E fallback) {
    std::string_view text = string(obj, key);
    if (!member(obj, key, false)) return fallback;
    for (const auto& n : table)
      if (n.name == text) return n.value;
    fail(std::string(key) + ": unknown value \"" + std::string(text) + "\"");
  }

  template <std::size_t N>
  std::uint16_t flags(const Json& obj, const Named<std::uint16_t> (&table)[N]) {
    std::uint16_t out = 0;
    for (const auto& f : array(obj, "flags", false).GetArray()) {
      if (!f.IsString()) fail("flags: expected strings");
      bool known = false;
      for (const auto& n : table) {
        if (n.name == sv(f)) {
          out |= n.value;
          known = true;
        }
      }
      if (!known) fail("flags: unknown flag \"" + std::string(sv(f)) + "\"");
    }
    return out;
  }

  proto::ShapeIndex index(const Json& j, const char* what) {
    if (!j.IsUint() || j.GetUint() >= shape_count_) fail(std::string(what) + ": expected a shape index");
    return j.GetUint();
  }

  void index_list(const Json& list, const char* what) {
    for (const auto& e : list.GetArray()) out_.indices_.push_back(index(e, what));
  }

  Ranges shape(const Json& j) {
    expect_object(j, {"name", "type", "flags", "timestamp_format", "members", "enum_values", "int_enum_values",
                      "length_min", "length_max", "range_min", "range_max", "pattern", "xml_name", "xml_namespace",
                      "xml_namespace_prefix", "media_type", "http_error", "query_error_code",
                      "query_error_status"});
    proto::Shape s{};
    s.name = owned(string(j, "name", true));
    if (s.name.empty()) fail("name: empty");
    if (!member(j, "type", true)) fail("missing type");
    s.type = named(j, "type", kShapeTypes, ShapeType::kStructure);
    s.flags = flags(j, kShapeFlags);
    s.timestamp_format = named(j, "timestamp_format", kTimestampFormats, TimestampFormat::kDefault);
    constexpr std::int64_t kMin = std::numeric_limits<std::int64_t>::min();
    constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();
    if (member(j, "length_min", false)) {
      s.flags |= proto::shape_flags::kHasLengthMin;
      s.length_min = integer(j, "length_min", kMin, kMax, 0);
    }
    if (member(j, "length_max", false)) {
      s.flags |= proto::shape_flags::kHasLengthMax;
      s.length_max = integer(j, "length_max", kMin, kMax, 0);
    }
    for (auto [key, flag, slot] : {std::tuple{"range_min", proto::shape_flags::kHasRangeMin, &s.range_min},
                                   std::tuple{"range_max", proto::shape_flags::kHasRangeMax, &s.range_max}}) {
      if (const Json* r = member(j, key, false)) {
        if (!r->IsNumber()) fail(std::string(key) + ": expected a number");
        s.flags |= flag;
        *slot = r->GetDouble();
      }
    }
    s.pattern = owned(string(j, "pattern"));
    s.xml_name = owned(string(j, "xml_name"));
    s.xml_namespace = owned(string(j, "xml_namespace"));
    s.xml_namespace_prefix = owned(string(j, "xml_namespace_prefix"));
    s.media_type = owned(string(j, "media_type"));
    s.http_error = static_cast<std::uint16_t>(integer(j, "http_error", 0, 999, 0));
    s.query_error_code = owned(string(j, "query_error_code"));
    s.query_error_status = static_cast<std::uint16_t>(integer(j, "query_error_status", 0, 999, 0));

    Ranges r{};
    const Json& members = array(j, "members", false);
    bool aggregate = s.type == ShapeType::kStructure || s.type == ShapeType::kUnion;
    if (s.type == ShapeType::kList && members.Size() != 1) fail("members: a list has exactly one member");
    if (s.type == ShapeType::kMap && members.Size() != 2) fail("members: a map has exactly a key and a value");
    if (!aggregate && s.type != ShapeType::kList && s.type != ShapeType::kMap && !members.Empty())
      fail("members: only structures, unions, lists and maps have members");
    r.members.first = out_.members_.size();
    std::string base = path_;
    for (rapidjson::SizeType i = 0; i < members.Size(); ++i) {
      path_ = base + ".members[" + std::to_string(i) + "]";
      out_.members_.push_back(member_of(members[i]));
    }
    path_ = base;
    r.members.second = members.Size();

    const Json& enums = array(j, "enum_values", false);
    if (!enums.Empty() && s.type != ShapeType::kEnum && s.type != ShapeType::kString)
      fail("enum_values: only on enum and string shapes");
    r.enums.first = out_.enum_values_.size();
    for (const auto& e : enums.GetArray()) {
      if (!e.IsString()) fail("enum_values: expected strings");
      out_.enum_values_.push_back(owned(sv(e)));
    }
    r.enums.second = enums.Size();

    const Json& ints = array(j, "int_enum_values", false);
    if (!ints.Empty() && s.type != ShapeType::kIntEnum) fail("int_enum_values: only on int_enum shapes");
    r.int_enums.first = out_.int_enum_values_.size();
    for (const auto& e : ints.GetArray()) {
      if (!e.IsInt64()) fail("int_enum_values: expected integers");
      out_.int_enum_values_.push_back(e.GetInt64());
    }
    r.int_enums.second = ints.Size();
    out_.shapes_.push_back(s);
    return r;
  }

  proto::Member member_of(const Json& j) {
    expect_object(j, {"name", "target", "location", "location_name", "timestamp_format", "flags", "json_name",
                      "xml_name", "ec2_query_name", "xml_namespace", "xml_namespace_prefix", "default_json"});
    proto::Member m{};
    m.name = owned(string(j, "name", true));
    if (m.name.empty()) fail("name: empty");
    m.target = index(*member(j, "target", true), "target");
    m.location = named(j, "location", kLocations, Location::kBody);
    m.timestamp_format = named(j, "timestamp_format", kTimestampFormats, TimestampFormat::kDefault);
    m.flags = flags(j, kMemberFlags);
    m.location_name = owned(string(j, "location_name"));
    m.json_name = owned(string(j, "json_name"));
    m.xml_name = owned(string(j, "xml_name"));
    m.ec2_query_name = owned(string(j, "ec2_query_name"));
    m.xml_namespace = owned(string(j, "xml_namespace"));
    m.xml_namespace_prefix = owned(string(j, "xml_namespace_prefix"));
    m.default_json = owned(string(j, "default_json"));
    if (!m.default_json.empty()) {
      rapidjson::Document check;
      check.Parse(m.default_json.data(), m.default_json.size());
      if (check.HasParseError()) fail("default_json: not JSON");
    }
    return m;
  }

  std::pair<std::size_t, std::size_t> operation(const Json& j) {
    expect_object(j, {"name", "input", "output", "errors", "http_method", "http_uri", "http_code"});
    proto::Operation op{};
    op.name = owned(string(j, "name", true));
    if (op.name.empty()) fail("name: empty");
    for (auto [key, slot] : {std::pair{"input", &op.input}, std::pair{"output", &op.output}}) {
      const Json* v = member(j, key, true);
      *slot = v->IsNull() ? proto::kNoShape : index(*v, key);
    }
    std::size_t first = out_.indices_.size();
    index_list(array(j, "errors", true), "errors");
    op.http_method = owned(string(j, "http_method", true));
    op.http_uri = owned(string(j, "http_uri", true));
    if (op.http_method.empty() || op.http_uri.empty()) fail("http_method/http_uri: empty");
    if (!member(j, "http_code", true)) fail("missing http_code");
    op.http_code = static_cast<std::uint16_t>(integer(j, "http_code", 100, 999, 200));
    out_.operations_.push_back(op);
    return {first, out_.indices_.size() - first};
  }

  RuntimeModel& out_;
  std::string path_;
  std::size_t shape_count_ = 0;
};

std::unique_ptr<RuntimeModel> RuntimeModel::parse(std::string_view json, std::string& error) {
  rapidjson::Document doc;
  doc.Parse<rapidjson::kParseFullPrecisionFlag | rapidjson::kParseIterativeFlag>(json.data(), json.size());
  if (doc.HasParseError()) {
    error = std::string("not JSON: ") + rapidjson::GetParseError_En(doc.GetParseError()) + " at offset " +
            std::to_string(doc.GetErrorOffset());
    return nullptr;
  }
  std::unique_ptr<RuntimeModel> out(new RuntimeModel());
  try {
    RuntimeModelLoader(*out).load(doc);
  } catch (const LoadError& e) {
    error = e.message;
    return nullptr;
  }
  return out;
}

std::unique_ptr<RuntimeModel> RuntimeModel::load_file(const std::string& path, std::string& error) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    error = path + ": cannot open";
    return nullptr;
  }
  std::ostringstream text;
  text << in.rdbuf();
  if (!in.good() && !in.eof()) {
    error = path + ": read error";
    return nullptr;
  }
  auto model = parse(text.str(), error);
  if (!model) error = path + ": " + error;
  return model;
}

}  // namespace rime::testing
