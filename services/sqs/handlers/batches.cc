// SendMessageBatch, DeleteMessageBatch, ChangeMessageVisibilityBatch: up to 10 entries with
// distinct ids of 1-80 [A-Za-z0-9_-]; a malformed batch fails as a whole, each well-formed
// entry succeeds or fails on its own (reported in Failed with SenderFault).
#include <algorithm>
#include <set>

#include "services/sqs/handlers/handlers.h"

namespace rime::sqs {
namespace {

constexpr std::size_t kMaxEntries = 10;
constexpr std::size_t kMaxBatchBytes = 1048576;  // the sum of the bodies and attributes

bool valid_entry_id(std::string_view id) {
  if (id.empty() || id.size() > 80) return false;
  return std::all_of(id.begin(), id.end(), [](unsigned char c) { return std::isalnum(c) || c == '-' || c == '_'; });
}

/// The request-level checks every batch shares, in AWS's order.
template <class Entry>
std::optional<AwsError> check_batch(const std::vector<Entry>& entries, std::string_view operation) {
  if (entries.empty()) return make_error(SqsError::kEmptyBatchRequest, operation);
  if (entries.size() > kMaxEntries)
    return make_error(SqsError::kTooManyEntriesInBatchRequest, std::to_string(entries.size()));
  std::set<std::string_view> seen;
  for (const auto& e : entries) {
    if (!valid_entry_id(e.id)) return make_error(SqsError::kInvalidBatchEntryId);
    if (!seen.insert(e.id).second) return make_error(SqsError::kBatchEntryIdsNotDistinct, e.id);
  }
  return std::nullopt;
}

BatchResultErrorEntry failed_entry(const std::string& id, const AwsError& error) {
  BatchResultErrorEntry f;
  f.id = id;
  f.sender_fault = error.sender_fault;
  f.code = error.code;
  f.message = error.message;
  return f;
}

}  // namespace

Result<SendMessageBatchResult> send_message_batch(SqsBackend& b, RequestContext& ctx, const SendMessageBatchRequest& in) {
  if (auto error = check_batch(in.entries, "SendMessageBatch")) return *error;
  // Convert first: the size limit is on the whole batch, before any entry is looked at.
  std::vector<Result<NewMessage>> messages;
  std::size_t total = 0;
  for (const auto& e : in.entries) {
    messages.push_back(new_message(ctx, e.message_body, e.delay_seconds, e.message_attributes,
                                   e.message_system_attributes, e.message_deduplication_id, e.message_group_id));
    total += messages.back() ? message_size(*messages.back()) : e.message_body.size();
  }
  if (total > kMaxBatchBytes) return make_error(SqsError::kBatchRequestTooLong, std::to_string(total));

  return with_queue<SendMessageBatchResult>(b, ctx, in.queue_url, [&](Mutation& m, Queue& q) {
    SendMessageBatchResult out;
    // Entries are enqueued in request order: within a FIFO group, that is their order.
    for (std::size_t i = 0; i < in.entries.size(); ++i) {
      const std::string& id = in.entries[i].id;
      if (!messages[i]) {
        out.failed.push_back(failed_entry(id, messages[i].error()));
        continue;
      }
      if (auto error = check_new_message(q, *messages[i])) {
        out.failed.push_back(failed_entry(id, *error));
        continue;
      }
      SendOutcome sent = enqueue(q, std::move(*messages[i]), m.now);
      SendMessageBatchResultEntry ok;
      ok.id = id;
      ok.message_id = std::move(sent.message_id);
      ok.md5_of_message_body = std::move(sent.md5_of_body);
      if (!sent.md5_of_attributes.empty()) ok.md5_of_message_attributes = std::move(sent.md5_of_attributes);
      if (!sent.md5_of_system_attributes.empty())
        ok.md5_of_message_system_attributes = std::move(sent.md5_of_system_attributes);
      if (!sent.sequence_number.empty()) ok.sequence_number = std::move(sent.sequence_number);
      out.successful.push_back(std::move(ok));
    }
    return out;
  });
}

Result<DeleteMessageBatchResult> delete_message_batch(SqsBackend& b, RequestContext& ctx,
                                                      const DeleteMessageBatchRequest& in) {
  if (auto error = check_batch(in.entries, "DeleteMessageBatch")) return *error;
  return with_queue<DeleteMessageBatchResult>(b, ctx, in.queue_url, [&](Mutation& m, Queue& q) {
    DeleteMessageBatchResult out;
    for (const auto& e : in.entries) {
      if (auto error = delete_message(q, e.receipt_handle, m.now)) out.failed.push_back(failed_entry(e.id, *error));
      else out.successful.push_back(DeleteMessageBatchResultEntry{e.id});
    }
    return out;
  });
}

Result<ChangeMessageVisibilityBatchResult> change_message_visibility_batch(
    SqsBackend& b, RequestContext& ctx, const ChangeMessageVisibilityBatchRequest& in) {
  if (auto error = check_batch(in.entries, "ChangeMessageVisibilityBatch")) return *error;
  return with_queue<ChangeMessageVisibilityBatchResult>(b, ctx, in.queue_url, [&](Mutation& m, Queue& q) {
    ChangeMessageVisibilityBatchResult out;
    for (const auto& e : in.entries) {
      std::optional<AwsError> error;
      if (!e.visibility_timeout) error = make_error(SqsError::kMissingParameter, "VisibilityTimeout");
      else error = change_visibility(q, e.receipt_handle, *e.visibility_timeout, m.now);
      if (error) out.failed.push_back(failed_entry(e.id, *error));
      else out.successful.push_back(ChangeMessageVisibilityBatchResultEntry{e.id});
    }
    return out;
  });
}

}  // namespace rime::sqs
