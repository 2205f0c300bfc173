// awsQuery and ec2Query (codecs.h): form-encoded requests (`Action=..&Version=..&A.member.1.B=..`)
// parsed into a Value by walking the input shape, and XML responses and errors written with
// xml::Writer (protocols/xml.h). Wire facts follow the Smithy awsQuery / ec2Query protocol specs:
// https://smithy.io/2.0/aws/protocols/aws-query-protocol.html and aws-ec2-query-protocol.html.
#include <algorithm>
#include <cfloat>
#include <charconv>
#include <cmath>
#include <limits>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/json.h"
#include "core/uri.h"
#include "protocols/codecs.h"
#include "protocols/timestamps.h"
#include "protocols/xml.h"

namespace rime::proto {
namespace {

// Recursive shapes (and hostile keys like A.A.A...) must not recurse without bound.
constexpr int kMaxDepth = 64;
// Longest parameter value echoed back in an error message.
constexpr std::size_t kMaxEchoedValue = 64;

AwsError client_error(std::string code, std::string message, int status = 400) {
  return AwsError{std::move(code), std::move(message), status, true};
}

// ---------------------------------------------------------------------------------------------
// Request side
// ---------------------------------------------------------------------------------------------

bool is_hex(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/// A '%' not followed by two hex digits. core's percent_decode keeps those literally; the query
/// protocols answer them with MalformedQueryString instead, as the AWS common errors describe.
bool has_malformed_escape(std::string_view text) {
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') continue;
    if (i + 2 >= text.size() || !is_hex(text[i + 1]) || !is_hex(text[i + 2])) return true;
    i += 2;
  }
  return false;
}

bool starts_with_ci(std::string_view text, std::string_view prefix) {
  return text.size() >= prefix.size() && iequals(text.substr(0, prefix.size()), prefix);
}

/// Form parameters sorted by key, so that every key under a prefix is one contiguous range.
class FormParams {
 public:
  using Param = std::pair<std::string, std::string>;

  explicit FormParams(QueryParams params) : params_(std::move(params)) {
    // Stable: of duplicate keys, the first sent wins (as core's find_param does).
    std::stable_sort(params_.begin(), params_.end(),
                     [](const Param& a, const Param& b) { return a.first < b.first; });
  }

  const std::string* find(std::string_view key) const {
    auto it = lower_bound(key);
    return it != params_.end() && it->first == key ? &it->second : nullptr;
  }

  /// Every parameter whose key starts with `prefix`.
  std::span<const Param> with_prefix(std::string_view prefix) const {
    auto first = lower_bound(prefix);
    auto last = first;
    while (last != params_.end() && std::string_view(last->first).starts_with(prefix)) ++last;
    return {first, last};
  }

  bool any_with_prefix(std::string_view prefix) const {
    auto it = lower_bound(prefix);
    return it != params_.end() && std::string_view(it->first).starts_with(prefix);
  }

 private:
  std::vector<Param>::const_iterator lower_bound(std::string_view key) const {
    return std::lower_bound(params_.begin(), params_.end(), key,
                            [](const Param& p, std::string_view k) { return std::string_view(p.first) < k; });
  }

