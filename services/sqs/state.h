// SQS runtime state: queues per (account, region), their messages and the indexes that keep
// every message operation O(log n) however deep the queue is, and the transitions between a
// message's states. No wire code: handlers translate typed requests into these calls.
//
// A message is in exactly one state:
//   delayed   sent with a delay that has not run out        -> in `pending`, keyed by visible_at
//   visible   can be received                               -> standard: in `visible`;
//                                                              FIFO: its group is in `ready_groups`
//                                                              when the group can be received from
//   in flight received, its visibility timeout not run out  -> in `pending`, keyed by visible_at
// Time only moves forward lazily: `advance(now)` promotes what `pending` holds up to `now` and
// drops messages past the retention period (oldest first through `by_sent`), so nothing scans
// the queue. Everything here runs under the scope's lock (BackendState::write).
#pragma once

#include <atomic>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <type_traits>
#include <unordered_map>
#include <utility>
#include <vector>

#include "core/aws_error.h"
#include "core/backend_state.h"
#include "core/scheduler.h"
#include "core/scope.h"
#include "services/sqs/digests.h"
#include "services/sqs/queue_config.h"

namespace rime::sqs {

using Millis = std::int64_t;  // epoch milliseconds

enum class MessageState : std::uint8_t { kDelayed, kVisible, kInFlight };

/// What most messages do not have, kept out of line so that a plain message stays small.
struct MessageExtras {
  MessageAttributes attributes;
  std::string md5_of_attributes;         // of all attributes; empty without any
  std::optional<std::string> trace_header;  // the AWSTraceHeader system attribute
  std::string deduplication_id;          // FIFO
  std::string dead_letter_source_arn;    // set when redriven into a dead-letter queue
};

struct StoredMessage {
  std::uint64_t seq = 0;  // order of arrival in this queue (from 1)
  std::string message_id;
  std::string body;
  std::shared_ptr<const std::string> sender_id;
  std::string group_id;  // FIFO queues, and standard ("fair") queues when the sender gave one
  Millis sent_ms = 0;
  Millis visible_at_ms = 0;  // delayed/in flight: when it becomes visible; visible: since when
  Millis first_receive_ms = 0;
  Millis received_ms = 0;  // the latest receive (ChangeMessageVisibility's 12-hour total)
  std::int32_t receive_count = 0;
  std::uint32_t receipt_gen = 0;  // bumps on every receive: older receipt handles are stale
  MessageState state = MessageState::kVisible;
  std::unique_ptr<MessageExtras> extras;

  const MessageAttributes* attributes() const { return extras ? &extras->attributes : nullptr; }
};

/// A message as SendMessage / SNS hand it in, already validated against the queue.
struct NewMessage {
  std::string body;
  MessageAttributes attributes;
  std::optional<std::string> trace_header;
  std::optional<int> delay_seconds;
  std::string group_id;          // empty: none
  std::string deduplication_id;  // empty: none (content-based deduplication may supply one)
  std::string sender_id;
};

struct SendOutcome {
  std::string message_id;
  std::string md5_of_body;
  std::string md5_of_attributes;         // empty without attributes
  std::string md5_of_system_attributes;  // empty without system attributes
  std::string sequence_number;           // FIFO only
};

/// What a ReceiveMessage asked for.
struct ReceiveOptions {
  int max_messages = 1;
  std::optional<int> visibility_timeout;  // default: the queue's
  bool all_system_attributes = false;
  std::set<std::string, std::less<>> system_attributes;
  bool all_message_attributes = false;
  std::set<std::string, std::less<>> message_attribute_names;
  std::vector<std::string> message_attribute_prefixes;  // from "prefix.*"
  std::string receive_request_attempt_id;              // FIFO only
};

/// A received message, copied out of the queue with what the receiver asked to see.
struct ReceivedMessage {
  std::string message_id;
  std::string receipt_handle;
  std::string body;
  std::string md5_of_body;
  std::map<std::string, std::string> system_attributes;
  MessageAttributes message_attributes;
  std::string md5_of_message_attributes;  // of the returned attributes; empty without any
};

/// A ReceiveMessage waiting for messages (long polling). Whoever claims it first answers it:
/// the deadline timer (with nothing) or a queue change (with messages); never both.
struct Waiter {
  ReceiveOptions options;
  std::function<void(std::vector<ReceivedMessage>)> deliver;
  Scheduler::TimerId deadline_timer = 0;
  std::atomic<bool> claimed{false};

