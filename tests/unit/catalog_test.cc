// The generated service catalog: its invariants, and facts read by hand from the model JSON
// (../shared/aws-models), so that a generator bug cannot make them agree with itself.
#include <catch2/catch.hpp>

#include <algorithm>
#include <string>

#include "services/catalog/catalog.h"

using namespace rime::catalog;

namespace {

const Service& must_find(std::string_view name) {
  const Service* s = find(name);
  REQUIRE(s != nullptr);
  return *s;
}

const Operation& must_find_op(const Service& s, std::string_view name) {
  const Operation* op = find_operation(s, name);
  REQUIRE(op != nullptr);
  return *op;
}

bool speaks(const Service& s, Protocol p) { return (s.client_protocols & bit(p)) != 0; }

}  // namespace

// The router answers for every service in the models: all 439 must be there, each findable.
TEST_CASE("catalog has every service, sorted and unique", "[catalog]") {
  const auto all = services();
  CHECK(all.size() == 439);
  CHECK(std::adjacent_find(all.begin(), all.end(), [](const Service& a, const Service& b) {
          return a.name >= b.name;
        }) == all.end());
  for (const Service& s : all) CHECK(find(s.name) == &s);
  CHECK(find("no-such-service") == nullptr);
  CHECK(find("") == nullptr);
}

// find_operation is a binary search: every operation list must be sorted and duplicate-free,
// and each service must carry its model protocol among the ones it answers.
TEST_CASE("operations are sorted, unique and well-formed", "[catalog]") {
  std::size_t total = 0;
  for (const Service& s : services()) {
    INFO(std::string(s.name));
    CHECK(!s.operations.empty());
    CHECK(speaks(s, s.protocol));
    CHECK(!s.signing_name.empty());
    CHECK(!s.endpoint_prefix.empty());
    CHECK(std::adjacent_find(s.operations.begin(), s.operations.end(),
                             [](const Operation& a, const Operation& b) { return a.name >= b.name; }) ==
          s.operations.end());
    for (const Operation& op : s.operations) {
      CHECK(find_operation(s, op.name) == &op);
      CHECK(!op.http_uri.empty());
      CHECK(op.http_uri.front() == '/');
      CHECK(op.http_code >= 200);
      CHECK(op.http_code < 300);
    }
    CHECK(find_operation(s, "NoSuchOperation") == nullptr);
    total += s.operations.size();
  }
  // The README of the models counts 18842 operations bound to the service shapes.
  CHECK(total == 18842);
}

// SQS is awsJson1_0 with awsQueryCompatible; X-Amz-Target is `AmazonSQS.<Operation>`.
TEST_CASE("sqs routing facts", "[catalog][sqs]") {
  const Service& s = must_find("sqs");
  CHECK(s.sdk_id == "SQS");
  CHECK(s.shape_name == "AmazonSQS");
  CHECK(s.protocol == Protocol::kAwsJson1_0);
  CHECK(s.aws_query_compatible);
  CHECK(s.target_prefix == "AmazonSQS");
  CHECK(s.client_target_prefix.empty());
  CHECK(s.client_protocols == bit(Protocol::kAwsJson1_0));
  CHECK(s.signing_name == "sqs");
  CHECK(s.endpoint_prefix == "sqs");
  CHECK(s.api_version == "2012-11-05");
  CHECK(s.operations.size() == 23);
  const Operation& send = must_find_op(s, "SendMessage");
  CHECK(send.http_method == "POST");
  CHECK(send.http_uri == "/");
  CHECK(send.http_code == 200);
}

// STS is awsQuery: no @http traits, so every operation is POST /.
TEST_CASE("sts routing facts", "[catalog][sts]") {
  const Service& s = must_find("sts");
  CHECK(s.protocol == Protocol::kAwsQuery);
  CHECK(s.client_protocols == bit(Protocol::kAwsQuery));
  CHECK(s.signing_name == "sts");
  CHECK(s.target_prefix.empty());
  CHECK(s.xml_namespace == "https://sts.amazonaws.com/doc/2011-06-15/");
  CHECK(s.operations.size() >= 9);
  const Operation& op = must_find_op(s, "GetCallerIdentity");
  CHECK(op.http_method == "POST");
  CHECK(op.http_uri == "/");
  CHECK(op.http_code == 200);
  must_find_op(s, "AssumeRole");
}

// S3's URIs keep their query literals (`?x-id=`), and codes other than 200 are kept.
TEST_CASE("s3 routing facts", "[catalog][s3]") {
  const Service& s = must_find("s3");
  CHECK(s.protocol == Protocol::kRestXml);
  CHECK(s.shape_name == "AmazonS3");
  CHECK(s.signing_name == "s3");
  CHECK(s.xml_namespace == "http://s3.amazonaws.com/doc/2006-03-01/");
  const Operation& get = must_find_op(s, "GetObject");
  CHECK(get.http_method == "GET");
  CHECK(get.http_uri == "/{Bucket}/{Key+}?x-id=GetObject");
  CHECK(get.http_code == 200);
  const Operation& del = must_find_op(s, "DeleteObject");
  CHECK(del.http_method == "DELETE");
  CHECK(del.http_code == 204);
  CHECK(must_find_op(s, "ListBuckets").http_uri == "/?x-id=ListBuckets");
}

// Lambda is restJson1; its @http bindings and non-200 codes come through as modelled.
TEST_CASE("lambda routing facts", "[catalog][lambda]") {
  const Service& s = must_find("lambda");
  CHECK(s.protocol == Protocol::kRestJson1);
  CHECK(s.client_protocols == bit(Protocol::kRestJson1));
  const Operation& invoke = must_find_op(s, "Invoke");
  CHECK(invoke.http_method == "POST");
  CHECK(invoke.http_uri == "/2015-03-31/functions/{FunctionName}/invocations");
  CHECK(invoke.http_code == 200);
  CHECK(must_find_op(s, "CreateFunction").http_code == 201);
  CHECK(must_find_op(s, "DeleteFunction").http_code == 204);
}