  std::vector<Param> params_;
};

std::string capitalized(std::string_view name) {
  std::string out(name);
  if (!out.empty() && out[0] >= 'a' && out[0] <= 'z') out[0] = static_cast<char>(out[0] - 'a' + 'A');
  return out;
}

std::string join_key(std::string_view prefix, std::string_view name) {
  std::string key;
  key.reserve(prefix.size() + name.size() + 1);
  key += prefix;
  if (!prefix.empty()) key += '.';
  key += name;
  return key;
}

std::string_view or_default(std::string_view name, std::string_view fallback) {
  return name.empty() ? fallback : name;
}

/// Parses "123" / "-5" into [min, max]; no sign '+', no spaces, no fractions.
std::optional<std::int64_t> parse_integer(std::string_view text, std::int64_t min, std::int64_t max) {
  std::int64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  if (value < min || value > max) return std::nullopt;
  return value;
}

/// Numbers as Smithy writes them, plus "NaN", "Infinity" and "-Infinity" (any case, and "inf":
/// botocore before ~1.31 sent Python's "nan" / "inf" / "-inf").
std::optional<double> parse_floating(std::string_view text, bool single_precision) {
  const bool negative = text.starts_with('-');
  std::string_view digits = negative ? text.substr(1) : text;
  if (iequals(text, "nan")) return std::numeric_limits<double>::quiet_NaN();
  if (iequals(digits, "infinity") || iequals(digits, "inf"))
    return negative ? -std::numeric_limits<double>::infinity() : std::numeric_limits<double>::infinity();
  // from_chars would also take "nan(...)", hex digits without "0x" and such; the wire does not.
  if (digits.empty() || !((digits[0] >= '0' && digits[0] <= '9') || digits[0] == '.')) return std::nullopt;
  double value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  if (single_precision && std::fabs(value) > FLT_MAX) return std::nullopt;
  return value;
}

/// bigInteger / bigDecimal text: sign, digits, (decimal only) a fraction, optional exponent.
bool is_big_number(std::string_view text, bool allow_fraction) {
  std::size_t i = 0;
  if (i < text.size() && (text[i] == '-' || text[i] == '+')) ++i;
  std::size_t digits = 0;
  while (i < text.size() && text[i] >= '0' && text[i] <= '9') ++i, ++digits;
  if (allow_fraction && i < text.size() && text[i] == '.') {
    ++i;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9') ++i, ++digits;
  }
  if (digits == 0) return false;
  if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
    ++i;
    if (i < text.size() && (text[i] == '-' || text[i] == '+')) ++i;
    std::size_t exp_digits = 0;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9') ++i, ++exp_digits;
    if (exp_digits == 0) return false;
  }
  return i == text.size();
}

/// Client text safe to quote in an error message (and so in XML): printable ASCII kept, other
/// bytes as '?', at most kMaxEchoedValue of them.
std::string echoable(std::string_view text) {
  std::string out;
  for (char c : text.substr(0, kMaxEchoedValue)) out += c >= 0x20 && c < 0x7f ? c : '?';
  if (text.size() > kMaxEchoedValue) out += "...";
  return out;
}

/// The positive list/map index that follows `prefix` in `key` ("3" in "A.member.3.B"), or 0.
std::uint32_t index_after(std::string_view key, std::size_t prefix_len) {
  std::string_view rest = key.substr(prefix_len);
  rest = rest.substr(0, rest.find('.'));
  if (rest.empty() || rest.size() > 9 || rest[0] == '0') return 0;  // no leading zeros: one spelling per index
  std::uint32_t value = 0;
  for (char c : rest) {
    if (c < '0' || c > '9') return 0;
    value = value * 10 + static_cast<std::uint32_t>(c - '0');
  }
  return value;
}

/// Walks the operation's input shape and picks its members out of the form parameters.
class QueryInputParser {
 public:
  QueryInputParser(const ServiceModel& model, bool ec2, const FormParams& params)
      : model_(model), ec2_(ec2), params_(params) {}

  std::optional<AwsError> error;

  Value parse_input(const Shape& input) { return parse_structure(input, "", 0); }

 private:
  /// awsQuery: @xmlName, else the member name. ec2Query: @ec2QueryName, else @xmlName or the
  /// member name with the first letter capitalised.
  std::string key_name(const Member& m) const {
    if (!ec2_) return std::string(or_default(m.xml_name, m.name));
    if (!m.ec2_query_name.empty()) return std::string(m.ec2_query_name);
    return capitalized(or_default(m.xml_name, m.name));
  }

