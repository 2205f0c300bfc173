#include "services/sqs/views.h"

#include <algorithm>
#include <set>

#include "core/json.h"
#include "services/sqs/urls.h"

namespace rime::sqs {
namespace {

void str(JsonWriter& w, const char* key, std::string_view value) {
  w.Key(key);
  w.String(value.data(), static_cast<rapidjson::SizeType>(value.size()));
}

void opt_str(JsonWriter& w, const char* key, std::string_view value) {
  if (!value.empty()) str(w, key, value);
}

void int64(JsonWriter& w, const char* key, std::int64_t value) {
  w.Key(key);
  w.Int64(value);
}

/// The settable attributes, as SetQueueAttributes would take them back.
std::map<std::string, std::string> saved_attributes(const QueueConfig& c) {
  std::map<std::string, std::string> out;
  for (std::string_view name : all_queue_attribute_names())
    if (auto value = config_attribute(c, name)) out.emplace(name, std::move(*value));
  out["KmsDataKeyReusePeriodSeconds"] = std::to_string(c.kms_data_key_reuse_period_seconds);
  return out;
}

void write_message(JsonWriter& w, const StoredMessage& m) {
  w.StartObject();
  str(w, "messageId", m.message_id);
  str(w, "body", m.body);
  str(w, "senderId", m.sender_id ? *m.sender_id : std::string());
  int64(w, "sentTimestamp", m.sent_ms);
  int64(w, "receiveCount", m.receive_count);
  int64(w, "firstReceiveTimestamp", m.first_receive_ms);
  if (m.state == MessageState::kDelayed) int64(w, "delayedUntil", m.visible_at_ms);
  opt_str(w, "groupId", m.group_id);
  if (m.extras) {
    opt_str(w, "deduplicationId", m.extras->deduplication_id);
    if (m.extras->trace_header) str(w, "traceHeader", *m.extras->trace_header);
    opt_str(w, "deadLetterSourceArn", m.extras->dead_letter_source_arn);
    if (!m.extras->attributes.empty()) {
      w.Key("attributes");
      w.StartObject();
      for (const auto& [name, a] : m.extras->attributes) {
        w.Key(name.c_str(), static_cast<rapidjson::SizeType>(name.size()));
        w.StartObject();
        str(w, "dataType", a.data_type);
        if (a.is_binary()) str(w, "binaryValue", base64_encode(a.binary_value));
        else str(w, "stringValue", a.string_value);
        w.EndObject();
      }
      w.EndObject();
    }
  }
  w.EndObject();
}

const char* string_member(const rapidjson::Value& obj, const char* name) {
  const rapidjson::Value* v = json_member(obj, name);
  return v && v->IsString() ? v->GetString() : nullptr;
}

bool read_string_map(const rapidjson::Value& obj, const char* name, std::map<std::string, std::string>& out,
                     std::string& error, const std::string& where) {
  const rapidjson::Value* v = json_member(obj, name);
  if (!v) return true;
  if (!v->IsObject()) {
    error = where + ": \"" + name + "\" must be an object of strings";
    return false;
  }
  for (const auto& member : v->GetObject()) {
    if (!member.value.IsString()) {
      error = where + ": \"" + name + "\" must be an object of strings";
      return false;
    }
    out.emplace(member.name.GetString(), member.value.GetString());
  }
  return true;
}

bool read_int64(const rapidjson::Value& obj, const char* name, std::int64_t& out, std::string& error,
                const std::string& where) {
  const rapidjson::Value* v = json_member(obj, name);
  if (!v) return true;
  if (!v->IsInt64()) {
    error = where + ": \"" + name + "\" must be an integer";
    return false;
  }
  out = v->GetInt64();
  return true;
}

std::optional<MessageView> read_message(const rapidjson::Value& item, std::string& error, const std::string& where) {
  MessageView m;
  const char* id = string_member(item, "messageId");
  const char* body = string_member(item, "body");
  if (!id || !body) {
    error = where + ": each message needs string \"messageId\" and \"body\"";
    return std::nullopt;
  }
  m.message_id = id;
  m.body = body;
  if (const char* s = string_member(item, "senderId")) m.sender_id = s;
  if (const char* s = string_member(item, "groupId")) m.group_id = s;
  if (const char* s = string_member(item, "deduplicationId")) m.deduplication_id = s;
  if (const char* s = string_member(item, "traceHeader")) m.trace_header = s;
  if (const char* s = string_member(item, "deadLetterSourceArn")) m.dead_letter_source_arn = s;
  std::int64_t receive_count = 0;
  if (!read_int64(item, "sentTimestamp", m.sent_ms, error, where) ||
      !read_int64(item, "firstReceiveTimestamp", m.first_receive_ms, error, where) ||
      !read_int64(item, "delayedUntil", m.delayed_until_ms, error, where) ||
      !read_int64(item, "receiveCount", receive_count, error, where))
    return std::nullopt;
  m.receive_count = static_cast<std::int32_t>(receive_count);
  if (const rapidjson::Value* attributes = json_member(item, "attributes")) {
    if (!attributes->IsObject()) {
      error = where + ": message \"attributes\" must be an object";
      return std::nullopt;
    }
    for (const auto& member : attributes->GetObject()) {
      MessageAttribute a;
      const char* type = string_member(member.value, "dataType");
      if (!type) {
        error = where + ": message attribute " + member.name.GetString() + " needs a \"dataType\"";
        return std::nullopt;
      }
      a.data_type = type;
      if (a.is_binary()) {
        const char* b64 = string_member(member.value, "binaryValue");
        auto bytes = b64 ? base64_decode(b64) : std::nullopt;
        if (!bytes) {
          error = where + ": message attribute " + member.name.GetString() + " needs a base64 \"binaryValue\"";
          return std::nullopt;
        }
        a.binary_value = std::move(*bytes);
      } else {
        const char* value = string_member(member.value, "stringValue");
        if (!value) {
          error = where + ": message attribute " + member.name.GetString() + " needs a \"stringValue\"";
          return std::nullopt;
        }
        a.string_value = value;
      }
      m.attributes.emplace(member.name.GetString(), std::move(a));
    }
  }
  return m;
}

}  // namespace

void write_view(const SqsState& state, JsonWriter& w) {
  w.StartObject();
  w.Key("queues");
  w.StartArray();
  for (const auto& [name, q] : state.queues) {
    w.StartObject();
    str(w, "name", name);
    int64(w, "created", q->created_ms);
    int64(w, "lastModified", q->last_modified_ms);
    int64(w, "lastPurge", q->last_purge_ms);
    w.Key("attributes");
    w.StartObject();
    for (const auto& [key, value] : saved_attributes(q->config)) str(w, key.c_str(), value);
    w.EndObject();
    w.Key("tags");
    w.StartObject();
    for (const auto& [key, value] : q->tags) str(w, key.c_str(), value);
    w.EndObject();
    w.Key("messages");
    w.StartArray();
    // In arrival order; `by_sent` orders by sent time, and seq breaks ties the same way.
    std::vector<const StoredMessage*> ordered;
    ordered.reserve(q->messages.size());
    for (const auto& [_, m] : q->messages) ordered.push_back(&m);
    std::sort(ordered.begin(), ordered.end(), [](auto* a, auto* b) { return a->seq < b->seq; });
    for (const StoredMessage* m : ordered) write_message(w, *m);
    w.EndArray();
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
}

std::optional<ScopeView> read_view(const rapidjson::Value& view, std::string& error) {
  const rapidjson::Value* queues = json_member(view, "queues");
  if (!queues || !queues->IsArray()) {
    error = "\"queues\" must be an array";
    return std::nullopt;
  }
  ScopeView out;
  std::set<std::string> names;
  for (const auto& item : queues->GetArray()) {
    QueueView q;
    const char* name = string_member(item, "name");
    if (!name) {
      error = "each queue needs a string \"name\"";
      return std::nullopt;
    }
    q.name = name;
    const std::string where = "queue " + q.name;
    std::map<std::string, std::string> attributes;
    if (!read_int64(item, "created", q.created_ms, error, where) ||
        !read_int64(item, "lastModified", q.last_modified_ms, error, where) ||
        !read_int64(item, "lastPurge", q.last_purge_ms, error, where) ||
        !read_string_map(item, "attributes", attributes, error, where) ||
        !read_string_map(item, "tags", q.tags, error, where))
      return std::nullopt;
    auto change = apply_attributes(QueueConfig{}, attributes, true);
    if (change.error) {
      error = where + ": " + change.error->message;
      return std::nullopt;
    }
    q.config = std::move(*change.config);
    if (!valid_queue_name(q.name, q.config.fifo)) {
      error = where + ": not a valid " + (q.config.fifo ? "FIFO " : "") + "queue name";
      return std::nullopt;
    }
    if (!names.insert(q.name).second) {
      error = where + ": listed twice";
      return std::nullopt;
    }
    if (const rapidjson::Value* messages = json_member(item, "messages")) {
      if (!messages->IsArray()) {
        error = where + ": \"messages\" must be an array";
        return std::nullopt;
      }
      for (const auto& m : messages->GetArray()) {
        auto message = read_message(m, error, where);
        if (!message) return std::nullopt;
        if (q.config.fifo && message->group_id.empty()) {
          error = where + ": FIFO messages need a \"groupId\"";
          return std::nullopt;
        }
        q.messages.push_back(std::move(*message));
      }
    }
    out.queues.push_back(std::move(q));
  }
  return out;
}

void add_message(Queue& q, MessageView v, Millis now) {
  StoredMessage m;
  m.message_id = std::move(v.message_id);
  m.body = std::move(v.body);
  if (!q.last_sender || *q.last_sender != v.sender_id)
    q.last_sender = std::make_shared<const std::string>(std::move(v.sender_id));
  m.sender_id = q.last_sender;
  m.group_id = std::move(v.group_id);
  m.sent_ms = v.sent_ms;
  m.first_receive_ms = v.first_receive_ms;
  m.receive_count = v.receive_count;
  if (!v.attributes.empty() || v.trace_header || !v.deduplication_id.empty() || !v.dead_letter_source_arn.empty()) {
    m.extras = std::make_unique<MessageExtras>();
    m.extras->md5_of_attributes = md5_of_attributes(v.attributes);
    m.extras->attributes = std::move(v.attributes);
    m.extras->trace_header = std::move(v.trace_header);
    m.extras->deduplication_id = std::move(v.deduplication_id);
    m.extras->dead_letter_source_arn = std::move(v.dead_letter_source_arn);
  }
  insert_moved(q, std::move(m), now, v.delayed_until_ms);
}

std::shared_ptr<Queue> build_queue(QueueView view, const Scope& scope, Millis now) {
  auto q = std::make_shared<Queue>(view.name, scope, std::move(view.config), view.created_ms ? view.created_ms : now);
  q->last_modified_ms = view.last_modified_ms ? view.last_modified_ms : q->created_ms;
  q->last_purge_ms = view.last_purge_ms;
  q->tags = std::move(view.tags);
  for (auto& m : view.messages) add_message(*q, std::move(m), now);
  return q;
}

}  // namespace rime::sqs
