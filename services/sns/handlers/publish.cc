// Publish and PublishBatch: validation (message size, subject, MessageStructure=json,
// message attributes, FIFO rules), FIFO deduplication and sequence numbers, filter policies,
// then delivery to every confirmed subscription that matches.
#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <cstring>
#include <set>

#include <rapidjson/document.h>

#include "core/arn.h"
#include "core/clock.h"
#include "core/json.h"
#include "core/vfs.h"
#include "services/sns/delivery.h"
#include "services/sns/errors.h"
#include "services/sns/handlers/common.h"
#include "services/sns/handlers/handlers.h"
#include "services/sns/signing.h"

namespace rime::sns {
namespace {

constexpr std::size_t kMaxMessageBytes = 262144;  // 256 KiB, message and attributes together
constexpr std::size_t kMaxBatchEntries = 10;
constexpr std::int64_t kDedupWindowMs = 5 * 60 * 1000;

/// One message as validated, before it is fanned out.
struct Outgoing {
  std::string message;
  std::map<std::string, std::string> per_protocol;  // MessageStructure=json
  bool structured = false;
  std::optional<std::string> subject;
  MessageAttributes attributes;
  std::string group_id;
  std::string dedup_id;
};

/// The message a protocol receives: its own key under MessageStructure=json, else "default".
std::string message_for(const Outgoing& m, const std::string& protocol) {
  if (!m.structured) return m.message;
  auto it = m.per_protocol.find(protocol);
  if (it != m.per_protocol.end()) return it->second;
  return m.per_protocol.at("default");
}

bool valid_attribute_name(std::string_view name) {
  if (name.empty() || name.size() > 256 || name.front() == '.' || name.back() == '.') return false;
  if (name.find("..") != std::string_view::npos) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.';
  });
}

bool starts_with_ci(std::string_view s, std::string_view prefix) {
  if (s.size() < prefix.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(s[i])) != std::tolower(static_cast<unsigned char>(prefix[i])))
      return false;
  return true;
}

bool is_number(const std::string& text) {
  if (text.empty()) return false;
  char* end = nullptr;
  std::strtod(text.c_str(), &end);
  return end && *end == '\0' && !std::isspace(static_cast<unsigned char>(text[0]));
}

/// MessageGroupId / MessageDeduplicationId: 1..128 alphanumerics and punctuation.
bool valid_fifo_id(std::string_view id) {
  return !id.empty() && id.size() <= 128 &&
         std::all_of(id.begin(), id.end(), [](char c) { return c > 32 && c < 127; });
}

std::optional<AwsError> check_attributes(const std::map<std::string, MessageAttributeValue>& attrs) {
  auto bad = [](const std::string& text) { return make_error(SnsError::kInvalidParameterValue, text); };
  for (const auto& [name, a] : attrs) {
    if (!valid_attribute_name(name))
      return bad("Invalid attribute name: " + name +
                 ". Names can only include alphanumeric characters, hyphens, underscores, or dots, and cannot "
                 "start or end with a dot or contain two dots in a row.");
    if (starts_with_ci(name, "AWS.") || starts_with_ci(name, "Amazon."))
      return bad("Invalid attribute name: " + name + ". Names starting with AWS. or Amazon. are reserved.");
    std::string_view type = a.data_type;
    std::string base;
    for (const char* prefix : {"String", "Number", "Binary"})
      if (type == prefix || (type.starts_with(prefix) && type.size() > std::strlen(prefix) + 1 &&
                             type[std::strlen(prefix)] == '.'))
        base = prefix;
    if (base.empty() || type.size() > 256)
      return bad("The message attribute '" + name +
                 "' has an invalid message attribute type, the set of supported type prefixes is Binary, Number, "
                 "and String.");
    if (base == "Binary") {
      if (!a.binary_value || a.binary_value->empty())
        return bad("The message attribute '" + name +
                   "' must contain non-empty message attribute value for message attribute type '" + a.data_type + "'.");
      continue;
    }
    if (!a.string_value || a.string_value->empty())
      return bad("The message attribute '" + name +
                 "' must contain non-empty message attribute value for message attribute type '" + a.data_type + "'.");
    if (base == "Number" && !is_number(*a.string_value))
      return bad("Could not cast message attribute '" + name + "' value to number.");
    if (type == "String.Array") {
      rapidjson::Document doc;
      std::string error;
      bool ok = parse_json(*a.string_value, doc, error) && doc.IsArray();
      if (ok)
        for (const auto& v : doc.GetArray())
          if (v.IsObject() || v.IsArray()) ok = false;
      if (!ok)
        return bad("The message attribute '" + name +
                   "' with type 'String.Array' must be a JSON array of strings, numbers, true, false or null.");
    }
  }
  return std::nullopt;
}