  Value parse_structure(const Shape& shape, std::string_view prefix, int depth) {
    Value out = Value::object();
    for (const Member& m : shape.members) {
      // The query protocols ignore HTTP binding traits: every member travels in the form.
      std::optional<Value> v = parse(m.target, &m, join_key(prefix, key_name(m)), depth + 1);
      if (error) return out;
      if (v) out.as_object().emplace_back(m.name, std::move(*v));  // member names are unique: no lookup
    }
    return out;
  }

  /// The value at `key` for a shape reached through `via` (a structure, list or map member);
  /// nullopt when absent on the wire.
  std::optional<Value> parse(ShapeIndex index, const Member* via, const std::string& key, int depth) {
    if (depth > kMaxDepth) {
      fail(client_error("InvalidQueryParameter", "Parameter " + echoable(key) + " is nested too deeply."));
      return std::nullopt;
    }
    if (index >= model_.shapes.size()) return std::nullopt;
    const Shape& shape = model_.shape(index);
    switch (shape.type) {
      case ShapeType::kList: return parse_list(shape, via, key, depth);
      case ShapeType::kMap: return parse_map(shape, via, key, depth);
      case ShapeType::kStructure:
      case ShapeType::kUnion:
        if (!params_.any_with_prefix(key + '.')) return std::nullopt;
        return parse_structure(shape, key, depth);
      case ShapeType::kDocument: return std::nullopt;  // not supported by these protocols
      default: break;
    }
    const std::string* text = params_.find(key);
    if (!text) return std::nullopt;
    return coerce(shape, via, *text, key);
  }

  /// Sorted distinct indices N of the keys "<prefix>N" and "<prefix>N.*".
  std::vector<std::uint32_t> indices_under(const std::string& prefix) const {
    std::vector<std::uint32_t> out;
    for (const auto& [k, v] : params_.with_prefix(prefix))
      if (std::uint32_t n = index_after(k, prefix.size())) out.push_back(n);
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
  }

  /// `Name=` with nothing under it: how awsQuery clients send an empty list or map.
  std::optional<Value> empty_or_absent(const std::string& key, Value empty) const {
    const std::string* text = params_.find(key);
    if (text && text->empty()) return empty;
    return std::nullopt;
  }

  std::optional<Value> parse_list(const Shape& shape, const Member* via, const std::string& key, int depth) {
    if (shape.members.empty()) return std::nullopt;
    const Member& item = shape.members[0];
    // Wrapped: Name.member.N (or the list member's @xmlName); flattened and ec2Query: Name.N.
    std::string prefix = key + '.';
    if (!ec2_ && !(via && via->xml_flattened())) {
      prefix += or_default(item.xml_name, "member");
      prefix += '.';
    }
    std::vector<std::uint32_t> indices = indices_under(prefix);
    if (indices.empty()) {
      if (auto empty = empty_or_absent(key, Value::list())) return empty;
      // botocore 1.29 sends an empty flattened list under the member's name ("Entries="), not
      // its @xmlName ("SendMessageBatchRequestEntry").
      if (via && via->xml_flattened() && !via->xml_name.empty() && via->xml_name != via->name) {
        std::string member_key = key.substr(0, key.size() - key_name(*via).size()) + std::string(via->name);
        return empty_or_absent(member_key, Value::list());
      }
      return std::nullopt;
    }
    Value out = Value::list();
    for (std::uint32_t n : indices) {
      std::optional<Value> v = parse(item.target, &item, prefix + std::to_string(n), depth + 1);
      if (error) return std::nullopt;
      if (v) out.push(std::move(*v));
    }
    return out;
  }

