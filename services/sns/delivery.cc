#include "services/sns/delivery.h"

#include <algorithm>
#include <chrono>
#include <cmath>

#include <rapidjson/document.h>
#include <rapidjson/prettywriter.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "core/clock.h"
#include "core/json.h"
#include "services/sns/signing.h"

namespace rime::sns {
namespace {

/// RapidJSON output stream that turns PrettyWriter's `"key": value` into AWS's
/// `"key" : value`. Only a colon outside strings and followed by a space is widened, so compact
/// values written with RawValue ({"Type":"String",..}) keep their form.
class AwsLayoutStream {
 public:
  using Ch = char;
  explicit AwsLayoutStream(std::string& out) : out_(out) {}
  void Put(char c) {
    if (pending_colon_) {
      pending_colon_ = false;
      if (c == ' ') out_ += " : ";
      else {
        out_ += ':';
        Put(c);
      }
      return;
    }
    if (in_string_) {
      out_ += c;
      if (escaped_) escaped_ = false;
      else if (c == '\\') escaped_ = true;
      else if (c == '"') in_string_ = false;
      return;
    }
    if (c == ':') {
      pending_colon_ = true;
      return;
    }
    if (c == '"') in_string_ = true;
    out_ += c;
  }
  void Flush() {}

 private:
  std::string& out_;
  bool in_string_ = false;
  bool escaped_ = false;
  bool pending_colon_ = false;
};

template <class W>
void put(W& w, const char* key, const std::string& value) {
  w.Key(key);
  w.String(value.data(), static_cast<rapidjson::SizeType>(value.size()));
}

/// AWS's envelope value of an attribute: Binary values travel base64-encoded.
std::string attribute_value(const MessageAttribute& a) {
  return a.data_type.starts_with("Binary") ? base64_encode(a.binary_value) : a.string_value;
}

std::string compact_attribute(const MessageAttribute& a) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
  w.StartObject();
  put(w, "Type", a.data_type);
  put(w, "Value", attribute_value(a));
  w.EndObject();
  return {buffer.GetString(), buffer.GetSize()};
}

int int_member(const rapidjson::Value& obj, const char* name, int fallback) {
  const rapidjson::Value* v = json_member(obj, name);
  return v && v->IsInt() ? v->GetInt() : fallback;
}

void read_retry(const rapidjson::Value& obj, RetryPolicy& p) {
  if (!obj.IsObject()) return;
  p.min_delay = int_member(obj, "minDelayTarget", p.min_delay);
  p.max_delay = int_member(obj, "maxDelayTarget", p.max_delay);
  p.num_retries = int_member(obj, "numRetries", p.num_retries);
  p.num_no_delay = int_member(obj, "numNoDelayRetries", p.num_no_delay);
  p.num_min_delay = int_member(obj, "numMinDelayRetries", p.num_min_delay);
  p.num_max_delay = int_member(obj, "numMaxDelayRetries", p.num_max_delay);
  if (const rapidjson::Value* b = json_member(obj, "backoffFunction"); b && b->IsString()) p.backoff = b->GetString();
}

template <class W>
void write_retry(W& w, const RetryPolicy& p) {
  w.StartObject();
  w.Key("minDelayTarget");
  w.Int(p.min_delay);
  w.Key("maxDelayTarget");
  w.Int(p.max_delay);
  w.Key("numRetries");
  w.Int(p.num_retries);
  w.Key("numMaxDelayRetries");
  w.Int(p.num_max_delay);
  w.Key("numNoDelayRetries");
  w.Int(p.num_no_delay);
  w.Key("numMinDelayRetries");
  w.Int(p.num_min_delay);
  put(w, "backoffFunction", p.backoff);
  w.EndObject();
}

struct TopicHttpPolicy {
  RetryPolicy retry;
  bool disable_overrides = false;
  std::string content_type;  // "" when the topic sets none
};

TopicHttpPolicy read_topic_policy(std::string_view json) {
  TopicHttpPolicy out;
  rapidjson::Document doc;
  std::string error;
  if (json.empty() || !parse_json(json, doc, error)) return out;
  const rapidjson::Value* http = json_member(doc, "http");
  if (!http || !http->IsObject()) return out;
  if (const rapidjson::Value* r = json_member(*http, "defaultHealthyRetryPolicy")) read_retry(*r, out.retry);
  if (const rapidjson::Value* d = json_member(*http, "disableSubscriptionOverrides"); d && d->IsBool())
    out.disable_overrides = d->GetBool();
  if (const rapidjson::Value* rp = json_member(*http, "defaultRequestPolicy"))
    if (const rapidjson::Value* ct = json_member(*rp, "headerContentType"); ct && ct->IsString())
      out.content_type = ct->GetString();
  return out;
}

std::string retry_problem(const rapidjson::Value& r, const char* where) {
  if (!r.IsObject()) return std::string(where) + " must be an object";
  for (const char* name : {"minDelayTarget", "maxDelayTarget", "numRetries", "numNoDelayRetries",
                           "numMinDelayRetries", "numMaxDelayRetries"}) {
    const rapidjson::Value* v = json_member(r, name);
    if (v && (!v->IsInt() || v->GetInt() < 0)) return std::string(where) + ": " + name + " must be a non-negative integer";
  }
  RetryPolicy p;
  read_retry(r, p);
  if (p.min_delay < 1) return std::string(where) + ": minDelayTarget must be greater than or equal to 1";
  if (p.max_delay > 3600) return std::string(where) + ": maxDelayTarget must be less than or equal to 3600";
  if (p.min_delay > p.max_delay) return std::string(where) + ": minDelayTarget must be less than or equal to maxDelayTarget";
  if (p.num_retries > 100) return std::string(where) + ": numRetries must be less than or equal to 100";
  if (p.num_no_delay + p.num_min_delay + p.num_max_delay > p.num_retries)
    return std::string(where) + ": numRetries must be greater than or equal to the sum of the phase retries";
  if (p.backoff != "linear" && p.backoff != "arithmetic" && p.backoff != "geometric" && p.backoff != "exponential")
    return std::string(where) + ": backoffFunction must be one of linear, arithmetic, geometric, exponential";
  long total = 0;
  for (int n = 1; n <= p.num_retries; ++n) total += retry_delay_seconds(p, n);
  if (total > 3600) return std::string(where) + ": total retry time must be less than or equal to 3600 seconds";
  return {};
}

std::int64_t now_ms() { return epoch_millis(now()); }

void record_outcome(SnsBackend& b, const Scope& scope, std::uint64_t id, const std::string& status, int attempts,
                    const std::string& error) {
  if (!id) return;
  b.state.write(scope, [&](SnsState& s) {
    if (DeliveryRecord* r = s.find_record(id)) {
      r->status = status;
      r->attempts = attempts;
      r->error = error;
    }
  });
}

/// AWS dead-letters what it could not deliver when the subscription has a RedrivePolicy.
void dead_letter(SnsBackend& b, const Delivery& d) {
  if (d.dead_letter_arn.empty() || !b.queues) return;
  QueueDelivery* q = b.queues();
  if (!q) return;
  (void)q->deliver_to_queue(d.dead_letter_arn, queue_message(d));
}

void deliver_to_sqs(SnsBackend& b, const Delivery& d) {
  QueueDelivery* q = b.queues ? b.queues() : nullptr;
  std::string error;
  if (!q) {
    error = "SQS is not available on this server";
  } else if (auto failure = q->deliver_to_queue(d.endpoint, queue_message(d))) {
    error = failure->code + ": " + failure->message;
  } else {
    return;
  }
  DeliveryRecord r = record_of(d, "failed");
  r.error = error;
  b.state.write(d.scope, [&](SnsState& s) { s.record(std::move(r)); });
  dead_letter(b, d);
}

bool retryable(const OutboundResponse& r) { return r.status == 0 || r.status == 429 || r.status >= 500; }

void send_http(std::shared_ptr<SnsBackend> b, std::shared_ptr<const Delivery> d, int attempt) {
  if (!b->http) {
    record_outcome(*b, d->scope, d->record_id, "failed", attempt, "no outbound HTTP client");
    return;
  }
  OutboundRequest req;
  req.method = "POST";
  req.url = d->endpoint;
  req.body = d->body;
  req.headers = {{"x-amz-sns-message-type", d->message_type},
                 {"x-amz-sns-message-id", d->message_id},
                 {"x-amz-sns-topic-arn", d->topic_arn},
                 {"Content-Type", d->http.content_type},
                 {"User-Agent", "Amazon Simple Notification Service Agent"}};
  if (d->message_type != "SubscriptionConfirmation")
    req.headers.emplace_back("x-amz-sns-subscription-arn", d->subscription_arn);
  if (d->raw) req.headers.emplace_back("x-amz-sns-rawdelivery", "true");
  std::weak_ptr<SnsBackend> weak = b;
  b->http->send(std::move(req), [weak, d, attempt](OutboundResponse response) {
    auto backend = weak.lock();
    if (!backend) return;
    if (response.status >= 200 && response.status < 400) {
      record_outcome(*backend, d->scope, d->record_id, "delivered", attempt, "");
      return;
    }
    std::string error = response.status ? "HTTP " + std::to_string(response.status) : response.error;
    const RetryPolicy& policy = d->http.retry;
    if (retryable(response) && attempt <= policy.num_retries && backend->scheduler) {
      record_outcome(*backend, d->scope, d->record_id, "pending", attempt, error);
      auto delay = std::chrono::milliseconds(static_cast<std::int64_t>(retry_delay_seconds(policy, attempt)) *
                                             backend->retry_unit_ms);
      backend->scheduler->after(delay, [weak, d, attempt] {
        if (auto again = weak.lock()) send_http(again, d, attempt + 1);
      });
      return;
    }
    record_outcome(*backend, d->scope, d->record_id, "failed", attempt, error);
    if (d->message_type == "Notification") dead_letter(*backend, *d);
  });
}

}  // namespace

