// QueueDelivery: SQS's public interface for other services (SNS subscriptions, later S3 and
// EventBridge notifications). Callers find the "sqs" service through ServiceEnv::find_service
// and dynamic_cast it to this; they never touch SQS's state or locks.
#pragma once

#include <map>
#include <optional>
#include <string>

#include "core/aws_error.h"

namespace rime {

struct QueueMessageAttribute {
  std::string data_type;     // "String", "Number", "Binary", optionally with ".custom" suffix
  std::string string_value;  // String and Number types
  std::string binary_value;  // raw bytes, Binary types
};

struct QueueMessage {
  std::string body;
  std::map<std::string, QueueMessageAttribute> attributes;
  std::string message_group_id;   // FIFO queues
  std::string deduplication_id;   // FIFO queues
  std::string sender_id;          // SenderId system attribute (the sending service's principal)
};

class QueueDelivery {
 public:
  virtual ~QueueDelivery() = default;
  /// Enqueues `message` into the queue named by `queue_arn` (any account/region of this
  /// server), as SendMessage would; the error when the queue does not exist or refuses it.
  virtual std::optional<AwsError> deliver_to_queue(const std::string& queue_arn, QueueMessage message) = 0;
};

}  // namespace rime
