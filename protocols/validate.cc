#include "protocols/validate.h"

#include <cmath>
#include <cstdio>
#include <map>
#include <memory>
#include <mutex>
#include <regex>

namespace rime::proto {
namespace {

constexpr int kMaxDepth = 64;

// Patterns compile once per process; patterns std::regex cannot express (Unicode classes
// such as \p{L}) are skipped rather than rejected: a false "invalid" is worse than none.
const std::regex* compiled(std::string_view pattern) {
  static std::mutex mutex;
  static std::map<std::string, std::unique_ptr<std::regex>, std::less<>> cache;
  std::lock_guard lock(mutex);
  auto it = cache.find(pattern);
  if (it != cache.end()) return it->second.get();
  std::unique_ptr<std::regex> re;
  // ECMAScript regexes read \p{L} inside [...] as plain letters and \A, \z as literals, and
  // match bytes, not code points: such patterns would reject valid input, so they go unchecked.
  bool expressible = pattern.find("\\p{") == std::string_view::npos &&
                     pattern.find("\\P{") == std::string_view::npos &&
                     pattern.find("\\A") == std::string_view::npos &&
                     pattern.find("\\z") == std::string_view::npos &&
                     pattern.find("\\Z") == std::string_view::npos &&
                     pattern.find("\\u") == std::string_view::npos;
  if (expressible) try {
    re = std::make_unique<std::regex>(std::string(pattern), std::regex::ECMAScript | std::regex::optimize);
  } catch (const std::regex_error&) {
  }
  return cache.emplace(std::string(pattern), std::move(re)).first->second.get();
}

// Smithy models anchor patterns (^...$); AWS's messages quote them as the services define them.
std::string unanchored(std::string_view pattern) {
  if (pattern.starts_with('^')) pattern.remove_prefix(1);
  if (pattern.ends_with('$') && !pattern.ends_with("\\$")) pattern.remove_suffix(1);
  return std::string(pattern);
}

std::string lower_camel(std::string_view name) {
  std::string out(name);
  if (!out.empty() && out[0] >= 'A' && out[0] <= 'Z') out[0] = static_cast<char>(out[0] + 32);
  return out;
}

std::string render(const Value& v) {
  switch (v.kind()) {
    case Value::Kind::kNull: return "null";
    case Value::Kind::kString: return "'" + v.as_string() + "'";
    // AWS quotes every rendered value: "Value '899' at 'durationSeconds'".
    case Value::Kind::kInt: return "'" + std::to_string(v.as_int()) + "'";
    case Value::Kind::kDouble: {
      char buf[32];
      std::snprintf(buf, sizeof buf, "%g", v.as_double());
      return "'" + std::string(buf) + "'";
    }
    case Value::Kind::kBool: return v.as_bool() ? "'true'" : "'false'";
    default: return "'" + to_debug_string(v) + "'";
  }
}

std::string number_text(double d) {
  char buf[32];
  if (std::floor(d) == d && std::fabs(d) < 9.2e18) std::snprintf(buf, sizeof buf, "%lld", static_cast<long long>(d));
  else std::snprintf(buf, sizeof buf, "%g", d);
  return buf;
}

std::size_t utf8_length(const std::string& s) {
  std::size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

class Validator {
 public:
  Validator(const ServiceModel& model, const ValidationPolicy& policy) : model_(model), policy_(policy) {}
  std::vector<Violation> out;

  void shape(const Shape& s, const Value& v, const std::string& path, int depth) {
    if (depth > kMaxDepth || v.is_null()) return;
    length(s, v, path);
    range(s, v, path);
    if (!s.pattern.empty() && v.is_string()) {
      if (const std::regex* re = compiled(s.pattern); re && !std::regex_search(v.as_string(), *re))
        add(v, path, "Member must satisfy regular expression pattern: " + unanchored(s.pattern));
    }
    if (policy_.enums && (s.type == ShapeType::kEnum || (!s.enum_values.empty() && s.type == ShapeType::kString)))
      enum_value(s, v, path);
    switch (s.type) {
      case ShapeType::kStructure:
      case ShapeType::kUnion:
        structure(s, v, path, depth);
        break;
      case ShapeType::kList:
        if (v.is_list() && !s.members.empty()) {
          const Shape& item = model_.shape(s.members[0].target);
          int i = 1;
          for (const auto& element : v.as_list()) shape(item, element, join(path, std::to_string(i++) + ".member"), depth + 1);
        }
        break;
      case ShapeType::kMap:
        if (v.is_object() && s.members.size() == 2) {
          const Shape& key = model_.shape(s.members[0].target);
          const Shape& value = model_.shape(s.members[1].target);
          for (const auto& [k, element] : v.as_object()) {
            shape(key, Value(k), join(path, "key"), depth + 1);
            shape(value, element, join(path, k + ".member"), depth + 1);
          }
        }
        break;
      default:
        break;
    }
  }

  void structure(const Shape& s, const Value& v, const std::string& path, int depth) {
    if (!v.is_object()) return;
    for (const Member& m : s.members) {
      const Value* field = v.find(m.name);
      std::string member_path = join(path, lower_camel(m.name));
      if (!field || field->is_null()) {
        if (m.required() && !(m.flags & member_flags::kHasDefault) && !m.idempotency_token())
          add(Value(), member_path, "Member must not be null");
        continue;
      }
      shape(model_.shape(m.target), *field, member_path, depth + 1);
    }
  }

 private:
  static std::string join(const std::string& a, const std::string& b) { return a.empty() ? b : a + "." + b; }

  void add(const Value& v, const std::string& path, std::string constraint) {
    out.push_back({render(v), path, std::move(constraint)});
  }

  void length(const Shape& s, const Value& v, const std::string& path) {
    if (!s.has(shape_flags::kHasLengthMin) && !s.has(shape_flags::kHasLengthMax)) return;
    std::int64_t n;
    if (v.is_string()) n = static_cast<std::int64_t>(utf8_length(v.as_string()));
    else if (v.is_blob()) n = static_cast<std::int64_t>(v.as_blob().bytes.size());
    else if (v.is_list()) n = static_cast<std::int64_t>(v.as_list().size());
    else if (v.is_object()) n = static_cast<std::int64_t>(v.as_object().size());
    else return;
    if (s.has(shape_flags::kHasLengthMin) && n < s.length_min)
      add(v, path, "Member must have length greater than or equal to " + std::to_string(s.length_min));
    if (s.has(shape_flags::kHasLengthMax) && n > s.length_max)
      add(v, path, "Member must have length less than or equal to " + std::to_string(s.length_max));
  }

  void range(const Shape& s, const Value& v, const std::string& path) {
    if (!v.is_number()) return;
    double d = v.as_double();
    if (s.has(shape_flags::kHasRangeMin) && d < s.range_min)
      add(v, path, "Member must have value greater than or equal to " + number_text(s.range_min));
    if (s.has(shape_flags::kHasRangeMax) && d > s.range_max)
      add(v, path, "Member must have value less than or equal to " + number_text(s.range_max));
  }

  void enum_value(const Shape& s, const Value& v, const std::string& path) {
    if (!v.is_string() || s.enum_values.empty()) return;
    for (std::string_view allowed : s.enum_values)
      if (allowed == v.as_string()) return;
    std::string set = "[";
    for (std::size_t i = 0; i < s.enum_values.size(); ++i) {
      if (i) set += ", ";
      set += s.enum_values[i];
    }
    add(v, path, "Member must satisfy enum value set: " + set + "]");
  }

  const ServiceModel& model_;
  const ValidationPolicy& policy_;
};

}  // namespace

std::vector<Violation> validate(const ServiceModel& model, ShapeIndex input_shape, const Value& input,
                                const ValidationPolicy& policy) {
  if (input_shape == kNoShape) return {};
  Validator v(model, policy);
  v.shape(model.shape(input_shape), input.is_null() ? Value::object() : input, "", 0);
  return std::move(v.out);
}

AwsError validation_error(Protocol protocol, const std::vector<Violation>& violations) {
  std::string message = std::to_string(violations.size()) +
                        (violations.size() == 1 ? " validation error detected: " : " validation errors detected: ");
  for (std::size_t i = 0; i < violations.size(); ++i) {
    if (i) message += "; ";
    message += "Value " + violations[i].value + " at '" + violations[i].path +
               "' failed to satisfy constraint: " + violations[i].constraint;
  }
  std::string code = protocol == Protocol::kAwsQuery   ? "ValidationError"
                     : protocol == Protocol::kEc2Query ? "InvalidParameterValue"
                                                       : "ValidationException";
  return AwsError{std::move(code), std::move(message), 400, true};
}

}  // namespace rime::proto
