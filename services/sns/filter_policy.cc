#include "services/sns/filter_policy.h"

#include <arpa/inet.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>
#include <cstring>

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "core/json.h"

namespace rime::sns {

// ---------------------------------------------------------------------------------------------
// The parsed form
// ---------------------------------------------------------------------------------------------

struct FilterPolicy::Matcher {
  enum class Kind {
    kString, kNumber, kBool, kNull, kPrefix, kSuffix, kEqualsIgnoreCase,
    kAnythingBut, kAnythingButPrefix, kNumeric, kExists, kCidr,
  };
  Kind kind = Kind::kString;
  std::string text;            // string, prefix, suffix, equals-ignore-case, anything-but prefix
  double number = 0;           // number
  bool flag = false;           // bool value, exists
  std::vector<Matcher> values; // anything-but: the excluded strings and numbers
  // numeric: an optional bottom and top (equals sets both, inclusive)
  bool has_bottom = false, has_top = false, bottom_inclusive = false, top_inclusive = false;
  double bottom = 0, top = 0;
  // cidr
  bool v6 = false;
  std::array<unsigned char, 16> network{};
  int prefix_bits = 0;
};

struct FilterPolicy::Rule {
  std::string path;  // dot-joined key path ("a.b.c"); attribute names as they are
  int depth = 1;     // number of keys in the path, for the complexity limit
  std::vector<Matcher> matchers;
};

FilterPolicy::FilterPolicy() : alternatives_(std::make_unique<std::vector<Conjunction>>()) {}
FilterPolicy::~FilterPolicy() = default;
FilterPolicy::FilterPolicy(FilterPolicy&&) noexcept = default;
FilterPolicy& FilterPolicy::operator=(FilterPolicy&&) noexcept = default;

namespace {

using Matcher = FilterPolicy::Matcher;
using Rule = FilterPolicy::Rule;
using Conjunction = FilterPolicy::Conjunction;
using Kind = Matcher::Kind;

constexpr std::size_t kMaxKeys = 5;
constexpr std::size_t kMaxCombinations = 150;

struct ParseFailure {
  FilterPolicyError error;
};

[[noreturn]] void fail(std::string reason, bool unscoped = false) { throw ParseFailure{{std::move(reason), unscoped}}; }

std::string json_text(const rapidjson::Value& v) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  v.Accept(writer);
  return {buffer.GetString(), buffer.GetSize()};
}

std::string str(const rapidjson::Value& v) { return {v.GetString(), v.GetStringLength()}; }

bool parse_ip(std::string_view text, bool& v6, std::array<unsigned char, 16>& out) {
  std::string s(text);
  out.fill(0);
  if (s.find(':') != std::string::npos) {
    v6 = true;
    return inet_pton(AF_INET6, s.c_str(), out.data()) == 1;
  }
  v6 = false;
  return inet_pton(AF_INET, s.c_str(), out.data()) == 1;
}

Matcher parse_cidr(const rapidjson::Value& v) {
  if (!v.IsString()) fail("cidr match pattern must be a string");
  std::string text = str(v);
  auto slash = text.find('/');
  if (slash == std::string::npos || text.find('/', slash + 1) != std::string::npos)
    fail("Malformed CIDR, one '/' required");
  Matcher m;
  m.kind = Kind::kCidr;
  if (!parse_ip(std::string_view(text).substr(0, slash), m.v6, m.network)) fail("Nonstandard IP address: " + text);
  std::string bits = text.substr(slash + 1);
  int limit = m.v6 ? 128 : 32;
  if (bits.empty() || bits.size() > 3 || !std::all_of(bits.begin(), bits.end(), ::isdigit) ||
      std::stoi(bits) > limit)
    fail("Malformed CIDR, mask bits must be an integer between 0 and " + std::to_string(limit));
  m.prefix_bits = std::stoi(bits);
  return m;
}

const char* op_name(std::string_view op) { return op == "=" ? "equals" : nullptr; }

Matcher parse_numeric(const rapidjson::Value& v) {
  if (!v.IsArray()) fail("Value of numeric must be an array.");
  Matcher m;
  m.kind = Kind::kNumeric;
  auto arr = v.GetArray();
  if (arr.Empty()) fail("Invalid member in numeric match: ]");
  std::size_t i = 0;
  auto read_value = [&](const std::string& op) -> double {
    const char* shown = op_name(op);
    if (i >= arr.Size() || !arr[i].IsNumber()) fail("Value of " + std::string(shown ? shown : op) + " must be numeric");
    return arr[i++].GetDouble();
  };
  if (!arr[0].IsString()) fail("Invalid member in numeric match: " + json_text(arr[0]));
  std::string op = str(arr[0]);
  ++i;
  if (op == "=") {
    double n = read_value(op);
    m.has_bottom = m.has_top = m.bottom_inclusive = m.top_inclusive = true;
    m.bottom = m.top = n;
    if (i < arr.Size()) fail("Too many elements in numeric expression");
    return m;
  }
  if (op == "<" || op == "<=") {
    m.top = read_value(op);
    m.has_top = true;
    m.top_inclusive = op == "<=";
    if (i < arr.Size()) fail("Too many elements in numeric expression");
    return m;
  }
  if (op != ">" && op != ">=") fail("Unrecognized numeric range operator: " + op);
  m.bottom = read_value(op);
  m.has_bottom = true;
  m.bottom_inclusive = op == ">=";
  if (i == arr.Size()) return m;
  if (!arr[i].IsString()) fail("Bad value in numeric range: " + json_text(arr[i]));
  std::string op2 = str(arr[i]);
  ++i;
  if (op2 != "<" && op2 != "<=") fail("Bad numeric range operator: " + op2);
  m.top = read_value(op2);
  m.has_top = true;
  m.top_inclusive = op2 == "<=";
  if (i < arr.Size()) fail("Too many terms in numeric range expression");
  if (!(m.bottom < m.top)) fail("Bottom must be less than top");
  return m;
}

Matcher parse_anything_but(const rapidjson::Value& v) {
  Matcher m;
  m.kind = Kind::kAnythingBut;
  auto excluded = [](const rapidjson::Value& x) {
    Matcher e;
    if (x.IsString()) {
      e.kind = Kind::kString;
      e.text = str(x);
    } else {
      e.kind = Kind::kNumber;
      e.number = x.GetDouble();
    }
    return e;
  };
  if (v.IsString() || v.IsNumber()) {
    m.values.push_back(excluded(v));
    return m;
  }
  if (v.IsArray()) {
    if (v.Empty()) fail("Empty arrays are not allowed");
    for (const auto& x : v.GetArray()) {
      if (!x.IsString() && !x.IsNumber()) fail("Inside anything but list, start|null|boolean is not supported.");
      m.values.push_back(excluded(x));
    }
    return m;
  }
  if (v.IsObject()) {
    if (v.MemberCount() != 1) fail("Only one key allowed in match expression");
    auto it = v.MemberBegin();
    std::string key = str(it->name);
    if (key != "prefix") fail("Unsupported anything-but pattern: " + key);
    if (!it->value.IsString()) fail("prefix match pattern must be a string");
    m.kind = Kind::kAnythingButPrefix;
    m.text = str(it->value);
    return m;
  }
  fail("Value of anything-but must be an array or single string/number value.");
}

Matcher parse_operator(const rapidjson::Value& obj) {
  if (obj.MemberCount() == 0) fail("Empty objects are not allowed");
  auto it = obj.MemberBegin();
  std::string key = str(it->name);
  const rapidjson::Value& v = it->value;
  Matcher m;
  if (key == "prefix" || key == "suffix" || key == "equals-ignore-case") {
    if (!v.IsString()) fail(key + " match pattern must be a string");
    m.kind = key == "prefix" ? Kind::kPrefix : key == "suffix" ? Kind::kSuffix : Kind::kEqualsIgnoreCase;
    m.text = str(v);
  } else if (key == "exists") {
    if (!v.IsBool()) fail("exists match pattern must be either true or false.");
    m.kind = Kind::kExists;
    m.flag = v.GetBool();
  } else if (key == "anything-but") {
    m = parse_anything_but(v);
  } else if (key == "numeric") {
    m = parse_numeric(v);
  } else if (key == "cidr") {
    m = parse_cidr(v);
  } else {
    fail("Unrecognized match type " + key);
  }
  if (obj.MemberCount() > 1) fail("Only one key allowed in match expression");
  return m;
}

std::vector<Matcher> parse_values(const rapidjson::Value& arr) {
  if (arr.Empty()) fail("Empty arrays are not allowed");
  std::vector<Matcher> out;
  for (const auto& v : arr.GetArray()) {
    Matcher m;
    if (v.IsString()) {
      m.kind = Kind::kString;
      m.text = str(v);
    } else if (v.IsNumber()) {
      m.kind = Kind::kNumber;
      m.number = v.GetDouble();
    } else if (v.IsBool()) {
      m.kind = Kind::kBool;
      m.flag = v.GetBool();
    } else if (v.IsNull()) {
      m.kind = Kind::kNull;
    } else if (v.IsObject()) {
      m = parse_operator(v);
    } else {
      fail("Match value must be String, number, true, false, or null");
    }
    out.push_back(std::move(m));
  }
  return out;
}

/// Every conjunction of `a` joined with every one of `b` (AND of two disjunctions).
std::vector<Conjunction> cross(const std::vector<Conjunction>& a, const std::vector<Conjunction>& b) {
  std::vector<Conjunction> out;
  if (a.size() * b.size() > kMaxCombinations) fail("Filter policy is too complex");
  for (const auto& x : a)
    for (const auto& y : b) {
      Conjunction c = x;
      c.insert(c.end(), y.begin(), y.end());
      out.push_back(std::move(c));
    }
  return out;
}

/// "$or" is an operator only when it holds an array of at least two objects; otherwise AWS
/// treats it as an ordinary key.
bool is_or(const std::string& key, const rapidjson::Value& v) {
  if (key != "$or" || !v.IsArray() || v.Size() < 2) return false;
  for (const auto& x : v.GetArray())
    if (!x.IsObject()) return false;
  return true;
}

std::vector<Conjunction> parse_object(const rapidjson::Value& obj, const std::string& prefix, int depth,
                                      bool& nested) {
  std::vector<Conjunction> dnf(1);
  for (auto it = obj.MemberBegin(); it != obj.MemberEnd(); ++it) {
    std::string key = str(it->name);
    const rapidjson::Value& v = it->value;
    if (is_or(key, v)) {
      std::vector<Conjunction> branches;
      for (const auto& sub : v.GetArray()) {
        auto alt = parse_object(sub, prefix, depth, nested);
        branches.insert(branches.end(), alt.begin(), alt.end());
        if (branches.size() > kMaxCombinations) fail("Filter policy is too complex");
      }
      dnf = cross(dnf, branches);
    } else if (v.IsArray()) {
      Rule rule;
      rule.path = prefix + key;
      rule.depth = depth;
      rule.matchers = parse_values(v);
      for (auto& c : dnf) c.push_back(rule);
    } else if (v.IsObject()) {
      // AWS reads the whole policy before it refuses nesting under the MessageAttributes scope.
      nested = true;
      dnf = cross(dnf, parse_object(v, prefix + key + ".", depth + 1, nested));
    } else {
      fail("\"" + key + "\" must be an object or an array");
    }
  }
  return dnf;
}

// ---------------------------------------------------------------------------------------------
// Matching
// ---------------------------------------------------------------------------------------------

/// One candidate value: a string, a number, a boolean or null.
struct Leaf {
  enum class Type { kString, kNumber, kBool, kNull } type = Type::kNull;
  std::string text;
  double number = 0;
  bool flag = false;
};

/// AWS compares numbers with five digits after the decimal point.
bool same_number(double a, double b) { return std::llround(a * 100000.0) == std::llround(b * 100000.0); }

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) return false;
  return true;
}

