// SQS queue handlers, errors, digests, URLs and attribute rules, called with typed input.
#include <catch2/catch.hpp>

#include "services/sqs/digests.h"
#include "services/sqs/errors.h"
#include "services/sqs/handlers/handlers.h"
#include "services/sqs/urls.h"

using namespace rime;
using namespace rime::sqs;

namespace {

RequestContext context(const std::string& account = "123456789012") {
  RequestContext ctx;
  ctx.request_id = "test";
  ctx.scope = {account, "us-east-1"};
  ctx.host = "localhost:4566";
  return ctx;
}

struct Fixture {
  std::shared_ptr<SqsBackend> backend = std::make_shared<SqsBackend>();
  Millis clock = 1'700'000'000'000;
  RequestContext ctx = context();

  Fixture() { backend->clock = [this] { return clock; }; }

  Result<CreateQueueResult> create(const std::string& name, std::map<std::string, std::string> attributes = {}) {
    CreateQueueRequest in;
    in.queue_name = name;
    if (!attributes.empty()) in.attributes = std::move(attributes);
    return create_queue(*backend, ctx, in);
  }
  std::string url(const std::string& name) { return *create(name)->queue_url; }
  std::map<std::string, std::string> attributes(const std::string& url, std::vector<std::string> names = {"All"}) {
    GetQueueAttributesRequest in;
    in.queue_url = url;
    in.attribute_names = std::move(names);
    auto out = get_queue_attributes(*backend, ctx, in);
    REQUIRE(out);
    return out->attributes.value_or(std::map<std::string, std::string>{});
  }
  Result<Unit> set(const std::string& url, std::map<std::string, std::string> attributes) {
    SetQueueAttributesRequest in;
    in.queue_url = url;
    in.attributes = std::move(attributes);
    return set_queue_attributes(*backend, ctx, in);
  }
};

}  // namespace

// Every error maps to the code, status and wording AWS uses (exhaustive over the enum).
TEST_CASE("SQS error mapping", "[sqs][errors]") {
  CHECK(make_error(SqsError::kQueueDoesNotExist).code == "QueueDoesNotExist");
  CHECK(make_error(SqsError::kQueueDoesNotExist).message == "The specified queue does not exist.");
  CHECK(make_error(SqsError::kQueueNameExists, "DelaySeconds").message ==
        "A queue already exists with the same name and a different value for attribute DelaySeconds");
  CHECK(make_error(SqsError::kInvalidAttributeName, "Foo").message == "Unknown Attribute Foo.");
  CHECK(make_error(SqsError::kInvalidAttributeValue, "DelaySeconds").message ==
        "Invalid value for the parameter DelaySeconds.");
  CHECK(make_error(SqsError::kMissingParameter, "MessageGroupId").message ==
        "The request must contain the parameter MessageGroupId.");
  CHECK(make_error(SqsError::kReceiptHandleIsInvalid, "x").status == 404);
  CHECK(make_error(SqsError::kMessageNotInflight).code == "MessageNotInflight");
  CHECK(make_error(SqsError::kPurgeQueueInProgress, "q").status == 403);
  CHECK(make_error(SqsError::kEmptyBatchRequest, "SendMessageBatch").message ==
        "There should be at least one SendMessageBatchRequestEntry in the request.");
  CHECK(make_error(SqsError::kTooManyEntriesInBatchRequest, "11").message ==
        "Maximum number of entries per request are 10. You have sent 11.");
  CHECK(make_error(SqsError::kBatchEntryIdsNotDistinct, "a").message == "Id a repeated.");
  CHECK(make_error(SqsError::kInvalidBatchEntryId).code == "InvalidBatchEntryId");
  CHECK(make_error(SqsError::kBatchRequestTooLong, "1048577").code == "BatchRequestTooLong");
  CHECK(make_error(SqsError::kInvalidMessageContents).code == "InvalidMessageContents");
  CHECK(make_error(SqsError::kOverLimit, "8").message == "8 Actions were found, maximum allowed is 7.");
  CHECK(make_error(SqsError::kResourceNotFound, "x").status == 404);
  CHECK(make_error(SqsError::kUnsupportedOperation, "x").code == "UnsupportedOperation");
  CHECK(make_error(SqsError::kInvalidParameterValue, "m").code == "InvalidParameterValue");
  CHECK(invalid_parameter("11", "MaxNumberOfMessages", "r").message ==
        "Value 11 for parameter MaxNumberOfMessages is invalid. Reason: r");
}

