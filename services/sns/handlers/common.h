// Helpers the handler families share: ARN parameters, URLs pointing back at this server
// (SubscribeURL, UnsubscribeURL, SigningCertURL), pagination tokens and confirmation messages.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/request_context.h"
#include "services/common/result.h"
#include "services/sns/delivery.h"
#include "services/sns/state.h"

namespace rime::sns {

/// Page size of ListTopics, ListSubscriptions*, ListEndpointsByPlatformApplication and
/// ListPhoneNumbersOptedOut (AWS: up to 100 per call).
inline constexpr std::size_t kPageSize = 100;

/// The scope an ARN parameter names. InvalidParameter as AWS words it when `arn` is not an ARN
/// ("Invalid parameter: TopicArn Reason: An ARN must have at least 6 elements, not 1") or not
/// an SNS one; `region` mismatches are reported by the caller as not found.
Result<Scope> arn_scope(std::string_view arn, std::string_view param);

/// ARN of a topic, subscription, application or endpoint in `scope`.
std::string sns_arn(const Scope& scope, std::string_view resource);

/// "http(s)://<host the client used>", for URLs that must reach this server.
std::string server_url(const RequestContext& ctx);

/// Query parameters that route an unsigned GET of our URLs to SNS in `scope` (a presigned-style
/// credential scope: the router and account mapping read it, nothing verifies it).
std::string routing_query(const Scope& scope);

std::string subscribe_url(const RequestContext& ctx, const Scope& scope, const std::string& topic_arn,
                          const std::string& token);
std::string unsubscribe_url(const RequestContext& ctx, const Scope& scope, const std::string& subscription_arn);
std::string signing_cert_url(const RequestContext& ctx, const Scope& scope);

/// Pagination: the opaque NextToken for the item key `key`, and back.
std::string page_token(std::string_view key);
std::optional<std::string> page_key(std::string_view token);

/// A SubscriptionConfirmation or UnsubscribeConfirmation for `sub` (HTTP/S, email-json and
/// cross-account SQS endpoints get one), ready to deliver or record.
Delivery confirmation_delivery(const RequestContext& ctx, const Scope& scope, const TopicEntry& topic,
                               const SubscriptionEntry& sub, const std::string& type);

/// An E.164 phone number: "+" and 8 to 15 digits.
bool is_phone_number(std::string_view number);

/// A fresh UUID (message ids, subscription and endpoint ARN suffixes).
std::string new_uuid();

}  // namespace rime::sns
