#include "services/sns/views.h"

#include <algorithm>

#include "core/json.h"

namespace rime::sns {
namespace {

void str(JsonWriter& w, const char* key, const std::string& value) {
  w.Key(key);
  w.String(value.data(), static_cast<rapidjson::SizeType>(value.size()));
}

void string_map(JsonWriter& w, const char* key, const std::map<std::string, std::string>& map) {
  w.Key(key);
  w.StartObject();
  for (const auto& [k, v] : map) {
    w.Key(k.data(), static_cast<rapidjson::SizeType>(k.size()));
    w.String(v.data(), static_cast<rapidjson::SizeType>(v.size()));
  }
  w.EndObject();
}

/// Reads fields of one view object, remembering the first problem.
class Reader {
 public:
  Reader(const rapidjson::Value& obj, std::string what, std::string& error)
      : obj_(obj), what_(std::move(what)), error_(error) {
    if (!obj.IsObject()) fail("must be an object");
  }
  bool ok() const { return error_.empty(); }

  std::string string(const char* name, bool required = true) {
    const rapidjson::Value* v = json_member(obj_, name);
    if (!v) {
      if (required) fail(std::string("needs a string \"") + name + "\"");
      return {};
    }
    if (!v->IsString()) {
      fail(std::string("\"") + name + "\" must be a string");
      return {};
    }
    return {v->GetString(), v->GetStringLength()};
  }
  bool boolean(const char* name, bool fallback) {
    const rapidjson::Value* v = json_member(obj_, name);
    if (!v) return fallback;
    if (!v->IsBool()) fail(std::string("\"") + name + "\" must be true or false");
    return v->IsBool() ? v->GetBool() : fallback;
  }
  std::int64_t integer(const char* name, std::int64_t fallback = 0) {
    const rapidjson::Value* v = json_member(obj_, name);
    if (!v) return fallback;
    if (!v->IsInt64()) fail(std::string("\"") + name + "\" must be an integer");
    return v->IsInt64() ? v->GetInt64() : fallback;
  }
  std::map<std::string, std::string> strings(const char* name) {
    std::map<std::string, std::string> out;
    const rapidjson::Value* v = json_member(obj_, name);
    if (!v) return out;
    if (!v->IsObject()) {
      fail(std::string("\"") + name + "\" must be an object of strings");
      return out;
    }
    for (auto it = v->MemberBegin(); it != v->MemberEnd(); ++it) {
      if (!it->value.IsString()) {
        fail(std::string("\"") + name + "\" must be an object of strings");
        return out;
      }
      out[it->name.GetString()] = std::string(it->value.GetString(), it->value.GetStringLength());
    }
    return out;
  }
  std::vector<std::string> string_list(const char* name) {
    std::vector<std::string> out;
    const rapidjson::Value* v = json_member(obj_, name);
    if (!v) return out;
    if (!v->IsArray()) {
      fail(std::string("\"") + name + "\" must be an array of strings");
      return out;
    }
    for (const auto& x : v->GetArray()) {
      if (!x.IsString()) {
        fail(std::string("\"") + name + "\" must be an array of strings");
        return out;
      }
      out.emplace_back(x.GetString(), x.GetStringLength());
    }
    return out;
  }
  void fail(const std::string& problem) {
    if (error_.empty()) error_ = what_ + ": " + problem;
  }