/// Everything Publish checks before it looks at the target. The error names the first problem.
Result<Outgoing> prepare(const std::string& message, const std::optional<std::string>& subject,
                         const std::optional<std::string>& structure,
                         const std::optional<std::map<std::string, MessageAttributeValue>>& attributes) {
  Outgoing m;
  m.message = message;
  if (message.empty()) return make_error(SnsError::kInvalidParameter, "Empty message");
  if (subject) {
    bool ok = !subject->empty() && subject->size() <= 100 &&
              std::all_of(subject->begin(), subject->end(), [](char c) { return c >= 32 && c < 127; });
    if (!ok) return make_error(SnsError::kInvalidParameter, "Subject");
    m.subject = subject;
  }
  if (structure && !structure->empty()) {
    if (*structure != "json") return make_error(SnsError::kInvalidParameter, "MessageStructure");
    rapidjson::Document doc;
    std::string error;
    if (!parse_json(message, doc, error) || !doc.IsObject())
      return make_error(SnsError::kInvalidParameter, "Message Structure - JSON message body failed to parse");
    for (auto it = doc.MemberBegin(); it != doc.MemberEnd(); ++it)
      if (it->value.IsString())
        m.per_protocol[std::string(it->name.GetString(), it->name.GetStringLength())] =
            std::string(it->value.GetString(), it->value.GetStringLength());
    if (!m.per_protocol.count("default"))
      return make_error(SnsError::kInvalidParameter, "Message Structure - No default entry in JSON message body");
    m.structured = true;
  }
  std::size_t size = message.size();
  if (attributes) {
    if (auto error = check_attributes(*attributes)) return *error;
    for (const auto& [name, a] : *attributes) {
      m.attributes[name] = MessageAttribute{a.data_type, a.string_value.value_or(""), a.binary_value.value_or("")};
      size += name.size() + a.data_type.size() + a.string_value.value_or("").size() + a.binary_value.value_or("").size();
    }
  }
  if (size > kMaxMessageBytes) return make_error(SnsError::kInvalidParameter, "Message too long");
  return m;
}

std::string sequence_text(std::uint64_t n) {
  // 20 digits, as SNS FIFO sequence numbers are.
  std::string digits = std::to_string(n);
  return "1" + std::string(19 - std::min<std::size_t>(19, digits.size()), '0') + digits;
}

struct Published {
  std::string message_id;
  std::string sequence_number;
};