// MD5OfMessageAttributes follows AWS's documented encoding; the values were computed
// independently (Python, and moto_server agrees) from the same attributes.
TEST_CASE("MD5 of message attributes", "[sqs][digests]") {
  CHECK(md5_hex("hello") == "5d41402abc4b2a76b9719d911017c592");
  CHECK(sha256_hex("hello") == "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824");
  CHECK(md5_of_attributes({}).empty());
  CHECK(md5_of_attributes({{"a", {"String", "x", ""}}, {"b", {"Binary", "", std::string("\x00\x01", 2)}}}) ==
        "fa20e2def088daf7b14bc51e836c5547");
  CHECK(md5_of_attributes({{"attr1", {"String", "value1", ""}}}) == "3bc3f392bdd1097ba0b434f65d468d2e");
  std::string all_bytes;
  for (int i = 0; i < 256; ++i) all_bytes.push_back(static_cast<char>(i));
  CHECK(md5_of_attributes({{"number", {"Number", "12.5", ""}},
                           {"string.custom", {"String.custom", "h\xc3\xa9llo", ""}},
                           {"bin", {"Binary", "", all_bytes}}}) == "1f02f71b3a22eb14df581fc4a2b8790e");
  // MD5OfMessageSystemAttributes uses the same encoding over AWSTraceHeader.
  CHECK(md5_of_attributes({{"AWSTraceHeader",
                            {"String", "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1",
                             ""}}}) == "5ae4d5d7636402d80f4eb6d213245a88");
}

// Queue URLs name the owner account; any host works, AWS's names the region.
TEST_CASE("Queue URLs and ARNs", "[sqs][urls]") {
  RequestContext ctx = context();
  CHECK(queue_url(ctx, ctx.scope, "q") == "http://localhost:4566/123456789012/q");
  ctx.tls = true;
  CHECK(queue_url(ctx, ctx.scope, "q") == "https://localhost:4566/123456789012/q");
  auto ref = parse_queue_url("http://anything:1234/111122223333/jobs", ctx);
  REQUIRE(ref);
  CHECK(ref->scope.account == "111122223333");
  CHECK(ref->scope.region == "us-east-1");
  CHECK(ref->name == "jobs");
  ref = parse_queue_url("https://sqs.eu-west-1.amazonaws.com/111122223333/jobs.fifo", ctx);
  REQUIRE(ref);
  CHECK(ref->scope.region == "eu-west-1");
  CHECK(ref->name == "jobs.fifo");
  CHECK_FALSE(parse_queue_url("http://host/not-an-account/jobs", ctx));
  CHECK_FALSE(parse_queue_url("http://host/", ctx));
  auto arn = parse_queue_arn("arn:aws:sqs:us-west-2:111122223333:dlq");
  REQUIRE(arn);
  CHECK(arn->scope == Scope{"111122223333", "us-west-2"});
  CHECK_FALSE(parse_queue_arn("arn:aws:sns:us-west-2:111122223333:topic"));
  CHECK(valid_queue_name(std::string(80, 'a'), false));
  CHECK_FALSE(valid_queue_name(std::string(81, 'a'), false));
  CHECK_FALSE(valid_queue_name("a.b", false));
  CHECK(valid_queue_name("a-b_c.fifo", true));
  CHECK_FALSE(valid_queue_name("abc", true));
  CHECK_FALSE(valid_queue_name(".fifo", true));
}