DeliveryRecord record_of(const Delivery& d, const std::string& status) {
  DeliveryRecord r;
  r.time_ms = now_ms();
  r.protocol = d.protocol;
  r.endpoint = d.endpoint;
  r.subscription_arn = d.subscription_arn;
  r.topic_arn = d.topic_arn;
  r.message_id = d.message_id;
  r.message_type = d.message_type;
  r.subject = d.subject;
  r.body = d.body;
  r.status = status;
  r.attempts = status == "pending" ? 0 : 1;
  return r;
}

std::string string_to_sign(const Envelope& e) {
  std::string out;
  auto field = [&](const char* name, const std::string& value) {
    out += name;
    out += '\n';
    out += value;
    out += '\n';
  };
  field("Message", e.message);
  field("MessageId", e.message_id);
  if (e.type == "Notification") {
    if (e.subject) field("Subject", *e.subject);
  } else {
    field("SubscribeURL", e.subscribe_url);
  }
  field("Timestamp", e.timestamp);
  if (e.type != "Notification") field("Token", e.token);
  field("TopicArn", e.topic_arn);
  field("Type", e.type);
  return out;
}

std::string envelope_json(const Envelope& e) {
  std::string out;
  AwsLayoutStream stream(out);
  rapidjson::PrettyWriter<AwsLayoutStream> w(stream);
  w.SetIndent(' ', 2);
  w.StartObject();
  put(w, "Type", e.type);
  put(w, "MessageId", e.message_id);
  if (e.type == "Notification") {
    if (!e.sequence_number.empty()) put(w, "SequenceNumber", e.sequence_number);
    put(w, "TopicArn", e.topic_arn);
    if (e.subject) put(w, "Subject", *e.subject);
    put(w, "Message", e.message);
    put(w, "Timestamp", e.timestamp);
    put(w, "SignatureVersion", e.signature_version);
    put(w, "Signature", e.signature.empty() ? sign_message(string_to_sign(e), e.signature_version) : e.signature);
    put(w, "SigningCertURL", e.signing_cert_url);
    put(w, "UnsubscribeURL", e.unsubscribe_url);
    if (!e.attributes.empty()) {
      w.Key("MessageAttributes");
      w.StartObject();
      for (const auto& [name, attr] : e.attributes) {
        w.Key(name.data(), static_cast<rapidjson::SizeType>(name.size()));
        std::string value = compact_attribute(attr);
        w.RawValue(value.data(), value.size(), rapidjson::kObjectType);
      }
      w.EndObject();
    }
  } else {
    put(w, "Token", e.token);
    put(w, "TopicArn", e.topic_arn);
    put(w, "Message", e.message);
    put(w, "SubscribeURL", e.subscribe_url);
    put(w, "Timestamp", e.timestamp);
    put(w, "SignatureVersion", e.signature_version);
    put(w, "Signature", sign_message(string_to_sign(e), e.signature_version));
    put(w, "SigningCertURL", e.signing_cert_url);
  }
  w.EndObject();
  return out;
}

