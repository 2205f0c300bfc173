// Subscribe, ConfirmSubscription, Unsubscribe, Get/SetSubscriptionAttributes,
// ListSubscriptions, ListSubscriptionsByTopic.
//
// Which subscriptions wait for confirmation, as on AWS: HTTP/S (a SubscriptionConfirmation is
// POSTed to the endpoint), email and email-json (the confirmation is recorded as a delivery,
// readable in the admin state), and SQS queues of another account than the subscriber's (the
// confirmation goes to the queue). The others are confirmed at once.
#include <algorithm>
#include <cctype>
#include <set>

#include <rapidjson/document.h>

#include "core/arn.h"
#include "core/ids.h"
#include "core/json.h"
#include "services/sns/delivery.h"
#include "services/sns/errors.h"
#include "services/sns/handlers/common.h"
#include "services/sns/handlers/handlers.h"

namespace rime::sns {
namespace {

const std::set<std::string>& protocols() {
  static const std::set<std::string> names{"http", "https", "email", "email-json", "sms",
                                           "sqs",  "application", "lambda", "firehose"};
  return names;
}

const std::set<std::string>& subscription_attribute_names() {
  static const std::set<std::string> names{"DeliveryPolicy",   "FilterPolicy",        "FilterPolicyScope",
                                           "RawMessageDelivery", "RedrivePolicy",     "SubscriptionRoleArn",
                                           "ReplayPolicy"};
  return names;
}

bool arn_of_service(std::string_view text, std::string_view service) {
  auto arn = Arn::parse(text);
  return arn && arn->service == service && !arn->account.empty() && !arn->resource.empty();
}

AwsError invalid(const std::string& detail) { return make_error(SnsError::kInvalidParameter, detail); }

/// Checks one subscription attribute. `in_attributes`: Subscribe's wording ("Attributes Reason:").
std::optional<AwsError> check_attribute(const std::string& name, const std::string& value, const std::string& protocol,
                                        FilterScope scope, bool in_attributes) {
  std::string reason = in_attributes ? "Attributes Reason: " : "";
  if (!subscription_attribute_names().count(name))
    return invalid(in_attributes ? "Attributes Reason: Unknown attribute " + name : "AttributeName");
  if (name == "RawMessageDelivery") {
    std::string lower = value;
    std::transform(lower.begin(), lower.end(), lower.begin(), ::tolower);
    if (lower != "true" && lower != "false")
      return invalid(reason + "RawMessageDelivery: Invalid value [" + value + "]. Must be true or false.");
    if (lower == "true" && protocol != "sqs" && protocol != "http" && protocol != "https" && protocol != "firehose")
      return invalid(reason + "Delivery protocol [" + protocol + "] does not support raw message delivery.");
  } else if (name == "FilterPolicyScope") {
    if (value != "MessageAttributes" && value != "MessageBody")
      return invalid("FilterPolicyScope: Invalid value [" + value + "]. Please use either MessageBody or MessageAttributes");
  } else if (name == "FilterPolicy") {
    if (!value.empty()) {
      FilterPolicyError error;
      if (!FilterPolicy::parse(value, scope, error))
        return make_error(SnsError::kInvalidParameterRaw, filter_policy_message(error, in_attributes));
    }
  } else if (name == "RedrivePolicy") {
    if (!value.empty()) {
      rapidjson::Document doc;
      std::string error;
      const rapidjson::Value* target = nullptr;
      if (parse_json(value, doc, error) && doc.IsObject()) target = json_member(doc, "deadLetterTargetArn");
      if (!target || !target->IsString() || !arn_of_service(target->GetString(), "sqs"))
        return invalid(reason + "RedrivePolicy: Invalid deadLetterTargetArn");
    }
  } else if (name == "DeliveryPolicy") {
    if (!value.empty())
      if (auto problem = validate_delivery_policy(value, false)) return invalid(reason + *problem);
  } else if (name == "SubscriptionRoleArn") {
    if (!value.empty() && !arn_of_service(value, "iam")) return invalid(reason + "SubscriptionRoleArn");
  } else if (name == "ReplayPolicy") {
    rapidjson::Document doc;
    std::string error;
    if (!value.empty() && !(parse_json(value, doc, error) && doc.IsObject())) return invalid(reason + "ReplayPolicy");
  }
  return std::nullopt;
}

std::optional<AwsError> check_endpoint(const std::string& protocol, const std::string& endpoint) {
  if (endpoint.empty()) return invalid("Endpoint");
  if (protocol == "http" || protocol == "https") {
    if (!endpoint.starts_with(protocol + "://")) return invalid("Endpoint must match the specified protocol");
  } else if (protocol == "email" || protocol == "email-json") {
    auto at = endpoint.find('@');
    if (at == std::string::npos || at == 0 || at + 1 == endpoint.size()) return invalid("Email address");
  } else if (protocol == "sms") {
    if (!is_phone_number(endpoint)) return make_error(SnsError::kInvalidParameterRaw, "Invalid SMS endpoint: " + endpoint);
  } else if (protocol == "sqs") {
    if (!arn_of_service(endpoint, "sqs")) return invalid("SQS endpoint ARN");
  } else if (protocol == "lambda") {
    if (!arn_of_service(endpoint, "lambda")) return invalid("Lambda endpoint ARN");
  } else if (protocol == "firehose") {
    if (!arn_of_service(endpoint, "firehose")) return invalid("Firehose endpoint ARN");
  } else if (protocol == "application") {
    auto arn = Arn::parse(endpoint);
    if (!arn || arn->service != "sns" || !arn->resource.starts_with("endpoint/")) return invalid("Application endpoint arn");
  }
  return std::nullopt;
}

/// Stored form of an attribute (RawMessageDelivery lower-cased, as AWS reports it).
std::string normalized(const std::string& name, const std::string& value) {
  if (name != "RawMessageDelivery") return value;
  std::string lower = value;
  std::transform(lower.begin(), lower.end(), lower.begin(), ::tolower);
  return lower;
}

Subscription listing(const SubscriptionEntry& sub) {
  Subscription out;
  out.subscription_arn = sub.pending ? "PendingConfirmation" : sub.arn;
  out.owner = sub.owner;
  out.protocol = sub.protocol;
  out.endpoint = sub.endpoint;
  out.topic_arn = sub.topic_arn;
  return out;
}

/// The subscription ARN's scope and its topic ARN (everything before the last ':').
Result<Scope> subscription_scope(const std::string& arn) { return arn_scope(arn, "SubscriptionArn"); }

}  // namespace

Result<SubscribeResponse> subscribe(SnsBackend& b, RequestContext& ctx, const SubscribeInput& in) {
  if (!protocols().count(in.protocol))
    return invalid("Amazon SNS does not support this protocol string: " + in.protocol);
  std::string endpoint = in.endpoint.value_or("");
  if (auto error = check_endpoint(in.protocol, endpoint)) return *error;
  std::map<std::string, std::string> attributes = in.attributes.value_or(std::map<std::string, std::string>{});
  FilterScope scope_for_filter = FilterScope::kMessageAttributes;
  if (auto it = attributes.find("FilterPolicyScope"); it != attributes.end() && it->second == "MessageBody")
    scope_for_filter = FilterScope::kMessageBody;
  for (auto& [name, value] : attributes) {
    if (auto error = check_attribute(name, value, in.protocol, scope_for_filter, true)) return *error;
    value = normalized(name, value);
  }
  if (in.protocol == "firehose" && attributes["SubscriptionRoleArn"].empty())
    return invalid("Attributes Reason: SubscriptionRoleArn is required for Firehose subscriptions");

  auto scope = arn_scope(in.topic_arn, "TopicArn");
  if (!scope) return scope.error();
  bool exists = scope->region == ctx.region() &&
                b.state.read(*scope, [&](const SnsState& s) { return s.topics.count(in.topic_arn) > 0; });
  if (!exists) return make_error(SnsError::kTopicNotFound);

  std::optional<Delivery> confirmation;
  auto result = b.state.write(*scope, [&](SnsState& s) -> Result<SubscribeResponse> {
    auto topic_it = s.topics.find(in.topic_arn);
    if (topic_it == s.topics.end()) return make_error(SnsError::kTopicNotFound);
    const TopicEntry& topic = topic_it->second;
    if (topic.fifo() && in.protocol != "sqs")
      return invalid("Invalid parameter: Endpoint Reason: FIFO topics support only Amazon SQS subscriptions");
    if (!topic.fifo() && in.protocol == "sqs" && endpoint.ends_with(".fifo"))
      return invalid("Invalid parameter: Endpoint Reason: FIFO SQS Queues can not be subscribed to standard SNS topics");
    SubscribeResponse out;
    // The same protocol and endpoint on a topic is the same subscription.
    std::string prefix = topic.arn + ":";
    for (auto it = s.subscriptions.lower_bound(prefix); it != s.subscriptions.end() && it->first.starts_with(prefix);
         ++it) {
      const SubscriptionEntry& sub = it->second;
      if (sub.protocol != in.protocol || sub.endpoint != endpoint) continue;
      for (const auto& [name, value] : attributes) {
        std::string current = sub.attribute(name);
        if (name == "RawMessageDelivery" && current.empty()) current = "false";
        if (name == "FilterPolicyScope" && current.empty()) current = "MessageAttributes";
        if (current != value) return invalid("Attributes Reason: Subscription already exists with different attributes");
      }
      out.subscription_arn = sub.pending && !in.return_subscription_arn.value_or(false) ? "pending confirmation" : sub.arn;
      // Subscribing again while confirmation is pending sends the confirmation again.
      if (sub.pending) {
        Delivery d = confirmation_delivery(ctx, *scope, topic, sub, "SubscriptionConfirmation");
        if (in.protocol == "http" || in.protocol == "https") {
          d.record_id = s.record(record_of(d, "pending"));
          confirmation = std::move(d);
        } else if (in.protocol == "sqs") {
          confirmation = std::move(d);
        } else {
          s.record(record_of(d, "delivered"));
        }
      }
      return out;
    }
    SubscriptionEntry sub;
    sub.arn = topic.arn + ":" + new_uuid();
    sub.topic_arn = topic.arn;
    sub.protocol = in.protocol;
    sub.endpoint = endpoint;
    sub.owner = ctx.account();
    sub.principal = principal_arn(ctx.scope);
    for (auto& [name, value] : attributes)
      if (!value.empty()) sub.attributes[name] = value;
    compile_filter(sub);
    bool needs_confirmation = in.protocol == "http" || in.protocol == "https" || in.protocol == "email" ||
                              in.protocol == "email-json";
    if (in.protocol == "sqs") needs_confirmation = Arn::parse(endpoint)->account != ctx.account();
    if (needs_confirmation) {
      sub.pending = true;
      sub.authenticated = false;
      sub.token = random_hex(128);
      s.tokens[sub.token] = sub.arn;
      Delivery d = confirmation_delivery(ctx, *scope, topic, sub, "SubscriptionConfirmation");
      if (in.protocol == "http" || in.protocol == "https") {
        d.record_id = s.record(record_of(d, "pending"));
        confirmation = std::move(d);
      } else if (in.protocol == "sqs") {
        confirmation = std::move(d);
      } else {
        s.record(record_of(d, "delivered"));
      }
    }
    out.subscription_arn = sub.pending && !in.return_subscription_arn.value_or(false) ? "pending confirmation" : sub.arn;
    s.subscriptions.emplace(sub.arn, std::move(sub));
    return out;
  });
  if (result && confirmation) deliver(b, std::move(*confirmation));
  return result;
}

Result<ConfirmSubscriptionResponse> confirm_subscription(SnsBackend& b, RequestContext& ctx,
                                                         const ConfirmSubscriptionInput& in) {
  auto scope = arn_scope(in.topic_arn, "TopicArn");
  if (!scope) return scope.error();
  // The SubscribeURL reaches here unsigned from anywhere: the topic's own scope decides.
  bool exists = b.state.read(*scope, [&](const SnsState& s) { return s.topics.count(in.topic_arn) > 0; });
  if (!exists) return make_error(SnsError::kTopicNotFound);
  // ConfirmationWasAuthenticated: the confirmation asked for authenticated unsubscribes
  // (AuthenticateOnUnsubscribe=true); fetching the SubscribeURL does not.
  bool authenticated = in.authenticate_on_unsubscribe.value_or("") == "true";
  return b.state.write(*scope, [&](SnsState& s) -> Result<ConfirmSubscriptionResponse> {
    auto token = s.tokens.find(in.token);
    if (token == s.tokens.end()) return make_error(SnsError::kInvalidToken);
    auto sub = s.subscriptions.find(token->second);
    if (sub == s.subscriptions.end() || sub->second.topic_arn != in.topic_arn)
      return make_error(SnsError::kInvalidToken);
    if (sub->second.pending) {
      sub->second.pending = false;
      sub->second.authenticated = authenticated;
    }
    ConfirmSubscriptionResponse out;
    out.subscription_arn = sub->second.arn;
    return out;
  });
}

Result<Unit> unsubscribe(SnsBackend& b, RequestContext& ctx, const UnsubscribeInput& in) {
  auto scope = subscription_scope(in.subscription_arn);
  if (!scope) return scope.error();
  bool exists = b.state.read(*scope, [&](const SnsState& s) { return s.subscriptions.count(in.subscription_arn) > 0; });
  if (!exists) return Unit{};  // AWS answers success for a subscription that is already gone
  // The UnsubscribeURL (unsigned; rime's carries a presigned-style scope) may not remove a
  // subscription confirmed with AuthenticateOnUnsubscribe=true.
  bool unsigned_request = !ctx.credential || ctx.credential->presigned;
  bool needs_signature = b.state.read(*scope, [&](const SnsState& s) {
    auto it = s.subscriptions.find(in.subscription_arn);
    return it != s.subscriptions.end() && it->second.authenticated && !it->second.token.empty();
  });
  if (unsigned_request && needs_signature)
    return make_error(SnsError::kAuthorizationError, "Unsubscribe requires an authenticated request for this subscription");
  std::optional<Delivery> goodbye;
  b.state.write(*scope, [&](SnsState& s) {
    auto it = s.subscriptions.find(in.subscription_arn);
    if (it == s.subscriptions.end()) return;
    SubscriptionEntry& sub = it->second;
    auto topic = s.topics.find(sub.topic_arn);
    if (topic != s.topics.end()) {
      topic->second.subscriptions_deleted++;
      // HTTP/S endpoints are told, with a token that would restore the subscription.
      if ((sub.protocol == "http" || sub.protocol == "https") && !sub.pending) {
        Delivery d = confirmation_delivery(ctx, *scope, topic->second, sub, "UnsubscribeConfirmation");
        d.record_id = s.record(record_of(d, "pending"));
        goodbye = std::move(d);
      }
    }
    if (!sub.token.empty()) s.tokens.erase(sub.token);
    s.subscriptions.erase(it);
  });
  if (goodbye) deliver(b, std::move(*goodbye));
  return Unit{};
}

Result<GetSubscriptionAttributesResponse> get_subscription_attributes(SnsBackend& b, RequestContext& ctx,
                                                                      const GetSubscriptionAttributesInput& in) {
  auto scope = subscription_scope(in.subscription_arn);
  if (!scope) return scope.error();
  return b.state.read(*scope, [&](const SnsState& s) -> Result<GetSubscriptionAttributesResponse> {
    auto it = s.subscriptions.find(in.subscription_arn);
    if (it == s.subscriptions.end() || scope->region != ctx.region()) return make_error(SnsError::kSubscriptionNotFound);
    const SubscriptionEntry& sub = it->second;
    std::map<std::string, std::string> a;
    for (const auto& [name, value] : sub.attributes)
      if (name != "FilterPolicyScope") a[name] = value;
    // FilterPolicyScope shows only alongside a FilterPolicy, as on AWS.
    if (a.count("FilterPolicy"))
      a["FilterPolicyScope"] = sub.filter_scope() == FilterScope::kMessageBody ? "MessageBody" : "MessageAttributes";
    a["SubscriptionArn"] = sub.arn;
    a["TopicArn"] = sub.topic_arn;
    a["Owner"] = sub.owner;
    a["Protocol"] = sub.protocol;
    a["Endpoint"] = sub.endpoint;
    a["PendingConfirmation"] = sub.pending ? "true" : "false";
    a["ConfirmationWasAuthenticated"] = sub.authenticated ? "true" : "false";
    a["RawMessageDelivery"] = sub.raw() ? "true" : "false";
    a["SubscriptionPrincipal"] = sub.principal;
    if (sub.protocol == "http" || sub.protocol == "https") {
      auto topic = s.topics.find(sub.topic_arn);
      std::string topic_policy = topic == s.topics.end() ? "" : topic->second.attribute("DeliveryPolicy");
      a["EffectiveDeliveryPolicy"] = subscription_effective_delivery_policy(topic_policy, sub.attribute("DeliveryPolicy"));
    }
    GetSubscriptionAttributesResponse out;
    out.attributes = std::move(a);
    return out;
  });
}

Result<Unit> set_subscription_attributes(SnsBackend& b, RequestContext& ctx, const SetSubscriptionAttributesInput& in) {
  auto scope = subscription_scope(in.subscription_arn);
  if (!scope) return scope.error();
  bool exists = scope->region == ctx.region() &&
                b.state.read(*scope, [&](const SnsState& s) { return s.subscriptions.count(in.subscription_arn) > 0; });
  if (!exists) return make_error(SnsError::kSubscriptionNotFound);
  std::string value = in.attribute_value.value_or("");
  return b.state.write(*scope, [&](SnsState& s) -> Result<Unit> {
    auto it = s.subscriptions.find(in.subscription_arn);
    if (it == s.subscriptions.end()) return make_error(SnsError::kSubscriptionNotFound);
    SubscriptionEntry& sub = it->second;
    const std::string& name = in.attribute_name;
    FilterScope scope_for_filter = sub.filter_scope();
    if (name == "FilterPolicyScope" && value == "MessageBody") scope_for_filter = FilterScope::kMessageBody;
    if (name == "FilterPolicyScope" && value == "MessageAttributes") scope_for_filter = FilterScope::kMessageAttributes;
    if (auto error = check_attribute(name, value, sub.protocol, scope_for_filter, false)) return *error;
    // A new scope must still accept the current policy (nested policies need MessageBody).
    if (name == "FilterPolicyScope" && !sub.attribute("FilterPolicy").empty())
      if (auto error = check_attribute("FilterPolicy", sub.attribute("FilterPolicy"), sub.protocol, scope_for_filter, false))
        return *error;
    if (value.empty()) sub.attributes.erase(name);
    else sub.attributes[name] = normalized(name, value);
    compile_filter(sub);
    return Unit{};
  });
}

Result<ListSubscriptionsResponse> list_subscriptions(SnsBackend& b, RequestContext& ctx,
                                                     const ListSubscriptionsInput& in) {
  std::string start;
  if (in.next_token) {
    auto key = page_key(*in.next_token);
    if (!key) return invalid("NextToken");
    start = *key;
  }
  return b.state.read(ctx.scope, [&](const SnsState& s) -> Result<ListSubscriptionsResponse> {
    ListSubscriptionsResponse out;
    out.subscriptions.emplace();
    for (auto it = s.subscriptions.lower_bound(start); it != s.subscriptions.end(); ++it) {
      if (out.subscriptions->size() == kPageSize) {
        out.next_token = page_token(it->first);
        break;
      }
      out.subscriptions->push_back(listing(it->second));
    }
    return out;
  });
}

Result<ListSubscriptionsByTopicResponse> list_subscriptions_by_topic(SnsBackend& b, RequestContext& ctx,
                                                                     const ListSubscriptionsByTopicInput& in) {
  auto scope = arn_scope(in.topic_arn, "TopicArn");
  if (!scope) return scope.error();
  std::string prefix = in.topic_arn + ":";
  std::string start = prefix;
  if (in.next_token) {
    auto key = page_key(*in.next_token);
    if (!key || !key->starts_with(prefix)) return invalid("NextToken");
    start = *key;
  }
  return b.state.read(*scope, [&](const SnsState& s) -> Result<ListSubscriptionsByTopicResponse> {
    if (!s.topics.count(in.topic_arn) || scope->region != ctx.region()) return make_error(SnsError::kTopicNotFound);
    ListSubscriptionsByTopicResponse out;
    out.subscriptions.emplace();
    for (auto it = s.subscriptions.lower_bound(start); it != s.subscriptions.end() && it->first.starts_with(prefix);
         ++it) {
      if (out.subscriptions->size() == kPageSize) {
        out.next_token = page_token(it->first);
        break;
      }
      out.subscriptions->push_back(listing(it->second));
    }
    return out;
  });
}

}  // namespace rime::sns
