#include "services/sns/handlers/common.h"

#include <algorithm>
#include <cctype>
#include <ctime>

#include "core/arn.h"
#include "core/clock.h"
#include "core/ids.h"
#include "core/json.h"
#include "core/uri.h"
#include "services/sns/errors.h"
#include "services/sns/signing.h"

namespace rime::sns {

Result<Scope> arn_scope(std::string_view arn, std::string_view param) {
  std::size_t parts = std::count(arn.begin(), arn.end(), ':') + 1;
  if (parts < 6)
    return make_error(SnsError::kInvalidParameter, std::string(param) + " Reason: An ARN must have at least 6 elements, not " +
                                                       std::to_string(parts));
  auto scope = scope_of(arn);
  if (!scope) return make_error(SnsError::kInvalidParameter, param);
  return *scope;
}

std::string sns_arn(const Scope& scope, std::string_view resource) {
  return make_arn("sns", scope.region, scope.account, resource);
}

std::string server_url(const RequestContext& ctx) {
  return std::string(ctx.tls ? "https://" : "http://") + (ctx.host.empty() ? "localhost:4566" : ctx.host);
}

std::string routing_query(const Scope& scope) {
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char date[16];
  std::strftime(date, sizeof date, "%Y%m%d", &tm);
  return "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=" +
         percent_encode(scope.account + "/" + date + "/" + scope.region + "/sns/aws4_request");
}

std::string subscribe_url(const RequestContext& ctx, const Scope& scope, const std::string& topic_arn,
                          const std::string& token) {
  return server_url(ctx) + "/?Action=ConfirmSubscription&TopicArn=" + topic_arn + "&Token=" + token + "&" +
         routing_query(scope);
}

std::string unsubscribe_url(const RequestContext& ctx, const Scope& scope, const std::string& subscription_arn) {
  return server_url(ctx) + "/?Action=Unsubscribe&SubscriptionArn=" + subscription_arn + "&" + routing_query(scope);
}

std::string signing_cert_url(const RequestContext& ctx, const Scope& scope) {
  return server_url(ctx) + "/" + signing_certificate_name() + "?" + routing_query(scope);
}

std::string page_token(std::string_view key) { return base64_encode(key); }

std::optional<std::string> page_key(std::string_view token) { return base64_decode(token); }

Delivery confirmation_delivery(const RequestContext& ctx, const Scope& scope, const TopicEntry& topic,
                               const SubscriptionEntry& sub, const std::string& type) {
  Envelope e;
  e.type = type;
  e.message_id = new_uuid();
  e.token = sub.token;
  e.topic_arn = topic.arn;
  e.timestamp = iso8601(now());
  e.subscribe_url = subscribe_url(ctx, scope, topic.arn, sub.token);
  e.signing_cert_url = signing_cert_url(ctx, scope);
  if (std::string v = topic.attribute("SignatureVersion"); !v.empty()) e.signature_version = v;
  if (type == "SubscriptionConfirmation")
    e.message = "You have chosen to subscribe to the topic " + topic.arn +
                ".\nTo confirm the subscription, visit the SubscribeURL included in this message.";
  else
    e.message = "You have chosen to deactivate subscription " + sub.arn +
                ".\nTo cancel this operation and restore the subscription, visit the SubscribeURL included in this "
                "message.";
  Delivery d;
  d.scope = scope;
  d.protocol = sub.protocol;
  d.endpoint = sub.endpoint;
  d.subscription_arn = sub.arn;
  d.topic_arn = topic.arn;
  d.message_type = type;
  d.message_id = e.message_id;
  if (sub.protocol == "email") {
    // An email carries the link, not the JSON document.
    d.subject = "AWS Notification - Subscription Confirmation";
    d.body = e.message + "\n" + e.subscribe_url;
  } else {
    d.body = envelope_json(e);
  }
  d.http = effective_http_policy(topic.attribute("DeliveryPolicy"), sub.attribute("DeliveryPolicy"));
  return d;
}

bool is_phone_number(std::string_view number) {
  if (number.size() < 9 || number.size() > 16 || number[0] != '+') return false;
  return std::all_of(number.begin() + 1, number.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); });
}

std::string new_uuid() { return new_request_id(); }

}  // namespace rime::sns
