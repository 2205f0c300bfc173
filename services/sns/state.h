// SNS runtime state, per (account, region): topics with their attributes, tags and FIFO
// bookkeeping, subscriptions (pending or confirmed, with their confirmation tokens and parsed
// filter policies), platform applications and endpoints, SMS settings, and the deliveries this
// server could not make for real (email, SMS, mobile push, Lambda, Firehose) or made over HTTP,
// recorded so that tests can read them through the admin state.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "core/backend_state.h"
#include "core/http_client.h"
#include "core/request_context.h"
#include "core/scheduler.h"
#include "services/common/queue_delivery.h"
#include "services/sns/filter_policy.h"

namespace rime::sns {

/// A message attribute as published (Binary values are raw bytes).
struct MessageAttribute {
  std::string data_type;
  std::string string_value;
  std::string binary_value;
  bool operator==(const MessageAttribute&) const = default;
};
using MessageAttributes = std::map<std::string, MessageAttribute>;

/// A FIFO deduplication entry: a second publish with the same id within five minutes is
/// accepted but not delivered again, and answers with the first message's ids.
struct DedupEntry {
  std::int64_t expires_ms = 0;
  std::string message_id;
  std::string sequence_number;
};

struct TopicEntry {
  std::string arn;
  std::string name;
  /// Attributes as set (CreateTopic / SetTopicAttributes / AddPermission): Policy, DisplayName,
  /// DeliveryPolicy, KmsMasterKeyId, FifoTopic, ... The computed ones are not stored.
  std::map<std::string, std::string> attributes;
  std::map<std::string, std::string> tags;
  std::string data_protection_policy;  // "" when none
  std::int64_t subscriptions_deleted = 0;
  std::uint64_t sequence = 0;                  // FIFO: sequence numbers issued so far
  std::map<std::string, DedupEntry> dedup;     // FIFO: deduplication id -> first publish

  bool fifo() const;
  bool content_based_deduplication() const;
  std::string attribute(std::string_view name) const;
};

struct SubscriptionEntry {
  std::string arn;
  std::string topic_arn;
  std::string protocol;
  std::string endpoint;
  std::string owner;      // the subscriber's account
  std::string principal;  // SubscriptionPrincipal
  /// Settable attributes: RawMessageDelivery, FilterPolicy, FilterPolicyScope, RedrivePolicy,
  /// DeliveryPolicy, SubscriptionRoleArn, ReplayPolicy.
  std::map<std::string, std::string> attributes;
  bool pending = false;
  bool authenticated = true;  // ConfirmationWasAuthenticated
  std::string token;          // the confirmation token (kept: confirming twice is allowed)
  std::shared_ptr<const FilterPolicy> filter;  // parsed FilterPolicy, runtime only

  std::string attribute(std::string_view name) const;
  bool raw() const { return attribute("RawMessageDelivery") == "true"; }
  FilterScope filter_scope() const;
};

struct ApplicationEntry {
  std::string arn;
  std::string name;
  std::string platform;
  std::map<std::string, std::string> attributes;
};

struct EndpointEntry {
  std::string arn;
  std::string application_arn;
  std::map<std::string, std::string> attributes;  // Token, Enabled, CustomUserData
};

struct SandboxNumber {
  std::string phone_number;
  std::string status;  // "Pending" | "Verified"
  std::string language_code;
  std::string otp;     // the one-time password "sent" by SMS (recorded as a delivery)
};

struct OriginationNumber {
  std::string phone_number;
  std::string status = "ACTIVE";
  std::string iso2_country_code = "US";
  std::string route_type = "Transactional";
  std::vector<std::string> capabilities{"SMS"};
  std::int64_t created_ms = 0;
};

/// One delivery as recorded for the admin view.
struct DeliveryRecord {
  std::uint64_t id = 0;
  std::int64_t time_ms = 0;
  std::string protocol;
  std::string endpoint;
  std::string subscription_arn;  // "" for direct SMS and mobile push publishes
  std::string topic_arn;
  std::string message_id;
  std::string message_type;  // Notification, SubscriptionConfirmation, UnsubscribeConfirmation
  std::string subject;
  std::string body;          // what was (or would have been) sent
  std::string status;        // "delivered", "pending", "failed"
  int attempts = 0;
  std::string error;
};

struct SnsState {
  std::map<std::string, TopicEntry> topics;                // by ARN
  std::map<std::string, SubscriptionEntry> subscriptions;  // by ARN ("<topic ARN>:<uuid>")
  std::map<std::string, std::string> tokens;          // confirmation token -> subscription ARN
  std::map<std::string, ApplicationEntry> applications;
  std::map<std::string, EndpointEntry> endpoints;
  std::map<std::string, std::string> sms_attributes;
  std::set<std::string> opted_out;
  std::map<std::string, SandboxNumber> sandbox_numbers;
  bool in_sandbox = true;
  std::vector<OriginationNumber> origination_numbers;
  std::deque<DeliveryRecord> deliveries;
  std::uint64_t next_delivery_id = 1;

  /// Appends a record (keeping the newest kMaxDeliveries) and returns its id.
  std::uint64_t record(DeliveryRecord record);
  DeliveryRecord* find_record(std::uint64_t id);
};

inline constexpr std::size_t kMaxDeliveries = 1000;

/// Everything handlers and deliveries share. Held by shared_ptr: delivery retries and HTTP
/// callbacks outlive the request that started them.
struct SnsBackend : std::enable_shared_from_this<SnsBackend> {
  BackendState<SnsState> state;
  Defaults defaults;
  std::shared_ptr<Scheduler> scheduler;  // null: HTTP deliveries are not retried
  std::shared_ptr<HttpClient> http;      // null: HTTP deliveries fail at once
  std::function<QueueDelivery*()> queues;  // SQS of this server; may answer null
  /// One second of a delivery policy's delays lasts this many milliseconds here, so that the
  /// documented retry schedule (three retries 20 s apart by default) plays out in 0.6 s.
  int retry_unit_ms = 10;
};

/// The scope (account, region) an SNS ARN lives in; nullopt when it is not an SNS ARN.
std::optional<Scope> scope_of(std::string_view arn);

/// Parses the subscription's FilterPolicy (already validated) into `sub.filter`.
void compile_filter(SubscriptionEntry& sub);

/// The topic policy AWS writes for a new topic.
std::string default_topic_policy(const std::string& topic_arn, const std::string& account);

/// SubscriptionPrincipal of a subscriber: without IAM users, a caller is its account's root.
std::string principal_arn(const Scope& scope);

}  // namespace rime::sns