bool in_cidr(const Matcher& m, const std::string& text) {
  bool v6 = false;
  std::array<unsigned char, 16> addr{};
  if (!parse_ip(text, v6, addr) || v6 != m.v6) return false;
  int bits = m.prefix_bits;
  for (int i = 0; bits > 0; ++i, bits -= 8) {
    unsigned char mask = bits >= 8 ? 0xFF : static_cast<unsigned char>(0xFF << (8 - bits));
    if ((addr[i] & mask) != (m.network[i] & mask)) return false;
  }
  return true;
}

bool value_matches(const Matcher& m, const Leaf& leaf) {
  using T = Leaf::Type;
  switch (m.kind) {
    case Kind::kString: return leaf.type == T::kString && leaf.text == m.text;
    case Kind::kNumber: return leaf.type == T::kNumber && same_number(leaf.number, m.number);
    case Kind::kBool: return leaf.type == T::kBool && leaf.flag == m.flag;
    case Kind::kNull: return leaf.type == T::kNull;
    case Kind::kPrefix: return leaf.type == T::kString && leaf.text.starts_with(m.text);
    case Kind::kSuffix: return leaf.type == T::kString && leaf.text.ends_with(m.text);
    case Kind::kEqualsIgnoreCase: return leaf.type == T::kString && iequals(leaf.text, m.text);
    case Kind::kAnythingBut:
      for (const Matcher& x : m.values)
        if (value_matches(x, leaf)) return false;
      return true;
    case Kind::kAnythingButPrefix: return leaf.type == T::kString && !leaf.text.starts_with(m.text);
    case Kind::kNumeric:
      if (leaf.type != T::kNumber) return false;
      if (m.has_bottom && !(m.bottom_inclusive ? leaf.number >= m.bottom || same_number(leaf.number, m.bottom)
                                               : leaf.number > m.bottom && !same_number(leaf.number, m.bottom)))
        return false;
      if (m.has_top && !(m.top_inclusive ? leaf.number <= m.top || same_number(leaf.number, m.top)
                                         : leaf.number < m.top && !same_number(leaf.number, m.top)))
        return false;
      return true;
    case Kind::kExists: return false;  // decided on presence, before values
    case Kind::kCidr: return leaf.type == T::kString && in_cidr(m, leaf.text);
  }
  return false;
}

