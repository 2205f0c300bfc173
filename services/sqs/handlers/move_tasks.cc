// StartMessageMoveTask, CancelMessageMoveTask, ListMessageMoveTasks: redrive from a dead-letter
// queue back to each message's source queue (DeadLetterQueueSourceArn) or to one destination.
// A task moves what was receivable when it started, at MaxNumberOfMessagesPerSecond per second
// when given (one scheduler tick a second), else all at once on its first tick.
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "core/ids.h"
#include "core/json.h"
#include "services/sqs/handlers/handlers.h"

namespace rime::sqs {
namespace {

constexpr std::size_t kKeptTasks = 10;  // ListMessageMoveTasks shows at most the 10 most recent

AwsError source_not_found() {
  return make_error(SqsError::kResourceNotFound,
                    "The resource that you specified for the SourceArn parameter doesn't exist.");
}

AwsError task_not_found() { return make_error(SqsError::kResourceNotFound, "Task does not exist."); }

/// AWS's task handles are base64 of a small JSON document naming the task and its source.
std::string make_task_handle(const std::string& task_id, const std::string& source_arn) {
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  w.StartObject();
  w.Key("taskId");
  w.String(task_id.c_str(), static_cast<rapidjson::SizeType>(task_id.size()));
  w.Key("sourceArn");
  w.String(source_arn.c_str(), static_cast<rapidjson::SizeType>(source_arn.size()));
  w.EndObject();
  return base64_encode(std::string_view(buf.GetString(), buf.GetSize()));
}

std::optional<std::string> task_source_arn(std::string_view handle) {
  auto decoded = base64_decode(handle);
  rapidjson::Document doc;
  std::string error;
  if (!decoded || !parse_json(*decoded, doc, error)) return std::nullopt;
  const rapidjson::Value* source = json_member(doc, "sourceArn");
  if (!source || !source->IsString() || !json_member(doc, "taskId")) return std::nullopt;
  return std::string(source->GetString());
}

bool is_dead_letter_queue(const SqsState& s, const Queue& q) {
  for (const auto& [_, other] : s.queues)
    if (other->config.redrive_policy && other->config.redrive_policy->dead_letter_target_arn == q.arn) return true;
  return false;
}

MoveTask* find_task(Queue& q, std::string_view handle) {
  for (auto& task : q.move_tasks)
    if (task.task_handle == handle) return &task;
  return nullptr;
}

/// Moves up to `n` receivable messages of `source`. A message moved back to its source starts
/// afresh there: its receive count is reset, or it would return to the DLQ on its next receive.
void move_some(Mutation& m, Queue& source, MoveTask& task, std::size_t n) {
  auto taken = take_receivable(source, n, m.now);
  for (std::size_t i = 0; i < taken.size(); ++i) {
    StoredMessage& msg = taken[i];
    std::string target = task.destination_arn;
    if (target.empty() && msg.extras) target = msg.extras->dead_letter_source_arn;
    Queue* destination = target.empty() ? nullptr : m.state.find_by_arn(target);
    if (!destination || destination == &source) {
      std::vector<StoredMessage> rest(std::make_move_iterator(taken.begin() + static_cast<std::ptrdiff_t>(i)),
                                      std::make_move_iterator(taken.end()));
      put_back(source, std::move(rest), m.now);
      task.status = "FAILED";
      task.failure_reason = "AWS.SimpleQueueService.NonExistentQueue";
      return;
    }
    msg.receive_count = 0;
    msg.first_receive_ms = 0;
    msg.received_ms = 0;
    if (msg.extras) msg.extras->dead_letter_source_arn.clear();
    insert_moved(*destination, std::move(msg), m.now);
    m.touch(*destination);
    ++task.moved;
  }
}

/// One step of a running task; true when it has more to do.
bool step(Mutation& m, Queue& q, MoveTask& task) {
  if (task.status != "RUNNING") return false;
  m.touch(q);
  std::int64_t remaining = task.to_move - task.moved;
  std::int64_t n = task.max_per_second ? std::min<std::int64_t>(*task.max_per_second, remaining) : remaining;
  if (n > 0) move_some(m, q, task, static_cast<std::size_t>(n));
  if (task.status != "RUNNING") return false;
  if (task.moved >= task.to_move || !q.has_receivable()) {
    task.status = "COMPLETED";
    return false;
  }
  return true;
}

void schedule_step(SqsBackend& b, const Scope& scope, Queue& q, std::string handle, std::chrono::milliseconds delay) {
  std::weak_ptr<SqsBackend> weak_backend = b.weak_from_this();
  std::weak_ptr<Queue> weak_queue = q.weak_from_this();
  b.scheduler->after(delay, [weak_backend, weak_queue, scope, handle] {
    auto backend = weak_backend.lock();
    auto queue = weak_queue.lock();
    if (!backend || !queue) return;
    backend->mutate(scope, [&](Mutation& m) {
      if (m.state.find(queue->name) != queue.get()) return;
      MoveTask* task = find_task(*queue, handle);
      if (task && step(m, *queue, *task)) schedule_step(*backend, scope, *queue, handle, std::chrono::seconds(1));
    });
  });
}

}  // namespace

Result<StartMessageMoveTaskResult> start_message_move_task(SqsBackend& b, RequestContext&,
                                                           const StartMessageMoveTaskRequest& in) {
  if (in.max_number_of_messages_per_second &&
      (*in.max_number_of_messages_per_second < 1 || *in.max_number_of_messages_per_second > 500))
    return invalid_parameter(std::to_string(*in.max_number_of_messages_per_second), "MaxNumberOfMessagesPerSecond",
                             "Must be between 1 and 500.");
  auto ref = parse_queue_arn(in.source_arn);
  if (!ref || !b.queue_exists(ref->scope, ref->name)) return source_not_found();
  return b.mutate(ref->scope, [&](Mutation& m) -> Result<StartMessageMoveTaskResult> {
    Queue* q = m.state.find_by_arn(in.source_arn);
    if (!q) return source_not_found();
    if (!is_dead_letter_queue(m.state, *q))
      return make_error(SqsError::kInvalidParameterValue, "Source queue must be configured as a Dead Letter Queue.");
    for (const auto& task : q->move_tasks)
      if (task.status == "RUNNING")
        return make_error(SqsError::kInvalidParameterValue,
                          "There is already a task running. Only one active task is allowed for a source queue arn "
                          "at a given time.");
    if (in.destination_arn && !in.destination_arn->empty()) {
      Queue* destination = m.state.find_by_arn(*in.destination_arn);
      if (!destination)
        return make_error(SqsError::kResourceNotFound,
                          "The resource that you specified for the DestinationArn parameter doesn't exist.");
      if (destination == q)
        return make_error(SqsError::kInvalidParameterValue, "Source queue and destination queue cannot be the same.");
      if (destination->config.fifo != q->config.fifo)
        return make_error(SqsError::kInvalidParameterValue,
                          "The source queue and destination queue must be of the same queue type.");
    }
    advance(*q, m.now);
    MoveTask task;
    task.task_handle = make_task_handle(new_request_id(), q->arn);
    task.status = "RUNNING";
    task.source_arn = q->arn;
    task.destination_arn = in.destination_arn.value_or("");
    task.max_per_second = in.max_number_of_messages_per_second;
    task.to_move = static_cast<std::int64_t>(q->visible_count());
    task.started_ms = m.now;
    q->move_tasks.push_front(task);
    while (q->move_tasks.size() > kKeptTasks) q->move_tasks.pop_back();
    StartMessageMoveTaskResult out;
    out.task_handle = task.task_handle;
    if (!b.scheduler) {
      // No timers (unit tests without a scheduler): the whole move happens now.
      MoveTask& running = q->move_tasks.front();
      running.max_per_second.reset();
      step(m, *q, running);
      running.max_per_second = task.max_per_second;
    } else {
      schedule_step(b, m.scope, *q, task.task_handle, std::chrono::milliseconds(0));
    }
    return out;
  });
}

Result<CancelMessageMoveTaskResult> cancel_message_move_task(SqsBackend& b, RequestContext&,
                                                             const CancelMessageMoveTaskRequest& in) {
  auto source = task_source_arn(in.task_handle);
  if (!source) return task_not_found();
  auto ref = parse_queue_arn(*source);
  if (!ref || !b.queue_exists(ref->scope, ref->name)) return task_not_found();
  return b.mutate(ref->scope, [&](Mutation& m) -> Result<CancelMessageMoveTaskResult> {
    Queue* q = m.state.find_by_arn(*source);
    MoveTask* task = q ? find_task(*q, in.task_handle) : nullptr;
    if (!task) return task_not_found();
    if (task->status != "RUNNING")
      return invalid_parameter(in.task_handle, "TaskHandle", "Only a task in RUNNING status can be cancelled.");
    // Steps run under this same lock, so the task stops here: it goes straight to CANCELLED.
    task->status = "CANCELLED";
    CancelMessageMoveTaskResult out;
    out.approximate_number_of_messages_moved = task->moved;
    return out;
  });
}

Result<ListMessageMoveTasksResult> list_message_move_tasks(SqsBackend& b, RequestContext&,
                                                           const ListMessageMoveTasksRequest& in) {
  const int max = in.max_results.value_or(1);
  if (max < 1 || max > 10)
    return invalid_parameter(std::to_string(max), "MaxResults", "Value must be between 1 and 10.");
  auto ref = parse_queue_arn(in.source_arn);
  if (!ref) return source_not_found();
  return b.state.read(ref->scope, [&](const SqsState& s) -> Result<ListMessageMoveTasksResult> {
    const Queue* q = s.find_by_arn(in.source_arn);
    if (!q) return source_not_found();
    ListMessageMoveTasksResult out;
    auto& results = out.results.emplace();
    for (const auto& task : q->move_tasks) {
      if (results.size() == static_cast<std::size_t>(max)) break;
      ListMessageMoveTasksResultEntry e;
      if (task.status == "RUNNING") e.task_handle = task.task_handle;  // only running tasks can be named
      e.status = task.status;
      e.source_arn = task.source_arn;
      if (!task.destination_arn.empty()) e.destination_arn = task.destination_arn;
      if (task.max_per_second) e.max_number_of_messages_per_second = *task.max_per_second;
      e.approximate_number_of_messages_moved = task.moved;
      e.approximate_number_of_messages_to_move = task.to_move;
      if (!task.failure_reason.empty()) e.failure_reason = task.failure_reason;
      e.started_timestamp = task.started_ms;
      results.push_back(std::move(e));
    }
    return out;
  });
}

}  // namespace rime::sqs