  bool claim() { return !claimed.exchange(true, std::memory_order_acq_rel); }
};

/// A FIFO message group: its messages in order and how many of them are in flight.
struct MessageGroup {
  std::set<std::uint64_t> members;
  int in_flight = 0;
  std::uint64_t ready_key = 0;  // the head seq it is filed under in ready_groups; 0: not filed
};

struct DedupRecord {
  Millis expires_ms = 0;
  std::string message_id;
  std::string sequence_number;
};

struct ReceiveAttempt {
  Millis expires_ms = 0;
  std::vector<std::pair<std::uint64_t, std::uint32_t>> messages;  // (seq, receipt_gen)
};

/// A message move task (StartMessageMoveTask), newest first in its source queue.
struct MoveTask {
  std::string task_handle;
  std::string status;  // RUNNING, COMPLETED, CANCELLING, CANCELLED, FAILED
  std::string source_arn;
  std::string destination_arn;  // empty: back to each message's source queue
  std::optional<int> max_per_second;
  std::int64_t moved = 0;
  std::int64_t to_move = 0;
  Millis started_ms = 0;
  std::string failure_reason;
};

class Queue : public std::enable_shared_from_this<Queue> {
 public:
  Queue(std::string name, Scope scope, QueueConfig config, Millis now);
  Queue(const Queue&) = delete;
  Queue& operator=(const Queue&) = delete;

  // Identity.
  std::string name;
  Scope scope;
  std::string arn;
  std::uint64_t incarnation;  // differs for a re-created queue of the same name: old receipt handles die

  // Settings.
  QueueConfig config;
  Millis created_ms;
  Millis last_modified_ms;
  std::map<std::string, std::string> tags;
  Millis last_purge_ms = 0;

  // Messages and their indexes.
  std::unordered_map<std::uint64_t, StoredMessage> messages;
  std::set<std::pair<Millis, std::uint64_t>> pending;   // delayed and in flight, by visible_at
  std::set<std::pair<Millis, std::uint64_t>> visible;   // standard queues: receivable, oldest first
  std::set<std::pair<Millis, std::uint64_t>> by_sent;   // retention, oldest first
  std::size_t delayed_count = 0;
  std::size_t in_flight_count = 0;
  std::uint64_t next_seq = 1;
  std::shared_ptr<const std::string> last_sender;  // shared by consecutive messages of one sender

  // FIFO.
  std::unordered_map<std::string, MessageGroup> groups;
  std::set<std::pair<std::uint64_t, std::string>> ready_groups;  // unlocked groups with a visible head
  std::unordered_map<std::string, DedupRecord> dedup;
  std::deque<std::pair<Millis, std::string>> dedup_expiry;
  std::unordered_map<std::string, ReceiveAttempt> attempts;
  std::deque<std::pair<Millis, std::string>> attempt_expiry;

  // Message move tasks with this queue as the source.
  std::deque<MoveTask> move_tasks;

  // Long polling (runtime only). `waiters` has its own mutex: deadline timers remove their
  // waiter without the scope's lock; everything else here is under the scope's lock.
  std::mutex waiters_mutex;
  std::map<std::uint64_t, std::shared_ptr<Waiter>> waiters;  // oldest first
  std::uint64_t next_waiter_id = 1;
  Scheduler::TimerId wake_timer = 0;
  Millis wake_due = 0;
  std::uint64_t wake_token = 0;  // identifies the armed wake-up; a superseded one does nothing

  std::size_t visible_count() const { return messages.size() - delayed_count - in_flight_count; }
  /// Can a receive get something now (after advance)?
  bool has_receivable() const { return config.fifo ? !ready_groups.empty() : !visible.empty(); }
  /// When the next delayed or in-flight message becomes visible; nullopt when none.
  std::optional<Millis> next_visibility_change() const;
  /// Whether the indexes already reflect `now` (nothing due to become visible or to expire), so
  /// that a read may answer under the shared lock without advance().
  bool is_current(Millis now) const;
  bool has_waiters();
};

/// One scope's queues, by name (ListQueues is in name order).
struct SqsState {
  std::map<std::string, std::shared_ptr<Queue>> queues;