/// A rule against the values found at its path (`present`: the key exists at all).
bool rule_matches(const Rule& rule, bool present, const std::vector<Leaf>& leaves) {
  for (const Matcher& m : rule.matchers) {
    if (m.kind == Kind::kExists) {
      if (m.flag == present) return true;
      continue;
    }
    if (!present) continue;
    for (const Leaf& leaf : leaves)
      if (value_matches(m, leaf)) return true;
  }
  return false;
}

Leaf leaf_of(const rapidjson::Value& v) {
  Leaf leaf;
  if (v.IsString()) {
    leaf.type = Leaf::Type::kString;
    leaf.text = str(v);
  } else if (v.IsNumber()) {
    leaf.type = Leaf::Type::kNumber;
    leaf.number = v.GetDouble();
  } else if (v.IsBool()) {
    leaf.type = Leaf::Type::kBool;
    leaf.flag = v.GetBool();
  }
  return leaf;
}

/// The values of an attribute as candidates: String -> one string, Number -> one number,
/// String.Array -> its elements; Binary -> none (AWS ignores binary attributes).
std::vector<Leaf> attribute_leaves(const FilterAttribute& attr) {
  std::vector<Leaf> out;
  std::string_view type = attr.data_type;
  if (type.starts_with("String.Array")) {
    rapidjson::Document doc;
    std::string error;
    if (parse_json(attr.value, doc, error) && doc.IsArray())
      for (const auto& v : doc.GetArray())
        if (!v.IsObject() && !v.IsArray()) out.push_back(leaf_of(v));
  } else if (type.starts_with("String")) {
    Leaf leaf;
    leaf.type = Leaf::Type::kString;
    leaf.text = attr.value;
    out.push_back(std::move(leaf));
  } else if (type.starts_with("Number")) {
    char* end = nullptr;
    double n = std::strtod(attr.value.c_str(), &end);
    if (end && *end == '\0' && !attr.value.empty()) {
      Leaf leaf;
      leaf.type = Leaf::Type::kNumber;
      leaf.number = n;
      out.push_back(leaf);
    }
  }
  return out;
}