  std::optional<Value> parse_map(const Shape& shape, const Member* via, const std::string& key, int depth) {
    if (shape.members.size() < 2) return std::nullopt;
    const Member& key_member = shape.members[0];
    const Member& value_member = shape.members[1];
    // Wrapped: Name.entry.N.key / .value (names from the key and value members' @xmlName);
    // flattened: Name.N.key / .value. ec2Query leaves maps undefined; the awsQuery rules serve.
    std::string prefix = key + '.';
    if (!(via && via->xml_flattened())) prefix += "entry.";
    std::vector<std::uint32_t> indices = indices_under(prefix);
    if (indices.empty()) return empty_or_absent(key, Value::object());
    const std::string key_suffix = '.' + std::string(or_default(key_member.xml_name, "key"));
    const std::string value_suffix = '.' + std::string(or_default(value_member.xml_name, "value"));
    const bool sparse = shape.has(shape_flags::kSparse);
    Value out = Value::object();
    for (std::uint32_t n : indices) {
      std::string entry = prefix + std::to_string(n);
      const std::string* entry_key = params_.find(entry + key_suffix);
      if (!entry_key) continue;  // an entry without a key names nothing
      std::optional<Value> v = parse(value_member.target, &value_member, entry + value_suffix, depth + 1);
      if (error) return std::nullopt;
      if (v) {
        out.set(*entry_key, std::move(*v));
      } else if (sparse) {
        out.set(*entry_key, Value());
      }
    }
    return out;
  }

  std::optional<Value> coerce(const Shape& shape, const Member* via, const std::string& text, const std::string& key) {
    auto bad = [&](std::string_view expected) -> std::optional<Value> {
      fail(client_error("InvalidParameterValue", "Value " + echoable(text) + " for parameter " + echoable(key) +
                                                     " is invalid. Reason: expected " + std::string(expected) + "."));
      return std::nullopt;
    };
    switch (shape.type) {
      case ShapeType::kString:
      case ShapeType::kEnum: return Value(text);
      case ShapeType::kBoolean:
        if (iequals(text, "true")) return Value(true);
        if (iequals(text, "false")) return Value(false);
        return bad("true or false");
      case ShapeType::kByte:
        if (auto v = parse_integer(text, INT8_MIN, INT8_MAX)) return Value(*v);
        return bad("an integer from -128 to 127");
      case ShapeType::kShort:
        if (auto v = parse_integer(text, INT16_MIN, INT16_MAX)) return Value(*v);
        return bad("an integer from -32768 to 32767");
      case ShapeType::kInteger:
      case ShapeType::kIntEnum:
        if (auto v = parse_integer(text, INT32_MIN, INT32_MAX)) return Value(*v);
        return bad("a 32-bit integer");
      case ShapeType::kLong:
        if (auto v = parse_integer(text, INT64_MIN, INT64_MAX)) return Value(*v);
        return bad("a 64-bit integer");
      case ShapeType::kFloat:
      case ShapeType::kDouble:
        if (auto v = parse_floating(text, shape.type == ShapeType::kFloat)) return Value(*v);
        return bad("a number");
      case ShapeType::kBigInteger:
        if (is_big_number(text, false)) return Value(BigNumber{text});
        return bad("an integer");
      case ShapeType::kBigDecimal:
        if (is_big_number(text, true)) return Value(BigNumber{text});
        return bad("a decimal number");
      case ShapeType::kTimestamp: {
        TimestampFormat declared = via ? via->timestamp_format : TimestampFormat::kDefault;
        if (declared == TimestampFormat::kDefault) declared = shape.timestamp_format;
        TimestampFormat format = effective_format(declared, Protocol::kAwsQuery, Location::kBody);
        // The declared format first; any other well-formed spelling is still one instant.
        if (auto t = parse_timestamp(text, format)) return Value(*t);
        if (auto t = parse_timestamp(text, TimestampFormat::kDefault)) return Value(*t);
        return bad("a timestamp");
      }
      case ShapeType::kBlob:
        if (auto bytes = base64_decode(text)) return Value(Blob{std::move(*bytes)});
        return bad("base64-encoded data");
      default: return std::nullopt;
    }
  }

  void fail(AwsError e) {
    if (!error) error = std::move(e);
  }

