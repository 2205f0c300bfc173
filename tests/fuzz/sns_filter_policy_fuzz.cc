// SNS subscription filter policies (services/sns/filter_policy.h): the parser/validator that
// Subscribe and SetSubscriptionAttributes run on client JSON, and both matchers. Input:
//   <scope byte> <policy JSON> NUL <message>
// scope byte bit 0: 0 = MessageAttributes, 1 = MessageBody. For the body scope the message is
// the published body; for the attribute scope it is lines "name<TAB>data type<TAB>value".
//
// Invariants: a refused policy has a reason and a non-empty client message; matching is
// deterministic (the same answer twice).
#include <map>
#include <string>
#include <string_view>

#include "services/sns/filter_policy.h"
#include "tests/fuzz/fuzz_target.h"

RIME_FUZZ_TARGET(sns_filter_policy) {
  using namespace rime::sns;
  if (size == 0) return 0;
  FilterScope scope = (data[0] & 1) ? FilterScope::kMessageBody : FilterScope::kMessageAttributes;
  std::string_view rest(reinterpret_cast<const char*>(data + 1), size - 1);
  auto nul = rest.find('\0');
  std::string_view policy_json = rest.substr(0, nul);
  std::string_view message = nul == std::string_view::npos ? std::string_view{} : rest.substr(nul + 1);

  FilterPolicyError error;
  auto policy = FilterPolicy::parse(policy_json, scope, error);
  if (!policy) {
    RIME_FUZZ_CHECK(!error.reason.empty(), "refused without a reason");
    RIME_FUZZ_CHECK(!filter_policy_message(error, true).empty() && !filter_policy_message(error, false).empty(),
                    "empty client message");
    return 0;
  }
  RIME_FUZZ_CHECK(policy->scope() == scope, "scope");
  if (scope == FilterScope::kMessageBody) {
    bool first = policy->matches_body(message);
    RIME_FUZZ_CHECK(first == policy->matches_body(message), "matches_body is not deterministic");
  } else {
    std::map<std::string, FilterAttribute> attributes;
    while (!message.empty()) {
      auto nl = message.find('\n');
      std::string_view line = message.substr(0, nl);
      message = nl == std::string_view::npos ? std::string_view{} : message.substr(nl + 1);
      auto t1 = line.find('\t');
      if (t1 == std::string_view::npos) continue;
      auto t2 = line.find('\t', t1 + 1);
      FilterAttribute a;
      a.data_type = std::string(line.substr(t1 + 1, t2 == std::string_view::npos ? std::string_view::npos : t2 - t1 - 1));
      a.value = t2 == std::string_view::npos ? std::string() : std::string(line.substr(t2 + 1));
      attributes[std::string(line.substr(0, t1))] = std::move(a);
    }
    bool first = policy->matches_attributes(attributes);
    RIME_FUZZ_CHECK(first == policy->matches_attributes(attributes), "matches_attributes is not deterministic");
  }
  // Moves keep the policy usable (subscriptions store them).
  FilterPolicy moved = std::move(*policy);
  (void)moved.matches_body("{}");
  return 0;
}