/// FIFO rules, deduplication and fan-out of one validated message to `topic`, under its
/// scope's lock. Deliveries that need SQS or the network are appended to `out`.
Result<Published> fan_out(SnsState& s, TopicEntry& topic, Outgoing& m, const RequestContext& ctx, const Scope& scope,
                          std::vector<Delivery>& out) {
  Published result;
  result.message_id = new_uuid();
  std::int64_t now_ms = epoch_millis(now());
  if (topic.fifo()) {
    if (m.group_id.empty())
      return make_error(SnsError::kInvalidParameter, "The MessageGroupId parameter is required for FIFO topics");
    if (m.dedup_id.empty()) {
      if (!topic.content_based_deduplication())
        return make_error(SnsError::kInvalidParameter,
                          "The topic should either have ContentBasedDeduplication enabled or MessageDeduplicationId "
                          "provided explicitly");
      // Content-based deduplication: SHA-256 of the message body (not the attributes).
      m.dedup_id = sha256_hex(m.message);
    }
    for (auto it = topic.dedup.begin(); it != topic.dedup.end();)
      it = it->second.expires_ms <= now_ms ? topic.dedup.erase(it) : std::next(it);
    std::string key = topic.attribute("FifoThroughputScope") == "MessageGroup" ? m.group_id + '\n' + m.dedup_id
                                                                                : m.dedup_id;
    if (auto dup = topic.dedup.find(key); dup != topic.dedup.end()) {
      // A duplicate is accepted and answered like the first one, but not delivered again.
      return Published{dup->second.message_id, dup->second.sequence_number};
    }
    result.sequence_number = sequence_text(++topic.sequence);
    topic.dedup[key] = DedupEntry{now_ms + kDedupWindowMs, result.message_id, result.sequence_number};
  } else if (!m.dedup_id.empty()) {
    return make_error(SnsError::kInvalidParameter,
                      "MessageDeduplicationId Reason: The request includes MessageDeduplicationId parameter that is "
                      "not valid for this topic type");
  }

  std::map<std::string, FilterAttribute> filter_attributes;
  for (const auto& [name, a] : m.attributes) filter_attributes[name] = FilterAttribute{a.data_type, a.string_value};
  std::string timestamp = iso8601(now());
  std::string cert_url;  // on first use: the signing key is made lazily, once per process
  // The signature covers neither the subscription nor its UnsubscribeURL: one per message text.
  std::map<std::string, std::string> signatures;
  std::string prefix = topic.arn + ":";
  for (auto it = s.subscriptions.lower_bound(prefix); it != s.subscriptions.end() && it->first.starts_with(prefix);
       ++it) {
    const SubscriptionEntry& sub = it->second;
    if (sub.pending) continue;
    std::string key = sub.protocol;
    if (sub.protocol == "application") {
      // Mobile push picks the message of the endpoint's platform ("GCM", "APNS", ...).
      if (auto ep = s.endpoints.find(sub.endpoint); ep != s.endpoints.end())
        if (auto app = s.applications.find(ep->second.application_arn); app != s.applications.end())
          key = app->second.platform;
    }
    std::string text = message_for(m, key);
    if (sub.filter) {
      bool pass = sub.filter->scope() == FilterScope::kMessageBody ? sub.filter->matches_body(text)
                                                                   : sub.filter->matches_attributes(filter_attributes);
      if (!pass) continue;
    }
    Delivery d;
    d.scope = scope;
    d.protocol = sub.protocol;
    d.endpoint = sub.endpoint;
    d.subscription_arn = sub.arn;
    d.topic_arn = topic.arn;
    d.message_id = result.message_id;
    d.subject = m.subject.value_or("");
    d.raw = sub.raw();
    if (d.raw) {
      d.body = text;
      d.attributes = m.attributes;
    } else if (sub.protocol == "email" || sub.protocol == "sms" || sub.protocol == "application") {
      d.body = text;
    } else {
      Envelope e;
      e.message_id = result.message_id;
      e.topic_arn = topic.arn;
      e.subject = m.subject;
      e.message = text;
      e.timestamp = timestamp;
      e.sequence_number = result.sequence_number;
      e.unsubscribe_url = unsubscribe_url(ctx, scope, sub.arn);
      if (cert_url.empty()) cert_url = signing_cert_url(ctx, scope);
      e.signing_cert_url = cert_url;
      if (std::string v = topic.attribute("SignatureVersion"); !v.empty()) e.signature_version = v;
      e.attributes = m.attributes;
      std::string& signature = signatures[text];
      if (signature.empty()) signature = sign_message(string_to_sign(e), e.signature_version);
      e.signature = signature;
      d.body = envelope_json(e);
    }
    if (sub.protocol == "sqs") {
      // FIFO queues keep group and deduplication ids; standard queues take only a MessageGroupId
      // (SQS fair queues), from FIFO and standard topics alike.
      d.group_id = m.group_id;
      if (sub.endpoint.ends_with(".fifo")) d.dedup_id = m.dedup_id;
    }
    if (std::string redrive = sub.attribute("RedrivePolicy"); !redrive.empty()) {
      rapidjson::Document doc;
      std::string error;
      if (parse_json(redrive, doc, error))
        if (const rapidjson::Value* target = json_member(doc, "deadLetterTargetArn"); target && target->IsString())
          d.dead_letter_arn = target->GetString();
    }
    if (sub.protocol == "http" || sub.protocol == "https") {
      d.http = effective_http_policy(topic.attribute("DeliveryPolicy"), sub.attribute("DeliveryPolicy"));
      d.record_id = s.record(record_of(d, "pending"));
      out.push_back(std::move(d));
    } else if (sub.protocol == "sqs") {
      out.push_back(std::move(d));
    } else {
      s.record(record_of(d, "delivered"));
    }
  }
  return result;
}

