// The stable snapshot format of one scope's SQS state (admin API, --data-dir), apart from the
// runtime structures so that indexes, receipt handles and waiters never reach the saved form.
//
//   {"queues": [{"name", "created" (epoch ms), "lastModified", "lastPurge" (0: never),
//                "attributes": {settable attribute: string value, as SetQueueAttributes takes},
//                "tags": {key: value},
//                "messages": [{"messageId", "body", "senderId", "sentTimestamp" (epoch ms),
//                              "receiveCount", "firstReceiveTimestamp" (0: never),
//                              "delayedUntil" (epoch ms, only while a delay runs),
//                              "groupId", "deduplicationId", "traceHeader",
//                              "deadLetterSourceArn" (optional strings),
//                              "attributes": {name: {"dataType", "stringValue" | "binaryValue" (base64)}}}]}]}
//
// Messages are listed in arrival order. In-flight messages are saved as visible (a receipt
// handle does not outlive the process that issued it); FIFO deduplication ids and move tasks
// are not saved.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <rapidjson/document.h>

#include "core/mock_service.h"
#include "services/sqs/state.h"

namespace rime::sqs {

struct MessageView {
  std::string message_id, body, sender_id, group_id, deduplication_id, dead_letter_source_arn;
  std::optional<std::string> trace_header;
  Millis sent_ms = 0, first_receive_ms = 0, delayed_until_ms = 0;
  std::int32_t receive_count = 0;
  MessageAttributes attributes;
};

struct QueueView {
  std::string name;
  Millis created_ms = 0, last_modified_ms = 0, last_purge_ms = 0;
  QueueConfig config;
  std::map<std::string, std::string> tags;
  std::vector<MessageView> messages;
};

struct ScopeView {
  std::vector<QueueView> queues;
};

void write_view(const SqsState& state, JsonWriter& out);
/// Parses and checks a view; nullopt and the reason in `error` when it is not valid.
std::optional<ScopeView> read_view(const rapidjson::Value& view, std::string& error);

/// A live queue of `scope` built from its view (messages due by `now` are visible).
std::shared_ptr<Queue> build_queue(QueueView view, const Scope& scope, Millis now);
/// Adds `m` to `q` (merge): visible, or delayed while its delay runs.
void add_message(Queue& q, MessageView m, Millis now);

}  // namespace rime::sqs