int retry_delay_seconds(const RetryPolicy& p, int n) {
  if (n <= p.num_no_delay) return 0;
  n -= p.num_no_delay;
  if (n <= p.num_min_delay) return p.min_delay;
  n -= p.num_min_delay;
  int backoff = std::max(0, p.num_retries - p.num_no_delay - p.num_min_delay - p.num_max_delay);
  if (n > backoff) return p.max_delay;
  // Backoff phase: from minDelayTarget towards maxDelayTarget, reaching it on its last retry.
  double lo = p.min_delay, hi = p.max_delay, k = backoff, j = n;
  double delay = lo + (hi - lo) * j / k;  // linear
  if (p.backoff == "arithmetic") delay = lo + (hi - lo) * (j * (j + 1) / 2) / (k * (k + 1) / 2);
  else if (p.backoff == "geometric") delay = lo * std::pow(hi / lo, j / k);
  else if (p.backoff == "exponential") delay = lo + (hi - lo) * (std::pow(2.0, j) - 1) / (std::pow(2.0, k) - 1);
  return static_cast<int>(std::lround(std::clamp(delay, lo, hi)));
}

std::optional<std::string> validate_delivery_policy(std::string_view json, bool topic) {
  rapidjson::Document doc;
  std::string error;
  if (!parse_json(json, doc, error) || !doc.IsObject()) return "DeliveryPolicy: failed to parse JSON";
  std::string problem;
  if (topic) {
    if (const rapidjson::Value* http = json_member(doc, "http")) {
      if (!http->IsObject()) return "DeliveryPolicy: http must be an object";
      if (const rapidjson::Value* r = json_member(*http, "defaultHealthyRetryPolicy"))
        problem = retry_problem(*r, "defaultHealthyRetryPolicy");
    }
  } else if (const rapidjson::Value* r = json_member(doc, "healthyRetryPolicy")) {
    problem = retry_problem(*r, "healthyRetryPolicy");
  }
  if (!problem.empty()) return "DeliveryPolicy: " + problem;
  return std::nullopt;
}

