// SendMessage, ReceiveMessage (with long polling), DeleteMessage, ChangeMessageVisibility.
#include "services/sqs/handlers/handlers.h"

namespace rime::sqs {

Result<SendMessageResult> send_message(SqsBackend& b, RequestContext& ctx, const SendMessageRequest& in) {
  auto message = new_message(ctx, in.message_body, in.delay_seconds, in.message_attributes,
                             in.message_system_attributes, in.message_deduplication_id, in.message_group_id);
  if (!message) return message.error();
  return with_queue<SendMessageResult>(b, ctx, in.queue_url, [&](Mutation& m, Queue& q) -> Result<SendMessageResult> {
    if (auto error = check_new_message(q, *message)) return *error;
    SendOutcome sent = enqueue(q, std::move(*message), m.now);
    SendMessageResult out;
    out.message_id = std::move(sent.message_id);
    out.md5_of_message_body = std::move(sent.md5_of_body);
    if (!sent.md5_of_attributes.empty()) out.md5_of_message_attributes = std::move(sent.md5_of_attributes);
    if (!sent.md5_of_system_attributes.empty())
      out.md5_of_message_system_attributes = std::move(sent.md5_of_system_attributes);
    if (!sent.sequence_number.empty()) out.sequence_number = std::move(sent.sequence_number);
    return out;
  });
}

void receive_message(SqsBackend& b, RequestContext& ctx, const ReceiveMessageRequest& in,
                     Reply<ReceiveMessageResult> reply) {
  auto options = receive_options(in);
  if (!options) return reply(options.error());
  auto ref = parse_queue_url(in.queue_url, ctx);
  if (!ref) return reply(make_error(SqsError::kQueueDoesNotExist));

  // A short poll of a queue with nothing to give changes nothing: answered under the shared
  // lock, so idle pollers neither contend for the scope nor mark it changed for persistence.
  // (Checking under the shared lock first also keeps absent queues from creating scopes.)
  enum class First { kMissing, kNothing, kWrite };
  const Millis now = b.now();
  First first = b.state.read(ref->scope, [&](const SqsState& s) {
    const Queue* q = s.find(ref->name);
    if (!q) return First::kMissing;
    if (q->has_receivable() || !q->is_current(now)) return First::kWrite;
    if (q->config.fifo && in.receive_request_attempt_id) return First::kWrite;  // a retry may get its messages again
    if (in.wait_time_seconds.value_or(q->config.receive_message_wait_time_seconds) > 0 && b.scheduler)
      return First::kWrite;  // parks
    return First::kNothing;
  });
  if (first == First::kMissing) return reply(make_error(SqsError::kQueueDoesNotExist));
  if (first == First::kNothing) return reply(ReceiveMessageResult{});

  // Answered now (messages, no wait, an error) or parked: a send, a message becoming visible
  // or the deadline answers later, from another thread, without holding this one.
  std::optional<Result<ReceiveMessageResult>> answer;
  b.mutate(ref->scope, [&](Mutation& m) {
    Queue* q = m.state.find(ref->name);
    if (!q) {
      answer = make_error(SqsError::kQueueDoesNotExist);
      return;
    }
    m.touch(*q);
    const int wait = in.wait_time_seconds.value_or(q->config.receive_message_wait_time_seconds);
    auto got = receive(*q, *options, m.now, m.state, m.touched);
    if (!got.empty() || wait <= 0 || !b.scheduler) {
      answer = receive_result(std::move(got));
      return;
    }
    auto waiter = std::make_shared<Waiter>();
    waiter->options = std::move(*options);
    waiter->deliver = [reply](std::vector<ReceivedMessage> messages) { reply(receive_result(std::move(messages))); };
    m.park(*q, std::move(waiter), wait);
  });
  if (answer) reply(std::move(*answer));
}

Result<Unit> delete_message(SqsBackend& b, RequestContext& ctx, const DeleteMessageRequest& in) {
  return with_queue<Unit>(b, ctx, in.queue_url, [&](Mutation& m, Queue& q) -> Result<Unit> {
    if (auto error = sqs::delete_message(q, in.receipt_handle, m.now)) return *error;
    return Unit{};
  });
}

Result<Unit> change_message_visibility(SqsBackend& b, RequestContext& ctx, const ChangeMessageVisibilityRequest& in) {
  return with_queue<Unit>(b, ctx, in.queue_url, [&](Mutation& m, Queue& q) -> Result<Unit> {
    if (auto error = change_visibility(q, in.receipt_handle, in.visibility_timeout, m.now)) return *error;
    return Unit{};
  });
}

}  // namespace rime::sqs
