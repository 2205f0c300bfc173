#include "services/sns/state.h"

#include <algorithm>

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "core/arn.h"

namespace rime::sns {

bool TopicEntry::fifo() const { return attribute("FifoTopic") == "true"; }

bool TopicEntry::content_based_deduplication() const { return attribute("ContentBasedDeduplication") == "true"; }

std::string TopicEntry::attribute(std::string_view name) const {
  auto it = attributes.find(std::string(name));
  return it == attributes.end() ? std::string() : it->second;
}

std::string SubscriptionEntry::attribute(std::string_view name) const {
  auto it = attributes.find(std::string(name));
  return it == attributes.end() ? std::string() : it->second;
}

FilterScope SubscriptionEntry::filter_scope() const {
  return attribute("FilterPolicyScope") == "MessageBody" ? FilterScope::kMessageBody : FilterScope::kMessageAttributes;
}

std::uint64_t SnsState::record(DeliveryRecord record) {
  record.id = next_delivery_id++;
  std::uint64_t id = record.id;
  deliveries.push_back(std::move(record));
  while (deliveries.size() > kMaxDeliveries) deliveries.pop_front();
  return id;
}

DeliveryRecord* SnsState::find_record(std::uint64_t id) {
  // Ids grow with position: a binary search over the deque.
  auto it = std::lower_bound(deliveries.begin(), deliveries.end(), id,
                             [](const DeliveryRecord& r, std::uint64_t v) { return r.id < v; });
  return it != deliveries.end() && it->id == id ? &*it : nullptr;
}

std::optional<Scope> scope_of(std::string_view arn) {
  auto parsed = Arn::parse(arn);
  if (!parsed || parsed->service != "sns" || parsed->account.empty() || parsed->region.empty()) return std::nullopt;
  return Scope{parsed->account, parsed->region};
}

void compile_filter(SubscriptionEntry& sub) {
  sub.filter.reset();
  std::string text = sub.attribute("FilterPolicy");
  if (text.empty()) return;
  FilterPolicyError error;
  if (auto policy = FilterPolicy::parse(text, sub.filter_scope(), error))
    sub.filter = std::make_shared<const FilterPolicy>(std::move(*policy));
}

std::string default_topic_policy(const std::string& topic_arn, const std::string& account) {
  // The document AWS attaches to a new topic (GetTopicAttributes "Policy"), compact as AWS writes it.
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
  w.StartObject();
  w.Key("Version");
  w.String("2008-10-17");
  w.Key("Id");
  w.String("__default_policy_ID");
  w.Key("Statement");
  w.StartArray();
  w.StartObject();
  w.Key("Sid");
  w.String("__default_statement_ID");
  w.Key("Effect");
  w.String("Allow");
  w.Key("Principal");
  w.StartObject();
  w.Key("AWS");
  w.String("*");
  w.EndObject();
  w.Key("Action");
  w.StartArray();
  for (const char* action : {"SNS:GetTopicAttributes", "SNS:SetTopicAttributes", "SNS:AddPermission",
                             "SNS:RemovePermission", "SNS:DeleteTopic", "SNS:Subscribe",
                             "SNS:ListSubscriptionsByTopic", "SNS:Publish"})
    w.String(action);
  w.EndArray();
  w.Key("Resource");
  w.String(topic_arn.c_str(), static_cast<rapidjson::SizeType>(topic_arn.size()));
  w.Key("Condition");
  w.StartObject();
  w.Key("StringEquals");
  w.StartObject();
  w.Key("AWS:SourceOwner");
  w.String(account.c_str(), static_cast<rapidjson::SizeType>(account.size()));
  w.EndObject();
  w.EndObject();
  w.EndObject();
  w.EndArray();
  w.EndObject();
  return {buffer.GetString(), buffer.GetSize()};
}

std::string principal_arn(const Scope& scope) {
  return "arn:" + std::string(partition_for_region(scope.region)) + ":iam::" + scope.account + ":root";
}

}  // namespace rime::sns
