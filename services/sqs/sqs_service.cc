#include "services/sqs/sqs_service.h"

#include <set>

#include "services/sqs/errors.h"
#include "services/sqs/generated/sqs_model.h"
#include "services/sqs/handlers/handlers.h"
#include "services/sqs/urls.h"
#include "services/sqs/views.h"

namespace rime::sqs {

SqsService::SqsService(const ServiceEnv& env)
    : ModeledService(sqs_model(), make_invoker(handlers_)), backend_(std::make_shared<SqsBackend>()) {
  backend_->scheduler = env.scheduler;
  // SQS answers unknown attribute names itself (InvalidAttributeName), not with a ValidationError.
  mutable_validation().enums = false;
  // Each slot binds a handler to this service's backend; the backend outlives every request.
  auto bind = [this](auto handler) {
    return [this, handler](RequestContext& ctx, const auto& in) { return handler(*backend_, ctx, in); };
  };
  handlers_.create_queue = bind(create_queue);
  handlers_.delete_queue = bind(delete_queue);
  handlers_.get_queue_url = bind(get_queue_url);
  handlers_.list_queues = bind(list_queues);
  handlers_.get_queue_attributes = bind(get_queue_attributes);
  handlers_.set_queue_attributes = bind(set_queue_attributes);
  handlers_.purge_queue = bind(purge_queue);
  handlers_.list_dead_letter_source_queues = bind(list_dead_letter_source_queues);
  handlers_.add_permission = bind(add_permission);
  handlers_.remove_permission = bind(remove_permission);
  handlers_.tag_queue = bind(tag_queue);
  handlers_.untag_queue = bind(untag_queue);
  handlers_.list_queue_tags = bind(list_queue_tags);
  handlers_.send_message = bind(send_message);
  handlers_.delete_message = bind(static_cast<Result<Unit> (*)(SqsBackend&, RequestContext&, const DeleteMessageRequest&)>(
      delete_message));
  handlers_.change_message_visibility = bind(change_message_visibility);
  handlers_.send_message_batch = bind(send_message_batch);
  handlers_.delete_message_batch = bind(delete_message_batch);
  handlers_.change_message_visibility_batch = bind(change_message_visibility_batch);
  handlers_.start_message_move_task = bind(start_message_move_task);
  handlers_.cancel_message_move_task = bind(cancel_message_move_task);
  handlers_.list_message_move_tasks = bind(list_message_move_tasks);
  // ReceiveMessage may wait (long polling): it answers through its Reply.
  handlers_.receive_message_async = [this](RequestContext& ctx, const ReceiveMessageRequest& in,
                                           Reply<ReceiveMessageResult> reply) {
    receive_message(*backend_, ctx, in, std::move(reply));
  };
}

std::optional<AwsError> SqsService::deliver_to_queue(const std::string& queue_arn, QueueMessage message) {
  auto ref = parse_queue_arn(queue_arn);
  if (!ref || !backend_->queue_exists(ref->scope, ref->name)) return make_error(SqsError::kQueueDoesNotExist);
  NewMessage m;
  m.body = std::move(message.body);
  for (auto& [name, a] : message.attributes)
    m.attributes.emplace(name, MessageAttribute{std::move(a.data_type), std::move(a.string_value), std::move(a.binary_value)});
  m.group_id = std::move(message.message_group_id);
  m.deduplication_id = std::move(message.deduplication_id);
  m.sender_id = std::move(message.sender_id);
  return backend_->mutate(ref->scope, [&](Mutation& mu) -> std::optional<AwsError> {
    Queue* q = mu.state.find_by_arn(queue_arn);
    if (!q) return make_error(SqsError::kQueueDoesNotExist);
    if (auto error = check_new_message(*q, m)) return error;
    enqueue(*q, std::move(m), mu.now);
    mu.touch(*q);
    return std::nullopt;
  });
}

void SqsService::snapshot(const Scope& scope, JsonWriter& out, BlobMode) const {
  backend_->state.read(scope, [&](const SqsState& s) { write_view(s, out); });
}

std::optional<std::string> SqsService::validate(const rapidjson::Value& view) const {
  std::string error;
  if (!read_view(view, error)) return error;
  return std::nullopt;
}

void SqsService::restore(const Scope& scope, const rapidjson::Value& view) {
  std::string error;
  auto parsed = read_view(view, error);
  if (!parsed) return;  // validated before restore is called
  const Millis now = backend_->now();
  SqsState next;
  for (auto& q : parsed->queues) {
    std::string name = q.name;
    next.queues.emplace(std::move(name), build_queue(std::move(q), scope, now));
  }
  std::vector<std::function<void()>> deliveries;
  backend_->state.write(scope, [&](SqsState& s) {
    for (auto& [_, q] : s.queues)
      for (auto& deliver : drain_waiters(*q, backend_->scheduler.get())) deliveries.push_back(std::move(deliver));
    s = std::move(next);
  });
  for (auto& deliver : deliveries) deliver();
}

void SqsService::merge(const Scope& scope, const rapidjson::Value& view) {
  std::string error;
  auto parsed = read_view(view, error);
  if (!parsed) return;
  backend_->mutate(scope, [&](Mutation& m) {
    for (auto& incoming : parsed->queues) {
      auto it = m.state.queues.find(incoming.name);
      if (it == m.state.queues.end()) {
        std::string name = incoming.name;
        m.state.queues.emplace(std::move(name), build_queue(std::move(incoming), scope, m.now));
        continue;
      }
      Queue& q = *it->second;
      for (auto& [key, value] : incoming.tags) q.tags[key] = value;
      std::set<std::string> present;
      for (const auto& [_, message] : q.messages) present.insert(message.message_id);
      for (auto& message : incoming.messages)
        if (!present.contains(message.message_id)) add_message(q, std::move(message), m.now);
      m.touch(q);
    }
  });
}

void SqsService::reset(const Scope& scope) {
  std::vector<std::function<void()>> deliveries;
  backend_->state.read(scope, [&](const SqsState& s) {
    for (const auto& [_, q] : s.queues)
      for (auto& deliver : drain_waiters(*q, backend_->scheduler.get())) deliveries.push_back(std::move(deliver));
  });
  backend_->state.erase(scope);
  for (auto& deliver : deliveries) deliver();
}

std::shared_ptr<SqsService> make_sqs_service(const ServiceEnv& env) { return std::make_shared<SqsService>(env); }

}  // namespace rime::sqs