/// Publish to a platform endpoint (mobile push): recorded, as rime reaches no push service.
Result<PublishResponse> publish_to_endpoint(SnsBackend& b, const std::string& arn, Outgoing& m, const Scope& scope) {
  return b.state.write(scope, [&](SnsState& s) -> Result<PublishResponse> {
    auto it = s.endpoints.find(arn);
    if (it == s.endpoints.end()) return make_error(SnsError::kEndpointNotFound);
    auto app = s.applications.find(it->second.application_arn);
    if (app != s.applications.end()) {
      auto enabled = app->second.attributes.find("Enabled");
      if (enabled != app->second.attributes.end() && enabled->second == "false")
        return make_error(SnsError::kApplicationDisabled);
    }
    auto enabled = it->second.attributes.find("Enabled");
    if (enabled != it->second.attributes.end() && enabled->second == "false")
      return make_error(SnsError::kEndpointDisabled);
    std::string platform = app == s.applications.end() ? "" : app->second.platform;
    DeliveryRecord r;
    r.time_ms = epoch_millis(now());
    r.protocol = "application";
    r.endpoint = arn;
    r.message_id = new_uuid();
    r.message_type = "Notification";
    r.subject = m.subject.value_or("");
    r.body = message_for(m, platform);
    r.status = "delivered";
    r.attempts = 1;
    PublishResponse out;
    out.message_id = r.message_id;
    s.record(std::move(r));
    return out;
  });
}

Result<PublishResponse> publish_sms(SnsBackend& b, const RequestContext& ctx, const std::string& number, Outgoing& m) {
  if (!is_phone_number(number))
    return make_error(SnsError::kInvalidParameter, "PhoneNumber Reason: " + number + " is not valid to publish to");
  return b.state.write(ctx.scope, [&](SnsState& s) -> Result<PublishResponse> {
    if (s.opted_out.count(number)) return make_error(SnsError::kOptedOut);
    DeliveryRecord r;
    r.time_ms = epoch_millis(now());
    r.protocol = "sms";
    r.endpoint = number;
    r.message_id = new_uuid();
    r.message_type = "Notification";
    r.subject = m.subject.value_or("");
    r.body = message_for(m, "sms");
    r.status = "delivered";
    r.attempts = 1;
    PublishResponse out;
    out.message_id = r.message_id;
    s.record(std::move(r));
    return out;
  });
}

}  // namespace

Result<PublishResponse> publish(SnsBackend& b, RequestContext& ctx, const PublishInput& in) {
  int targets = (in.topic_arn ? 1 : 0) + (in.target_arn ? 1 : 0) + (in.phone_number ? 1 : 0);
  if (targets == 0)
    return make_error(SnsError::kInvalidParameter, "TopicArn or TargetArn Reason: no value for required parameter");
  if (targets > 1)
    return make_error(SnsError::kInvalidParameter,
                      "TopicArn or TargetArn Reason: Only one of TopicArn, TargetArn or PhoneNumber may be specified");
  auto prepared = prepare(in.message, in.subject, in.message_structure, in.message_attributes);
  if (!prepared) return prepared.error();
  Outgoing& m = *prepared;
  m.group_id = in.message_group_id.value_or("");
  m.dedup_id = in.message_deduplication_id.value_or("");
  if (in.message_group_id && !valid_fifo_id(m.group_id)) return make_error(SnsError::kInvalidParameter, "MessageGroupId");
  if (in.message_deduplication_id && !valid_fifo_id(m.dedup_id))
    return make_error(SnsError::kInvalidParameter, "MessageDeduplicationId");

  if (in.phone_number) return publish_sms(b, ctx, *in.phone_number, m);
  const std::string& arn = in.topic_arn ? *in.topic_arn : *in.target_arn;
  auto scope = arn_scope(arn, in.topic_arn ? "TopicArn" : "TargetArn");
  if (!scope) return scope.error();
  if (!in.topic_arn && Arn::parse(arn)->resource.starts_with("endpoint/")) return publish_to_endpoint(b, arn, m, *scope);
  bool exists = scope->region == ctx.region() &&
                b.state.read(*scope, [&](const SnsState& s) { return s.topics.count(arn) > 0; });
  if (!exists) return make_error(SnsError::kTopicNotFound);

  std::vector<Delivery> deliveries;
  auto published = b.state.write(*scope, [&](SnsState& s) -> Result<Published> {
    auto it = s.topics.find(arn);
    if (it == s.topics.end()) return make_error(SnsError::kTopicNotFound);
    return fan_out(s, it->second, m, ctx, *scope, deliveries);
  });
  if (!published) return published.error();
  for (Delivery& d : deliveries) deliver(b, std::move(d));
  PublishResponse out;
  out.message_id = published->message_id;
  if (!published->sequence_number.empty()) out.sequence_number = published->sequence_number;
  return out;
}

