#include "services/sqs/queue_config.h"

#include <algorithm>
#include <charconv>
#include <variant>

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "core/arn.h"
#include "core/json.h"
#include "services/sqs/errors.h"

namespace rime::sqs {
namespace {

// Attributes GetQueueAttributes reports but nobody sets.
constexpr std::string_view kReadOnly[] = {
    "ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible", "ApproximateNumberOfMessagesDelayed",
    "CreatedTimestamp", "LastModifiedTimestamp", "QueueArn"};
// Attributes that exist only on FIFO queues: a standard queue does not know them.
constexpr std::string_view kFifoOnly[] = {"FifoQueue", "ContentBasedDeduplication", "DeduplicationScope",
                                          "FifoThroughputLimit"};

template <std::size_t N>
bool contains(const std::string_view (&list)[N], std::string_view name) {
  return std::find(std::begin(list), std::end(list), name) != std::end(list);
}

std::optional<int> parse_int(std::string_view text) {
  int value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || text.empty()) return std::nullopt;
  return value;
}

std::optional<bool> parse_bool(std::string_view text) {
  std::string lower(text);
  std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
  if (lower == "true") return true;
  if (lower == "false") return false;
  return std::nullopt;
}

std::string compact_json(const rapidjson::Value& value) {
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  value.Accept(w);
  return std::string(buf.GetString(), buf.GetSize());
}

AwsError redrive_error(std::string_view raw, std::string_view reason) {
  return invalid_parameter(raw, "RedrivePolicy", reason);
}

/// RedrivePolicy: a JSON map with deadLetterTargetArn and maxReceiveCount (a number or a
/// numeric string: CloudFormation sends strings). Whether the target exists is checked by the
/// caller, which can see the other queues.
std::variant<RedrivePolicy, AwsError> parse_redrive_policy(const std::string& raw) {
  rapidjson::Document doc;
  std::string error;
  if (!parse_json(raw, doc, error) || !doc.IsObject()) return redrive_error(raw, "Redrive policy is not a valid JSON map.");
  const rapidjson::Value* target = json_member(doc, "deadLetterTargetArn");
  if (!target) return redrive_error(raw, "Redrive policy does not contain mandatory attribute: deadLetterTargetArn.");
  const rapidjson::Value* count = json_member(doc, "maxReceiveCount");
  if (!count) return redrive_error(raw, "Redrive policy does not contain mandatory attribute: maxReceiveCount.");
  RedrivePolicy policy;
  if (!target->IsString() || !Arn::parse(target->GetString()))
    return redrive_error(raw, "Invalid value for deadLetterTargetArn.");
  policy.dead_letter_target_arn = target->GetString();
  std::optional<int> n;
  if (count->IsInt()) n = count->GetInt();
  else if (count->IsString()) n = parse_int(count->GetString());
  if (!n || *n < 1 || *n > 1000) {
    std::string shown = count->IsString() ? count->GetString() : compact_json(*count);
    return redrive_error(raw, "Invalid value for maxReceiveCount: " + shown +
                                  ", valid values are from 1 to 1000 both inclusive.");
  }
  policy.max_receive_count = *n;
  return policy;
}

AwsError allow_error(std::string_view raw, std::string_view reason) {
  return invalid_parameter(raw, "RedriveAllowPolicy", reason);
}

std::variant<RedriveAllowPolicy, AwsError> parse_redrive_allow_policy(const std::string& raw) {
  rapidjson::Document doc;
  std::string error;
  if (!parse_json(raw, doc, error) || !doc.IsObject())
    return allow_error(raw, "Redrive allow policy is not a valid JSON map.");
  const rapidjson::Value* permission = json_member(doc, "redrivePermission");
  if (!permission || !permission->IsString())
    return allow_error(raw, "Redrive allow policy does not contain mandatory attribute: redrivePermission.");
  RedriveAllowPolicy policy;
  policy.permission = permission->GetString();
  if (policy.permission != "allowAll" && policy.permission != "denyAll" && policy.permission != "byQueue")
    return allow_error(raw, "Invalid value for redrivePermission: " + policy.permission +
                                ", valid values are allowAll, denyAll and byQueue.");
  const rapidjson::Value* sources = json_member(doc, "sourceQueueArns");
  if (policy.permission != "byQueue") {
    if (sources) return allow_error(raw, "Only specify sourceQueueArns when redrivePermission is byQueue.");
    return policy;
  }
  if (!sources || !sources->IsArray() || sources->Empty())
    return allow_error(raw, "Redrive allow policy with redrivePermission byQueue must contain sourceQueueArns.");
  if (sources->Size() > 10) return allow_error(raw, "Redrive allow policy can contain at most 10 sourceQueueArns.");
  for (const auto& arn : sources->GetArray()) {
    if (!arn.IsString() || !Arn::parse(arn.GetString()))
      return allow_error(raw, "Invalid value in sourceQueueArns.");
    policy.source_queue_arns.emplace_back(arn.GetString());
  }
  return policy;
}

struct IntRange {
  std::string_view name;
  int QueueConfig::*field;
  int min, max;
};
constexpr IntRange kIntAttributes[] = {
    {"DelaySeconds", &QueueConfig::delay_seconds, 0, 900},
    {"MaximumMessageSize", &QueueConfig::maximum_message_size, 1024, 1048576},
    {"MessageRetentionPeriod", &QueueConfig::message_retention_period, 60, 1209600},
    {"ReceiveMessageWaitTimeSeconds", &QueueConfig::receive_message_wait_time_seconds, 0, 20},
    {"VisibilityTimeout", &QueueConfig::visibility_timeout, 0, 43200},
    {"KmsDataKeyReusePeriodSeconds", &QueueConfig::kms_data_key_reuse_period_seconds, 60, 86400},
};

/// Applies one attribute to `c`; the error when it is not acceptable.
std::optional<AwsError> apply_one(QueueConfig& c, const std::string& name, const std::string& value, bool creating) {
  auto unknown = [&] { return make_error(SqsError::kInvalidAttributeName, name); };
  auto bad_value = [&] { return make_error(SqsError::kInvalidAttributeValue, name); };
  if (contains(kReadOnly, name) || name == "All" || !is_known_queue_attribute(name)) return unknown();
  // The queue type is chosen once, at creation: afterwards FifoQueue is not a settable name.
  if (name == "FifoQueue" && !creating) return unknown();
  if (contains(kFifoOnly, name) && !c.fifo && name != "FifoQueue") return unknown();

  for (const IntRange& r : kIntAttributes) {
    if (r.name != name) continue;
    auto n = parse_int(value);
    if (!n || *n < r.min || *n > r.max) return bad_value();
    c.*(r.field) = *n;
    return std::nullopt;
  }
  if (name == "FifoQueue") {
    auto b = parse_bool(value);
    if (!b) return bad_value();
    c.fifo = *b;  // the caller matches it against the name
    return std::nullopt;
  }
  if (name == "ContentBasedDeduplication" || name == "SqsManagedSseEnabled") {
    auto b = parse_bool(value);
    if (!b) return bad_value();
    (name == "ContentBasedDeduplication" ? c.content_based_deduplication : c.sqs_managed_sse_enabled) = *b;
    if (name == "SqsManagedSseEnabled" && *b) c.kms_master_key_id.clear();
    return std::nullopt;
  }
  if (name == "DeduplicationScope") {
    if (value != "queue" && value != "messageGroup") return bad_value();
    c.deduplication_scope = value;
    return std::nullopt;
  }
  if (name == "FifoThroughputLimit") {
    if (value != "perQueue" && value != "perMessageGroupId") return bad_value();
    c.fifo_throughput_limit = value;
    return std::nullopt;
  }
  if (name == "Policy") {
    if (!value.empty()) {
      rapidjson::Document doc;
      std::string error;
      if (!parse_json(value, doc, error) || !doc.IsObject()) return bad_value();
    }
    c.policy = value;
    return std::nullopt;
  }
  if (name == "RedrivePolicy") {
    if (value.empty()) {
      c.redrive_policy.reset();
      return std::nullopt;
    }
    auto parsed = parse_redrive_policy(value);
    if (auto* error = std::get_if<AwsError>(&parsed)) return *error;
    c.redrive_policy = std::get<RedrivePolicy>(parsed);
    return std::nullopt;
  }
  if (name == "RedriveAllowPolicy") {
    if (value.empty()) {
      c.redrive_allow_policy.reset();
      return std::nullopt;
    }
    auto parsed = parse_redrive_allow_policy(value);
    if (auto* error = std::get_if<AwsError>(&parsed)) return *error;
    c.redrive_allow_policy = std::get<RedriveAllowPolicy>(parsed);
    return std::nullopt;
  }
  if (name == "KmsMasterKeyId") {
    c.kms_master_key_id = value;
    // One server-side encryption at a time: choosing a KMS key turns SSE-SQS off.
    if (!value.empty()) c.sqs_managed_sse_enabled = false;
    return std::nullopt;
  }
  return unknown();
}

}  // namespace