// CreateQueue is idempotent for equal attributes and refuses different ones.
TEST_CASE("CreateQueue attribute conflicts", "[sqs][CreateQueue]") {
  Fixture f;
  REQUIRE(f.create("q", {{"VisibilityTimeout", "60"}}));
  CHECK(f.create("q", {{"VisibilityTimeout", "60"}}));
  CHECK(f.create("q"));  // attributes not given are not compared
  auto conflict = f.create("q", {{"VisibilityTimeout", "61"}});
  REQUIRE_FALSE(conflict);
  CHECK(conflict.error().code == "QueueNameExists");
  CHECK(conflict.error().message.ends_with("attribute VisibilityTimeout"));
}

// Names and FIFO suffix rules, and AWS's ranges for every numeric attribute.
TEST_CASE("CreateQueue validation", "[sqs][CreateQueue]") {
  Fixture f;
  CHECK(f.create("bad name").error().code == "InvalidParameterValue");
  CHECK(f.create(std::string(81, 'x')).error().code == "InvalidParameterValue");
  CHECK(f.create("x.fifo").error().code == "InvalidParameterValue");  // .fifo needs FifoQueue
  CHECK(f.create("x", {{"FifoQueue", "true"}}).error().code == "InvalidParameterValue");
  CHECK(f.create("x.fifo", {{"FifoQueue", "true"}}));
  CHECK(f.create("s", {{"ContentBasedDeduplication", "true"}}).error().code == "InvalidAttributeName");
  CHECK(f.create("s", {{"Bogus", "1"}}).error().code == "InvalidAttributeName");
  CHECK(f.create("s", {{"QueueArn", "x"}}).error().code == "InvalidAttributeName");
  struct Case {
    const char* name;
    const char* low;
    const char* high;
  } cases[] = {{"DelaySeconds", "0", "900"},
               {"MaximumMessageSize", "1024", "1048576"},
               {"MessageRetentionPeriod", "60", "1209600"},
               {"ReceiveMessageWaitTimeSeconds", "0", "20"},
               {"VisibilityTimeout", "0", "43200"},
               {"KmsDataKeyReusePeriodSeconds", "60", "86400"}};
  for (const auto& c : cases) {
    INFO(c.name);
    CHECK(f.create(std::string("lo") + c.name, {{c.name, c.low}}));
    CHECK(f.create(std::string("hi") + c.name, {{c.name, c.high}}));
    CHECK(f.create("bad", {{c.name, std::to_string(std::stoi(c.low) - 1)}}).error().code == "InvalidAttributeValue");
    CHECK(f.create("bad", {{c.name, std::to_string(std::stoi(c.high) + 1)}}).error().code == "InvalidAttributeValue");
    CHECK(f.create("bad", {{c.name, "ten"}}).error().code == "InvalidAttributeValue");
  }
}

// GetQueueAttributes: All, defaults as AWS documents them, FIFO-only attributes.
TEST_CASE("GetQueueAttributes defaults", "[sqs][GetQueueAttributes]") {
  Fixture f;
  auto attrs = f.attributes(f.url("std"));
  CHECK(attrs["QueueArn"] == "arn:aws:sqs:us-east-1:123456789012:std");
  CHECK(attrs["VisibilityTimeout"] == "30");
  CHECK(attrs["MaximumMessageSize"] == "1048576");
  CHECK(attrs["MessageRetentionPeriod"] == "345600");
  CHECK(attrs["DelaySeconds"] == "0");
  CHECK(attrs["ReceiveMessageWaitTimeSeconds"] == "0");
  CHECK(attrs["SqsManagedSseEnabled"] == "true");
  CHECK(attrs["ApproximateNumberOfMessages"] == "0");
  CHECK(attrs["CreatedTimestamp"] == "1700000000");
  CHECK_FALSE(attrs.contains("FifoQueue"));
  CHECK_FALSE(attrs.contains("Policy"));
  auto fifo = f.attributes(*f.create("f.fifo", {{"FifoQueue", "true"}})->queue_url);
  CHECK(fifo["FifoQueue"] == "true");
  CHECK(fifo["ContentBasedDeduplication"] == "false");
  CHECK(fifo["DeduplicationScope"] == "queue");
  CHECK(fifo["FifoThroughputLimit"] == "perQueue");
  CHECK(f.attributes(f.url("std"), {}).empty());  // no names, no attributes
  GetQueueAttributesRequest bad;
  bad.queue_url = f.url("std");
  bad.attribute_names = std::vector<std::string>{"Nope"};
  CHECK(get_queue_attributes(*f.backend, f.ctx, bad).error().code == "InvalidAttributeName");
}