/// The payload flattened to path -> leaves: object keys join with '.', arrays contribute each
/// element at the same path (AWS matches arrays when any element matches).
void flatten(const rapidjson::Value& v, const std::string& path, std::map<std::string, std::vector<Leaf>>& out) {
  if (v.IsObject()) {
    for (auto it = v.MemberBegin(); it != v.MemberEnd(); ++it)
      flatten(it->value, path.empty() ? str(it->name) : path + "." + str(it->name), out);
  } else if (v.IsArray()) {
    for (const auto& x : v.GetArray()) flatten(x, path, out);
  } else if (!path.empty()) {
    out[path].push_back(leaf_of(v));
  }
}

}  // namespace

std::optional<FilterPolicy> FilterPolicy::parse(std::string_view json, FilterScope scope, FilterPolicyError& error) {
  rapidjson::Document doc;
  std::string parse_error;
  if (!parse_json(json, doc, parse_error)) {
    error = {"failed to parse JSON. " + parse_error, false};
    return std::nullopt;
  }
  if (!doc.IsObject()) {
    error = {"Filter policy must be a JSON object", false};
    return std::nullopt;
  }
  FilterPolicy policy;
  policy.scope_ = scope;
  try {
    bool nested = false;
    auto dnf = parse_object(doc, "", 1, nested);
    if (nested && scope == FilterScope::kMessageAttributes)
      fail("Filter policy scope MessageAttributes does not support nested filter policy", true);
    std::size_t combinations = 0;
    for (const Conjunction& c : dnf) {
      if (c.size() > kMaxKeys) fail("Filter policy can not have more than 5 keys");
      std::size_t product = 1;
      for (const Rule& r : c) {
        product *= static_cast<std::size_t>(r.depth) * r.matchers.size();
        if (product > kMaxCombinations) break;
      }
      combinations += product;
      if (combinations > kMaxCombinations) fail("Filter policy is too complex");
    }
    *policy.alternatives_ = std::move(dnf);
  } catch (const ParseFailure& f) {
    error = f.error;
    return std::nullopt;
  }
  return policy;
}

