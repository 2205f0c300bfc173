// The stable snapshot format of SNS state (admin API, --data-dir), separate from SnsState so the
// saved format does not follow every runtime change. Parsed filter policies and FIFO
// deduplication entries (a five-minute window) are runtime only.
//
//   {"topics": [{"arn", "name", "attributes": {..}, "tags": {..}, "dataProtectionPolicy",
//                "subscriptionsDeleted", "sequence"}],
//    "subscriptions": [{"arn", "topicArn", "protocol", "endpoint", "owner", "principal",
//                       "attributes": {..}, "pending", "authenticated", "token"}],
//    "platformApplications": [{"arn", "name", "platform", "attributes": {..}}],
//    "platformEndpoints": [{"arn", "applicationArn", "attributes": {..}}],
//    "smsAttributes": {..}, "optedOut": [..],
//    "sandbox": {"inSandbox", "numbers": [{"phoneNumber", "status", "languageCode", "otp"}]},
//    "originationNumbers": [{"phoneNumber", "status", "iso2CountryCode", "routeType",
//                            "capabilities": [..], "createdAt" (epoch ms)}],
//    "deliveries": [{"id", "time" (epoch ms), "protocol", "endpoint", "subscriptionArn", "topicArn",
//                    "messageId", "type", "subject", "body", "status", "attempts", "error"}]}
#pragma once

#include <optional>
#include <string>

#include <rapidjson/document.h>

#include "core/mock_service.h"
#include "services/sns/state.h"

namespace rime::sns {

void write_view(const SnsState& state, JsonWriter& out);
/// Parses a view; on failure returns nullopt and the reason in `error`.
std::optional<SnsState> read_view(const rapidjson::Value& view, std::string& error);
/// Adds `incoming` to `state`: entries with the same key are replaced, nothing is removed.
void merge_into(SnsState& state, SnsState incoming);

}  // namespace rime::sns
