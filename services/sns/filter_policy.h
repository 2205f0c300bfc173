// Subscription filter policies (AWS: "Amazon SNS message filtering"): the parser, which validates
// a policy the way Subscribe / SetSubscriptionAttributes do, and the matcher, which decides
// whether a published message reaches a subscription.
//
// A policy maps keys to arrays of match values; all keys must match (AND), any value of a key
// may match (OR), and "$or" joins whole sub-policies. Supported match values: exact strings,
// numbers, true/false/null, {"prefix"}, {"suffix"}, {"equals-ignore-case"}, {"anything-but"}
// (value, list, or {"prefix"}), {"numeric": [op, n, ...]}, {"exists": bool}, {"cidr"}.
// FilterPolicyScope MessageAttributes matches message attributes (String, String.Array,
// Number; Binary is ignored) and accepts only flat policies; MessageBody matches the JSON
// payload, where nested policy objects and dotted payload keys both name nested paths and
// arrays match when any element does.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <rapidjson/document.h>

namespace rime::sns {

enum class FilterScope { kMessageAttributes, kMessageBody };

/// A message attribute as a filter policy sees it.
struct FilterAttribute {
  std::string data_type;  // "String", "Number", "String.Array", "Binary" (optionally ".custom")
  std::string value;      // StringValue (ignored for Binary)
};

/// Why a policy was refused. `reason` is AWS's text after the "FilterPolicy: " part of the
/// message; `unscoped` reasons (nested policy under the MessageAttributes scope) carry no such part.
struct FilterPolicyError {
  std::string reason;
  bool unscoped = false;
};

class FilterPolicy {
 public:
  struct Matcher;
  struct Rule;
  using Conjunction = std::vector<Rule>;

  /// Parses and validates `json` for `scope`. AWS limits: five keys per policy (per "$or"
  /// branch), 150 value combinations (the product, per branch, of key depth times the number
  /// of values, summed over branches).
  static std::optional<FilterPolicy> parse(std::string_view json, FilterScope scope, FilterPolicyError& error);

  /// Attribute scope: does a message with these attributes match?
  bool matches_attributes(const std::map<std::string, FilterAttribute>& attributes) const;
  /// Body scope: does this message body match? Bodies that are not a JSON object never do.
  bool matches_body(std::string_view body) const;

  FilterScope scope() const { return scope_; }
  ~FilterPolicy();
  FilterPolicy(FilterPolicy&&) noexcept;
  FilterPolicy& operator=(FilterPolicy&&) noexcept;

 private:
  FilterPolicy();
  FilterScope scope_ = FilterScope::kMessageAttributes;
  std::unique_ptr<std::vector<Conjunction>> alternatives_;  // disjunctive normal form
};

/// The full InvalidParameter message for a refused policy, as Subscribe (`in_attributes`, the
/// "Attributes Reason: " form) or SetSubscriptionAttributes words it.
std::string filter_policy_message(const FilterPolicyError& error, bool in_attributes);

}  // namespace rime::sns