const std::vector<std::string_view>& all_queue_attribute_names() {
  static const std::vector<std::string_view> names = {
      "QueueArn", "ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible",
      "ApproximateNumberOfMessagesDelayed", "CreatedTimestamp", "LastModifiedTimestamp", "VisibilityTimeout",
      "MaximumMessageSize", "MessageRetentionPeriod", "DelaySeconds", "ReceiveMessageWaitTimeSeconds", "Policy",
      "RedrivePolicy", "RedriveAllowPolicy", "KmsMasterKeyId", "KmsDataKeyReusePeriodSeconds",
      "SqsManagedSseEnabled", "FifoQueue", "ContentBasedDeduplication", "DeduplicationScope",
      "FifoThroughputLimit"};
  return names;
}

bool is_known_queue_attribute(std::string_view name) {
  const auto& names = all_queue_attribute_names();
  return std::find(names.begin(), names.end(), name) != names.end();
}

ConfigChange apply_attributes(const QueueConfig& config, const std::map<std::string, std::string>& attributes,
                              bool creating) {
  QueueConfig next = config;
  // FifoQueue decides which other names exist, so it goes first.
  if (creating) {
    if (auto it = attributes.find("FifoQueue"); it != attributes.end())
      if (auto error = apply_one(next, it->first, it->second, true)) return {std::nullopt, error};
  }
  bool sse_sqs_requested = false;
  for (const auto& [name, value] : attributes) {
    if (creating && name == "FifoQueue") continue;
    if (auto error = apply_one(next, name, value, creating)) return {std::nullopt, error};
    if (name == "SqsManagedSseEnabled" && parse_bool(value).value_or(false)) sse_sqs_requested = true;
  }
  // Asking for SSE-SQS and SSE-KMS in one request is a contradiction AWS refuses.
  if (sse_sqs_requested && attributes.contains("KmsMasterKeyId") && !attributes.at("KmsMasterKeyId").empty())
    return {std::nullopt, make_error(SqsError::kInvalidAttributeValue, "SqsManagedSseEnabled")};
  if (next.fifo_throughput_limit == "perMessageGroupId" && next.deduplication_scope != "messageGroup")
    return {std::nullopt, make_error(SqsError::kInvalidAttributeValue, "FifoThroughputLimit")};
  return {std::move(next), std::nullopt};
}

