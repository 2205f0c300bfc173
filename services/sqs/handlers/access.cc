// AddPermission and RemovePermission (statements in the queue's Policy document), TagQueue,
// UntagQueue, ListQueueTags.
#include <algorithm>

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "core/arn.h"
#include "core/json.h"
#include "services/sqs/handlers/handlers.h"

namespace rime::sqs {
namespace {

constexpr std::size_t kMaxActions = 7;
constexpr int kMaxTags = 50;

// Actions another account may be granted; the owner-only ones are refused with their own reason.
constexpr std::string_view kShareableActions[] = {
    "*", "SendMessage", "ReceiveMessage", "DeleteMessage", "ChangeMessageVisibility", "GetQueueAttributes",
    "GetQueueUrl", "ListDeadLetterSourceQueues", "PurgeQueue", "StartMessageMoveTask", "CancelMessageMoveTask",
    "ListMessageMoveTasks"};
constexpr std::string_view kOwnerOnlyActions[] = {
    "CreateQueue", "DeleteQueue", "SetQueueAttributes", "AddPermission", "RemovePermission", "TagQueue",
    "UntagQueue", "ListQueueTags", "ListQueues"};

template <std::size_t N>
bool contains(const std::string_view (&list)[N], std::string_view name) {
  return std::find(std::begin(list), std::end(list), name) != std::end(list);
}

bool valid_label(std::string_view label) {
  if (label.empty() || label.size() > 80) return false;
  return std::all_of(label.begin(), label.end(),
                     [](unsigned char c) { return std::isalnum(c) || c == '-' || c == '_'; });
}

rapidjson::Value json_string(std::string_view s, rapidjson::Document::AllocatorType& a) {
  return rapidjson::Value(s.data(), static_cast<rapidjson::SizeType>(s.size()), a);
}

/// One value, or an array of them: how AWS writes Principal.AWS and Action.
rapidjson::Value one_or_many(const std::vector<std::string>& values, rapidjson::Document::AllocatorType& a) {
  if (values.size() == 1) return json_string(values[0], a);
  rapidjson::Value list(rapidjson::kArrayType);
  for (const auto& v : values) list.PushBack(json_string(v, a), a);
  return list;
}

/// The queue's policy as a document with a Statement array (a fresh one when it has none).
void load_policy(const Queue& q, rapidjson::Document& doc) {
  std::string error;
  if (q.config.policy.empty() || !parse_json(q.config.policy, doc, error) || !doc.IsObject()) {
    doc.SetObject();
    auto& a = doc.GetAllocator();
    doc.AddMember("Version", "2012-10-17", a);
    doc.AddMember("Id", json_string(q.arn + "/SQSDefaultPolicy", a), a);
  }
  auto& a = doc.GetAllocator();
  auto it = doc.FindMember("Statement");
  if (it == doc.MemberEnd()) {
    doc.AddMember("Statement", rapidjson::Value(rapidjson::kArrayType), a);
  } else if (!it->value.IsArray()) {
    rapidjson::Value single(it->value, a);
    it->value.SetArray();
    if (single.IsObject()) it->value.PushBack(single, a);
  }
}

std::string dump(const rapidjson::Document& doc) {
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  doc.Accept(w);
  return std::string(buf.GetString(), buf.GetSize());
}

bool has_sid(const rapidjson::Value& statement, std::string_view label) {
  auto sid = statement.FindMember("Sid");
  return sid != statement.MemberEnd() && sid->value.IsString() && label == sid->value.GetString();
}

}  // namespace

Result<Unit> add_permission(SqsBackend& b, RequestContext& ctx, const AddPermissionRequest& in) {
  if (!valid_label(in.label))
    return invalid_parameter(in.label, "Label",
                             "Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length.");
  if (in.aws_account_ids.empty()) return make_error(SqsError::kMissingParameter, "AWSAccountIds");
  if (in.actions.empty()) return make_error(SqsError::kMissingParameter, "Actions");
  if (in.actions.size() > kMaxActions) return make_error(SqsError::kOverLimit, std::to_string(in.actions.size()));
  for (const auto& action : in.actions) {
    if (contains(kOwnerOnlyActions, action))
      return invalid_parameter("SQS:" + action, "ActionName", "Only the queue owner is allowed to invoke this action.");
    if (!contains(kShareableActions, action))
      return invalid_parameter("SQS:" + action, "ActionName", "Please refer to the appropriate WSDL for a list of valid actions.");
  }
  for (const auto& account : in.aws_account_ids)
    if (!is_account_id(account)) return invalid_parameter("[" + account + "]", "PrincipalId", "Unable to verify.");

  return with_queue<Unit>(b, ctx, in.queue_url, [&](Mutation& m, Queue& q) -> Result<Unit> {
    rapidjson::Document doc;
    load_policy(q, doc);
    auto& a = doc.GetAllocator();
    auto& statements = doc["Statement"];
    for (const auto& statement : statements.GetArray())
      if (has_sid(statement, in.label)) return invalid_parameter(in.label, "Label", "Already exists.");
    std::vector<std::string> principals, actions;
    const std::string partition(partition_for_region(q.scope.region));
    for (const auto& account : in.aws_account_ids) principals.push_back("arn:" + partition + ":iam::" + account + ":root");
    for (const auto& action : in.actions) actions.push_back("SQS:" + action);
    rapidjson::Value statement(rapidjson::kObjectType);
    statement.AddMember("Sid", json_string(in.label, a), a);
    statement.AddMember("Effect", "Allow", a);
    rapidjson::Value principal(rapidjson::kObjectType);
    principal.AddMember("AWS", one_or_many(principals, a), a);
    statement.AddMember("Principal", principal, a);
    statement.AddMember("Action", one_or_many(actions, a), a);
    statement.AddMember("Resource", json_string(q.arn, a), a);
    statements.PushBack(statement, a);
    q.config.policy = dump(doc);
    q.last_modified_ms = m.now;
    return Unit{};
  });
}

Result<Unit> remove_permission(SqsBackend& b, RequestContext& ctx, const RemovePermissionRequest& in) {
  return with_queue<Unit>(b, ctx, in.queue_url, [&](Mutation& m, Queue& q) -> Result<Unit> {
    auto not_found = [&] { return invalid_parameter(in.label, "Label", "can't find label on existing policy."); };
    if (q.config.policy.empty()) return not_found();
    rapidjson::Document doc;
    load_policy(q, doc);
    auto& statements = doc["Statement"];
    bool removed = false;
    for (auto it = statements.Begin(); it != statements.End();) {
      if (has_sid(*it, in.label)) {
        it = statements.Erase(it);
        removed = true;
      } else {
        ++it;
      }
    }
    if (!removed) return not_found();
    // The last statement gone, the queue has no policy left.
    q.config.policy = statements.Empty() ? std::string() : dump(doc);
    q.last_modified_ms = m.now;
    return Unit{};
  });
}

Result<Unit> tag_queue(SqsBackend& b, RequestContext& ctx, const TagQueueRequest& in) {
  if (in.tags.empty()) return make_error(SqsError::kMissingParameter, "Tags");
  for (const auto& [key, value] : in.tags) {
    if (key.empty() || key.size() > 128)
      return make_error(SqsError::kInvalidParameterValue, "Tag keys must be between 1 and 128 characters in length.");
    if (value.size() > 256)
      return make_error(SqsError::kInvalidParameterValue, "Tag values must be between 0 and 256 characters in length.");
  }
  return with_queue<Unit>(b, ctx, in.queue_url, [&](Mutation&, Queue& q) -> Result<Unit> {
    auto merged = q.tags;
    for (const auto& [key, value] : in.tags) merged[key] = value;
    if (merged.size() > kMaxTags)
      return make_error(SqsError::kInvalidParameterValue, "Too many tags added for queue " + q.name + ".");
    q.tags = std::move(merged);
    return Unit{};
  });
}

Result<Unit> untag_queue(SqsBackend& b, RequestContext& ctx, const UntagQueueRequest& in) {
  if (in.tag_keys.empty()) return make_error(SqsError::kMissingParameter, "TagKeys");
  return with_queue<Unit>(b, ctx, in.queue_url, [&](Mutation&, Queue& q) -> Result<Unit> {
    for (const auto& key : in.tag_keys) q.tags.erase(key);
    return Unit{};
  });
}

Result<ListQueueTagsResult> list_queue_tags(SqsBackend& b, RequestContext& ctx, const ListQueueTagsRequest& in) {
  auto ref = parse_queue_url(in.queue_url, ctx);
  if (!ref) return make_error(SqsError::kQueueDoesNotExist);
  return b.state.read(ref->scope, [&](const SqsState& s) -> Result<ListQueueTagsResult> {
    const Queue* q = s.find(ref->name);
    if (!q) return make_error(SqsError::kQueueDoesNotExist);
    ListQueueTagsResult out;
    if (!q->tags.empty()) out.tags = q->tags;
    return out;
  });
}

}  // namespace rime::sqs