Result<PublishBatchResponse> publish_batch(SnsBackend& b, RequestContext& ctx, const PublishBatchInput& in) {
  const auto& entries = in.publish_batch_request_entries;
  if (entries.empty()) return make_error(SnsError::kEmptyBatch);
  if (entries.size() > kMaxBatchEntries) return make_error(SnsError::kTooManyEntriesInBatch);
  std::set<std::string> ids;
  std::size_t total = 0;
  for (const auto& e : entries) {
    bool id_ok = !e.id.empty() && e.id.size() <= 80 && std::all_of(e.id.begin(), e.id.end(), [](char c) {
      return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_';
    });
    if (!id_ok) return make_error(SnsError::kInvalidBatchEntryId);
    if (!ids.insert(e.id).second) return make_error(SnsError::kBatchIdsNotDistinct);
    total += e.message.size();
    if (e.message_attributes)
      for (const auto& [name, a] : *e.message_attributes)
        total += name.size() + a.data_type.size() + a.string_value.value_or("").size() +
                 a.binary_value.value_or("").size();
  }
  if (total > kMaxMessageBytes) return make_error(SnsError::kBatchTooLong);
  auto scope = arn_scope(in.topic_arn, "TopicArn");
  if (!scope) return scope.error();
  bool exists = scope->region == ctx.region() &&
                b.state.read(*scope, [&](const SnsState& s) { return s.topics.count(in.topic_arn) > 0; });
  if (!exists) return make_error(SnsError::kTopicNotFound);

  // A FIFO topic refuses the whole batch when an entry lacks its group or deduplication id,
  // as AWS does; other problems fail only their entry.
  auto [fifo, cbd] = b.state.read(*scope, [&](const SnsState& s) {
    auto it = s.topics.find(in.topic_arn);
    if (it == s.topics.end()) return std::pair{false, false};
    return std::pair{it->second.fifo(), it->second.content_based_deduplication()};
  });
  if (fifo) {
    for (const auto& e : entries)
      if (!e.message_group_id)
        return make_error(SnsError::kInvalidParameter, "The MessageGroupId parameter is required for FIFO topics");
    if (!cbd)
      for (const auto& e : entries)
        if (!e.message_deduplication_id)
          return make_error(SnsError::kInvalidParameter,
                            "The topic should either have ContentBasedDeduplication enabled or MessageDeduplicationId "
                            "provided explicitly");
  }

  PublishBatchResponse out;
  out.successful.emplace();
  out.failed.emplace();
  std::vector<Delivery> deliveries;
  auto fail = [&](const std::string& id, const AwsError& error) {
    BatchResultErrorEntry f;
    f.id = id;
    f.code = wire_code(error.code);
    f.message = error.message;
    f.sender_fault = error.sender_fault;
    out.failed->push_back(std::move(f));
  };
  std::vector<std::optional<Outgoing>> prepared;
  for (const auto& e : entries) {
    auto m = prepare(e.message, e.subject, e.message_structure, e.message_attributes);
    if (!m) {
      fail(e.id, m.error());
      prepared.emplace_back();
      continue;
    }
    m->group_id = e.message_group_id.value_or("");
    m->dedup_id = e.message_deduplication_id.value_or("");
    if ((e.message_group_id && !valid_fifo_id(m->group_id)) ||
        (e.message_deduplication_id && !valid_fifo_id(m->dedup_id))) {
      fail(e.id, make_error(SnsError::kInvalidParameter, e.message_group_id && !valid_fifo_id(m->group_id)
                                                             ? "MessageGroupId"
                                                             : "MessageDeduplicationId"));
      prepared.emplace_back();
      continue;
    }
    prepared.push_back(std::move(*m));
  }
  auto result = b.state.write(*scope, [&](SnsState& s) -> Result<Unit> {
    auto it = s.topics.find(in.topic_arn);
    if (it == s.topics.end()) return make_error(SnsError::kTopicNotFound);
    for (std::size_t i = 0; i < entries.size(); ++i) {
      if (!prepared[i]) continue;
      auto published = fan_out(s, it->second, *prepared[i], ctx, *scope, deliveries);
      if (!published) {
        fail(entries[i].id, published.error());
        continue;
      }
      PublishBatchResultEntry ok;
      ok.id = entries[i].id;
      ok.message_id = published->message_id;
      if (!published->sequence_number.empty()) ok.sequence_number = published->sequence_number;
      out.successful->push_back(std::move(ok));
    }
    return Unit{};
  });
  if (!result) return result.error();
  for (Delivery& d : deliveries) deliver(b, std::move(d));
  return out;
}

}  // namespace rime::sns
