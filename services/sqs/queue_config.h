// A queue's settable attributes (CreateQueue, SetQueueAttributes): their defaults, AWS's
// validation ranges and their string forms. Limits follow the SQS API Reference
// (CreateQueue/SetQueueAttributes): DelaySeconds 0-900, MaximumMessageSize 1,024-1,048,576
// (default 1 MiB), MessageRetentionPeriod 60-1,209,600, ReceiveMessageWaitTimeSeconds 0-20,
// VisibilityTimeout 0-43,200, KmsDataKeyReusePeriodSeconds 60-86,400, maxReceiveCount 1-1,000.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/aws_error.h"

namespace rime::sqs {

struct RedrivePolicy {
  std::string dead_letter_target_arn;
  int max_receive_count = 10;
  bool operator==(const RedrivePolicy&) const = default;
};

/// Which source queues may name this queue as their dead-letter queue.
struct RedriveAllowPolicy {
  std::string permission = "allowAll";  // allowAll | denyAll | byQueue
  std::vector<std::string> source_queue_arns;  // byQueue only
  bool operator==(const RedriveAllowPolicy&) const = default;
};

struct QueueConfig {
  int delay_seconds = 0;
  int maximum_message_size = 1048576;
  int message_retention_period = 345600;
  int receive_message_wait_time_seconds = 0;
  int visibility_timeout = 30;
  std::string policy;  // empty: none
  std::optional<RedrivePolicy> redrive_policy;
  std::optional<RedriveAllowPolicy> redrive_allow_policy;
  std::string kms_master_key_id;  // empty: no SSE-KMS
  int kms_data_key_reuse_period_seconds = 300;
  // New queues get SSE-SQS unless they ask for SSE-KMS (AWS's default since 2022).
  bool sqs_managed_sse_enabled = true;
  bool fifo = false;
  bool content_based_deduplication = false;
  std::string deduplication_scope = "queue";          // queue | messageGroup
  std::string fifo_throughput_limit = "perQueue";     // perQueue | perMessageGroupId

  bool operator==(const QueueConfig&) const = default;
};

/// Every attribute name GetQueueAttributes knows, settable or not, in AWS's order.
const std::vector<std::string_view>& all_queue_attribute_names();
bool is_known_queue_attribute(std::string_view name);

/// Applies `attributes` to a copy of `config` and returns it, or the error AWS gives for the
/// first invalid one (InvalidAttributeName for names that are unknown, read-only or for the
/// other queue type; InvalidAttributeValue / InvalidParameterValue for values). `creating`
/// allows FifoQueue. Nothing is changed on error.
struct ConfigChange {
  std::optional<QueueConfig> config;
  std::optional<AwsError> error;
};
ConfigChange apply_attributes(const QueueConfig& config, const std::map<std::string, std::string>& attributes,
                              bool creating);

/// The string form GetQueueAttributes returns for a settable attribute; nullopt when the queue
/// does not report it (an unset Policy, FIFO attributes of a standard queue, ...).
std::optional<std::string> config_attribute(const QueueConfig& config, std::string_view name);

/// JSON forms as AWS returns them: {"deadLetterTargetArn":"..","maxReceiveCount":5} and
/// {"redrivePermission":"byQueue","sourceQueueArns":[..]}.
std::string redrive_policy_json(const RedrivePolicy& policy);
std::string redrive_allow_policy_json(const RedriveAllowPolicy& policy);

}  // namespace rime::sqs