std::optional<std::string> config_attribute(const QueueConfig& c, std::string_view name) {
  for (const IntRange& r : kIntAttributes) {
    if (r.name != name) continue;
    if (name == "KmsDataKeyReusePeriodSeconds" && c.kms_master_key_id.empty()) return std::nullopt;
    return std::to_string(c.*(r.field));
  }
  if (name == "Policy") return c.policy.empty() ? std::nullopt : std::optional<std::string>(c.policy);
  if (name == "RedrivePolicy")
    return c.redrive_policy ? std::optional<std::string>(redrive_policy_json(*c.redrive_policy)) : std::nullopt;
  if (name == "RedriveAllowPolicy")
    return c.redrive_allow_policy ? std::optional<std::string>(redrive_allow_policy_json(*c.redrive_allow_policy))
                                  : std::nullopt;
  if (name == "KmsMasterKeyId")
    return c.kms_master_key_id.empty() ? std::nullopt : std::optional<std::string>(c.kms_master_key_id);
  if (name == "SqsManagedSseEnabled") return c.sqs_managed_sse_enabled ? "true" : "false";
  if (!c.fifo) return std::nullopt;
  if (name == "FifoQueue") return "true";
  if (name == "ContentBasedDeduplication") return c.content_based_deduplication ? "true" : "false";
  if (name == "DeduplicationScope") return c.deduplication_scope;
  if (name == "FifoThroughputLimit") return c.fifo_throughput_limit;
  return std::nullopt;
}

std::string redrive_policy_json(const RedrivePolicy& policy) {
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  w.StartObject();
  w.Key("deadLetterTargetArn");
  w.String(policy.dead_letter_target_arn.c_str(), static_cast<rapidjson::SizeType>(policy.dead_letter_target_arn.size()));
  w.Key("maxReceiveCount");
  w.Int(policy.max_receive_count);
  w.EndObject();
  return std::string(buf.GetString(), buf.GetSize());
}

std::string redrive_allow_policy_json(const RedriveAllowPolicy& policy) {
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  w.StartObject();
  w.Key("redrivePermission");
  w.String(policy.permission.c_str(), static_cast<rapidjson::SizeType>(policy.permission.size()));
  if (policy.permission == "byQueue") {
    w.Key("sourceQueueArns");
    w.StartArray();
    for (const auto& arn : policy.source_queue_arns) w.String(arn.c_str(), static_cast<rapidjson::SizeType>(arn.size()));
    w.EndArray();
  }
  w.EndObject();
  return std::string(buf.GetString(), buf.GetSize());
}

}  // namespace rime::sqs
