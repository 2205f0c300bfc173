// SQS state transitions: the indexes of a queue, receipt handles, send, receive (with FIFO
// group order and dead-letter redrive), delete, visibility changes, purge, moves.
#include "services/sqs/state.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <random>

#include "core/arn.h"
#include "core/ids.h"
#include "core/json.h"
#include "services/sqs/errors.h"

namespace rime::sqs {
namespace {

constexpr Millis kDedupIntervalMs = 5 * 60 * 1000;     // FIFO deduplication interval
constexpr Millis kAttemptIntervalMs = 5 * 60 * 1000;   // ReceiveRequestAttemptId lifetime
constexpr int kMaxVisibilitySeconds = 43200;           // 12 hours

std::uint64_t random_u64() {
  thread_local std::mt19937_64 gen{std::random_device{}()};
  return gen();
}

// --- receipt handles: (queue incarnation, seq, receive generation), with a check so that a
// --- string we did not issue is told apart from a stale handle.

std::uint64_t mix(std::uint64_t x) {  // splitmix64 finaliser
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

void put_be(unsigned char* out, std::uint64_t v, int bytes) {
  for (int i = bytes - 1; i >= 0; --i) {
    out[i] = static_cast<unsigned char>(v & 0xff);
    v >>= 8;
  }
}

std::uint64_t get_be(const unsigned char* in, int bytes) {
  std::uint64_t v = 0;
  for (int i = 0; i < bytes; ++i) v = (v << 8) | in[i];
  return v;
}

constexpr std::size_t kHandleBytes = 36;

std::string encode_handle(std::uint64_t incarnation, std::uint64_t seq, std::uint32_t gen) {
  unsigned char raw[kHandleBytes];
  put_be(raw, incarnation, 8);
  put_be(raw + 8, seq, 8);
  put_be(raw + 16, gen, 4);
  std::uint64_t check = mix(incarnation ^ mix(seq) ^ (std::uint64_t{gen} << 32));
  put_be(raw + 20, check, 8);
  put_be(raw + 28, mix(check), 8);
  return base64_encode(std::string_view(reinterpret_cast<const char*>(raw), kHandleBytes));
}

struct Handle {
  std::uint64_t incarnation, seq;
  std::uint32_t gen;
};

std::optional<Handle> decode_handle(std::string_view text) {
  auto raw = base64_decode(text);
  if (!raw || raw->size() != kHandleBytes) return std::nullopt;
  const auto* p = reinterpret_cast<const unsigned char*>(raw->data());
  Handle h{get_be(p, 8), get_be(p + 8, 8), static_cast<std::uint32_t>(get_be(p + 16, 4))};
  std::uint64_t check = mix(h.incarnation ^ mix(h.seq) ^ (std::uint64_t{h.gen} << 32));
  if (get_be(p + 20, 8) != check || get_be(p + 28, 8) != mix(check)) return std::nullopt;
  return h;
}

// --- indexes --------------------------------------------------------------------------------

/// Re-files a FIFO group: it is receivable when nothing of it is in flight and its oldest
/// message is visible. An empty group is forgotten.
void refresh_group(Queue& q, const std::string& name) {
  auto it = q.groups.find(name);
  if (it == q.groups.end()) return;
  MessageGroup& g = it->second;
  if (g.ready_key) {
    q.ready_groups.erase({g.ready_key, name});
    g.ready_key = 0;
  }
  if (g.members.empty() && g.in_flight == 0) {
    q.groups.erase(it);
    return;
  }
  if (g.in_flight == 0 && !g.members.empty()) {
    std::uint64_t head = *g.members.begin();
    if (q.messages.at(head).state == MessageState::kVisible) {
      q.ready_groups.emplace(head, name);
      g.ready_key = head;
    }
  }
}

/// Files a message that is already in `q.messages` into the indexes of its state.
void index_message(Queue& q, StoredMessage& m) {
  q.by_sent.emplace(m.sent_ms, m.seq);
  switch (m.state) {
    case MessageState::kDelayed:
      q.pending.emplace(m.visible_at_ms, m.seq);
      ++q.delayed_count;
      break;
    case MessageState::kInFlight:
      q.pending.emplace(m.visible_at_ms, m.seq);
      ++q.in_flight_count;
      if (q.config.fifo) ++q.groups[m.group_id].in_flight;
      break;
    case MessageState::kVisible:
      if (!q.config.fifo) q.visible.emplace(m.visible_at_ms, m.seq);
      break;
  }
  if (q.config.fifo) {
    q.groups[m.group_id].members.insert(m.seq);
    refresh_group(q, m.group_id);
  }
}

/// Takes a message out of the queue and all its indexes. `refresh` re-files its FIFO group
/// (callers iterating a group refresh it themselves once they are done).
StoredMessage extract_message(Queue& q, std::uint64_t seq, bool refresh = true) {
  auto node = q.messages.extract(seq);
  StoredMessage& m = node.mapped();
  switch (m.state) {
    case MessageState::kDelayed:
      q.pending.erase({m.visible_at_ms, seq});
      --q.delayed_count;
      break;
    case MessageState::kInFlight:
      q.pending.erase({m.visible_at_ms, seq});
      --q.in_flight_count;
      if (q.config.fifo) --q.groups[m.group_id].in_flight;
      break;
    case MessageState::kVisible:
      if (!q.config.fifo) q.visible.erase({m.visible_at_ms, seq});
      break;
  }
  q.by_sent.erase({m.sent_ms, seq});
  if (q.config.fifo) {
    q.groups[m.group_id].members.erase(seq);
    if (refresh) refresh_group(q, m.group_id);
  }
  return std::move(m);
}

void make_visible(Queue& q, StoredMessage& m) {
  if (m.state == MessageState::kDelayed) --q.delayed_count;
  if (m.state == MessageState::kInFlight) {
    --q.in_flight_count;
    if (q.config.fifo) --q.groups[m.group_id].in_flight;
  }
  m.state = MessageState::kVisible;
  if (q.config.fifo) refresh_group(q, m.group_id);
  else q.visible.emplace(m.visible_at_ms, m.seq);
}

/// Marks a visible message received (in flight until now + timeout). Standard queues: the
/// caller has already taken it out of `visible`.
void mark_in_flight(Queue& q, StoredMessage& m, int timeout_seconds, Millis now) {
  m.state = MessageState::kInFlight;
  ++q.in_flight_count;
  ++m.receive_count;
  if (!m.first_receive_ms) m.first_receive_ms = now;
  m.received_ms = now;
  ++m.receipt_gen;
  m.visible_at_ms = now + Millis{timeout_seconds} * 1000;
  q.pending.emplace(m.visible_at_ms, m.seq);
  if (q.config.fifo) ++q.groups[m.group_id].in_flight;
}

/// Moves an in-flight message's visibility deadline.
void reschedule(Queue& q, StoredMessage& m, Millis visible_at) {
  q.pending.erase({m.visible_at_ms, m.seq});
  m.visible_at_ms = visible_at;
  q.pending.emplace(visible_at, m.seq);
}

bool wants_message_attribute(const ReceiveOptions& o, const std::string& name) {
  if (o.all_message_attributes || o.message_attribute_names.contains(name)) return true;
  for (const auto& prefix : o.message_attribute_prefixes)
    if (name.starts_with(prefix)) return true;
  return false;
}

ReceivedMessage received_copy(const Queue& q, const StoredMessage& m, const ReceiveOptions& o) {
  ReceivedMessage r;
  r.message_id = m.message_id;
  r.receipt_handle = encode_handle(q.incarnation, m.seq, m.receipt_gen);
  r.body = m.body;
  r.md5_of_body = md5_hex(m.body);
  auto want = [&](std::string_view name) { return o.all_system_attributes || o.system_attributes.contains(name); };
  auto put = [&](const char* name, std::string value) {
    if (want(name)) r.system_attributes.emplace(name, std::move(value));
  };
  put("SenderId", m.sender_id ? *m.sender_id : std::string());
  put("SentTimestamp", std::to_string(m.sent_ms));
  put("ApproximateReceiveCount", std::to_string(m.receive_count));
  put("ApproximateFirstReceiveTimestamp", std::to_string(m.first_receive_ms));
  if (!m.group_id.empty()) put("MessageGroupId", m.group_id);
  if (q.config.fifo) put("SequenceNumber", sequence_number(m.seq));
  if (m.extras) {
    if (!m.extras->deduplication_id.empty()) put("MessageDeduplicationId", m.extras->deduplication_id);
    if (m.extras->trace_header) put("AWSTraceHeader", *m.extras->trace_header);
    if (!m.extras->dead_letter_source_arn.empty()) put("DeadLetterQueueSourceArn", m.extras->dead_letter_source_arn);
    const MessageAttributes& all = m.extras->attributes;
    for (const auto& [name, attribute] : all)
      if (wants_message_attribute(o, name)) r.message_attributes.emplace(name, attribute);
    if (!r.message_attributes.empty())
      r.md5_of_message_attributes = r.message_attributes.size() == all.size() ? m.extras->md5_of_attributes
                                                                               : md5_of_attributes(r.message_attributes);
  }
  return r;
}

void prune_fifo_records(Queue& q, Millis now) {
  while (!q.dedup_expiry.empty() && q.dedup_expiry.front().first <= now) {
    auto it = q.dedup.find(q.dedup_expiry.front().second);
    if (it != q.dedup.end() && it->second.expires_ms <= now) q.dedup.erase(it);
    q.dedup_expiry.pop_front();
  }
  while (!q.attempt_expiry.empty() && q.attempt_expiry.front().first <= now) {
    auto it = q.attempts.find(q.attempt_expiry.front().second);
    if (it != q.attempts.end() && it->second.expires_ms <= now) q.attempts.erase(it);
    q.attempt_expiry.pop_front();
  }
}

/// Moves a message that was received more than maxReceiveCount times into the dead-letter
/// queue. It keeps its id, body, attributes, sent time and receive count, and gains the
/// DeadLetterQueueSourceArn system attribute.
void redrive_to_dead_letter_queue(Queue& source, std::uint64_t seq, Queue& dlq, Millis now, bool refresh) {
  StoredMessage m = extract_message(source, seq, refresh);
  if (!m.extras) m.extras = std::make_unique<MessageExtras>();
  m.extras->dead_letter_source_arn = source.arn;
  insert_moved(dlq, std::move(m), now);
}

/// The dead-letter queue a message past its receive limit goes to, or nullptr.
Queue* dead_letter_target(const Queue& q, const StoredMessage& m, SqsState& state) {
  const auto& policy = q.config.redrive_policy;
  if (!policy || m.receive_count < policy->max_receive_count) return nullptr;
  Queue* dlq = state.find_by_arn(policy->dead_letter_target_arn);
  return dlq == &q ? nullptr : dlq;
}

}  // namespace

// --- Queue ----------------------------------------------------------------------------------

Queue::Queue(std::string queue_name, Scope queue_scope, QueueConfig queue_config, Millis now)
    : name(std::move(queue_name)),
      scope(std::move(queue_scope)),
      arn(make_arn("sqs", scope.region, scope.account, name)),
      incarnation(random_u64()),
      config(std::move(queue_config)),
      created_ms(now),
      last_modified_ms(now) {}

std::optional<Millis> Queue::next_visibility_change() const {
  if (pending.empty()) return std::nullopt;
  return pending.begin()->first;
}

bool Queue::is_current(Millis now) const {
  if (auto next = next_visibility_change(); next && *next <= now) return false;
  const Millis retention = Millis{config.message_retention_period} * 1000;
  return by_sent.empty() || by_sent.begin()->first + retention > now;
}

bool Queue::has_waiters() {
  std::lock_guard lock(waiters_mutex);
  return !waiters.empty();
}

Queue* SqsState::find(std::string_view name) const {
  auto it = queues.find(std::string(name));
  return it == queues.end() ? nullptr : it->second.get();
}

Queue* SqsState::find_by_arn(std::string_view arn) const {
  auto parsed = Arn::parse(arn);
  if (!parsed || parsed->service != "sqs") return nullptr;
  Queue* q = find(parsed->resource);
  return q && q->arn == arn ? q : nullptr;
}

std::string sequence_number(std::uint64_t seq) {
  // 20 digits like AWS's; the step keeps consecutive messages' numbers apart.
  char buf[32];
  std::snprintf(buf, sizeof buf, "%020llu", static_cast<unsigned long long>(10000000000000000000ULL + seq * 4099));
  return buf;
}

// --- transitions ----------------------------------------------------------------------------

void advance(Queue& q, Millis now) {
  while (!q.pending.empty() && q.pending.begin()->first <= now) {
    std::uint64_t seq = q.pending.begin()->second;
    q.pending.erase(q.pending.begin());
    StoredMessage& m = q.messages.at(seq);
    // Out of `pending` already; make_visible must not count it twice.
    make_visible(q, m);
  }
  const Millis retention = Millis{q.config.message_retention_period} * 1000;
  while (!q.by_sent.empty() && q.by_sent.begin()->first + retention <= now)
    extract_message(q, q.by_sent.begin()->second);
  if (q.config.fifo) prune_fifo_records(q, now);
}

SendOutcome enqueue(Queue& q, NewMessage m, Millis now) {
  SendOutcome out;
  out.md5_of_body = md5_hex(m.body);
  out.md5_of_attributes = md5_of_attributes(m.attributes);
  if (m.trace_header)
    out.md5_of_system_attributes = md5_of_attributes({{"AWSTraceHeader", {"String", *m.trace_header, {}}}});

  std::string dedup_key;
  if (q.config.fifo) {
    prune_fifo_records(q, now);
    // Content-based deduplication hashes the body only, never the attributes.
    if (m.deduplication_id.empty()) m.deduplication_id = sha256_hex(m.body);
    dedup_key = q.config.deduplication_scope == "messageGroup" ? m.group_id + '\n' + m.deduplication_id
                                                               : m.deduplication_id;
    if (auto it = q.dedup.find(dedup_key); it != q.dedup.end() && it->second.expires_ms > now) {
      out.message_id = it->second.message_id;
      out.sequence_number = it->second.sequence_number;
      return out;
    }
  }

  StoredMessage s;
  s.seq = q.next_seq++;
  s.message_id = new_request_id();
  s.body = std::move(m.body);
  if (!q.last_sender || *q.last_sender != m.sender_id)
    q.last_sender = std::make_shared<const std::string>(std::move(m.sender_id));
  s.sender_id = q.last_sender;
  s.group_id = std::move(m.group_id);
  s.sent_ms = now;
  // FIFO queues take the queue's delay only; standard ones a message's own when it has one.
  int delay = q.config.fifo ? q.config.delay_seconds : m.delay_seconds.value_or(q.config.delay_seconds);
  s.visible_at_ms = now + Millis{delay} * 1000;
  s.state = delay > 0 ? MessageState::kDelayed : MessageState::kVisible;
  if (!m.attributes.empty() || m.trace_header || !m.deduplication_id.empty()) {
    s.extras = std::make_unique<MessageExtras>();
    s.extras->md5_of_attributes = out.md5_of_attributes;
    s.extras->attributes = std::move(m.attributes);
    s.extras->trace_header = std::move(m.trace_header);
    s.extras->deduplication_id = std::move(m.deduplication_id);
  }
  out.message_id = s.message_id;
  if (q.config.fifo) {
    out.sequence_number = sequence_number(s.seq);
    q.dedup[dedup_key] = DedupRecord{now + kDedupIntervalMs, out.message_id, out.sequence_number};
    q.dedup_expiry.emplace_back(now + kDedupIntervalMs, dedup_key);
  }
  std::uint64_t seq = s.seq;
  auto [it, _] = q.messages.emplace(seq, std::move(s));
  index_message(q, it->second);
  return out;
}

std::vector<ReceivedMessage> receive(Queue& q, const ReceiveOptions& o, Millis now, SqsState& state,
                                     std::vector<Queue*>& touched) {
  advance(q, now);
  const int timeout = o.visibility_timeout.value_or(q.config.visibility_timeout);
  std::vector<ReceivedMessage> out;

  // FIFO retries with the same ReceiveRequestAttemptId get the same messages and receipt
  // handles, with a fresh visibility timeout, as long as none of them was touched since.
  const bool attempt = q.config.fifo && !o.receive_request_attempt_id.empty();
  if (attempt) {
    if (auto it = q.attempts.find(o.receive_request_attempt_id); it != q.attempts.end() && it->second.expires_ms > now) {
      bool unchanged = true;
      for (auto [seq, gen] : it->second.messages) {
        auto m = q.messages.find(seq);
        if (m == q.messages.end() || m->second.state != MessageState::kInFlight || m->second.receipt_gen != gen) {
          unchanged = false;
          break;
        }
      }
      if (unchanged && !it->second.messages.empty()) {
        for (auto [seq, gen] : it->second.messages) {
          StoredMessage& m = q.messages.at(seq);
          reschedule(q, m, now + Millis{timeout} * 1000);
          out.push_back(received_copy(q, m, o));
        }
        return out;
      }
    }
  }

  const auto max = static_cast<std::size_t>(o.max_messages);
  std::vector<std::pair<std::uint64_t, std::uint32_t>> taken;
  if (!q.config.fifo) {
    while (out.size() < max && !q.visible.empty()) {
      std::uint64_t seq = q.visible.begin()->second;
      StoredMessage& m = q.messages.at(seq);
      if (Queue* dlq = dead_letter_target(q, m, state)) {
        redrive_to_dead_letter_queue(q, seq, *dlq, now, true);
        touched.push_back(dlq);
        continue;
      }
      q.visible.erase(q.visible.begin());
      mark_in_flight(q, m, timeout, now);
      out.push_back(received_copy(q, m, o));
    }
  } else {
    // Oldest group first; from a group, its messages in order until one is not visible.
    for (auto it = q.ready_groups.begin(); it != q.ready_groups.end() && out.size() < max;) {
      std::string group = it->second;
      ++it;  // refresh_group below re-files only this group, never ahead of `it`
      MessageGroup& g = q.groups.at(group);
      for (auto member = g.members.begin(); member != g.members.end() && out.size() < max;) {
        std::uint64_t seq = *member;
        StoredMessage& m = q.messages.at(seq);
        if (m.state != MessageState::kVisible) break;
        ++member;
        if (Queue* dlq = dead_letter_target(q, m, state)) {
          redrive_to_dead_letter_queue(q, seq, *dlq, now, false);
          touched.push_back(dlq);
          continue;
        }
        mark_in_flight(q, m, timeout, now);
        taken.emplace_back(seq, m.receipt_gen);
        out.push_back(received_copy(q, m, o));
      }
      refresh_group(q, group);
    }
  }
  if (attempt && !taken.empty()) {
    q.attempts[o.receive_request_attempt_id] = ReceiveAttempt{now + kAttemptIntervalMs, std::move(taken)};
    q.attempt_expiry.emplace_back(now + kAttemptIntervalMs, o.receive_request_attempt_id);
  }
  return out;
}

std::optional<AwsError> delete_message(Queue& q, std::string_view receipt_handle, Millis now) {
  auto h = decode_handle(receipt_handle);
  if (!h || h->incarnation != q.incarnation) return make_error(SqsError::kReceiptHandleIsInvalid, receipt_handle);
  advance(q, now);
  auto it = q.messages.find(h->seq);
  if (it == q.messages.end()) return std::nullopt;  // deleted already: AWS answers success
  StoredMessage& m = it->second;
  if (m.receipt_gen != h->gen || (q.config.fifo && m.state != MessageState::kInFlight)) {
    // FIFO queues refuse a handle whose visibility timeout ran out; standard queues accept a
    // stale handle but keep the message, which someone else has received since.
    if (q.config.fifo)
      return invalid_parameter(receipt_handle, "ReceiptHandle", "The receipt handle has expired.");
    return std::nullopt;
  }
  extract_message(q, h->seq);
  return std::nullopt;
}

std::optional<AwsError> change_visibility(Queue& q, std::string_view receipt_handle, int timeout_seconds, Millis now) {
  auto h = decode_handle(receipt_handle);
  if (!h || h->incarnation != q.incarnation) return make_error(SqsError::kReceiptHandleIsInvalid, receipt_handle);
  if (timeout_seconds < 0 || timeout_seconds > kMaxVisibilitySeconds)
    return invalid_parameter(std::to_string(timeout_seconds), "VisibilityTimeout",
                             "VisibilityTimeout must be an integer between 0 and 43200");
  advance(q, now);
  auto it = q.messages.find(h->seq);
  if (it == q.messages.end() || it->second.receipt_gen != h->gen)
    return invalid_parameter(receipt_handle, "ReceiptHandle",
                             "Message does not exist or is not available for visibility timeout change.");
  StoredMessage& m = it->second;
  if (m.state != MessageState::kInFlight) return make_error(SqsError::kMessageNotInflight);
  // The 12-hour limit counts from the receive, not from this call.
  if ((now - m.received_ms) / 1000 + timeout_seconds > kMaxVisibilitySeconds)
    return invalid_parameter(std::to_string(timeout_seconds), "VisibilityTimeout",
                             "Total VisibilityTimeout for the message is beyond the limit [43200 seconds]");
  reschedule(q, m, now + Millis{timeout_seconds} * 1000);
  if (timeout_seconds == 0) advance(q, now);
  return std::nullopt;
}

void purge(Queue& q) {
  q.messages.clear();
  q.pending.clear();
  q.visible.clear();
  q.by_sent.clear();
  q.groups.clear();
  q.ready_groups.clear();
  q.attempts.clear();
  q.attempt_expiry.clear();
  q.delayed_count = 0;
  q.in_flight_count = 0;
}

std::vector<StoredMessage> take_receivable(Queue& q, std::size_t max, Millis now) {
  advance(q, now);
  std::vector<StoredMessage> out;
  if (!q.config.fifo) {
    while (out.size() < max && !q.visible.empty()) out.push_back(extract_message(q, q.visible.begin()->second));
    return out;
  }
  for (auto it = q.ready_groups.begin(); it != q.ready_groups.end() && out.size() < max;) {
    std::string group = it->second;
    ++it;
    MessageGroup& g = q.groups.at(group);
    while (out.size() < max && !g.members.empty() && q.messages.at(*g.members.begin()).state == MessageState::kVisible)
      out.push_back(extract_message(q, *g.members.begin(), false));
    refresh_group(q, group);
  }
  return out;
}

void insert_moved(Queue& q, StoredMessage m, Millis now, Millis delayed_until) {
  m.seq = q.next_seq++;
  m.state = delayed_until > now ? MessageState::kDelayed : MessageState::kVisible;
  m.visible_at_ms = std::max(now, delayed_until);
  if (q.config.fifo && m.group_id.empty()) m.group_id = m.message_id;  // a FIFO queue needs a group
  std::uint64_t seq = m.seq;
  auto [it, _] = q.messages.emplace(seq, std::move(m));
  index_message(q, it->second);
}

void put_back(Queue& q, std::vector<StoredMessage> taken, Millis now) {
  for (auto& m : taken) insert_moved(q, std::move(m), now);
}

}  // namespace rime::sqs