// SetQueueAttributes validates everything before changing anything, and bumps LastModified.
TEST_CASE("SetQueueAttributes", "[sqs][SetQueueAttributes]") {
  Fixture f;
  std::string url = f.url("q");
  f.clock += 5000;
  REQUIRE(f.set(url, {{"VisibilityTimeout", "99"}, {"DelaySeconds", "5"}}));
  auto attrs = f.attributes(url);
  CHECK(attrs["VisibilityTimeout"] == "99");
  CHECK(attrs["DelaySeconds"] == "5");
  CHECK(attrs["LastModifiedTimestamp"] == "1700000005");
  CHECK(f.set(url, {{"VisibilityTimeout", "1"}, {"DelaySeconds", "901"}}).error().code == "InvalidAttributeValue");
  CHECK(f.attributes(url)["VisibilityTimeout"] == "99");
  CHECK(f.set(url, {{"FifoQueue", "true"}}).error().code == "InvalidAttributeName");
  CHECK(f.set(url, {{"Policy", "{not json"}}).error().code == "InvalidAttributeValue");
  REQUIRE(f.set(url, {{"KmsMasterKeyId", "alias/aws/sqs"}}));
  attrs = f.attributes(url);
  CHECK(attrs["KmsMasterKeyId"] == "alias/aws/sqs");
  CHECK(attrs["KmsDataKeyReusePeriodSeconds"] == "300");
  CHECK(attrs["SqsManagedSseEnabled"] == "false");
  CHECK(f.set(url, {{"RedrivePolicy", R"({"deadLetterTargetArn":"arn:aws:sqs:us-east-1:123456789012:none","maxReceiveCount":3})"}})
            .error()
            .message.find("Dead letter target does not exist") != std::string::npos);
}

// RedrivePolicy: parsed (numbers or numeric strings), normalised, checked against the target.
TEST_CASE("RedrivePolicy and RedriveAllowPolicy", "[sqs][SetQueueAttributes][dlq]") {
  Fixture f;
  f.url("dlq");
  std::string arn = "arn:aws:sqs:us-east-1:123456789012:dlq";
  std::string src = f.url("src");
  REQUIRE(f.set(src, {{"RedrivePolicy", R"({"deadLetterTargetArn":")" + arn + R"(","maxReceiveCount":"4"})"}}));
  CHECK(f.attributes(src)["RedrivePolicy"] == R"({"deadLetterTargetArn":")" + arn + R"(","maxReceiveCount":4})");
  CHECK(f.set(src, {{"RedrivePolicy", R"({"deadLetterTargetArn":")" + arn + R"(","maxReceiveCount":0})"}})
            .error()
            .code == "InvalidParameterValue");
  CHECK(f.set(src, {{"RedrivePolicy", R"({"maxReceiveCount":1})"}}).error().message.find("deadLetterTargetArn") !=
        std::string::npos);
  // The DLQ allows only a named source.
  REQUIRE(f.set(*f.create("dlq")->queue_url,
                {{"RedriveAllowPolicy", R"({"redrivePermission":"byQueue","sourceQueueArns":["arn:aws:sqs:us-east-1:123456789012:other"]})"}}));
  std::string other = f.url("other");
  CHECK_FALSE(f.set(*f.create("third")->queue_url,
                    {{"RedrivePolicy", R"({"deadLetterTargetArn":")" + arn + R"(","maxReceiveCount":1})"}}));
  CHECK(f.set(other, {{"RedrivePolicy", R"({"deadLetterTargetArn":")" + arn + R"(","maxReceiveCount":1})"}}));
  // A FIFO queue cannot use a standard DLQ.
  auto fifo = f.create("f.fifo", {{"FifoQueue", "true"}});
  CHECK(f.set(*fifo->queue_url, {{"RedrivePolicy", R"({"deadLetterTargetArn":")" + arn + R"(","maxReceiveCount":1})"}})
            .error()
            .message.find("same type") != std::string::npos);
  // ListDeadLetterSourceQueues lists src and other.
  ListDeadLetterSourceQueuesRequest list;
  list.queue_url = *f.create("dlq")->queue_url;
  auto sources = list_dead_letter_source_queues(*f.backend, f.ctx, list);
  REQUIRE(sources);
  CHECK(sources->queue_urls == std::vector<std::string>{other, src});
  list.max_results = 1;
  sources = list_dead_letter_source_queues(*f.backend, f.ctx, list);
  CHECK(sources->queue_urls.size() == 1);
  REQUIRE(sources->next_token);
  list.next_token = sources->next_token;
  CHECK(list_dead_letter_source_queues(*f.backend, f.ctx, list)->queue_urls == std::vector<std::string>{src});
}