 private:
  const rapidjson::Value& obj_;
  std::string what_;
  std::string& error_;
};

/// Runs `fn(item)` for each element of the array member `name` (absent: none).
template <class Fn>
bool each(const rapidjson::Value& view, const char* name, std::string& error, Fn&& fn) {
  const rapidjson::Value* list = json_member(view, name);
  if (!list) return true;
  if (!list->IsArray()) {
    error = std::string("\"") + name + "\" must be an array";
    return false;
  }
  for (const auto& item : list->GetArray()) {
    fn(item);
    if (!error.empty()) return false;
  }
  return true;
}

}  // namespace

void write_view(const SnsState& s, JsonWriter& w) {
  w.StartObject();
  w.Key("topics");
  w.StartArray();
  for (const auto& [_, t] : s.topics) {
    w.StartObject();
    str(w, "arn", t.arn);
    str(w, "name", t.name);
    string_map(w, "attributes", t.attributes);
    string_map(w, "tags", t.tags);
    str(w, "dataProtectionPolicy", t.data_protection_policy);
    w.Key("subscriptionsDeleted");
    w.Int64(t.subscriptions_deleted);
    w.Key("sequence");
    w.Uint64(t.sequence);
    w.EndObject();
  }
  w.EndArray();
  w.Key("subscriptions");
  w.StartArray();
  for (const auto& [_, sub] : s.subscriptions) {
    w.StartObject();
    str(w, "arn", sub.arn);
    str(w, "topicArn", sub.topic_arn);
    str(w, "protocol", sub.protocol);
    str(w, "endpoint", sub.endpoint);
    str(w, "owner", sub.owner);
    str(w, "principal", sub.principal);
    string_map(w, "attributes", sub.attributes);
    w.Key("pending");
    w.Bool(sub.pending);
    w.Key("authenticated");
    w.Bool(sub.authenticated);
    str(w, "token", sub.token);
    w.EndObject();
  }
  w.EndArray();
  w.Key("platformApplications");
  w.StartArray();
  for (const auto& [_, app] : s.applications) {
    w.StartObject();
    str(w, "arn", app.arn);
    str(w, "name", app.name);
    str(w, "platform", app.platform);
    string_map(w, "attributes", app.attributes);
    w.EndObject();
  }
  w.EndArray();
  w.Key("platformEndpoints");
  w.StartArray();
  for (const auto& [_, e] : s.endpoints) {
    w.StartObject();
    str(w, "arn", e.arn);
    str(w, "applicationArn", e.application_arn);
    string_map(w, "attributes", e.attributes);
    w.EndObject();
  }
  w.EndArray();
  string_map(w, "smsAttributes", s.sms_attributes);
  w.Key("optedOut");
  w.StartArray();
  for (const std::string& n : s.opted_out) w.String(n.data(), static_cast<rapidjson::SizeType>(n.size()));
  w.EndArray();
  w.Key("sandbox");
  w.StartObject();
  w.Key("inSandbox");
  w.Bool(s.in_sandbox);
  w.Key("numbers");
  w.StartArray();
  for (const auto& [_, n] : s.sandbox_numbers) {
    w.StartObject();
    str(w, "phoneNumber", n.phone_number);
    str(w, "status", n.status);
    str(w, "languageCode", n.language_code);
    str(w, "otp", n.otp);
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  w.Key("originationNumbers");
  w.StartArray();
  for (const OriginationNumber& n : s.origination_numbers) {
    w.StartObject();
    str(w, "phoneNumber", n.phone_number);
    str(w, "status", n.status);
    str(w, "iso2CountryCode", n.iso2_country_code);
    str(w, "routeType", n.route_type);
    w.Key("capabilities");
    w.StartArray();
    for (const std::string& c : n.capabilities) w.String(c.data(), static_cast<rapidjson::SizeType>(c.size()));
    w.EndArray();
    w.Key("createdAt");
    w.Int64(n.created_ms);
    w.EndObject();
  }
  w.EndArray();
  w.Key("deliveries");
  w.StartArray();
  for (const DeliveryRecord& r : s.deliveries) {
    w.StartObject();
    w.Key("id");
    w.Uint64(r.id);
    w.Key("time");
    w.Int64(r.time_ms);
    str(w, "protocol", r.protocol);
    str(w, "endpoint", r.endpoint);
    str(w, "subscriptionArn", r.subscription_arn);
    str(w, "topicArn", r.topic_arn);
    str(w, "messageId", r.message_id);
    str(w, "type", r.message_type);
    str(w, "subject", r.subject);
    str(w, "body", r.body);
    str(w, "status", r.status);
    w.Key("attempts");
    w.Int(r.attempts);
    str(w, "error", r.error);
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
}

std::optional<SnsState> read_view(const rapidjson::Value& view, std::string& error) {
  error.clear();
  if (!view.IsObject()) {
    error = "an SNS view must be an object";
    return std::nullopt;
  }
  SnsState s;
  each(view, "topics", error, [&](const rapidjson::Value& item) {
    Reader r(item, "topic", error);
    TopicEntry t;
    t.arn = r.string("arn");
    t.name = r.string("name");
    t.attributes = r.strings("attributes");
    t.tags = r.strings("tags");
    t.data_protection_policy = r.string("dataProtectionPolicy", false);
    t.subscriptions_deleted = r.integer("subscriptionsDeleted");
    t.sequence = static_cast<std::uint64_t>(r.integer("sequence"));
    if (r.ok() && !scope_of(t.arn)) r.fail("\"arn\" must be an SNS topic ARN");
    if (r.ok()) s.topics[t.arn] = std::move(t);
  });
  each(view, "subscriptions", error, [&](const rapidjson::Value& item) {
    Reader r(item, "subscription", error);
    SubscriptionEntry sub;
    sub.arn = r.string("arn");
    sub.topic_arn = r.string("topicArn");
    sub.protocol = r.string("protocol");
    sub.endpoint = r.string("endpoint");
    sub.owner = r.string("owner", false);
    sub.principal = r.string("principal", false);
    sub.attributes = r.strings("attributes");
    sub.pending = r.boolean("pending", false);
    sub.authenticated = r.boolean("authenticated", true);
    sub.token = r.string("token", false);
    if (r.ok() && !sub.arn.starts_with(sub.topic_arn + ":"))
      r.fail("\"arn\" must be the topic's ARN followed by \":\" and an id");
    if (r.ok() && !sub.attribute("FilterPolicy").empty()) {
      FilterPolicyError fe;
      if (!FilterPolicy::parse(sub.attribute("FilterPolicy"), sub.filter_scope(), fe))
        r.fail("invalid FilterPolicy: " + fe.reason);
    }
    if (!r.ok()) return;
    compile_filter(sub);
    if (!sub.token.empty()) s.tokens[sub.token] = sub.arn;
    s.subscriptions[sub.arn] = std::move(sub);
  });
  each(view, "platformApplications", error, [&](const rapidjson::Value& item) {
    Reader r(item, "platform application", error);
    ApplicationEntry app;
    app.arn = r.string("arn");
    app.name = r.string("name");
    app.platform = r.string("platform");
    app.attributes = r.strings("attributes");
    if (r.ok()) s.applications[app.arn] = std::move(app);
  });
  each(view, "platformEndpoints", error, [&](const rapidjson::Value& item) {
    Reader r(item, "platform endpoint", error);
    EndpointEntry e;
    e.arn = r.string("arn");
    e.application_arn = r.string("applicationArn");
    e.attributes = r.strings("attributes");
    if (r.ok() && !e.attributes.count("Token")) r.fail("\"attributes\" needs a \"Token\"");
    if (r.ok()) s.endpoints[e.arn] = std::move(e);
  });
  if (!error.empty()) return std::nullopt;
  Reader top(view, "SNS view", error);
  s.sms_attributes = top.strings("smsAttributes");
  for (std::string& n : top.string_list("optedOut")) s.opted_out.insert(std::move(n));
  if (const rapidjson::Value* sandbox = json_member(view, "sandbox")) {
    Reader r(*sandbox, "sandbox", error);
    s.in_sandbox = r.boolean("inSandbox", true);
    if (r.ok())
      each(*sandbox, "numbers", error, [&](const rapidjson::Value& item) {
        Reader n(item, "sandbox number", error);
        SandboxNumber number;
        number.phone_number = n.string("phoneNumber");
        number.status = n.string("status");
        number.language_code = n.string("languageCode", false);
        number.otp = n.string("otp", false);
        if (n.ok() && number.status != "Pending" && number.status != "Verified")
          n.fail("\"status\" must be Pending or Verified");
        if (n.ok()) s.sandbox_numbers[number.phone_number] = std::move(number);
      });
  }
  each(view, "originationNumbers", error, [&](const rapidjson::Value& item) {
    Reader r(item, "origination number", error);
    OriginationNumber n;
    n.phone_number = r.string("phoneNumber");
    if (std::string v = r.string("status", false); !v.empty()) n.status = v;
    if (std::string v = r.string("iso2CountryCode", false); !v.empty()) n.iso2_country_code = v;
    if (std::string v = r.string("routeType", false); !v.empty()) n.route_type = v;
    if (json_member(item, "capabilities")) n.capabilities = r.string_list("capabilities");
    n.created_ms = r.integer("createdAt");
    if (r.ok()) s.origination_numbers.push_back(std::move(n));
  });
  std::sort(s.origination_numbers.begin(), s.origination_numbers.end(),
            [](const OriginationNumber& a, const OriginationNumber& b) { return a.phone_number < b.phone_number; });
  each(view, "deliveries", error, [&](const rapidjson::Value& item) {
    Reader r(item, "delivery", error);
    DeliveryRecord d;
    d.id = static_cast<std::uint64_t>(r.integer("id"));
    d.time_ms = r.integer("time");
    d.protocol = r.string("protocol");
    d.endpoint = r.string("endpoint", false);
    d.subscription_arn = r.string("subscriptionArn", false);
    d.topic_arn = r.string("topicArn", false);
    d.message_id = r.string("messageId", false);
    d.message_type = r.string("type", false);
    d.subject = r.string("subject", false);
    d.body = r.string("body", false);
    d.status = r.string("status", false);
    d.attempts = static_cast<int>(r.integer("attempts"));
    d.error = r.string("error", false);
    if (r.ok() && d.id == 0) r.fail("\"id\" must be a positive integer");
    if (r.ok()) s.deliveries.push_back(std::move(d));
  });
  if (!error.empty()) return std::nullopt;
  std::sort(s.deliveries.begin(), s.deliveries.end(),
            [](const DeliveryRecord& a, const DeliveryRecord& b) { return a.id < b.id; });
  s.deliveries.erase(std::unique(s.deliveries.begin(), s.deliveries.end(),
                                 [](const DeliveryRecord& a, const DeliveryRecord& b) { return a.id == b.id; }),
                     s.deliveries.end());
  while (s.deliveries.size() > kMaxDeliveries) s.deliveries.pop_front();
  s.next_delivery_id = s.deliveries.empty() ? 1 : s.deliveries.back().id + 1;
  return s;
}

void merge_into(SnsState& s, SnsState in) {
  for (auto& [arn, t] : in.topics) s.topics[arn] = std::move(t);
  for (auto& [arn, sub] : in.subscriptions) {
    if (auto old = s.subscriptions.find(arn); old != s.subscriptions.end() && !old->second.token.empty())
      s.tokens.erase(old->second.token);
    if (!sub.token.empty()) s.tokens[sub.token] = arn;
    s.subscriptions[arn] = std::move(sub);
  }
  for (auto& [arn, app] : in.applications) s.applications[arn] = std::move(app);
  for (auto& [arn, e] : in.endpoints) s.endpoints[arn] = std::move(e);
  for (auto& [k, v] : in.sms_attributes) s.sms_attributes[k] = std::move(v);
  s.opted_out.insert(in.opted_out.begin(), in.opted_out.end());
  for (auto& [k, n] : in.sandbox_numbers) s.sandbox_numbers[k] = std::move(n);
  s.in_sandbox = in.in_sandbox;
  for (OriginationNumber& n : in.origination_numbers) {
    auto it = std::find_if(s.origination_numbers.begin(), s.origination_numbers.end(),
                           [&](const OriginationNumber& x) { return x.phone_number == n.phone_number; });
    if (it != s.origination_numbers.end()) *it = std::move(n);
    else s.origination_numbers.push_back(std::move(n));
  }
  std::sort(s.origination_numbers.begin(), s.origination_numbers.end(),
            [](const OriginationNumber& a, const OriginationNumber& b) { return a.phone_number < b.phone_number; });
  // Deliveries merge by id.
  std::map<std::uint64_t, DeliveryRecord> by_id;
  for (DeliveryRecord& r : s.deliveries) by_id[r.id] = std::move(r);
  for (DeliveryRecord& r : in.deliveries) by_id[r.id] = std::move(r);
  s.deliveries.clear();
  for (auto& [id, r] : by_id) s.deliveries.push_back(std::move(r));
  while (s.deliveries.size() > kMaxDeliveries) s.deliveries.pop_front();
  if (!s.deliveries.empty()) s.next_delivery_id = std::max(s.next_delivery_id, s.deliveries.back().id + 1);
}

}  // namespace rime::sns