  const ServiceModel& model_;
  bool ec2_;
  const FormParams& params_;
};

// ---------------------------------------------------------------------------------------------
// Response side
// ---------------------------------------------------------------------------------------------

std::string format_floating(double d, bool single_precision) {
  if (std::isnan(d)) return "NaN";
  if (std::isinf(d)) return d > 0 ? "Infinity" : "-Infinity";
  char buf[64];
  auto result = single_precision ? std::to_chars(buf, buf + sizeof buf, static_cast<float>(d))
                                 : std::to_chars(buf, buf + sizeof buf, d);
  return std::string(buf, result.ptr);
}

std::optional<std::string> format_integer_value(const Value& v) {
  if (v.is_int()) return std::to_string(v.as_int());
  if (v.is_double()) {
    double d = v.as_double();
    // Outside int64 (or NaN) the cast would be undefined; such a value cannot be written.
    if (!(d > -9.2e18 && d < 9.2e18)) return std::nullopt;
    return std::to_string(static_cast<std::int64_t>(d));
  }
  if (v.is_big_number()) return v.as_big_number().text;
  if (v.is_string()) return v.as_string();
  return std::nullopt;
}

/// Writes Values as XML per the Smithy XML bindings shared by awsQuery and ec2Query responses.
class QueryOutputWriter {
 public:
  QueryOutputWriter(const ServiceModel& model, xml::Writer& out) : model_(model), out_(out) {}

  /// @xmlAttribute members of `value`, on the element just opened.
  void write_attributes(const Shape& shape, const Value& value) {
    if (!value.is_object()) return;
    for (const Member& m : shape.members) {
      if (!m.xml_attribute()) continue;
      const Value* v = value.find(m.name);
      if (!v || v->is_null() || m.target >= model_.shapes.size()) continue;
      if (auto text = scalar_text(model_.shape(m.target), &m, *v)) out_.attribute(or_default(m.xml_name, m.name), *text);
    }
  }

  /// The other members, as child elements in model order.
  void write_elements(const Shape& shape, const Value& value, int depth) {
    if (!value.is_object() || depth > kMaxDepth) return;
    for (const Member& m : shape.members) {
      if (m.xml_attribute()) continue;
      const Value* v = value.find(m.name);
      if (!v || v->is_null()) continue;
      write(m.target, &m, or_default(m.xml_name, m.name), *v, depth + 1);
    }
  }

 private:
  /// xmlns on an element: the member's @xmlNamespace, else its shape's.
  void open_with_namespace(std::string_view name, const Member* via, const Shape& shape) {
    out_.open(name);
    std::string_view ns = via && !via->xml_namespace.empty() ? via->xml_namespace : shape.xml_namespace;
    if (!ns.empty()) out_.attribute("xmlns", ns);
  }

  void write(ShapeIndex index, const Member* via, std::string_view name, const Value& v, int depth) {
    if (index >= model_.shapes.size() || depth > kMaxDepth) return;
    const Shape& shape = model_.shape(index);
    switch (shape.type) {
      case ShapeType::kList: return write_list(shape, via, name, v, depth);
      case ShapeType::kMap: return write_map(shape, via, name, v, depth);
      case ShapeType::kStructure:
      case ShapeType::kUnion:
        if (!v.is_object()) return;
        open_with_namespace(name, via, shape);
        write_attributes(shape, v);
        write_elements(shape, v, depth);
        out_.close();
        return;
      default: break;
    }
    std::optional<std::string> text = scalar_text(shape, via, v);
    if (!text) return;
    open_with_namespace(name, via, shape);
    out_.text(*text);
    out_.close();
  }

  void write_list(const Shape& shape, const Member* via, std::string_view name, const Value& v, int depth) {
    if (!v.is_list() || shape.members.empty()) return;
    const Member& item = shape.members[0];
    if (via && via->xml_flattened()) {
      // Flattened: each item is an element named after the structure member.
      for (const Value& element : v.as_list())
        if (!element.is_null()) write(item.target, &item, name, element, depth + 1);
      return;
    }
    open_with_namespace(name, via, shape);
    std::string_view item_name = or_default(item.xml_name, "member");
    for (const Value& element : v.as_list())
      if (!element.is_null()) write(item.target, &item, item_name, element, depth + 1);
    out_.close();
  }

