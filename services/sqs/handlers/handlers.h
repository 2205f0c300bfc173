// SQS handlers: typed input -> typed output or AwsError, by family:
//   queues.cc       CreateQueue, DeleteQueue, GetQueueUrl, ListQueues, Get/SetQueueAttributes,
//                   PurgeQueue, ListDeadLetterSourceQueues
//   access.cc       AddPermission, RemovePermission, TagQueue, UntagQueue, ListQueueTags
//   messages.cc     SendMessage, ReceiveMessage (long polling), DeleteMessage,
//                   ChangeMessageVisibility
//   batches.cc      SendMessageBatch, DeleteMessageBatch, ChangeMessageVisibilityBatch
//   move_tasks.cc   StartMessageMoveTask, CancelMessageMoveTask, ListMessageMoveTasks
//   convert.cc      what they share: wire <-> state conversions, queue lookup
#pragma once

#include <string_view>

#include "core/request_context.h"
#include "services/common/modeled_service.h"
#include "services/common/result.h"
#include "services/sqs/errors.h"
#include "services/sqs/generated/sqs_types.h"
#include "services/sqs/state.h"
#include "services/sqs/urls.h"

namespace rime::sqs {

// queues.cc
Result<CreateQueueResult> create_queue(SqsBackend& b, RequestContext& ctx, const CreateQueueRequest& in);
Result<Unit> delete_queue(SqsBackend& b, RequestContext& ctx, const DeleteQueueRequest& in);
Result<GetQueueUrlResult> get_queue_url(SqsBackend& b, RequestContext& ctx, const GetQueueUrlRequest& in);
Result<ListQueuesResult> list_queues(SqsBackend& b, RequestContext& ctx, const ListQueuesRequest& in);
Result<GetQueueAttributesResult> get_queue_attributes(SqsBackend& b, RequestContext& ctx,
                                                      const GetQueueAttributesRequest& in);
Result<Unit> set_queue_attributes(SqsBackend& b, RequestContext& ctx, const SetQueueAttributesRequest& in);
Result<Unit> purge_queue(SqsBackend& b, RequestContext& ctx, const PurgeQueueRequest& in);
Result<ListDeadLetterSourceQueuesResult> list_dead_letter_source_queues(SqsBackend& b, RequestContext& ctx,
                                                                        const ListDeadLetterSourceQueuesRequest& in);

// access.cc
Result<Unit> add_permission(SqsBackend& b, RequestContext& ctx, const AddPermissionRequest& in);
Result<Unit> remove_permission(SqsBackend& b, RequestContext& ctx, const RemovePermissionRequest& in);
Result<Unit> tag_queue(SqsBackend& b, RequestContext& ctx, const TagQueueRequest& in);
Result<Unit> untag_queue(SqsBackend& b, RequestContext& ctx, const UntagQueueRequest& in);
Result<ListQueueTagsResult> list_queue_tags(SqsBackend& b, RequestContext& ctx, const ListQueueTagsRequest& in);

// messages.cc
Result<SendMessageResult> send_message(SqsBackend& b, RequestContext& ctx, const SendMessageRequest& in);
void receive_message(SqsBackend& b, RequestContext& ctx, const ReceiveMessageRequest& in,
                     Reply<ReceiveMessageResult> reply);
Result<Unit> delete_message(SqsBackend& b, RequestContext& ctx, const DeleteMessageRequest& in);
Result<Unit> change_message_visibility(SqsBackend& b, RequestContext& ctx, const ChangeMessageVisibilityRequest& in);

// batches.cc
Result<SendMessageBatchResult> send_message_batch(SqsBackend& b, RequestContext& ctx, const SendMessageBatchRequest& in);
Result<DeleteMessageBatchResult> delete_message_batch(SqsBackend& b, RequestContext& ctx,
                                                      const DeleteMessageBatchRequest& in);
Result<ChangeMessageVisibilityBatchResult> change_message_visibility_batch(
    SqsBackend& b, RequestContext& ctx, const ChangeMessageVisibilityBatchRequest& in);

// move_tasks.cc
Result<StartMessageMoveTaskResult> start_message_move_task(SqsBackend& b, RequestContext& ctx,
                                                           const StartMessageMoveTaskRequest& in);
Result<CancelMessageMoveTaskResult> cancel_message_move_task(SqsBackend& b, RequestContext& ctx,
                                                             const CancelMessageMoveTaskRequest& in);
Result<ListMessageMoveTasksResult> list_message_move_tasks(SqsBackend& b, RequestContext& ctx,
                                                           const ListMessageMoveTasksRequest& in);

// convert.cc: shared by the handlers.

/// Runs `fn(Mutation&, Queue&)` on the queue `url` names, under its scope's write lock;
/// QueueDoesNotExist when there is none. The queue is touched (long polls get served).
template <class Out, class Fn>
Result<Out> with_queue(SqsBackend& b, const RequestContext& ctx, std::string_view url, Fn&& fn) {
  auto ref = parse_queue_url(url, ctx);
  if (!ref || !b.queue_exists(ref->scope, ref->name)) return make_error(SqsError::kQueueDoesNotExist);
  return b.mutate(ref->scope, [&](Mutation& m) -> Result<Out> {
    Queue* q = m.state.find(ref->name);
    if (!q) return make_error(SqsError::kQueueDoesNotExist);
    m.touch(*q);
    return fn(m, *q);
  });
}

/// The SenderId of messages this caller sends: its access key, else its account.
std::string sender_id(const RequestContext& ctx);

/// A SendMessage(-BatchEntry)'s fields as a NewMessage; the error AWS gives for malformed
/// message or system attributes.
Result<NewMessage> new_message(const RequestContext& ctx, const std::string& body, std::optional<int> delay_seconds,
                               const std::optional<std::map<std::string, MessageAttributeValue>>& attributes,
                               const std::optional<std::map<std::string, MessageSystemAttributeValue>>& system,
                               const std::optional<std::string>& deduplication_id,
                               const std::optional<std::string>& group_id);

/// The bytes a message counts towards the batch limit (body and attributes).
std::size_t message_size(const NewMessage& m);

/// ReceiveMessage's parameters checked and resolved (names, `All`, `prefix.*`).
Result<ReceiveOptions> receive_options(const ReceiveMessageRequest& in);
/// Received messages in the wire shape.
ReceiveMessageResult receive_result(std::vector<ReceivedMessage> messages);

/// A queue's attribute as GetQueueAttributes reports it; nullopt when the queue has none.
std::optional<std::string> queue_attribute(const Queue& q, std::string_view name);
/// The dead-letter queue a queue's RedrivePolicy names must exist in its scope, be of the
/// same type and allow it (RedriveAllowPolicy).
std::optional<AwsError> check_redrive_target(const SqsState& s, std::string_view source_arn, const QueueConfig& c);

/// Opaque pagination tokens for ListQueues / ListDeadLetterSourceQueues: the name to start at.
std::string page_token(std::string_view next_name);
std::optional<std::string> read_page_token(std::string_view token);

}  // namespace rime::sqs