// ListQueues: prefix, pagination only when MaxResults is given, scope isolation.
TEST_CASE("ListQueues", "[sqs][ListQueues]") {
  Fixture f;
  for (auto name : {"a1", "a2", "a3", "b1"}) f.url(name);
  ListQueuesRequest in;
  in.queue_name_prefix = "a";
  auto out = list_queues(*f.backend, f.ctx, in);
  REQUIRE(out);
  CHECK(out->queue_urls->size() == 3);
  CHECK_FALSE(out->next_token);
  in.max_results = 2;
  out = list_queues(*f.backend, f.ctx, in);
  CHECK(out->queue_urls->size() == 2);
  REQUIRE(out->next_token);
  in.next_token = out->next_token;
  out = list_queues(*f.backend, f.ctx, in);
  CHECK(*out->queue_urls == std::vector<std::string>{"http://localhost:4566/123456789012/a3"});
  CHECK_FALSE(out->next_token);
  in.max_results = 1001;
  CHECK(list_queues(*f.backend, f.ctx, in).error().code == "InvalidParameterValue");
  RequestContext other = context("111122223333");
  CHECK_FALSE(list_queues(*f.backend, other, ListQueuesRequest{})->queue_urls);
}

// GetQueueUrl with QueueOwnerAWSAccountId reaches another account's queue; the URL names it.
TEST_CASE("GetQueueUrl and cross-account URLs", "[sqs][GetQueueUrl]") {
  Fixture f;
  RequestContext owner = context("111122223333");
  CreateQueueRequest create;
  create.queue_name = "shared";
  REQUIRE(create_queue(*f.backend, owner, create));
  GetQueueUrlRequest in;
  in.queue_name = "shared";
  CHECK(get_queue_url(*f.backend, f.ctx, in).error().code == "QueueDoesNotExist");
  in.queue_owner_aws_account_id = "111122223333";
  auto url = get_queue_url(*f.backend, f.ctx, in);
  REQUIRE(url);
  CHECK(*url->queue_url == "http://localhost:4566/111122223333/shared");
  CHECK(f.attributes(*url->queue_url)["QueueArn"] == "arn:aws:sqs:us-east-1:111122223333:shared");
}

// DeleteQueue removes it; PurgeQueue allows one purge per 60 seconds.
TEST_CASE("DeleteQueue and PurgeQueue", "[sqs][DeleteQueue][PurgeQueue]") {
  Fixture f;
  std::string url = f.url("q");
  PurgeQueueRequest purge;
  purge.queue_url = url;
  REQUIRE(purge_queue(*f.backend, f.ctx, purge));
  f.clock += 59'000;
  auto again = purge_queue(*f.backend, f.ctx, purge);
  REQUIRE_FALSE(again);
  CHECK(again.error().code == "PurgeQueueInProgress");
  CHECK(again.error().message == "Only one PurgeQueue operation on q is allowed every 60 seconds.");
  f.clock += 1'000;
  CHECK(purge_queue(*f.backend, f.ctx, purge));
  DeleteQueueRequest del;
  del.queue_url = url;
  REQUIRE(delete_queue(*f.backend, f.ctx, del));
  CHECK(delete_queue(*f.backend, f.ctx, del).error().code == "QueueDoesNotExist");
  CHECK(purge_queue(*f.backend, f.ctx, purge).error().code == "QueueDoesNotExist");
}