  void write_map(const Shape& shape, const Member* via, std::string_view name, const Value& v, int depth) {
    if (!v.is_object() || shape.members.size() < 2) return;
    const Member& key_member = shape.members[0];
    const Member& value_member = shape.members[1];
    std::string_view key_name = or_default(key_member.xml_name, "key");
    std::string_view value_name = or_default(value_member.xml_name, "value");
    const bool flattened = via && via->xml_flattened();
    if (!flattened) open_with_namespace(name, via, shape);
    for (const auto& [k, element] : v.as_object()) {
      if (flattened) {
        open_with_namespace(name, via, shape);
      } else {
        out_.open("entry");
      }
      write(key_member.target, &key_member, key_name, Value(k), depth + 1);
      if (!element.is_null()) write(value_member.target, &value_member, value_name, element, depth + 1);
      out_.close();
    }
    if (!flattened) out_.close();
  }

  /// Text of a simple shape's value; nullopt when the value cannot stand for that shape.
  std::optional<std::string> scalar_text(const Shape& shape, const Member* via, const Value& v) const {
    switch (shape.type) {
      case ShapeType::kString:
      case ShapeType::kEnum:
        if (v.is_string()) return v.as_string();
        if (v.is_int() || v.is_big_number()) return format_integer_value(v);
        if (v.is_double()) return format_floating(v.as_double(), false);
        if (v.is_bool()) return std::string(v.as_bool() ? "true" : "false");
        return std::nullopt;
      case ShapeType::kBoolean:
        if (v.is_bool()) return std::string(v.as_bool() ? "true" : "false");
        if (v.is_string()) return v.as_string();
        return std::nullopt;
      case ShapeType::kByte:
      case ShapeType::kShort:
      case ShapeType::kInteger:
      case ShapeType::kIntEnum:
      case ShapeType::kLong:
      case ShapeType::kBigInteger:
        return format_integer_value(v);
      case ShapeType::kFloat:
      case ShapeType::kDouble:
      case ShapeType::kBigDecimal:
        if (v.is_number()) return format_floating(v.as_double(), shape.type == ShapeType::kFloat);
        if (v.is_big_number()) return v.as_big_number().text;
        if (v.is_string()) return v.as_string();
        return std::nullopt;
      case ShapeType::kTimestamp: {
        if (v.is_string()) return v.as_string();
        if (!v.is_timestamp()) return std::nullopt;
        TimestampFormat declared = via ? via->timestamp_format : TimestampFormat::kDefault;
        if (declared == TimestampFormat::kDefault) declared = shape.timestamp_format;
        switch (effective_format(declared, Protocol::kAwsQuery, Location::kBody)) {
          case TimestampFormat::kEpochSeconds: return format_epoch_seconds(v.as_timestamp());
          case TimestampFormat::kHttpDate: return format_http_date(v.as_timestamp());
          default: return format_date_time(v.as_timestamp());
        }
      }
      case ShapeType::kBlob:
        if (v.is_blob()) return base64_encode(v.as_blob().bytes);
        if (v.is_string()) return base64_encode(v.as_string());
        return std::nullopt;
      default: return std::nullopt;
    }
  }

  const ServiceModel& model_;
  xml::Writer& out_;
};

Response xml_response(int status, std::string body, const RequestContext& ctx) {
  Response r = Response::text(status, std::move(body), "text/xml");
  r.headers.add("x-amzn-RequestId", ctx.request_id);
  return r;
}

}  // namespace