// DynamoDB's X-Amz-Target prefix is its versioned service shape name.
TEST_CASE("dynamodb routing facts", "[catalog][dynamodb]") {
  const Service& s = must_find("dynamodb");
  CHECK(s.protocol == Protocol::kAwsJson1_0);
  CHECK(s.target_prefix == "DynamoDB_20120810");
  CHECK_FALSE(s.aws_query_compatible);
  must_find_op(s, "PutItem");
}

// CloudWatch's model is awsQuery, but today's botocore prefers rpcv2Cbor, then awsJson1_0
// with the target prefix GraniteServiceVersion20100801: all three must be answered.
TEST_CASE("cloudwatch answers every protocol its clients send", "[catalog][cloudwatch]") {
  const Service& s = must_find("cloudwatch");
  CHECK(s.endpoint_prefix == "monitoring");
  CHECK(s.signing_name == "monitoring");
  CHECK(s.protocol == Protocol::kAwsQuery);
  CHECK(s.client_protocols ==
        (bit(Protocol::kRpcV2Cbor) | bit(Protocol::kAwsJson1_0) | bit(Protocol::kAwsQuery)));
  CHECK(s.target_prefix.empty());
  CHECK(s.client_target_prefix == "GraniteServiceVersion20100801");
  CHECK(s.shape_name == "GraniteServiceVersion20100801");
  must_find_op(s, "PutMetricData");
}

// botocore's X-Amz-Target prefix for CloudTrail differs from the model's; both are kept.
TEST_CASE("cloudtrail keeps the client target prefix", "[catalog][cloudtrail]") {
  const Service& s = must_find("cloudtrail");
  CHECK(s.target_prefix == "CloudTrail_20131101");
  CHECK(s.client_target_prefix == "com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101");
}

// EC2 is the only ec2Query service.
TEST_CASE("ec2 routing facts", "[catalog][ec2]") {
  const Service& s = must_find("ec2");
  CHECK(s.protocol == Protocol::kEc2Query);
  CHECK(s.client_protocols == bit(Protocol::kEc2Query));
  CHECK(s.api_version == "2016-11-15");
  const Operation& run = must_find_op(s, "RunInstances");
  CHECK(run.http_method == "POST");
  CHECK(run.http_uri == "/");
  std::size_t ec2_query = 0;
  for (const Service& each : services()) ec2_query += each.protocol == Protocol::kEc2Query;
  CHECK(ec2_query == 1);
}

// Some services bind operations only through resources (marketplace-reporting, geo-maps):
// the generator must walk resources, not just the service's own operation list.
TEST_CASE("resource-bound operations are present", "[catalog]") {
  const Service& reporting = must_find("marketplace-reporting");
  REQUIRE(reporting.operations.size() == 1);
  const Operation& dashboard = must_find_op(reporting, "GetBuyerDashboard");
  CHECK(dashboard.http_method == "POST");
  CHECK(dashboard.http_uri == "/getBuyerDashboard");
  const Operation& tile = must_find_op(must_find("geo-maps"), "GetTile");
  CHECK(tile.http_method == "GET");
  CHECK(tile.http_uri == "/tiles/{Tileset}/{Z}/{X}/{Y}");
}

// awsJson ignores @http (Smithy's awsJson1_0 spec): b2bi models `POST /capabilities` 201 for
// CreateCapability, but clients send POST / and expect 200.
TEST_CASE("RPC operations are POST / 200 even with @http in the model", "[catalog]") {
  const Operation& op = must_find_op(must_find("b2bi"), "CreateCapability");
  CHECK(op.http_method == "POST");
  CHECK(op.http_uri == "/");
  CHECK(op.http_code == 200);
}

// Multi-protocol models: the first protocol trait is the model's; both are answered.
TEST_CASE("services with two model protocols", "[catalog]") {
  const Service& s = must_find("arc-region-switch");
  CHECK(s.protocol == Protocol::kAwsJson1_0);
  CHECK(s.client_protocols == (bit(Protocol::kAwsJson1_0) | bit(Protocol::kRpcV2Cbor)));
}

// Services without SigV4 (bearer-token codecatalyst, SigV2 sdb) fall back to the endpoint prefix.
TEST_CASE("signing name defaults to the endpoint prefix", "[catalog]") {
  CHECK(must_find("codecatalyst").signing_name == "codecatalyst");
  CHECK(must_find("simpledb").signing_name == "sdb");
  CHECK(must_find("simpledb").endpoint_prefix == "sdb");
}

// The protocol layer names protocols by their Smithy trait ids.
TEST_CASE("protocol names are Smithy trait ids", "[catalog]") {
  CHECK(protocol_name(Protocol::kAwsQuery) == "aws.protocols#awsQuery");
  CHECK(protocol_name(Protocol::kEc2Query) == "aws.protocols#ec2Query");
  CHECK(protocol_name(Protocol::kAwsJson1_0) == "aws.protocols#awsJson1_0");
  CHECK(protocol_name(Protocol::kAwsJson1_1) == "aws.protocols#awsJson1_1");
  CHECK(protocol_name(Protocol::kRestJson1) == "aws.protocols#restJson1");
  CHECK(protocol_name(Protocol::kRestXml) == "aws.protocols#restXml");
  CHECK(protocol_name(Protocol::kRpcV2Cbor) == "smithy.protocols#rpcv2Cbor");
}