// Tags: set on creation, merged by TagQueue, removed by UntagQueue.
TEST_CASE("Queue tags", "[sqs][TagQueue]") {
  Fixture f;
  CreateQueueRequest create;
  create.queue_name = "t";
  create.tags = std::map<std::string, std::string>{{"team", "a"}};
  std::string url = *create_queue(*f.backend, f.ctx, create)->queue_url;
  TagQueueRequest tag;
  tag.queue_url = url;
  tag.tags = {{"env", "dev"}, {"team", "b"}};
  REQUIRE(tag_queue(*f.backend, f.ctx, tag));
  ListQueueTagsRequest list;
  list.queue_url = url;
  CHECK(*list_queue_tags(*f.backend, f.ctx, list)->tags == std::map<std::string, std::string>{{"env", "dev"}, {"team", "b"}});
  UntagQueueRequest untag;
  untag.queue_url = url;
  untag.tag_keys = {"team"};
  REQUIRE(untag_queue(*f.backend, f.ctx, untag));
  CHECK(*list_queue_tags(*f.backend, f.ctx, list)->tags == std::map<std::string, std::string>{{"env", "dev"}});
  for (int i = 0; i < 60; ++i) tag.tags["k" + std::to_string(i)] = "v";
  CHECK(tag_queue(*f.backend, f.ctx, tag).error().code == "InvalidParameterValue");
}

// AddPermission builds AWS's policy document; RemovePermission takes statements out by label.
TEST_CASE("AddPermission and RemovePermission", "[sqs][AddPermission]") {
  Fixture f;
  std::string url = f.url("p");
  AddPermissionRequest add;
  add.queue_url = url;
  add.label = "share";
  add.aws_account_ids = {"111122223333"};
  add.actions = {"SendMessage"};
  REQUIRE(add_permission(*f.backend, f.ctx, add));
  CHECK(f.attributes(url)["Policy"] ==
        R"({"Version":"2012-10-17","Id":"arn:aws:sqs:us-east-1:123456789012:p/SQSDefaultPolicy","Statement":[{"Sid":"share","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"SQS:SendMessage","Resource":"arn:aws:sqs:us-east-1:123456789012:p"}]})");
  CHECK(add_permission(*f.backend, f.ctx, add).error().message.find("Already exists") != std::string::npos);
  add.label = "two";
  add.aws_account_ids = {"111122223333", "444455556666"};
  add.actions = {"ReceiveMessage", "DeleteMessage"};
  REQUIRE(add_permission(*f.backend, f.ctx, add));
  CHECK(f.attributes(url)["Policy"].find(R"("Action":["SQS:ReceiveMessage","SQS:DeleteMessage"])") != std::string::npos);
  add.label = "many";
  add.actions = std::vector<std::string>(8, "SendMessage");
  CHECK(add_permission(*f.backend, f.ctx, add).error().code == "OverLimit");
  add.actions = {"CreateQueue"};
  CHECK(add_permission(*f.backend, f.ctx, add).error().code == "InvalidParameterValue");
  RemovePermissionRequest remove;
  remove.queue_url = url;
  remove.label = "share";
  REQUIRE(remove_permission(*f.backend, f.ctx, remove));
  CHECK(remove_permission(*f.backend, f.ctx, remove).error().message.find("can't find label") != std::string::npos);
  remove.label = "two";
  REQUIRE(remove_permission(*f.backend, f.ctx, remove));
  CHECK_FALSE(f.attributes(url).contains("Policy"));
}