ParseResult parse_query(bool ec2, const ServiceModel& model, const Request& request) {
  // Parameters may come in the URL (GET, as AWS also accepts) and in a form body (POST).
  QueryParams params;
  if (!request.query.empty()) {
    if (has_malformed_escape(request.query))
      return client_error("MalformedQueryString", "The query string contains a malformed percent-encoding.", 404);
    params = rime::parse_query(request.query, /*plus_as_space=*/true);
  }
  std::string_view content_type = request.headers.get("content-type");
  if (!request.body.empty() &&
      (content_type.empty() || starts_with_ci(content_type, "application/x-www-form-urlencoded"))) {
    std::string spilled;
    std::string_view body = request.body.view();
    if (!request.body.in_memory()) body = spilled = request.body.read_all();
    if (has_malformed_escape(body))
      return client_error("MalformedQueryString", "The request body contains a malformed percent-encoding.", 404);
    QueryParams from_body = rime::parse_query(body, /*plus_as_space=*/true);
    params.insert(params.end(), std::make_move_iterator(from_body.begin()), std::make_move_iterator(from_body.end()));
  }
  FormParams form(std::move(params));

  const std::string* action = form.find("Action");
  if (!action || action->empty())
    return client_error("MissingAction", "The request must contain the parameter Action.");
  const Operation* op = model.find_operation(*action);
  if (!op) {
    // The wording of each protocol's front end; the name is the client's, so quoted safely.
    if (ec2)
      return client_error("InvalidAction", "The action " + echoable(*action) + " is not valid for this web service.");
    const std::string* version = form.find("Version");
    std::string_view api_version = version ? std::string_view(*version)
                                   : model.info ? model.info->api_version
                                                : std::string_view();
    return client_error("InvalidAction",
                        "Could not find operation " + echoable(*action) + " for version " + echoable(api_version));
  }

  ParsedRequest parsed;
  parsed.operation = op;
  if (op->input == kNoShape || op->input >= model.shapes.size()) {
    parsed.input = Value::object();
    return parsed;
  }
  QueryInputParser parser(model, ec2, form);
  parsed.input = parser.parse_input(model.shape(op->input));
  if (parser.error) return *parser.error;
  return parsed;
}

Response serialize_query_output(bool ec2, const ServiceModel& model, const Operation& op, const Value& output,
                                const RequestContext& ctx) {
  xml::Writer xml;
  QueryOutputWriter writer(model, xml);
  const Shape* shape = op.output != kNoShape && op.output < model.shapes.size() ? &model.shape(op.output) : nullptr;
  std::string_view ns = model.info ? model.info->xml_namespace : std::string_view();

  xml.open(std::string(op.name) + "Response");
  if (!ns.empty()) xml.attribute("xmlns", ns);
  if (ec2) {
    // ec2Query: no Result wrapper; the request id first, then the output members.
    if (shape) writer.write_attributes(*shape, output);
    xml.element("requestId", ctx.request_id);
    if (shape) writer.write_elements(*shape, output, 0);
  } else {
    if (shape) {
      xml.open(std::string(op.name) + "Result");
      writer.write_attributes(*shape, output);
      writer.write_elements(*shape, output, 0);
      xml.close();
    }
    xml.open("ResponseMetadata");
    xml.element("RequestId", ctx.request_id);
    xml.close();
  }
  xml.close();
  return xml_response(200, xml.take(), ctx);
}

Response serialize_query_error(bool ec2, const catalog::Service& service, const AwsError& error,
                               const RequestContext& ctx) {
  xml::Writer xml;
  if (ec2) {
    xml.open("Response");
    xml.open("Errors");
    xml.open("Error");
    xml.element("Code", error.code);
    xml.element("Message", error.message);
    xml.close();
    xml.close();
    xml.element("RequestID", ctx.request_id);  // sic: EC2 spells it RequestID
    xml.close();
  } else {
    xml.open("ErrorResponse");
    if (!service.xml_namespace.empty()) xml.attribute("xmlns", service.xml_namespace);
    xml.open("Error");
    xml.element("Type", error.sender_fault ? "Sender" : "Receiver");
    xml.element("Code", error.code);
    xml.element("Message", error.message);
    xml.close();
    xml.element("RequestId", ctx.request_id);
    xml.close();
  }
  return xml_response(error.status, xml.take(), ctx);
}

}  // namespace rime::proto