HttpPolicy effective_http_policy(std::string_view topic_policy, std::string_view subscription_policy) {
  TopicHttpPolicy topic = read_topic_policy(topic_policy);
  HttpPolicy out;
  out.retry = topic.retry;
  if (!topic.content_type.empty()) out.content_type = topic.content_type;
  rapidjson::Document doc;
  std::string error;
  if (!topic.disable_overrides && !subscription_policy.empty() && parse_json(subscription_policy, doc, error)) {
    if (const rapidjson::Value* r = json_member(doc, "healthyRetryPolicy")) read_retry(*r, out.retry);
    if (const rapidjson::Value* rp = json_member(doc, "requestPolicy"))
      if (const rapidjson::Value* ct = json_member(*rp, "headerContentType"); ct && ct->IsString())
        out.content_type = ct->GetString();
  }
  return out;
}

std::string topic_effective_delivery_policy(std::string_view topic_policy) {
  TopicHttpPolicy p = read_topic_policy(topic_policy);
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
  w.StartObject();
  w.Key("http");
  w.StartObject();
  w.Key("defaultHealthyRetryPolicy");
  write_retry(w, p.retry);
  w.Key("disableSubscriptionOverrides");
  w.Bool(p.disable_overrides);
  w.Key("defaultRequestPolicy");
  w.StartObject();
  put(w, "headerContentType", p.content_type.empty() ? std::string("text/plain; charset=UTF-8") : p.content_type);
  w.EndObject();
  w.EndObject();
  w.EndObject();
  return {buffer.GetString(), buffer.GetSize()};
}

std::string subscription_effective_delivery_policy(std::string_view topic_policy,
                                                   std::string_view subscription_policy) {
  HttpPolicy p = effective_http_policy(topic_policy, subscription_policy);
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
  w.StartObject();
  w.Key("healthyRetryPolicy");
  write_retry(w, p.retry);
  w.Key("sicklyRetryPolicy");
  w.Null();
  w.Key("throttlePolicy");
  w.Null();
  w.Key("requestPolicy");
  w.StartObject();
  put(w, "headerContentType", p.content_type);
  w.EndObject();
  w.Key("guaranteed");
  w.Bool(false);
  w.EndObject();
  return {buffer.GetString(), buffer.GetSize()};
}

QueueMessage queue_message(const Delivery& d) {
  QueueMessage m;
  m.body = d.body;
  m.message_group_id = d.group_id;
  m.deduplication_id = d.dedup_id;
  // The principal SQS reports as SenderId for messages SNS sends.
  m.sender_id = "AIDAIT2UOQQY3AUEKVGXU";
  if (d.raw)
    for (const auto& [name, a] : d.attributes)
      m.attributes[name] = QueueMessageAttribute{a.data_type, a.string_value, a.binary_value};
  return m;
}

void deliver(SnsBackend& backend, Delivery d) {
  if (d.protocol == "sqs") {
    deliver_to_sqs(backend, d);
  } else if (d.protocol == "http" || d.protocol == "https") {
    send_http(backend.shared_from_this(), std::make_shared<const Delivery>(std::move(d)), 1);
  }
  // Every other protocol was recorded by the publisher.
}

}  // namespace rime::sns
