// CreateQueue, DeleteQueue, GetQueueUrl, ListQueues, GetQueueAttributes, SetQueueAttributes,
// PurgeQueue, ListDeadLetterSourceQueues.
#include <algorithm>

#include "services/sqs/handlers/handlers.h"

namespace rime::sqs {
namespace {

constexpr Millis kPurgeIntervalMs = 60 * 1000;
constexpr int kMaxTags = 50;

/// A setting's value for CreateQueue's "same attributes?" comparison (present or not).
std::string setting(const QueueConfig& c, std::string_view name) {
  if (name == "KmsDataKeyReusePeriodSeconds") return std::to_string(c.kms_data_key_reuse_period_seconds);
  if (name == "FifoQueue") return c.fifo ? "true" : "false";
  return config_attribute(c, name).value_or("");
}

std::optional<AwsError> check_tags(const std::map<std::string, std::string>& tags, std::string_view queue_name) {
  if (tags.size() > kMaxTags)
    return make_error(SqsError::kInvalidParameterValue, "Too many tags added for queue " + std::string(queue_name) + ".");
  for (const auto& [key, value] : tags) {
    if (key.empty() || key.size() > 128)
      return make_error(SqsError::kInvalidParameterValue, "Tag keys must be between 1 and 128 characters in length.");
    if (value.size() > 256)
      return make_error(SqsError::kInvalidParameterValue, "Tag values must be between 0 and 256 characters in length.");
  }
  return std::nullopt;
}

Result<int> page_size(const std::optional<std::int32_t>& max_results) {
  if (!max_results) return 1000;
  if (*max_results < 1 || *max_results > 1000)
    return invalid_parameter(std::to_string(*max_results), "MaxResults",
                             "MaxResults must be an integer between 1 and 1000.");
  return *max_results;
}

}  // namespace

Result<CreateQueueResult> create_queue(SqsBackend& b, RequestContext& ctx, const CreateQueueRequest& in) {
  static const std::map<std::string, std::string> kNone;
  const auto& attributes = in.attributes ? *in.attributes : kNone;
  auto change = apply_attributes(QueueConfig{}, attributes, true);
  if (change.error) return *change.error;
  QueueConfig config = std::move(*change.config);
  if (!valid_queue_name(in.queue_name, config.fifo))
    return make_error(SqsError::kInvalidParameterValue,
                      config.fifo ? "The name of a FIFO queue can only include alphanumeric characters, hyphens, or "
                                    "underscores, must end with .fifo suffix and be 1 to 80 in length."
                                  : "Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in "
                                    "length");
  if (in.tags)
    if (auto error = check_tags(*in.tags, in.queue_name)) return *error;

  const Scope& scope = ctx.scope;
  return b.mutate(scope, [&](Mutation& m) -> Result<CreateQueueResult> {
    CreateQueueResult out;
    out.queue_url = queue_url(ctx, scope, in.queue_name);
    if (Queue* existing = m.state.find(in.queue_name)) {
      // Same name: fine when every attribute given matches the queue's (tags do not count).
      for (const auto& [name, _] : attributes)
        if (setting(existing->config, name) != setting(config, name))
          return make_error(SqsError::kQueueNameExists, name);
      return out;
    }
    auto q = std::make_shared<Queue>(in.queue_name, scope, std::move(config), m.now);
    if (auto error = check_redrive_target(m.state, q->arn, q->config)) return *error;
    if (in.tags) q->tags = *in.tags;
    m.state.queues.emplace(in.queue_name, std::move(q));
    return out;
  });
}

Result<Unit> delete_queue(SqsBackend& b, RequestContext& ctx, const DeleteQueueRequest& in) {
  auto ref = parse_queue_url(in.queue_url, ctx);
  if (!ref || !b.queue_exists(ref->scope, ref->name)) return make_error(SqsError::kQueueDoesNotExist);
  return b.mutate(ref->scope, [&](Mutation& m) -> Result<Unit> {
    auto it = m.state.queues.find(ref->name);
    if (it == m.state.queues.end()) return make_error(SqsError::kQueueDoesNotExist);
    // Receivers still waiting on the queue get an empty answer rather than none.
    for (auto& deliver : drain_waiters(*it->second, b.scheduler.get())) m.outbox.push_back(std::move(deliver));
    m.state.queues.erase(it);
    return Unit{};
  });
}

Result<GetQueueUrlResult> get_queue_url(SqsBackend& b, RequestContext& ctx, const GetQueueUrlRequest& in) {
  Scope scope = ctx.scope;
  if (in.queue_owner_aws_account_id && !in.queue_owner_aws_account_id->empty()) {
    if (!is_account_id(*in.queue_owner_aws_account_id)) return make_error(SqsError::kQueueDoesNotExist);
    scope.account = *in.queue_owner_aws_account_id;
  }
  if (!b.queue_exists(scope, in.queue_name)) return make_error(SqsError::kQueueDoesNotExist);
  GetQueueUrlResult out;
  out.queue_url = queue_url(ctx, scope, in.queue_name);
  return out;
}

Result<ListQueuesResult> list_queues(SqsBackend& b, RequestContext& ctx, const ListQueuesRequest& in) {
  auto size = page_size(in.max_results);
  if (!size) return size.error();
  const std::string prefix = in.queue_name_prefix.value_or("");
  std::string start = prefix;
  if (in.next_token && !in.next_token->empty()) {
    auto token = read_page_token(*in.next_token);
    if (!token) return make_error(SqsError::kInvalidParameterValue, "Invalid NextToken value.");
    start = std::max(start, *token);
  }
  return b.state.read(ctx.scope, [&](const SqsState& s) {
    ListQueuesResult out;
    std::vector<std::string> urls;
    for (auto it = s.queues.lower_bound(start); it != s.queues.end() && it->first.starts_with(prefix); ++it) {
      if (urls.size() == static_cast<std::size_t>(*size)) {
        // Only a caller that set MaxResults pages; the others get the first 1,000.
        if (in.max_results) out.next_token = page_token(it->first);
        break;
      }
      urls.push_back(queue_url(ctx, ctx.scope, it->first));
    }
    if (!urls.empty()) out.queue_urls = std::move(urls);
    return out;
  });
}

Result<GetQueueAttributesResult> get_queue_attributes(SqsBackend& b, RequestContext& ctx,
                                                      const GetQueueAttributesRequest& in) {
  std::vector<std::string_view> names;
  if (in.attribute_names) {
    for (const auto& name : *in.attribute_names) {
      if (name == "All") {
        names = all_queue_attribute_names();
        break;
      }
      if (!is_known_queue_attribute(name)) return make_error(SqsError::kInvalidAttributeName, name);
      names.push_back(name);
    }
  }
  auto ref = parse_queue_url(in.queue_url, ctx);
  if (!ref) return make_error(SqsError::kQueueDoesNotExist);
  auto render = [&](const Queue& q) {
    GetQueueAttributesResult out;
    std::map<std::string, std::string> attributes;
    for (std::string_view name : names)
      if (auto value = queue_attribute(q, name)) attributes.emplace(name, std::move(*value));
    if (!attributes.empty()) out.attributes = std::move(attributes);
    return out;
  };
  // The counters need the queue brought up to now; a read lock does when nothing is due.
  const Millis now = b.now();
  std::optional<Result<GetQueueAttributesResult>> answered = b.state.read(
      ref->scope, [&](const SqsState& s) -> std::optional<Result<GetQueueAttributesResult>> {
        const Queue* q = s.find(ref->name);
        if (!q) return Result<GetQueueAttributesResult>(make_error(SqsError::kQueueDoesNotExist));
        if (!q->is_current(now)) return std::nullopt;
        return Result<GetQueueAttributesResult>(render(*q));
      });
  if (answered) return std::move(*answered);
  return with_queue<GetQueueAttributesResult>(b, ctx, in.queue_url, [&](Mutation& m, Queue& q) {
    advance(q, m.now);
    return render(q);
  });
}

Result<Unit> set_queue_attributes(SqsBackend& b, RequestContext& ctx, const SetQueueAttributesRequest& in) {
  return with_queue<Unit>(b, ctx, in.queue_url, [&](Mutation& m, Queue& q) -> Result<Unit> {
    auto change = apply_attributes(q.config, in.attributes, false);
    if (change.error) return *change.error;
    if (in.attributes.contains("RedrivePolicy"))
      if (auto error = check_redrive_target(m.state, q.arn, *change.config)) return *error;
    q.config = std::move(*change.config);
    q.last_modified_ms = m.now;
    advance(q, m.now);  // a shorter retention period drops what it no longer covers
    return Unit{};
  });
}

Result<Unit> purge_queue(SqsBackend& b, RequestContext& ctx, const PurgeQueueRequest& in) {
  return with_queue<Unit>(b, ctx, in.queue_url, [&](Mutation& m, Queue& q) -> Result<Unit> {
    // AWS allows one purge per queue every 60 seconds.
    if (q.last_purge_ms && m.now - q.last_purge_ms < kPurgeIntervalMs)
      return make_error(SqsError::kPurgeQueueInProgress, q.name);
    purge(q);
    q.last_purge_ms = m.now;
    return Unit{};
  });
}

Result<ListDeadLetterSourceQueuesResult> list_dead_letter_source_queues(SqsBackend& b, RequestContext& ctx,
                                                                        const ListDeadLetterSourceQueuesRequest& in) {
  auto size = page_size(in.max_results);
  if (!size) return size.error();
  std::string start;
  if (in.next_token && !in.next_token->empty()) {
    auto token = read_page_token(*in.next_token);
    if (!token) return make_error(SqsError::kInvalidParameterValue, "Invalid NextToken value.");
    start = *token;
  }
  auto ref = parse_queue_url(in.queue_url, ctx);
  if (!ref) return make_error(SqsError::kQueueDoesNotExist);
  return b.state.read(ref->scope, [&](const SqsState& s) -> Result<ListDeadLetterSourceQueuesResult> {
    const Queue* dlq = s.find(ref->name);
    if (!dlq) return make_error(SqsError::kQueueDoesNotExist);
    ListDeadLetterSourceQueuesResult out;
    for (auto it = s.queues.lower_bound(start); it != s.queues.end(); ++it) {
      const auto& policy = it->second->config.redrive_policy;
      if (!policy || policy->dead_letter_target_arn != dlq->arn) continue;
      if (out.queue_urls.size() == static_cast<std::size_t>(*size)) {
        if (in.max_results) out.next_token = page_token(it->first);
        break;
      }
      out.queue_urls.push_back(queue_url(ctx, ref->scope, it->first));
    }
    return out;
  });
}

}  // namespace rime::sqs