  Queue* find(std::string_view name) const;
  /// The queue in this scope that `arn` names; nullptr when none.
  Queue* find_by_arn(std::string_view arn) const;
};

// --- transitions (under the scope's lock) --------------------------------------------------

/// Promotes delayed and in-flight messages whose time has come, drops expired ones.
void advance(Queue& q, Millis now);

/// XML 1.0 characters in valid UTF-8: what a message body and String attributes may hold.
bool valid_message_characters(std::string_view text);
/// Message attribute rules: at most 10; names, types (String/Number/Binary[.custom]) and
/// non-empty values as AWS checks them.
std::optional<AwsError> check_message_attributes(const MessageAttributes& attributes);

/// Checks a message against the queue's rules: size, FIFO group and deduplication ids, delay.
std::optional<AwsError> check_new_message(const Queue& q, const NewMessage& m);
/// Enqueues a checked message. A FIFO duplicate within the 5-minute interval is accepted but
/// not enqueued: the outcome names the original message.
SendOutcome enqueue(Queue& q, NewMessage m, Millis now);

/// Receives up to options.max_messages. Messages already received maxReceiveCount times go to
/// the dead-letter queue instead (found in `state`; it is appended to `touched`).
std::vector<ReceivedMessage> receive(Queue& q, const ReceiveOptions& options, Millis now, SqsState& state,
                                     std::vector<Queue*>& touched);

/// DeleteMessage: nullopt on success (also for a message already gone, as AWS answers).
std::optional<AwsError> delete_message(Queue& q, std::string_view receipt_handle, Millis now);
/// ChangeMessageVisibility: nullopt on success.
std::optional<AwsError> change_visibility(Queue& q, std::string_view receipt_handle, int timeout_seconds, Millis now);
/// Drops every message (visible, delayed and in flight).
void purge(Queue& q);

/// Takes up to `max` receivable messages out of `q` (for message move tasks), oldest first.
std::vector<StoredMessage> take_receivable(Queue& q, std::size_t max, Millis now);
/// Puts a message taken from elsewhere (dead-letter redrive, move task, a restored view) into
/// `q`: visible now, or delayed until `delayed_until` when that is later.
void insert_moved(Queue& q, StoredMessage m, Millis now, Millis delayed_until = 0);
/// Puts messages back where take_receivable found them (a move task that could not deliver).
void put_back(Queue& q, std::vector<StoredMessage> taken, Millis now);

/// Answers every waiting receiver with nothing (queue deleted, scope reset or restored);
/// returns the deliveries to run outside the lock.
std::vector<std::function<void()>> drain_waiters(Queue& q, Scheduler* scheduler);

/// The 20-digit FIFO sequence number of arrival `seq`: large, increasing, not consecutive.
std::string sequence_number(std::uint64_t seq);

// --- the backend shared by the handlers ----------------------------------------------------

/// Work a mutation collects for after the lock: replies to long polls.
using Outbox = std::vector<std::function<void()>>;

class SqsBackend;

/// The context of one operation under a scope's lock. `touch` the queues it changed: at the
/// end, their long-polling waiters are served and their wake-up timers armed.
struct Mutation {
  SqsBackend& backend;
  const Scope& scope;
  SqsState& state;
  Millis now;
  Outbox outbox;
  std::vector<Queue*> touched;

  void touch(Queue& q) { touched.push_back(&q); }
  /// Registers a long-polling receiver on `q` for `wait_seconds`.
  void park(Queue& q, std::shared_ptr<Waiter> waiter, int wait_seconds);
  /// Serves waiters of the touched queues and arms their wake-up timers.
  void finish();
};

class SqsBackend : public std::enable_shared_from_this<SqsBackend> {
 public:
  BackendState<SqsState> state;
  std::shared_ptr<Scheduler> scheduler;  // null: no long polling, move tasks run at once
  std::function<Millis()> clock;         // epoch ms; tests inject their own

  SqsBackend();
  Millis now() const { return clock(); }

  /// Runs `fn(Mutation&)` under the scope's write lock, serves long polls the change made
  /// possible, then runs the collected replies outside the lock.
  template <class Fn>
  decltype(auto) mutate(const Scope& scope, Fn&& fn) {
    Outbox outbox;
    auto run = [&](SqsState& s) -> decltype(auto) {
      Mutation m{*this, scope, s, now(), {}, {}};
      struct Finisher {  // finish also when fn returns early
        Mutation& m;
        Outbox& out;
        ~Finisher() {
          m.finish();
          out = std::move(m.outbox);
        }
      } finisher{m, outbox};
      return fn(m);
    };
    if constexpr (std::is_void_v<decltype(fn(std::declval<Mutation&>()))>) {
      state.write(scope, run);
      for (auto& deliver : outbox) deliver();
    } else {
      auto result = state.write(scope, run);
      for (auto& deliver : outbox) deliver();
      return result;
    }
  }

  /// True when the scope has a queue of that name (checked before taking the write lock, so
  /// that requests for absent queues neither create scopes nor mark them changed).
  bool queue_exists(const Scope& scope, std::string_view name) const;

  /// Arms (or brings forward) the timer that serves `q`'s waiters when its next delayed or
  /// in-flight message becomes visible.
  void arm_wake_timer(const Scope& scope, Queue& q, Millis now);
};

}  // namespace rime::sqs
