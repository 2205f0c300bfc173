// What the SQS handlers share: wire <-> state conversions, attribute lookups, page tokens.
#include <algorithm>

#include "core/json.h"
#include "services/sqs/handlers/handlers.h"

namespace rime::sqs {
namespace {

constexpr std::string_view kSystemAttributeNames[] = {
    "SenderId", "SentTimestamp", "ApproximateReceiveCount", "ApproximateFirstReceiveTimestamp", "SequenceNumber",
    "MessageDeduplicationId", "MessageGroupId", "AWSTraceHeader", "DeadLetterQueueSourceArn"};

bool valid_attempt_id(std::string_view id) {
  if (id.empty() || id.size() > 128) return false;
  for (unsigned char c : id)
    if (c < 0x21 || c > 0x7e) return false;
  return true;
}

}  // namespace

std::string sender_id(const RequestContext& ctx) {
  if (ctx.credential && !ctx.credential->access_key.empty()) return ctx.credential->access_key;
  return ctx.account();
}

Result<NewMessage> new_message(const RequestContext& ctx, const std::string& body, std::optional<int> delay_seconds,
                               const std::optional<std::map<std::string, MessageAttributeValue>>& attributes,
                               const std::optional<std::map<std::string, MessageSystemAttributeValue>>& system,
                               const std::optional<std::string>& deduplication_id,
                               const std::optional<std::string>& group_id) {
  NewMessage m;
  m.body = body;
  m.delay_seconds = delay_seconds;
  if (attributes) {
    for (const auto& [name, value] : *attributes) {
      MessageAttribute a;
      a.data_type = value.data_type;
      if (a.is_binary()) a.binary_value = value.binary_value.value_or("");
      else a.string_value = value.string_value.value_or("");
      m.attributes.emplace(name, std::move(a));
    }
  }
  if (system) {
    // AWSTraceHeader is the only system attribute a sender may set, and it is a String.
    for (const auto& [name, value] : *system) {
      if (name != "AWSTraceHeader")
        return make_error(SqsError::kInvalidParameterValue, "Message system attribute name '" + name + "' is invalid.");
      if (value.data_type != "String")
        return make_error(SqsError::kInvalidParameterValue,
                          "Message system attribute 'AWSTraceHeader' must be of type String.");
      if (!value.string_value || value.string_value->empty())
        return make_error(SqsError::kInvalidParameterValue,
                          "The message system attribute 'AWSTraceHeader' must contain non-empty message attribute "
                          "value for message attribute type 'String'.");
      m.trace_header = *value.string_value;
    }
  }
  m.deduplication_id = deduplication_id.value_or("");
  m.group_id = group_id.value_or("");
  m.sender_id = sender_id(ctx);
  return m;
}

std::size_t message_size(const NewMessage& m) {
  std::size_t size = m.body.size();
  for (const auto& [name, a] : m.attributes) size += attribute_size(name, a);
  return size;
}

Result<ReceiveOptions> receive_options(const ReceiveMessageRequest& in) {
  ReceiveOptions o;
  o.max_messages = in.max_number_of_messages.value_or(1);
  if (o.max_messages < 1 || o.max_messages > 10)
    return invalid_parameter(std::to_string(o.max_messages), "MaxNumberOfMessages",
                             "Must be between 1 and 10, if provided.");
  if (in.visibility_timeout && (*in.visibility_timeout < 0 || *in.visibility_timeout > 43200))
    return invalid_parameter(std::to_string(*in.visibility_timeout), "VisibilityTimeout",
                             "Must be >= 0 and <= 43200, if provided.");
  o.visibility_timeout = in.visibility_timeout;
  if (in.wait_time_seconds && (*in.wait_time_seconds < 0 || *in.wait_time_seconds > 20))
    return invalid_parameter(std::to_string(*in.wait_time_seconds), "WaitTimeSeconds",
                             "Must be >= 0 and <= 20, if provided.");
  // AttributeNames (deprecated) and MessageSystemAttributeNames both name system attributes;
  // queue attribute names in the old list are not message attributes and select nothing.
  for (const auto* list : {&in.attribute_names, &in.message_system_attribute_names}) {
    if (!*list) continue;
    for (const auto& name : **list) {
      if (name == "All") o.all_system_attributes = true;
      else if (std::find(std::begin(kSystemAttributeNames), std::end(kSystemAttributeNames), name) !=
               std::end(kSystemAttributeNames))
        o.system_attributes.insert(name);
    }
  }
  if (in.message_attribute_names) {
    for (const auto& name : *in.message_attribute_names) {
      if (name == "All" || name == ".*") o.all_message_attributes = true;
      else if (name.size() > 2 && name.ends_with(".*")) o.message_attribute_prefixes.push_back(name.substr(0, name.size() - 1));
      else o.message_attribute_names.insert(name);
    }
  }
  if (in.receive_request_attempt_id) {
    if (!valid_attempt_id(*in.receive_request_attempt_id))
      return invalid_parameter(*in.receive_request_attempt_id, "ReceiveRequestAttemptId",
                               "ReceiveRequestAttemptId can only include alphanumeric and punctuation characters. 1 "
                               "to 128 in length.");
    o.receive_request_attempt_id = *in.receive_request_attempt_id;
  }
  return o;
}

ReceiveMessageResult receive_result(std::vector<ReceivedMessage> messages) {
  ReceiveMessageResult out;
  if (messages.empty()) return out;  // AWS omits the list when nothing arrived
  out.messages.emplace();
  out.messages->reserve(messages.size());
  for (auto& r : messages) {
    Message m;
    m.message_id = std::move(r.message_id);
    m.receipt_handle = std::move(r.receipt_handle);
    m.md5_of_body = std::move(r.md5_of_body);
    m.body = std::move(r.body);
    if (!r.system_attributes.empty()) m.attributes = std::move(r.system_attributes);
    if (!r.message_attributes.empty()) {
      m.md5_of_message_attributes = std::move(r.md5_of_message_attributes);
      auto& attributes = m.message_attributes.emplace();
      for (auto& [name, a] : r.message_attributes) {
        MessageAttributeValue v;
        v.data_type = a.data_type;
        if (a.is_binary()) v.binary_value = std::move(a.binary_value);
        else v.string_value = std::move(a.string_value);
        attributes.emplace(name, std::move(v));
      }
    }
    out.messages->push_back(std::move(m));
  }
  return out;
}

std::optional<std::string> queue_attribute(const Queue& q, std::string_view name) {
  if (name == "QueueArn") return q.arn;
  if (name == "ApproximateNumberOfMessages") return std::to_string(q.visible_count());
  if (name == "ApproximateNumberOfMessagesNotVisible") return std::to_string(q.in_flight_count);
  if (name == "ApproximateNumberOfMessagesDelayed") return std::to_string(q.delayed_count);
  if (name == "CreatedTimestamp") return std::to_string(q.created_ms / 1000);
  if (name == "LastModifiedTimestamp") return std::to_string(q.last_modified_ms / 1000);
  return config_attribute(q.config, name);
}

std::optional<AwsError> check_redrive_target(const SqsState& s, std::string_view source_arn, const QueueConfig& c) {
  if (!c.redrive_policy) return std::nullopt;
  const std::string raw = redrive_policy_json(*c.redrive_policy);
  const Queue* target = s.find_by_arn(c.redrive_policy->dead_letter_target_arn);
  if (!target) return invalid_parameter(raw, "RedrivePolicy", "Dead letter target does not exist.");
  if (target->config.fifo != c.fifo)
    return invalid_parameter(raw, "RedrivePolicy", "Dead-letter queue must be same type of queue as the source.");
  if (const auto& allow = target->config.redrive_allow_policy) {
    bool allowed = allow->permission == "allowAll" ||
                   (allow->permission == "byQueue" &&
                    std::find(allow->source_queue_arns.begin(), allow->source_queue_arns.end(), source_arn) !=
                        allow->source_queue_arns.end());
    if (!allowed)
      return invalid_parameter(raw, "RedrivePolicy",
                               "Queue " + target->arn + " does not allow " + std::string(source_arn) +
                                   " to use it as a dead-letter queue.");
  }
  return std::nullopt;
}

std::string page_token(std::string_view next_name) { return base64_encode("rime-sqs-page:" + std::string(next_name)); }

std::optional<std::string> read_page_token(std::string_view token) {
  auto decoded = base64_decode(token);
  constexpr std::string_view kPrefix = "rime-sqs-page:";
  if (!decoded || !decoded->starts_with(kPrefix)) return std::nullopt;
  return decoded->substr(kPrefix.size());
}

}  // namespace rime::sqs
