// CreateTopic, DeleteTopic, ListTopics, Get/SetTopicAttributes, tags, AddPermission /
// RemovePermission (statements in the topic's Policy), Put/GetDataProtectionPolicy.
#include <algorithm>
#include <cctype>
#include <set>

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "core/arn.h"
#include "core/json.h"
#include "services/sns/delivery.h"
#include "services/sns/errors.h"
#include "services/sns/handlers/common.h"
#include "services/sns/handlers/handlers.h"

namespace rime::sns {
namespace {

constexpr std::size_t kMaxTags = 50;

const std::set<std::string>& feedback_attributes() {
  static const std::set<std::string> names = [] {
    std::set<std::string> out;
    for (const char* p : {"Application", "HTTP", "Lambda", "SQS", "Firehose"})
      for (const char* s : {"SuccessFeedbackRoleArn", "SuccessFeedbackSampleRate", "FailureFeedbackRoleArn"})
        out.insert(std::string(p) + s);
    return out;
  }();
  return names;
}

bool valid_name_chars(std::string_view name) {
  return std::all_of(name.begin(), name.end(),
                     [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_'; });
}

bool is_json_object(std::string_view text) {
  rapidjson::Document doc;
  std::string error;
  return parse_json(text, doc, error) && doc.IsObject();
}

/// Checks one topic attribute; `creating` allows FifoTopic. The InvalidParameter error or none.
std::optional<AwsError> check_topic_attribute(const std::string& name, const std::string& value, bool fifo,
                                              bool creating) {
  auto invalid = [](const std::string& detail) { return make_error(SnsError::kInvalidParameter, detail); };
  if (name == "DisplayName") {
    if (value.size() > 100) return invalid("DisplayName");
  } else if (name == "Policy") {
    if (!value.empty() && !is_json_object(value)) return invalid("Policy Error: null");
  } else if (name == "DeliveryPolicy") {
    if (!value.empty())
      if (auto problem = validate_delivery_policy(value, true)) return invalid(*problem);
  } else if (name == "SignatureVersion") {
    if (value != "1" && value != "2") return invalid("SignatureVersion");
  } else if (name == "TracingConfig") {
    if (value != "PassThrough" && value != "Active") return invalid("TracingConfig");
  } else if (name == "KmsMasterKeyId") {
  } else if (name == "FifoTopic") {
    if (!creating) return invalid("AttributeName");
    if (value != "true" && value != "false") return invalid("FifoTopic");
  } else if (name == "ContentBasedDeduplication") {
    if (!fifo) return invalid("ContentBasedDeduplication Reason: Content based deduplication can only be set for FIFO topics");
    if (value != "true" && value != "false") return invalid("ContentBasedDeduplication");
  } else if (name == "FifoThroughputScope") {
    if (!fifo) return invalid("FifoThroughputScope Reason: FifoThroughputScope can only be set for FIFO topics");
    if (value != "Topic" && value != "MessageGroup") return invalid("FifoThroughputScope");
  } else if (name == "ArchivePolicy") {
    if (!fifo) return invalid("ArchivePolicy Reason: ArchivePolicy can only be set for FIFO topics");
    if (!value.empty()) {
      rapidjson::Document doc;
      std::string error;
      const rapidjson::Value* period = nullptr;
      if (parse_json(value, doc, error) && doc.IsObject()) period = json_member(doc, "MessageRetentionPeriod");
      if (!period || !period->IsInt() || period->GetInt() < 1 || period->GetInt() > 365)
        return invalid("ArchivePolicy Reason: MessageRetentionPeriod must be an integer between 1 and 365");
    }
  } else if (feedback_attributes().count(name)) {
    if (name.ends_with("SampleRate") && !value.empty()) {
      bool digits = std::all_of(value.begin(), value.end(), ::isdigit) && value.size() <= 3;
      if (!digits || std::stoi(value) > 100) return invalid(name);
    }
  } else {
    return invalid(creating ? "Attributes Reason: Unknown attribute " + name : "AttributeName");
  }
  return std::nullopt;
}

std::optional<AwsError> check_tags(const std::vector<Tag>& tags) {
  std::set<std::string> keys;
  for (const Tag& t : tags)
    if (!keys.insert(t.key).second) return make_error(SnsError::kInvalidParameter, "Duplicated keys are not allowed.");
  return std::nullopt;
}

/// Looks a topic up for reading; NotFound when the ARN's scope or region does not hold it.
template <class Fn>
auto read_topic(SnsBackend& b, const RequestContext& ctx, const std::string& arn, std::string_view param, Fn&& fn)
    -> decltype(fn(std::declval<const SnsState&>(), std::declval<const TopicEntry&>())) {
  auto scope = arn_scope(arn, param);
  if (!scope) return scope.error();
  if (scope->region != ctx.region()) return make_error(SnsError::kTopicNotFound);
  return b.state.read(*scope, [&](const SnsState& s) -> decltype(fn(s, std::declval<const TopicEntry&>())) {
    auto it = s.topics.find(arn);
    if (it == s.topics.end()) return make_error(SnsError::kTopicNotFound);
    return fn(s, it->second);
  });
}

/// The same for changes: checks existence before taking the write lock, so that a lookup of a
/// topic that does not exist never creates its scope.
template <class Fn>
auto write_topic(SnsBackend& b, const RequestContext& ctx, const std::string& arn, std::string_view param,
                 SnsError missing, Fn&& fn) -> decltype(fn(std::declval<SnsState&>(), std::declval<TopicEntry&>())) {
  auto scope = arn_scope(arn, param);
  if (!scope) return scope.error();
  bool exists = scope->region == ctx.region() &&
                b.state.read(*scope, [&](const SnsState& s) { return s.topics.count(arn) > 0; });
  if (!exists) return make_error(missing);
  return b.state.write(*scope, [&](SnsState& s) -> decltype(fn(s, std::declval<TopicEntry&>())) {
    auto it = s.topics.find(arn);
    if (it == s.topics.end()) return make_error(missing);
    return fn(s, it->second);
  });
}

std::string write_json(const rapidjson::Value& v) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
  v.Accept(w);
  return {buffer.GetString(), buffer.GetSize()};
}

const std::set<std::string>& sns_actions() {
  static const std::set<std::string> actions{"AddPermission", "DeleteTopic",      "GetTopicAttributes",
                                             "ListSubscriptionsByTopic", "Publish", "Receive",
                                             "RemovePermission", "SetTopicAttributes", "Subscribe", "*"};
  return actions;
}

}  // namespace

Result<CreateTopicResponse> create_topic(SnsBackend& b, RequestContext& ctx, const CreateTopicInput& in) {
  std::map<std::string, std::string> attributes = in.attributes.value_or(std::map<std::string, std::string>{});
  bool fifo = attributes.count("FifoTopic") && attributes["FifoTopic"] == "true";
  if (fifo) {
    bool ok = in.name.size() > 5 && in.name.size() <= 256 && in.name.ends_with(".fifo") &&
              valid_name_chars(std::string_view(in.name).substr(0, in.name.size() - 5));
    if (!ok)
      return make_error(SnsError::kInvalidParameter,
                        "Fifo Topic names must end with .fifo and must be made up of only uppercase and lowercase "
                        "ASCII letters, numbers, underscores, and hyphens, and must be between 1 and 256 characters "
                        "long.");
  } else if (in.name.empty() || in.name.size() > 256 || !valid_name_chars(in.name)) {
    return make_error(SnsError::kInvalidParameter, "Topic Name");
  }
  for (const auto& [name, value] : attributes)
    if (auto error = check_topic_attribute(name, value, fifo, true)) return *error;
  std::vector<Tag> tags = in.tags.value_or(std::vector<Tag>{});
  if (auto error = check_tags(tags)) return *error;
  if (tags.size() > kMaxTags) return make_error(SnsError::kTagLimitExceeded);
  if (in.data_protection_policy && !in.data_protection_policy->empty() && !is_json_object(*in.data_protection_policy))
    return make_error(SnsError::kInvalidParameter, "DataProtectionPolicy");

  std::string arn = sns_arn(ctx.scope, in.name);
  return b.state.write(ctx.scope, [&](SnsState& s) -> Result<CreateTopicResponse> {
    CreateTopicResponse out;
    out.topic_arn = arn;
    auto it = s.topics.find(arn);
    if (it != s.topics.end()) {
      // Idempotent: the same name answers the existing ARN, unless the request asks for
      // different attributes or tags.
      const TopicEntry& t = it->second;
      for (const auto& [name, value] : attributes) {
        std::string current = t.attribute(name);
        if (name == "Policy" && current.empty()) current = default_topic_policy(arn, ctx.account());
        if (name == "FifoTopic" && current.empty()) current = "false";
        if (current != value)
          return make_error(SnsError::kInvalidParameter,
                            "Attributes Reason: Topic already exists with different attributes");
      }
      for (const Tag& tag : tags) {
        auto found = t.tags.find(tag.key);
        if (found == t.tags.end() || found->second != tag.value)
          return make_error(SnsError::kInvalidParameter, "Tags Reason: Topic already exists with different tags");
      }
      return out;
    }
    TopicEntry t;
    t.arn = arn;
    t.name = in.name;
    for (auto& [name, value] : attributes)
      if (!value.empty() || name == "DisplayName") t.attributes[name] = value;
    if (!fifo) t.attributes.erase("FifoTopic");
    for (const Tag& tag : tags) t.tags[tag.key] = tag.value;
    if (in.data_protection_policy) t.data_protection_policy = *in.data_protection_policy;
    s.topics.emplace(arn, std::move(t));
    return out;
  });
}

Result<Unit> delete_topic(SnsBackend& b, RequestContext& ctx, const DeleteTopicInput& in) {
  auto scope = arn_scope(in.topic_arn, "TopicArn");
  if (!scope) return scope.error();
  // Deleting a topic that does not exist succeeds, as on AWS.
  bool exists = b.state.read(*scope, [&](const SnsState& s) { return s.topics.count(in.topic_arn) > 0; });
  if (!exists || scope->region != ctx.region()) return Unit{};
  b.state.write(*scope, [&](SnsState& s) {
    s.topics.erase(in.topic_arn);
    // Its subscriptions go with it.
    std::string prefix = in.topic_arn + ":";
    for (auto it = s.subscriptions.lower_bound(prefix); it != s.subscriptions.end() && it->first.starts_with(prefix);) {
      if (!it->second.token.empty()) s.tokens.erase(it->second.token);
      it = s.subscriptions.erase(it);
    }
  });
  return Unit{};
}

Result<ListTopicsResponse> list_topics(SnsBackend& b, RequestContext& ctx, const ListTopicsInput& in) {
  std::string start;
  if (in.next_token) {
    auto key = page_key(*in.next_token);
    if (!key) return make_error(SnsError::kInvalidParameter, "NextToken");
    start = *key;
  }
  return b.state.read(ctx.scope, [&](const SnsState& s) -> Result<ListTopicsResponse> {
    ListTopicsResponse out;
    out.topics.emplace();
    for (auto it = s.topics.lower_bound(start); it != s.topics.end(); ++it) {
      if (out.topics->size() == kPageSize) {
        out.next_token = page_token(it->first);
        break;
      }
      out.topics->push_back(Topic{it->first});
    }
    return out;
  });
}

Result<GetTopicAttributesResponse> get_topic_attributes(SnsBackend& b, RequestContext& ctx,
                                                        const GetTopicAttributesInput& in) {
  return read_topic(b, ctx, in.topic_arn, "TopicArn",
                    [&](const SnsState& s, const TopicEntry& t) -> Result<GetTopicAttributesResponse> {
                      Scope scope = *scope_of(t.arn);
                      std::map<std::string, std::string> a = t.attributes;
                      a["TopicArn"] = t.arn;
                      a["Owner"] = scope.account;
                      if (!a.count("Policy")) a["Policy"] = default_topic_policy(t.arn, scope.account);
                      if (!a.count("DisplayName")) a["DisplayName"] = "";
                      a["EffectiveDeliveryPolicy"] = topic_effective_delivery_policy(t.attribute("DeliveryPolicy"));
                      if (t.fifo() && !a.count("ContentBasedDeduplication")) a["ContentBasedDeduplication"] = "false";
                      std::size_t confirmed = 0, pending = 0;
                      std::string prefix = t.arn + ":";
                      for (auto it = s.subscriptions.lower_bound(prefix);
                           it != s.subscriptions.end() && it->first.starts_with(prefix); ++it)
                        (it->second.pending ? pending : confirmed)++;
                      a["SubscriptionsConfirmed"] = std::to_string(confirmed);
                      a["SubscriptionsPending"] = std::to_string(pending);
                      a["SubscriptionsDeleted"] = std::to_string(t.subscriptions_deleted);
                      GetTopicAttributesResponse out;
                      out.attributes = std::move(a);
                      return out;
                    });
}

Result<Unit> set_topic_attributes(SnsBackend& b, RequestContext& ctx, const SetTopicAttributesInput& in) {
  std::string value = in.attribute_value.value_or("");
  return write_topic(b, ctx, in.topic_arn, "TopicArn", SnsError::kTopicNotFound,
                     [&](SnsState&, TopicEntry& t) -> Result<Unit> {
                       if (auto error = check_topic_attribute(in.attribute_name, value, t.fifo(), false)) return *error;
                       // An empty value clears the attribute (Policy returns to the default).
                       if (value.empty() && in.attribute_name != "DisplayName") t.attributes.erase(in.attribute_name);
                       else t.attributes[in.attribute_name] = value;
                       return Unit{};
                     });
}

Result<TagResourceResponse> tag_resource(SnsBackend& b, RequestContext& ctx, const TagResourceRequest& in) {
  if (auto error = check_tags(in.tags)) return *error;
  return write_topic(b, ctx, in.resource_arn, "ResourceArn", SnsError::kResourceNotFound,
                     [&](SnsState&, TopicEntry& t) -> Result<TagResourceResponse> {
                       std::map<std::string, std::string> next = t.tags;
                       for (const Tag& tag : in.tags) next[tag.key] = tag.value;
                       if (next.size() > kMaxTags) return make_error(SnsError::kTagLimitExceeded);
                       t.tags = std::move(next);
                       return TagResourceResponse{};
                     });
}

Result<UntagResourceResponse> untag_resource(SnsBackend& b, RequestContext& ctx, const UntagResourceRequest& in) {
  return write_topic(b, ctx, in.resource_arn, "ResourceArn", SnsError::kResourceNotFound,
                     [&](SnsState&, TopicEntry& t) -> Result<UntagResourceResponse> {
                       for (const std::string& key : in.tag_keys) t.tags.erase(key);
                       return UntagResourceResponse{};
                     });
}

Result<ListTagsForResourceResponse> list_tags_for_resource(SnsBackend& b, RequestContext& ctx,
                                                           const ListTagsForResourceRequest& in) {
  auto scope = arn_scope(in.resource_arn, "ResourceArn");
  if (!scope) return scope.error();
  return b.state.read(*scope, [&](const SnsState& s) -> Result<ListTagsForResourceResponse> {
    auto it = s.topics.find(in.resource_arn);
    if (it == s.topics.end() || scope->region != ctx.region()) return make_error(SnsError::kResourceNotFound);
    ListTagsForResourceResponse out;
    out.tags.emplace();
    for (const auto& [key, value] : it->second.tags) out.tags->push_back(Tag{key, value});
    return out;
  });
}

Result<Unit> add_permission(SnsBackend& b, RequestContext& ctx, const AddPermissionInput& in) {
  for (const std::string& action : in.action_name)
    if (!sns_actions().count(action))
      return make_error(SnsError::kInvalidParameter, "Policy statement action out of service scope!");
  return write_topic(b, ctx, in.topic_arn, "TopicArn", SnsError::kTopicNotFound,
                     [&](SnsState&, TopicEntry& t) -> Result<Unit> {
                       Scope scope = *scope_of(t.arn);
                       std::string current = t.attribute("Policy");
                       if (current.empty()) current = default_topic_policy(t.arn, scope.account);
                       rapidjson::Document doc;
                       std::string error;
                       if (!parse_json(current, doc, error) || !doc.IsObject()) doc.SetObject();
                       auto& alloc = doc.GetAllocator();
                       if (!doc.HasMember("Statement") || !doc["Statement"].IsArray()) {
                         doc.RemoveMember("Statement");
                         doc.AddMember("Statement", rapidjson::Value(rapidjson::kArrayType), alloc);
                       }
                       rapidjson::Value& statements = doc["Statement"];
                       for (const auto& st : statements.GetArray())
                         if (const rapidjson::Value* sid = json_member(st, "Sid");
                             sid && sid->IsString() && in.label == sid->GetString())
                           return make_error(SnsError::kInvalidParameter, "Statement already exists");
                       auto text = [&](const std::string& v) { return rapidjson::Value(v.c_str(), alloc); };
                       rapidjson::Value principals(rapidjson::kArrayType), actions(rapidjson::kArrayType);
                       std::string partition(partition_for_region(scope.region));
                       for (const std::string& account : in.aws_account_id)
                         principals.PushBack(text(is_account_id(account) ? "arn:" + partition + ":iam::" + account + ":root"
                                                                         : account),
                                             alloc);
                       for (const std::string& action : in.action_name)
                         actions.PushBack(text(action == "*" ? "SNS:*" : "SNS:" + action), alloc);
                       rapidjson::Value principal(rapidjson::kObjectType);
                       if (principals.Size() == 1) principal.AddMember("AWS", principals[0], alloc);
                       else principal.AddMember("AWS", principals, alloc);
                       rapidjson::Value statement(rapidjson::kObjectType);
                       statement.AddMember("Sid", text(in.label), alloc);
                       statement.AddMember("Effect", "Allow", alloc);
                       statement.AddMember("Principal", principal, alloc);
                       if (actions.Size() == 1) statement.AddMember("Action", actions[0], alloc);
                       else statement.AddMember("Action", actions, alloc);
                       statement.AddMember("Resource", text(t.arn), alloc);
                       statements.PushBack(statement, alloc);
                       t.attributes["Policy"] = write_json(doc);
                       return Unit{};
                     });
}

Result<Unit> remove_permission(SnsBackend& b, RequestContext& ctx, const RemovePermissionInput& in) {
  return write_topic(b, ctx, in.topic_arn, "TopicArn", SnsError::kTopicNotFound,
                     [&](SnsState&, TopicEntry& t) -> Result<Unit> {
                       std::string current = t.attribute("Policy");
                       if (current.empty()) return Unit{};
                       rapidjson::Document doc;
                       std::string error;
                       if (!parse_json(current, doc, error) || !doc.IsObject() || !doc.HasMember("Statement") ||
                           !doc["Statement"].IsArray())
                         return Unit{};
                       rapidjson::Value& statements = doc["Statement"];
                       for (auto it = statements.Begin(); it != statements.End();) {
                         const rapidjson::Value* sid = json_member(*it, "Sid");
                         if (sid && sid->IsString() && in.label == sid->GetString()) it = statements.Erase(it);
                         else ++it;
                       }
                       t.attributes["Policy"] = write_json(doc);
                       return Unit{};
                     });
}

Result<Unit> put_data_protection_policy(SnsBackend& b, RequestContext& ctx, const PutDataProtectionPolicyInput& in) {
  if (!in.data_protection_policy.empty() && !is_json_object(in.data_protection_policy))
    return make_error(SnsError::kInvalidParameter, "DataProtectionPolicy");
  return write_topic(b, ctx, in.resource_arn, "ResourceArn", SnsError::kTopicNotFound,
                     [&](SnsState&, TopicEntry& t) -> Result<Unit> {
                       t.data_protection_policy = in.data_protection_policy;
                       return Unit{};
                     });
}

Result<GetDataProtectionPolicyResponse> get_data_protection_policy(SnsBackend& b, RequestContext& ctx,
                                                                   const GetDataProtectionPolicyInput& in) {
  return read_topic(b, ctx, in.resource_arn, "ResourceArn",
                    [&](const SnsState&, const TopicEntry& t) -> Result<GetDataProtectionPolicyResponse> {
                      GetDataProtectionPolicyResponse out;
                      out.data_protection_policy = t.data_protection_policy;
                      return out;
                    });
}

}  // namespace rime::sns