bool FilterPolicy::matches_attributes(const std::map<std::string, FilterAttribute>& attributes) const {
  for (const Conjunction& c : *alternatives_) {
    bool all = true;
    for (const Rule& rule : c) {
      auto it = attributes.find(rule.path);
      std::vector<Leaf> leaves;
      if (it != attributes.end()) leaves = attribute_leaves(it->second);
      if (!rule_matches(rule, it != attributes.end(), leaves)) {
        all = false;
        break;
      }
    }
    if (all) return true;
  }
  return false;
}

bool FilterPolicy::matches_body(std::string_view body) const {
  rapidjson::Document doc;
  std::string error;
  if (!parse_json(body, doc, error) || !doc.IsObject()) return false;
  std::map<std::string, std::vector<Leaf>> flat;
  flatten(doc, "", flat);
  static const std::vector<Leaf> kNone;
  for (const Conjunction& c : *alternatives_) {
    bool all = true;
    for (const Rule& rule : c) {
      auto it = flat.find(rule.path);
      if (!rule_matches(rule, it != flat.end(), it != flat.end() ? it->second : kNone)) {
        all = false;
        break;
      }
    }
    if (all) return true;
  }
  return false;
}

std::string filter_policy_message(const FilterPolicyError& error, bool in_attributes) {
  std::string out = "Invalid parameter: ";
  if (in_attributes) out += "Attributes Reason: ";
  if (!error.unscoped) out += "FilterPolicy: ";
  return out + error.reason;
}

}  // namespace rime::sns
