// awsQuery / ec2Query codec (protocols/query.cc): form requests parsed into Values, XML outputs
// and errors. Request fixtures are wire bytes captured from botocore 1.43 (real STS, SNS and EC2
// models; hand-built query-era SQS and edge-case models mirrored in
// tests/e2e/test_query_botocore.py, which also checks that botocore parses the XML asserted here).
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdint>
#include <iterator>
#include <limits>
#include <string>

#include "protocols/codecs.h"


namespace {

using namespace rime;
using namespace rime::proto;
namespace mf = member_flags;

// ---- STS (awsQuery), after aws-models/sts.json --------------------------------------------------
namespace sts {
enum : ShapeIndex { kString, kInteger, kDate, kPolicyDescriptor, kPolicyDescriptorList, kTag, kTagList,
                    kTagKeyList, kAssumeRoleRequest, kCredentials, kAssumedRoleUser, kAssumeRoleResponse,
                    kGetCallerIdentityRequest, kGetCallerIdentityResponse };
constexpr Member kPolicyDescriptorMembers[] = {{.name = "arn", .target = kString}};
constexpr Member kPolicyDescriptorListMember[] = {{.name = "member", .target = kPolicyDescriptor}};
constexpr Member kTagMembers[] = {{.name = "Key", .target = kString, .flags = mf::kRequired},
                                  {.name = "Value", .target = kString, .flags = mf::kRequired}};
constexpr Member kTagListMember[] = {{.name = "member", .target = kTag}};
constexpr Member kTagKeyListMember[] = {{.name = "member", .target = kString}};
constexpr Member kAssumeRoleRequestMembers[] = {
    {.name = "RoleArn", .target = kString, .flags = mf::kRequired},
    {.name = "RoleSessionName", .target = kString, .flags = mf::kRequired},
    {.name = "PolicyArns", .target = kPolicyDescriptorList},
    {.name = "Policy", .target = kString},
    {.name = "DurationSeconds", .target = kInteger},
    {.name = "Tags", .target = kTagList},
    {.name = "TransitiveTagKeys", .target = kTagKeyList},
    {.name = "ExternalId", .target = kString}};
constexpr Member kCredentialsMembers[] = {{.name = "AccessKeyId", .target = kString},
                                          {.name = "SecretAccessKey", .target = kString},
                                          {.name = "SessionToken", .target = kString},
                                          {.name = "Expiration", .target = kDate}};
constexpr Member kAssumedRoleUserMembers[] = {{.name = "AssumedRoleId", .target = kString},
                                              {.name = "Arn", .target = kString}};
constexpr Member kAssumeRoleResponseMembers[] = {{.name = "Credentials", .target = kCredentials},
                                                 {.name = "AssumedRoleUser", .target = kAssumedRoleUser},
                                                 {.name = "PackedPolicySize", .target = kInteger},
                                                 {.name = "SourceIdentity", .target = kString}};
constexpr Member kGetCallerIdentityResponseMembers[] = {
    {.name = "UserId", .target = kString}, {.name = "Account", .target = kString}, {.name = "Arn", .target = kString}};
constexpr Shape kShapes[] = {
    {.name = "String", .type = ShapeType::kString},
    {.name = "Integer", .type = ShapeType::kInteger},
    {.name = "dateType", .type = ShapeType::kTimestamp},
    {.name = "PolicyDescriptorType", .type = ShapeType::kStructure, .members = kPolicyDescriptorMembers},
    {.name = "policyDescriptorListType", .type = ShapeType::kList, .members = kPolicyDescriptorListMember},
    {.name = "Tag", .type = ShapeType::kStructure, .members = kTagMembers},
    {.name = "tagListType", .type = ShapeType::kList, .members = kTagListMember},
    {.name = "tagKeyListType", .type = ShapeType::kList, .members = kTagKeyListMember},
    {.name = "AssumeRoleRequest", .type = ShapeType::kStructure, .members = kAssumeRoleRequestMembers},
    {.name = "Credentials", .type = ShapeType::kStructure, .members = kCredentialsMembers},
    {.name = "AssumedRoleUser", .type = ShapeType::kStructure, .members = kAssumedRoleUserMembers},
    {.name = "AssumeRoleResponse", .type = ShapeType::kStructure, .members = kAssumeRoleResponseMembers},
    {.name = "GetCallerIdentityRequest", .type = ShapeType::kStructure},
    {.name = "GetCallerIdentityResponse", .type = ShapeType::kStructure, .members = kGetCallerIdentityResponseMembers},
};
constexpr Operation kOperations[] = {
    {.name = "AssumeRole", .input = kAssumeRoleRequest, .output = kAssumeRoleResponse},
    {.name = "GetCallerIdentity", .input = kGetCallerIdentityRequest, .output = kGetCallerIdentityResponse},
};
constexpr catalog::Service kService{.name = "sts", .sdk_id = "STS", .api_version = "2011-06-15",
                                    .xml_namespace = "https://sts.amazonaws.com/doc/2011-06-15/",
                                    .protocol = catalog::Protocol::kAwsQuery};
constexpr ServiceModel kModel{.info = &kService, .shapes = kShapes, .operations = kOperations};
}  // namespace sts

// ---- SNS Publish (awsQuery), after aws-models/sns.json ----------------------------------------
namespace sns {
enum : ShapeIndex { kString, kBinary, kMessageAttributeValue, kMessageAttributeMap, kPublishInput, kPublishResponse };
constexpr Member kValueMembers[] = {{.name = "DataType", .target = kString, .flags = mf::kRequired},
                                    {.name = "StringValue", .target = kString},
                                    {.name = "BinaryValue", .target = kBinary}};
constexpr Member kMapMembers[] = {{.name = "key", .target = kString, .xml_name = "Name"},
                                  {.name = "value", .target = kMessageAttributeValue, .xml_name = "Value"}};
constexpr Member kPublishInputMembers[] = {{.name = "TopicArn", .target = kString},
                                           {.name = "Message", .target = kString, .flags = mf::kRequired},
                                           {.name = "Subject", .target = kString},
                                           {.name = "MessageAttributes", .target = kMessageAttributeMap}};
constexpr Member kPublishResponseMembers[] = {{.name = "MessageId", .target = kString}};
constexpr Shape kShapes[] = {
    {.name = "String", .type = ShapeType::kString},
    {.name = "Binary", .type = ShapeType::kBlob},
    {.name = "MessageAttributeValue", .type = ShapeType::kStructure, .members = kValueMembers},
    {.name = "MessageAttributeMap", .type = ShapeType::kMap, .members = kMapMembers},
    {.name = "PublishInput", .type = ShapeType::kStructure, .members = kPublishInputMembers},
    {.name = "PublishResponse", .type = ShapeType::kStructure, .members = kPublishResponseMembers},
};
constexpr Operation kOperations[] = {{.name = "Publish", .input = kPublishInput, .output = kPublishResponse}};
constexpr catalog::Service kService{.name = "sns", .api_version = "2010-03-31",
                                    .xml_namespace = "http://sns.amazonaws.com/doc/2010-03-31/"};
constexpr ServiceModel kModel{.info = &kService, .shapes = kShapes, .operations = kOperations};
}  // namespace sns

// ---- SQS SendMessageBatch as the awsQuery SQS API had it (flattened lists and maps) -------------
namespace sqs {
enum : ShapeIndex { kString, kInteger, kBoolean, kBinary, kStringList, kAttributeValue, kAttributeMap, kEntry,
                    kEntryList, kRequest, kResultEntry, kResultEntryList, kErrorEntry, kErrorEntryList, kResult };
constexpr Member kStringListMember[] = {{.name = "member", .target = kString, .xml_name = "StringListValue"}};
constexpr Member kAttributeValueMembers[] = {
    {.name = "StringValue", .target = kString},
    {.name = "BinaryValue", .target = kBinary},
    {.name = "StringListValues", .target = kStringList, .flags = mf::kXmlFlattened, .xml_name = "StringListValue"},
    {.name = "DataType", .target = kString, .flags = mf::kRequired}};
constexpr Member kAttributeMapMembers[] = {{.name = "key", .target = kString, .xml_name = "Name"},
                                           {.name = "value", .target = kAttributeValue, .xml_name = "Value"}};
constexpr Member kEntryMembers[] = {
    {.name = "Id", .target = kString},
    {.name = "MessageBody", .target = kString},
    {.name = "DelaySeconds", .target = kInteger},
    {.name = "MessageAttributes", .target = kAttributeMap, .flags = mf::kXmlFlattened, .xml_name = "MessageAttribute"}};
constexpr Member kEntryListMember[] = {{.name = "member", .target = kEntry}};
constexpr Member kRequestMembers[] = {
    {.name = "QueueUrl", .target = kString},
    {.name = "Entries", .target = kEntryList, .flags = mf::kXmlFlattened, .xml_name = "SendMessageBatchRequestEntry"}};
constexpr Member kResultEntryMembers[] = {{.name = "Id", .target = kString},
                                          {.name = "MessageId", .target = kString},
                                          {.name = "MD5OfMessageBody", .target = kString}};
constexpr Member kResultEntryListMember[] = {{.name = "member", .target = kResultEntry}};
constexpr Member kErrorEntryMembers[] = {{.name = "Id", .target = kString},
                                         {.name = "SenderFault", .target = kBoolean},
                                         {.name = "Code", .target = kString},
                                         {.name = "Message", .target = kString}};
constexpr Member kErrorEntryListMember[] = {{.name = "member", .target = kErrorEntry}};
constexpr Member kResultMembers[] = {
    {.name = "Successful", .target = kResultEntryList, .flags = mf::kXmlFlattened,
     .xml_name = "SendMessageBatchResultEntry"},
    {.name = "Failed", .target = kErrorEntryList, .flags = mf::kXmlFlattened, .xml_name = "BatchResultErrorEntry"}};
constexpr Shape kShapes[] = {
    {.name = "String", .type = ShapeType::kString},
    {.name = "NullableInteger", .type = ShapeType::kInteger},
    {.name = "Boolean", .type = ShapeType::kBoolean},
    {.name = "Binary", .type = ShapeType::kBlob},
    {.name = "StringList", .type = ShapeType::kList, .members = kStringListMember},
    {.name = "MessageAttributeValue", .type = ShapeType::kStructure, .members = kAttributeValueMembers},
    {.name = "MessageBodyAttributeMap", .type = ShapeType::kMap, .members = kAttributeMapMembers},
    {.name = "SendMessageBatchRequestEntry", .type = ShapeType::kStructure, .members = kEntryMembers},
    {.name = "SendMessageBatchRequestEntryList", .type = ShapeType::kList, .members = kEntryListMember},
    {.name = "SendMessageBatchRequest", .type = ShapeType::kStructure, .members = kRequestMembers},
    {.name = "SendMessageBatchResultEntry", .type = ShapeType::kStructure, .members = kResultEntryMembers},
    {.name = "SendMessageBatchResultEntryList", .type = ShapeType::kList, .members = kResultEntryListMember},
    {.name = "BatchResultErrorEntry", .type = ShapeType::kStructure, .members = kErrorEntryMembers},
    {.name = "BatchResultErrorEntryList", .type = ShapeType::kList, .members = kErrorEntryListMember},
    {.name = "SendMessageBatchResult", .type = ShapeType::kStructure, .members = kResultMembers},
};
constexpr Operation kOperations[] = {{.name = "SendMessageBatch", .input = kRequest, .output = kResult}};
constexpr catalog::Service kService{.name = "sqs", .api_version = "2012-11-05",
                                    .xml_namespace = "http://queue.amazonaws.com/doc/2012-11-05/"};
constexpr ServiceModel kModel{.info = &kService, .shapes = kShapes, .operations = kOperations};
}  // namespace sqs

// ---- EC2 DescribeInstances (ec2Query), after aws-models/ec2.json ------------------------------
namespace ec2 {
enum : ShapeIndex { kString, kInteger, kBoolean, kDateTime, kValueList, kFilter, kFilterList, kInstanceIdList,
                    kRequest, kInstance, kInstanceList, kReservation, kReservationList, kResult };
constexpr Member kValueListMember[] = {{.name = "member", .target = kString, .xml_name = "item"}};
constexpr Member kFilterMembers[] = {{.name = "Name", .target = kString},
                                     {.name = "Values", .target = kValueList, .xml_name = "Value"}};
constexpr Member kFilterListMember[] = {{.name = "member", .target = kFilter, .xml_name = "Filter"}};
constexpr Member kInstanceIdListMember[] = {{.name = "member", .target = kString, .xml_name = "InstanceId"}};
constexpr Member kRequestMembers[] = {
    {.name = "InstanceIds", .target = kInstanceIdList, .xml_name = "InstanceId"},
    {.name = "DryRun", .target = kBoolean, .xml_name = "dryRun", .ec2_query_name = "DryRun"},
    {.name = "Filters", .target = kFilterList, .xml_name = "Filter"},
    {.name = "NextToken", .target = kString, .xml_name = "nextToken", .ec2_query_name = "NextToken"},
    {.name = "MaxResults", .target = kInteger, .xml_name = "maxResults", .ec2_query_name = "MaxResults"},
    {.name = "clientToken", .target = kString, .xml_name = "clientTokenX"},  // no ec2QueryName: capitalised
    {.name = "lowerName", .target = kString}};                                // no traits: capitalised
constexpr Member kInstanceMembers[] = {
    {.name = "InstanceId", .target = kString, .xml_name = "instanceId", .ec2_query_name = "InstanceId"},
    {.name = "LaunchTime", .target = kDateTime, .xml_name = "launchTime", .ec2_query_name = "LaunchTime"},
    {.name = "EbsOptimized", .target = kBoolean, .xml_name = "ebsOptimized", .ec2_query_name = "EbsOptimized"}};
constexpr Member kInstanceListMember[] = {{.name = "member", .target = kInstance, .xml_name = "item"}};
constexpr Member kReservationMembers[] = {
    {.name = "ReservationId", .target = kString, .xml_name = "reservationId", .ec2_query_name = "ReservationId"},
    {.name = "OwnerId", .target = kString, .xml_name = "ownerId", .ec2_query_name = "OwnerId"},
    {.name = "Instances", .target = kInstanceList, .xml_name = "instancesSet", .ec2_query_name = "InstancesSet"}};
constexpr Member kReservationListMember[] = {{.name = "member", .target = kReservation, .xml_name = "item"}};
constexpr Member kResultMembers[] = {
    {.name = "Reservations", .target = kReservationList, .xml_name = "reservationSet",
     .ec2_query_name = "ReservationSet"},
    {.name = "NextToken", .target = kString, .xml_name = "nextToken", .ec2_query_name = "NextToken"}};
constexpr Shape kShapes[] = {
    {.name = "String", .type = ShapeType::kString},
    {.name = "Integer", .type = ShapeType::kInteger},
    {.name = "Boolean", .type = ShapeType::kBoolean},
    {.name = "DateTime", .type = ShapeType::kTimestamp},
    {.name = "ValueStringList", .type = ShapeType::kList, .members = kValueListMember},
    {.name = "Filter", .type = ShapeType::kStructure, .members = kFilterMembers},
    {.name = "FilterList", .type = ShapeType::kList, .members = kFilterListMember},
    {.name = "InstanceIdStringList", .type = ShapeType::kList, .members = kInstanceIdListMember},
    {.name = "DescribeInstancesRequest", .type = ShapeType::kStructure, .members = kRequestMembers},
    {.name = "Instance", .type = ShapeType::kStructure, .members = kInstanceMembers},
    {.name = "InstanceList", .type = ShapeType::kList, .members = kInstanceListMember},
    {.name = "Reservation", .type = ShapeType::kStructure, .members = kReservationMembers},
    {.name = "ReservationList", .type = ShapeType::kList, .members = kReservationListMember},
    {.name = "DescribeInstancesResult", .type = ShapeType::kStructure, .members = kResultMembers},
};
constexpr Operation kOperations[] = {{.name = "DescribeInstances", .input = kRequest, .output = kResult}};
constexpr catalog::Service kService{.name = "ec2", .api_version = "2016-11-15",
                                    .xml_namespace = "http://ec2.amazonaws.com/doc/2016-11-15",
                                    .protocol = catalog::Protocol::kEc2Query};
constexpr ServiceModel kModel{.info = &kService, .shapes = kShapes, .operations = kOperations};
}  // namespace ec2

// ---- Edge cases (awsQuery): every scalar type, naming traits, nesting, recursion ----------------
namespace edge {
enum : ShapeIndex { kString, kInteger, kLong, kBoolean, kDouble, kFloat, kByte, kShort, kBigInteger, kBigDecimal,
                    kTimestamp, kBlob, kStringList, kItemList, kStringMap, kRenamedMap, kInner, kMiddle, kNode,
                    kMapOfLists, kKitchenSink };
constexpr Member kStringListMember[] = {{.name = "member", .target = kString}};
constexpr Member kItemListMember[] = {{.name = "member", .target = kString, .xml_name = "item"}};
constexpr Member kStringMapMembers[] = {{.name = "key", .target = kString}, {.name = "value", .target = kString}};
constexpr Member kRenamedMapMembers[] = {{.name = "key", .target = kString, .xml_name = "K"},
                                         {.name = "value", .target = kString, .xml_name = "V"}};
constexpr Member kInnerMembers[] = {{.name = "C", .target = kString}, {.name = "Count", .target = kInteger}};
constexpr Member kMiddleMembers[] = {{.name = "B", .target = kInner}};
constexpr Member kNodeMembers[] = {{.name = "Name", .target = kString}, {.name = "Child", .target = kNode}};
constexpr Member kMapOfListsMembers[] = {{.name = "key", .target = kString}, {.name = "value", .target = kStringList}};
constexpr Member kKitchenSinkMembers[] = {
    {.name = "Id", .target = kString, .flags = mf::kXmlAttribute},
    {.name = "Str", .target = kString},
    {.name = "Int", .target = kInteger},
    {.name = "Long", .target = kLong},
    {.name = "Bool", .target = kBoolean},
    {.name = "Double", .target = kDouble},
    {.name = "Float", .target = kFloat},
    {.name = "Byte", .target = kByte},
    {.name = "Short", .target = kShort},
    {.name = "BigInt", .target = kBigInteger},
    {.name = "BigDec", .target = kBigDecimal},
    {.name = "When", .target = kTimestamp},
    {.name = "WhenEpoch", .target = kTimestamp, .timestamp_format = TimestampFormat::kEpochSeconds},
    {.name = "WhenHttp", .target = kTimestamp, .timestamp_format = TimestampFormat::kHttpDate},
    {.name = "Data", .target = kBlob},
    {.name = "List", .target = kStringList},
    {.name = "ItemList", .target = kItemList},
    {.name = "Flat", .target = kStringList, .flags = mf::kXmlFlattened},
    {.name = "FlatNamed", .target = kItemList, .flags = mf::kXmlFlattened, .xml_name = "Hi"},
    {.name = "Map", .target = kStringMap},
    {.name = "Renamed", .target = kRenamedMap, .xml_name = "Ren"},
    {.name = "FlatMap", .target = kStringMap, .flags = mf::kXmlFlattened},
    {.name = "MapOfLists", .target = kMapOfLists},
    {.name = "A", .target = kMiddle},
    {.name = "Tree", .target = kNode},
    {.name = "Custom", .target = kString, .xml_name = "CustomName"},
    {.name = "Ns", .target = kInner, .xml_namespace = "https://ns.example.com/"}};
constexpr Shape kShapes[] = {
    {.name = "String", .type = ShapeType::kString},
    {.name = "Integer", .type = ShapeType::kInteger},
    {.name = "Long", .type = ShapeType::kLong},
    {.name = "Boolean", .type = ShapeType::kBoolean},
    {.name = "Double", .type = ShapeType::kDouble},
    {.name = "Float", .type = ShapeType::kFloat},
    {.name = "Byte", .type = ShapeType::kByte},
    {.name = "Short", .type = ShapeType::kShort},
    {.name = "BigInteger", .type = ShapeType::kBigInteger},
    {.name = "BigDecimal", .type = ShapeType::kBigDecimal},
    {.name = "Timestamp", .type = ShapeType::kTimestamp},
    {.name = "Blob", .type = ShapeType::kBlob},
    {.name = "StringList", .type = ShapeType::kList, .members = kStringListMember},
    {.name = "ItemList", .type = ShapeType::kList, .members = kItemListMember},
    {.name = "StringMap", .type = ShapeType::kMap, .members = kStringMapMembers},
    {.name = "RenamedMap", .type = ShapeType::kMap, .members = kRenamedMapMembers},
    {.name = "Inner", .type = ShapeType::kStructure, .members = kInnerMembers},
    {.name = "Middle", .type = ShapeType::kStructure, .members = kMiddleMembers},
    {.name = "Node", .type = ShapeType::kStructure, .members = kNodeMembers},
    {.name = "MapOfLists", .type = ShapeType::kMap, .members = kMapOfListsMembers},
    {.name = "KitchenSink", .type = ShapeType::kStructure, .members = kKitchenSinkMembers},
};
constexpr Operation kOperations[] = {
    {.name = "KitchenSink", .input = kKitchenSink, .output = kKitchenSink},
    {.name = "NoOutput", .input = kNoShape, .output = kNoShape},
};
constexpr catalog::Service kService{.name = "edge", .api_version = "2020-01-01",
                                    .xml_namespace = "https://edge.example.com/doc/2020-01-01/"};
constexpr ServiceModel kModel{.info = &kService, .shapes = kShapes, .operations = kOperations};
}  // namespace edge

// ---- helpers ----------------------------------------------------------------------------------

Request form_post(std::string body) {
  Request r;
  r.method = "POST";
  r.set_target("/");
  r.headers.add("Content-Type", "application/x-www-form-urlencoded; charset=utf-8");
  r.body = Body(std::move(body));
  return r;
}

ParseResult parse(const ServiceModel& model, std::string body, bool ec2 = false) {
  return parse_query(ec2, model, form_post(std::move(body)));
}

/// The parsed input as debug text, or "error: <code>" for failures.
std::string parsed_text(const ParseResult& result) {
  if (const auto* e = std::get_if<AwsError>(&result)) return "error: " + e->code + " (" + e->message + ")";
  return to_debug_string(std::get<ParsedRequest>(result).input);
}

const Value& input_of(const ParseResult& result) {
  INFO(parsed_text(result));
  REQUIRE(std::holds_alternative<ParsedRequest>(result));
  return std::get<ParsedRequest>(result).input;
}

AwsError error_of(const ParseResult& result) {
  INFO(parsed_text(result));
  REQUIRE(std::holds_alternative<AwsError>(result));
  return std::get<AwsError>(result);
}

RequestContext context() {
  RequestContext ctx;
  ctx.request_id = "4f7c9a2e-0d1b-4c55-9f00-3a1b2c3d4e5f";
  return ctx;
}

std::string kitchen_sink_xml(const Value& output) {
  return serialize_query_output(false, edge::kModel, edge::kOperations[0], output, context()).body;
}

// ---- requests ---------------------------------------------------------------------------------

// Real STS request bytes: wrapped lists of structures, '+' for space, UTF-8 and an empty list.
TEST_CASE("awsQuery parses botocore's STS AssumeRole", "[protocols][awsQuery]") {
  auto result = parse(sts::kModel,
                      "Action=AssumeRole&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Fdemo"
                      "&RoleSessionName=s1&PolicyArns.member.1.arn=arn%3Aaws%3Aiam%3A%3Aaws%3Apolicy%2FA"
                      "&PolicyArns.member.2.arn=arn%3Aaws%3Aiam%3A%3Aaws%3Apolicy%2FB&Tags.member.1.Key=k1"
                      "&Tags.member.1.Value=v+1&Tags.member.2.Key=k2&Tags.member.2.Value=%C3%BC%E2%82%AC"
                      "&DurationSeconds=3600&TransitiveTagKeys=");
  const Value& in = input_of(result);
  CHECK(std::get<ParsedRequest>(result).operation == &sts::kOperations[0]);
  CHECK(to_debug_string(in) ==
        R"({"RoleArn":"arn:aws:iam::123456789012:role/demo","RoleSessionName":"s1",)"
        R"("PolicyArns":[{"arn":"arn:aws:iam::aws:policy/A"},{"arn":"arn:aws:iam::aws:policy/B"}],)"
        R"("DurationSeconds":3600,"Tags":[{"Key":"k1","Value":"v 1"},{"Key":"k2","Value":"ü€"}],)"
        R"("TransitiveTagKeys":[]})");
}

// An operation whose input has no members still parses to an empty object.
TEST_CASE("awsQuery parses GetCallerIdentity with only Action and Version", "[protocols][awsQuery]") {
  auto result = parse(sts::kModel, "Action=GetCallerIdentity&Version=2011-06-15");
  CHECK(to_debug_string(input_of(result)) == "{}");
  CHECK(std::get<ParsedRequest>(result).operation->name == "GetCallerIdentity");
}

// SNS maps rename key/value through the map members' @xmlName: entry.N.Name / entry.N.Value.*.
TEST_CASE("awsQuery parses botocore's SNS Publish MessageAttributes map", "[protocols][awsQuery]") {
  auto result = parse(sns::kModel,
                      "Action=Publish&Version=2010-03-31&TopicArn=arn%3Aaws%3Asns%3Aus-east-1%3A123456789012%3At"
                      "&Message=hi+%26+bye%2Bok%3D1&MessageAttributes.entry.1.Name=attr1"
                      "&MessageAttributes.entry.1.Value.DataType=String&MessageAttributes.entry.1.Value.StringValue=v1"
                      "&MessageAttributes.entry.2.Name=bin&MessageAttributes.entry.2.Value.DataType=Binary"
                      "&MessageAttributes.entry.2.Value.BinaryValue=AAH%2F");
  CHECK(parsed_text(result) ==
        R"({"TopicArn":"arn:aws:sns:us-east-1:123456789012:t","Message":"hi & bye+ok=1",)"
        R"("MessageAttributes":{"attr1":{"DataType":"String","StringValue":"v1"},)"
        R"("bin":{"DataType":"Binary","BinaryValue":blob:"\u0000\u0001)"
        "\xff\"}}}");
}

// Query-era SQS flattens lists and maps: Entry.N.Attribute.N.Name, with a flattened list inside.
TEST_CASE("awsQuery parses SQS SendMessageBatch with flattened entries and attributes", "[protocols][awsQuery]") {
  auto result = parse(
      sqs::kModel,
      "Action=SendMessageBatch&Version=2012-11-05&QueueUrl=http%3A%2F%2Flocalhost%3A4566%2F123456789012%2Fq"
      "&SendMessageBatchRequestEntry.1.Id=a&SendMessageBatchRequestEntry.1.MessageBody=hello%0D%0Aworld"
      "&SendMessageBatchRequestEntry.1.DelaySeconds=5&SendMessageBatchRequestEntry.1.MessageAttribute.1.Name=color"
      "&SendMessageBatchRequestEntry.1.MessageAttribute.1.Value.DataType=String"
      "&SendMessageBatchRequestEntry.1.MessageAttribute.1.Value.StringValue=blue"
      "&SendMessageBatchRequestEntry.1.MessageAttribute.2.Name=tags"
      "&SendMessageBatchRequestEntry.1.MessageAttribute.2.Value.DataType=String.Array"
      "&SendMessageBatchRequestEntry.1.MessageAttribute.2.Value.StringListValue.1=x"
      "&SendMessageBatchRequestEntry.1.MessageAttribute.2.Value.StringListValue.2=y"
      "&SendMessageBatchRequestEntry.2.Id=b&SendMessageBatchRequestEntry.2.MessageBody=second"
      "&SendMessageBatchRequestEntry.2.MessageAttribute.1.Name=bin"
      "&SendMessageBatchRequestEntry.2.MessageAttribute.1.Value.DataType=Binary"
      "&SendMessageBatchRequestEntry.2.MessageAttribute.1.Value.BinaryValue=AP8%3D");
  CHECK(parsed_text(result) ==
        R"({"QueueUrl":"http://localhost:4566/123456789012/q","Entries":[)"
        R"({"Id":"a","MessageBody":"hello\u000d\u000aworld","DelaySeconds":5,"MessageAttributes":{)"
        R"("color":{"StringValue":"blue","DataType":"String"},)"
        R"("tags":{"StringListValues":["x","y"],"DataType":"String.Array"}}},)"
        R"({"Id":"b","MessageBody":"second","MessageAttributes":{"bin":{"BinaryValue":blob:"\u0000)"
        "\xff\"" R"(,"DataType":"Binary"}}}]})");
}

// ec2Query lists are always Name.N, names come from ec2QueryName / capitalised xmlName.
TEST_CASE("ec2Query parses botocore's DescribeInstances filters", "[protocols][ec2Query]") {
  auto result = parse(ec2::kModel,
                      "Action=DescribeInstances&Version=2016-11-15&Filter.1.Name=instance-state-name"
                      "&Filter.1.Value.1=running&Filter.1.Value.2=stopped&Filter.2.Name=tag%3AName"
                      "&Filter.2.Value.1=web&InstanceId.1=i-1&InstanceId.2=i-2&MaxResults=10&DryRun=false"
                      "&ClientTokenX=tok&LowerName=low&clientToken=ignored&maxResults=99",
                      /*ec2=*/true);
  CHECK(parsed_text(result) ==
        R"({"InstanceIds":["i-1","i-2"],"DryRun":false,"Filters":[)"
        R"({"Name":"instance-state-name","Values":["running","stopped"]},{"Name":"tag:Name","Values":["web"]}],)"
        R"("MaxResults":10,"clientToken":"tok","lowerName":"low"})");
}

// ec2Query ignores the wrapped awsQuery spelling (Filter.member.1), like any unknown parameter.
TEST_CASE("ec2Query does not read awsQuery list keys", "[protocols][ec2Query]") {
  auto result = parse(ec2::kModel, "Action=DescribeInstances&Version=2016-11-15&InstanceId.member.1=i-1", true);
  CHECK(parsed_text(result) == "{}");
}

// Every scalar type and naming trait at once, from botocore's serialisation of the edge model.
TEST_CASE("awsQuery parses every scalar type, list and map form", "[protocols][awsQuery]") {
  auto result = parse(edge::kModel,
                      "Action=KitchenSink&Version=2020-01-01&Id=id-1&Str=%C3%BCn%C3%AF+c%C3%B8d%C3%A9+%E2%82%AC"
                      "&Int=-2147483648&Long=9223372036854775807&Bool=true&Double=1.5&Float=0.25&Byte=-128"
                      "&Short=32767&When=2026-11-25T04%3A16%3A43.123000Z&WhenEpoch=1795580203"
                      "&WhenHttp=Wed%2C+25+Nov+2026+04%3A16%3A43+GMT&Data=AAFiaW5hcnn%2F&List.member.1=a"
                      "&List.member.2=b&ItemList.item.1=c&Flat.1=d&Flat.2=e&Hi.1=f&Map.entry.1.key=k1"
                      "&Map.entry.1.value=v1&Map.entry.2.key=k2&Map.entry.2.value=v2&Ren.entry.1.K=rk"
                      "&Ren.entry.1.V=rv&FlatMap.1.key=fk&FlatMap.1.value=fv&MapOfLists.entry.1.key=m"
                      "&MapOfLists.entry.1.value.member.1=x&MapOfLists.entry.1.value.member.2=y&A.B.C=deep"
                      "&A.B.Count=3&Tree.Name=root&Tree.Child.Name=kid&CustomName=custom+value&Ns.C=n"
                      "&BigInt=-123456789012345678901234567890&BigDec=1.50e-300");
  const Value& in = input_of(result);
  CHECK(in.find("Data")->as_blob().bytes == std::string("\0\1binary\xff", 9));
  Value rest = in;
  auto& members = rest.as_object();
  std::erase_if(members, [](const auto& m) { return m.first == "Data"; });
  CHECK(to_debug_string(rest) ==
        R"({"Id":"id-1","Str":"ünï cødé €","Int":-2147483648,"Long":9223372036854775807,"Bool":true,)"
        R"("Double":1.5,"Float":0.25,"Byte":-128,"Short":32767,"BigInt":big:-123456789012345678901234567890,)"
        R"("BigDec":big:1.50e-300,"When":ts:1795580203123,"WhenEpoch":ts:1795580203000,)"
        R"("WhenHttp":ts:1795580203000,"List":["a","b"],"ItemList":["c"],"Flat":["d","e"],"FlatNamed":["f"],)"
        R"("Map":{"k1":"v1","k2":"v2"},"Renamed":{"rk":"rv"},"FlatMap":{"fk":"fv"},"MapOfLists":{"m":["x","y"]},)"
        R"("A":{"B":{"C":"deep","Count":3}},"Tree":{"Name":"root","Child":{"Name":"kid"}},)"
        R"("Custom":"custom value","Ns":{"C":"n"}})");
}

// botocore sends an empty list as "Name=" and no key at all for an empty map; both accepted.
TEST_CASE("awsQuery reads empty lists and maps", "[protocols][awsQuery]") {
  CHECK(parsed_text(parse(edge::kModel, "Action=KitchenSink&Version=2020-01-01&List=&Map=&Flat=&Renamed=x")) ==
        R"({"List":[],"Flat":[],"Map":{}})");
  // A list key with a non-empty value and nothing under it is not a list: ignored.
  CHECK(parsed_text(parse(edge::kModel, "Action=KitchenSink&List=oops")) == "{}");
}

// Indices order numerically (10 after 2), gaps close up, and odd index spellings are ignored.
TEST_CASE("awsQuery orders list items by index", "[protocols][awsQuery]") {
  auto result = parse(edge::kModel,
                      "Action=KitchenSink&List.member.10=ten&List.member.2=two&List.member.1=one"
                      "&List.member.0=zero&List.member.01=lead&List.member.x=bad&List.member.4=four");
  CHECK(parsed_text(result) == R"({"List":["one","two","four","ten"]})");
}

// Wrapped vs flattened is per member: each spelling is only read where the model says so.
TEST_CASE("awsQuery reads wrapped and flattened lists only where the model says", "[protocols][awsQuery]") {
  CHECK(parsed_text(parse(edge::kModel, "Action=KitchenSink&List.1=no&Flat.member.1=no&ItemList.member.1=no")) ==
        "{}");
  CHECK(parsed_text(parse(edge::kModel, "Action=KitchenSink&FlatNamed.1=no&Hi.item.1=no")) == "{}");
}

// Duplicate keys: the first one sent wins, as core's find_param does.
TEST_CASE("awsQuery keeps the first of duplicate parameters", "[protocols][awsQuery]") {
  CHECK(parsed_text(parse(edge::kModel, "Action=KitchenSink&Str=first&Str=second")) == R"({"Str":"first"})");
}

// Map entries without a key are dropped; map values may be structures and lists.
TEST_CASE("awsQuery skips map entries without a key", "[protocols][awsQuery]") {
  CHECK(parsed_text(parse(edge::kModel, "Action=KitchenSink&Map.entry.1.value=orphan&Map.entry.2.key=k"
                                        "&Map.entry.2.value=v&Map.entry.3.key=novalue")) == R"({"Map":{"k":"v"}})");
}

// Smithy's non-numeric float spellings (and older botocore's), and the numbers around them.
TEST_CASE("awsQuery parses NaN, Infinity and -Infinity", "[protocols][awsQuery]") {
  auto result = parse(edge::kModel, "Action=KitchenSink&Double=NaN&Float=Infinity");
  const Value& in = input_of(result);
  CHECK(std::isnan(in.find("Double")->as_double()));
  CHECK(in.find("Float")->as_double() == std::numeric_limits<double>::infinity());
  CHECK(input_of(parse(edge::kModel, "Action=KitchenSink&Double=-Infinity")).find("Double")->as_double() ==
        -std::numeric_limits<double>::infinity());
  CHECK(input_of(parse(edge::kModel, "Action=KitchenSink&Double=-1.5e3")).find("Double")->as_double() == -1500.0);
  CHECK(input_of(parse(edge::kModel, "Action=KitchenSink&Double=.5")).find("Double")->as_double() == 0.5);
  // Older botocore (1.29, Debian's) sends Python's spellings.
  CHECK(std::isnan(input_of(parse(edge::kModel, "Action=KitchenSink&Double=nan")).find("Double")->as_double()));
  CHECK(input_of(parse(edge::kModel, "Action=KitchenSink&Double=inf")).find("Double")->as_double() ==
        std::numeric_limits<double>::infinity());
  CHECK(input_of(parse(edge::kModel, "Action=KitchenSink&Double=-inf")).find("Double")->as_double() ==
        -std::numeric_limits<double>::infinity());
  for (const char* bad : {"-nan", "Infinityx", "+inf", "1.5.2", "", "0x10", "ff", "1e400", "nan(1)"}) {
    INFO(bad);
    CHECK(error_of(parse(edge::kModel, std::string("Action=KitchenSink&Double=") + bad)).code ==
          "InvalidParameterValue");
  }
  CHECK(error_of(parse(edge::kModel, "Action=KitchenSink&Float=1e39")).code == "InvalidParameterValue");
}

// Integers are range-checked against their Smithy type; big numbers keep their text.
TEST_CASE("awsQuery range-checks integers and keeps big numbers as text", "[protocols][awsQuery]") {
  CHECK(parsed_text(parse(edge::kModel, "Action=KitchenSink&Byte=127&Short=-32768&Int=2147483647"
                                        "&Long=-9223372036854775808")) ==
        R"({"Int":2147483647,"Long":-9223372036854775808,"Byte":127,"Short":-32768})");
  for (const char* bad : {"Byte=128", "Short=32768", "Int=2147483648", "Int=-2147483649",
                          "Long=9223372036854775808", "Int=1.0", "Int=+1", "Int=", "Int=%201", "Int=12abc"}) {
    INFO(bad);
    AwsError e = error_of(parse(edge::kModel, std::string("Action=KitchenSink&") + bad));
    CHECK(e.code == "InvalidParameterValue");
    CHECK(e.status == 400);
    CHECK(e.sender_fault);
  }
  CHECK(parsed_text(parse(edge::kModel, "Action=KitchenSink&BigInt=99999999999999999999999999&BigDec=-0.000001E%2B5")) ==
        R"({"BigInt":big:99999999999999999999999999,"BigDec":big:-0.000001E+5})");
  for (const char* bad : {"BigInt=1.5", "BigInt=", "BigDec=1e", "BigDec=abc", "BigDec=.", "BigInt=1 2"}) {
    INFO(bad);
    CHECK(error_of(parse(edge::kModel, std::string("Action=KitchenSink&") + bad)).code == "InvalidParameterValue");
  }
}

// Booleans are "true"/"false"; anything else is a client error naming the parameter.
TEST_CASE("awsQuery rejects malformed booleans, blobs and timestamps", "[protocols][awsQuery]") {
  CHECK(parsed_text(parse(edge::kModel, "Action=KitchenSink&Bool=FALSE")) == R"({"Bool":false})");
  AwsError e = error_of(parse(edge::kModel, "Action=KitchenSink&Bool=yes"));
  CHECK(e.code == "InvalidParameterValue");
  CHECK(e.message == "Value yes for parameter Bool is invalid. Reason: expected true or false.");
  CHECK(error_of(parse(edge::kModel, "Action=KitchenSink&Data=not*base64")).code == "InvalidParameterValue");
  CHECK(error_of(parse(edge::kModel, "Action=KitchenSink&When=yesterday")).code == "InvalidParameterValue");
  // Values are quoted printable and short, whatever the client sent.
  CHECK(error_of(parse(edge::kModel, "Action=KitchenSink&Int=%01%C3%BC" + std::string(100, '9'))).message ==
        "Value ???" + std::string(61, '9') + "... for parameter Int is invalid. Reason: expected a 32-bit integer.");
  // Nested keys are named in full.
  CHECK(error_of(parse(edge::kModel, "Action=KitchenSink&A.B.Count=x")).message ==
        "Value x for parameter A.B.Count is invalid. Reason: expected a 32-bit integer.");
}

// Each timestamp format parses; a value in another well-formed format is still accepted.
TEST_CASE("awsQuery parses timestamps in each format", "[protocols][awsQuery]") {
  CHECK(parsed_text(parse(edge::kModel, "Action=KitchenSink&When=2026-11-25T04%3A16%3A43Z"
                                        "&WhenEpoch=1795580203.5&WhenHttp=Wed%2C%2025%20Nov%202026%2004%3A16%3A43%20GMT")) ==
        R"({"When":ts:1795580203000,"WhenEpoch":ts:1795580203500,"WhenHttp":ts:1795580203000})");
  CHECK(parsed_text(parse(edge::kModel, "Action=KitchenSink&When=2026-11-25T05%3A16%3A43%2B01%3A00"
                                        "&WhenEpoch=2026-11-25T04%3A16%3A43Z")) ==
        R"({"When":ts:1795580203000,"WhenEpoch":ts:1795580203000})");
}

// Unicode arrives as percent-encoded UTF-8, in keys' values and map keys alike.
TEST_CASE("awsQuery decodes unicode and reserved characters", "[protocols][awsQuery]") {
  CHECK(parsed_text(parse(edge::kModel, "Action=KitchenSink&Str=%F0%9F%98%80+%26%3D%2B%25&Map.entry.1.key=%E6%97%A5"
                                        "&Map.entry.1.value=%E6%9C%AC")) ==
        R"({"Str":"😀 &=+%","Map":{"日":"本"}})");
}

// GET puts the parameters in the URL, as the AWS query APIs also accept.
TEST_CASE("awsQuery reads parameters from the URL query string", "[protocols][awsQuery]") {
  Request r;
  r.method = "GET";
  r.set_target("/?Action=AssumeRole&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A1%3Arole%2Fr&RoleSessionName=x");
  auto result = parse_query(false, sts::kModel, r);
  CHECK(parsed_text(result) == R"({"RoleArn":"arn:aws:iam::1:role/r","RoleSessionName":"x"})");
}

// A body that is not a form (wrong content type) is not read as one.
TEST_CASE("awsQuery ignores bodies that are not forms", "[protocols][awsQuery]") {
  Request r = form_post("Action=GetCallerIdentity");
  r.headers.set("Content-Type", "application/json");
  CHECK(error_of(parse_query(false, sts::kModel, r)).code == "MissingAction");
  r.headers.remove("Content-Type");
  CHECK(std::holds_alternative<ParsedRequest>(parse_query(false, sts::kModel, r)));
}

// The common query errors: MissingAction, InvalidAction (each protocol's wording), MalformedQueryString.
TEST_CASE("awsQuery and ec2Query reject missing and unknown actions", "[protocols][awsQuery][ec2Query]") {
  AwsError missing = error_of(parse(sts::kModel, "Version=2011-06-15&RoleArn=x"));
  CHECK(missing.code == "MissingAction");
  CHECK(missing.status == 400);
  CHECK(error_of(parse(sts::kModel, "")).code == "MissingAction");
  CHECK(error_of(parse(sts::kModel, "Action=&Version=1")).code == "MissingAction");

  AwsError unknown = error_of(parse(sts::kModel, "Action=AssumeRoot2&Version=2011-06-15"));
  CHECK(unknown.code == "InvalidAction");
  CHECK(unknown.status == 400);
  CHECK(unknown.message == "Could not find operation AssumeRoot2 for version 2011-06-15");
  CHECK(error_of(parse(sts::kModel, "Action=assumerole")).message ==
        "Could not find operation assumerole for version 2011-06-15");

  AwsError ec2_unknown = error_of(parse(ec2::kModel, "Action=RunFoo&Version=2016-11-15", true));
  CHECK(ec2_unknown.code == "InvalidAction");
  CHECK(ec2_unknown.message == "The action RunFoo is not valid for this web service.");
}

// A '%' without two hex digits is a syntax error, never a crash or a silent guess.
TEST_CASE("awsQuery rejects bad percent-encoding", "[protocols][awsQuery]") {
  for (const char* body : {"Action=GetCallerIdentity&X=%ZZ", "Action=GetCallerIdentity&X=%", "Action=Get%2",
                           "Action=GetCallerIdentity&X=100%"}) {
    INFO(body);
    AwsError e = error_of(parse(sts::kModel, body));
    CHECK(e.code == "MalformedQueryString");
    CHECK(e.status == 404);  // AWS documents MalformedQueryString as 404
  }
  Request r;
  r.method = "GET";
  r.set_target("/?Action=GetCallerIdentity&Bad=%G1");
  CHECK(error_of(parse_query(false, sts::kModel, r)).code == "MalformedQueryString");
}

// Hostile nesting of a recursive shape ends in an error, not a stack overflow.
TEST_CASE("awsQuery bounds nesting depth", "[protocols][awsQuery]") {
  std::string key = "Tree";
  for (int i = 0; i < 20; ++i) key += ".Child";
  CHECK(input_of(parse(edge::kModel, "Action=KitchenSink&" + key + ".Name=ok")).find("Tree") != nullptr);
  for (int i = 0; i < 100; ++i) key += ".Child";
  AwsError e = error_of(parse(edge::kModel, "Action=KitchenSink&" + key + ".Name=deep"));
  CHECK(e.code == "InvalidQueryParameter");
  CHECK(e.status == 400);
}

// Odd inputs never throw: stray separators, lone keys, huge indices, binary noise.
TEST_CASE("awsQuery survives junk parameters", "[protocols][awsQuery]") {
  for (const char* body : {"Action=KitchenSink&&&=&==&List.member.=x&List.member..1=y&Map.entry.1=z",
                           "Action=KitchenSink&List.member.99999999999=x&List.member.4294967296=y",
                           "Action=KitchenSink&Tree.=x&Tree..Name=y&.=.&A.B=flat",
                           "Action=KitchenSink&Str=%00%01%FF&Map.entry.1.key=&Map.entry.1.value="}) {
    INFO(body);
    CHECK(std::holds_alternative<ParsedRequest>(parse(edge::kModel, body)));
  }
  CHECK(parsed_text(parse(edge::kModel, "Action=KitchenSink&Map.entry.1.key=&Map.entry.1.value=")) ==
        R"({"Map":{"":""}})");
}

// Random keys built from the model's own segments: every outcome is a Value or an AwsError.
TEST_CASE("awsQuery survives generated junk", "[protocols][awsQuery]") {
  const char* segments[] = {"List", "member", "entry", "1", "2", "10", "0", "key", "value", "Tree", "Child",
                            "Name", "A", "B", "C", "Count", "Map", "Flat", "Hi", "MapOfLists", "Ren", "K", "V",
                            "", "Double", "Int", "Data", "When", "Bool", "%41", "%"};
  const char* values[] = {"", "1", "-1", "x", "NaN", "true", "AAAA", "2026-01-01T00:00:00Z", "%FF", "+", "=", "%"};
  std::uint32_t seed = 12345;
  auto next = [&seed](std::uint32_t n) {
    seed = seed * 1664525u + 1013904223u;
    return (seed >> 8) % n;
  };
  int parsed = 0, errors = 0;
  for (int round = 0; round < 2000; ++round) {
    std::string body = "Action=KitchenSink";
    for (std::uint32_t p = next(8); p > 0; --p) {
      body += '&';
      for (std::uint32_t depth = 1 + next(6); depth > 0; --depth) {
        body += segments[next(std::size(segments))];
        if (depth > 1) body += '.';
      }
      body += '=';
      body += values[next(std::size(values))];
    }
    ParseResult result = parse(edge::kModel, body);
    if (std::holds_alternative<ParsedRequest>(result)) {
      ++parsed;
    } else {
      ++errors;
      CHECK(std::get<AwsError>(result).status >= 400);
    }
  }
  CHECK(parsed > 100);
  CHECK(errors > 100);
}

// ---- responses --------------------------------------------------------------------------------

// The awsQuery envelope: <OpResponse xmlns><OpResult>..</OpResult><ResponseMetadata>..; text/xml.
TEST_CASE("awsQuery serialises STS GetCallerIdentity", "[protocols][awsQuery]") {
  Value out = Value::object();
  out.set("UserId", "AIDACKCEVSQ6C2EXAMPLE");
  out.set("Account", "123456789012");
  out.set("Arn", "arn:aws:iam::123456789012:user/Alice");
  Response r = serialize_query_output(false, sts::kModel, sts::kOperations[1], out, context());
  CHECK(r.status == 200);
  CHECK(r.headers.get("content-type") == "text/xml");
  CHECK(r.headers.get("x-amzn-RequestId") == "4f7c9a2e-0d1b-4c55-9f00-3a1b2c3d4e5f");
  CHECK(r.body ==
        R"(<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult>)"
        R"(<UserId>AIDACKCEVSQ6C2EXAMPLE</UserId><Account>123456789012</Account>)"
        R"(<Arn>arn:aws:iam::123456789012:user/Alice</Arn></GetCallerIdentityResult>)"
        R"(<ResponseMetadata><RequestId>4f7c9a2e-0d1b-4c55-9f00-3a1b2c3d4e5f</RequestId></ResponseMetadata>)"
        R"(</GetCallerIdentityResponse>)");
}

// Nested structures, timestamps as date-time, absent members left out, model order kept.
TEST_CASE("awsQuery serialises STS AssumeRole", "[protocols][awsQuery]") {
  Value creds = Value::object();
  creds.set("SessionToken", "tok");  // out of model order on purpose
  creds.set("AccessKeyId", "ASIAEXAMPLE");
  creds.set("SecretAccessKey", "secret");
  creds.set("Expiration", Timestamp{1795580203000});
  Value out = Value::object();
  out.set("AssumedRoleUser", Value(Object{{"AssumedRoleId", "AROA:s1"}, {"Arn", "arn:aws:sts::1:assumed-role/r/s1"}}));
  out.set("Credentials", creds);
  out.set("PackedPolicySize", 6);
  out.set("SourceIdentity", Value());  // null: absent
  Response r = serialize_query_output(false, sts::kModel, sts::kOperations[0], out, context());
  CHECK(r.body ==
        R"(<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleResult>)"
        R"(<Credentials><AccessKeyId>ASIAEXAMPLE</AccessKeyId><SecretAccessKey>secret</SecretAccessKey>)"
        R"(<SessionToken>tok</SessionToken><Expiration>2026-11-25T04:16:43Z</Expiration></Credentials>)"
        R"(<AssumedRoleUser><AssumedRoleId>AROA:s1</AssumedRoleId><Arn>arn:aws:sts::1:assumed-role/r/s1</Arn>)"
        R"(</AssumedRoleUser><PackedPolicySize>6</PackedPolicySize></AssumeRoleResult>)"
        R"(<ResponseMetadata><RequestId>4f7c9a2e-0d1b-4c55-9f00-3a1b2c3d4e5f</RequestId></ResponseMetadata>)"
        R"(</AssumeRoleResponse>)");
}

// Flattened lists repeat the member's element; booleans are true/false; CR survives as &#xD;.
TEST_CASE("awsQuery serialises SQS SendMessageBatch flattened lists", "[protocols][awsQuery]") {
  Value ok = Value(Object{{"Id", "a"}, {"MessageId", "m-1"}, {"MD5OfMessageBody", "d41d8cd9"}});
  Value ok2 = Value(Object{{"Id", "b\r\n"}, {"MessageId", "m-2"}});
  Value failed = Value(Object{{"Id", "c"}, {"SenderFault", true}, {"Code", "InvalidParameterValue"},
                              {"Message", "bad <body> & \"quotes\""}});
  Value out = Value(Object{{"Successful", List{ok, ok2}}, {"Failed", List{failed}}});
  Response r = serialize_query_output(false, sqs::kModel, sqs::kOperations[0], out, context());
  CHECK(r.body ==
        R"(<SendMessageBatchResponse xmlns="http://queue.amazonaws.com/doc/2012-11-05/"><SendMessageBatchResult>)"
        R"(<SendMessageBatchResultEntry><Id>a</Id><MessageId>m-1</MessageId><MD5OfMessageBody>d41d8cd9</MD5OfMessageBody>)"
        R"(</SendMessageBatchResultEntry><SendMessageBatchResultEntry><Id>b&#xD;)"
        "\n"
        R"(</Id><MessageId>m-2</MessageId></SendMessageBatchResultEntry>)"
        R"(<BatchResultErrorEntry><Id>c</Id><SenderFault>true</SenderFault><Code>InvalidParameterValue</Code>)"
        R"(<Message>bad &lt;body&gt; &amp; "quotes"</Message></BatchResultErrorEntry></SendMessageBatchResult>)"
        R"(<ResponseMetadata><RequestId>4f7c9a2e-0d1b-4c55-9f00-3a1b2c3d4e5f</RequestId></ResponseMetadata>)"
        R"(</SendMessageBatchResponse>)");
}

// ec2Query: no Result wrapper, <requestId> first, lowerCamel xmlNames, <item> list members.
TEST_CASE("ec2Query serialises DescribeInstances", "[protocols][ec2Query]") {
  Value instance = Value(Object{{"InstanceId", "i-1"}, {"LaunchTime", Timestamp{1795580203123}}, {"EbsOptimized", false}});
  Value reservation = Value(Object{{"ReservationId", "r-1"}, {"OwnerId", "123456789012"}, {"Instances", List{instance}}});
  Value out = Value(Object{{"Reservations", List{reservation}}, {"NextToken", "tok"}});
  Response r = serialize_query_output(true, ec2::kModel, ec2::kOperations[0], out, context());
  CHECK(r.headers.get("content-type") == "text/xml");
  CHECK(r.body ==
        R"(<DescribeInstancesResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15">)"
        R"(<requestId>4f7c9a2e-0d1b-4c55-9f00-3a1b2c3d4e5f</requestId><reservationSet><item>)"
        R"(<reservationId>r-1</reservationId><ownerId>123456789012</ownerId><instancesSet><item>)"
        R"(<instanceId>i-1</instanceId><launchTime>2026-11-25T04:16:43.123Z</launchTime>)"
        R"(<ebsOptimized>false</ebsOptimized></item></instancesSet></item></reservationSet>)"
        R"(<nextToken>tok</nextToken></DescribeInstancesResponse>)");
}

// Empty lists still produce their (empty) wrapper element; ec2 with an empty output is just requestId.
TEST_CASE("ec2Query serialises empty lists and outputs", "[protocols][ec2Query]") {
  Response r = serialize_query_output(true, ec2::kModel, ec2::kOperations[0],
                                      Value(Object{{"Reservations", List{}}}), context());
  CHECK(r.body == R"(<DescribeInstancesResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15">)"
                  R"(<requestId>4f7c9a2e-0d1b-4c55-9f00-3a1b2c3d4e5f</requestId><reservationSet/>)"
                  R"(</DescribeInstancesResponse>)");
}

// An operation without output still answers <OpResponse> with its ResponseMetadata.
TEST_CASE("awsQuery serialises an operation without output", "[protocols][awsQuery]") {
  Response r = serialize_query_output(false, edge::kModel, edge::kOperations[1], Value(), context());
  CHECK(r.body == R"(<NoOutputResponse xmlns="https://edge.example.com/doc/2020-01-01/"><ResponseMetadata>)"
                  R"(<RequestId>4f7c9a2e-0d1b-4c55-9f00-3a1b2c3d4e5f</RequestId></ResponseMetadata></NoOutputResponse>)");
  Response empty = serialize_query_output(false, sts::kModel, sts::kOperations[1], Value::object(), context());
  CHECK(empty.body == R"(<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">)"
                      R"(<GetCallerIdentityResult/><ResponseMetadata><RequestId>4f7c9a2e-0d1b-4c55-9f00-3a1b2c3d4e5f)"
                      R"(</RequestId></ResponseMetadata></GetCallerIdentityResponse>)");
}

// Scalars: NaN/Infinity spellings, shortest round-trip floats, base64 blobs, each timestamp format.
TEST_CASE("awsQuery serialises scalars", "[protocols][awsQuery]") {
  Value out = Value(Object{{"Id", "x\"<&"},
                           {"Int", -7},
                           {"Long", std::int64_t{9007199254740993}},
                           {"Bool", true},
                           {"Double", std::numeric_limits<double>::quiet_NaN()},
                           {"Float", 0.1},
                           {"BigInt", BigNumber{"123456789012345678901234567890"}},
                           {"BigDec", BigNumber{"-1.5e-300"}},
                           {"When", Timestamp{1795580203123}},
                           {"WhenEpoch", Timestamp{1795580203123}},
                           {"WhenHttp", Timestamp{1795580203123}},
                           {"Data", Blob{std::string("\0\1binary\xff", 9)}},
                           {"Custom", "tab\tnl\nbell\a"}});
  CHECK(kitchen_sink_xml(out) ==
        R"(<KitchenSinkResponse xmlns="https://edge.example.com/doc/2020-01-01/"><KitchenSinkResult Id="x&quot;&lt;&amp;">)"
        R"(<Int>-7</Int><Long>9007199254740993</Long><Bool>true</Bool><Double>NaN</Double><Float>0.1</Float>)"
        R"(<BigInt>123456789012345678901234567890</BigInt><BigDec>-1.5e-300</BigDec>)"
        R"(<When>2026-11-25T04:16:43.123Z</When><WhenEpoch>1795580203.123</WhenEpoch>)"
        R"(<WhenHttp>Wed, 25 Nov 2026 04:16:43 GMT</WhenHttp><Data>AAFiaW5hcnn/</Data>)"
        "<CustomName>tab\tnl\nbell&#x7;</CustomName></KitchenSinkResult><ResponseMetadata><RequestId>"
        R"(4f7c9a2e-0d1b-4c55-9f00-3a1b2c3d4e5f</RequestId></ResponseMetadata></KitchenSinkResponse>)");
  auto inf = kitchen_sink_xml(Value(Object{{"Double", std::numeric_limits<double>::infinity()},
                                           {"Float", -std::numeric_limits<double>::infinity()}}));
  CHECK(inf.find("<Double>Infinity</Double><Float>-Infinity</Float>") != std::string::npos);
  auto numbers = kitchen_sink_xml(Value(Object{{"Double", 1e21}, {"Float", 3.0}}));
  CHECK(numbers.find("<Double>1e+21</Double><Float>3</Float>") != std::string::npos);
}

// Lists wrapped (<member>, custom <item>) and flattened (repeated, renamed); maps wrapped and flattened.
TEST_CASE("awsQuery serialises lists and maps in each form", "[protocols][awsQuery]") {
  Value out = Value(Object{{"List", List{"a", "b"}},
                           {"ItemList", List{"c"}},
                           {"Flat", List{"d", "e"}},
                           {"FlatNamed", List{"f"}},
                           {"Map", Value(Object{{"k1", "v1"}, {"k2", "v2"}})},
                           {"Renamed", Value(Object{{"rk", "rv"}})},
                           {"FlatMap", Value(Object{{"fk", "fv"}, {"gk", "gv"}})},
                           {"MapOfLists", Value(Object{{"m", List{"x"}}})}});
  CHECK(kitchen_sink_xml(out) ==
        R"(<KitchenSinkResponse xmlns="https://edge.example.com/doc/2020-01-01/"><KitchenSinkResult>)"
        R"(<List><member>a</member><member>b</member></List><ItemList><item>c</item></ItemList>)"
        R"(<Flat>d</Flat><Flat>e</Flat><Hi>f</Hi>)"
        R"(<Map><entry><key>k1</key><value>v1</value></entry><entry><key>k2</key><value>v2</value></entry></Map>)"
        R"(<Ren><entry><K>rk</K><V>rv</V></entry></Ren>)"
        R"(<FlatMap><key>fk</key><value>fv</value></FlatMap><FlatMap><key>gk</key><value>gv</value></FlatMap>)"
        R"(<MapOfLists><entry><key>m</key><value><member>x</member></value></entry></MapOfLists>)"
        R"(</KitchenSinkResult><ResponseMetadata><RequestId>4f7c9a2e-0d1b-4c55-9f00-3a1b2c3d4e5f</RequestId>)"
        R"(</ResponseMetadata></KitchenSinkResponse>)");
}

// Nested structures, @xmlNamespace on a member, unicode text.
TEST_CASE("awsQuery serialises nested structures and namespaces", "[protocols][awsQuery]") {
  Value out = Value(Object{{"Str", "ünï €😀"},
                           {"A", Value(Object{{"B", Value(Object{{"C", "deep"}, {"Count", 3}})}})},
                           {"Ns", Value(Object{{"C", "n"}})}});
  CHECK(kitchen_sink_xml(out) ==
        R"(<KitchenSinkResponse xmlns="https://edge.example.com/doc/2020-01-01/"><KitchenSinkResult>)"
        R"(<Str>ünï €😀</Str><A><B><C>deep</C><Count>3</Count></B></A>)"
        R"(<Ns xmlns="https://ns.example.com/"><C>n</C></Ns></KitchenSinkResult>)"
        R"(<ResponseMetadata><RequestId>4f7c9a2e-0d1b-4c55-9f00-3a1b2c3d4e5f</RequestId></ResponseMetadata>)"
        R"(</KitchenSinkResponse>)");
}

// A value nested deeper than the bound is cut off there, and the document stays well formed.
TEST_CASE("awsQuery bounds output nesting depth", "[protocols][awsQuery]") {
  Value tree = Value(Object{{"Name", "leaf"}});
  for (int i = 0; i < 200; ++i) tree = Value(Object{{"Name", "n"}, {"Child", tree}});
  std::string xml = kitchen_sink_xml(Value(Object{{"Tree", tree}}));
  std::size_t opened = 0, closed = 0;
  for (std::size_t at = 0; (at = xml.find("<Child>", at)) != std::string::npos; ++at) ++opened;
  for (std::size_t at = 0; (at = xml.find("</Child>", at)) != std::string::npos; ++at) ++closed;
  CHECK(opened == closed);
  CHECK(opened > 20);
  CHECK(opened < 70);
  CHECK(xml.find("leaf") == std::string::npos);
  CHECK(xml.ends_with("</Tree></KitchenSinkResult><ResponseMetadata><RequestId>4f7c9a2e-0d1b-4c55-9f00-3a1b2c3d4e5f"
                      "</RequestId></ResponseMetadata></KitchenSinkResponse>"));
}

// Values of the wrong kind for their shape are left out rather than written as garbage.
TEST_CASE("awsQuery leaves out values that do not fit their shape", "[protocols][awsQuery]") {
  Value out = Value(Object{{"Int", List{}}, {"Long", std::numeric_limits<double>::quiet_NaN()}, {"Bool", "true"},
                           {"List", "notalist"}, {"A", 5}, {"Data", "raw"}, {"Map", List{}}});
  CHECK(kitchen_sink_xml(out) ==
        R"(<KitchenSinkResponse xmlns="https://edge.example.com/doc/2020-01-01/"><KitchenSinkResult>)"
        R"(<Bool>true</Bool><Data>cmF3</Data></KitchenSinkResult><ResponseMetadata><RequestId>)"
        R"(4f7c9a2e-0d1b-4c55-9f00-3a1b2c3d4e5f</RequestId></ResponseMetadata></KitchenSinkResponse>)");
}

// ---- errors -----------------------------------------------------------------------------------

// The awsQuery error envelope, with the service namespace, Type from sender_fault and escaping.
TEST_CASE("awsQuery serialises errors", "[protocols][awsQuery]") {
  AwsError e{"InvalidAction", "Could not find operation Foo & <Bar> for version 2011-06-15", 400, true};
  Response r = serialize_query_error(false, sts::kService, e, context());
  CHECK(r.status == 400);
  CHECK(r.headers.get("content-type") == "text/xml");
  CHECK(r.headers.get("x-amzn-RequestId") == "4f7c9a2e-0d1b-4c55-9f00-3a1b2c3d4e5f");
  CHECK(r.body ==
        R"(<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type>)"
        R"(<Code>InvalidAction</Code><Message>Could not find operation Foo &amp; &lt;Bar&gt; for version 2011-06-15)"
        R"(</Message></Error><RequestId>4f7c9a2e-0d1b-4c55-9f00-3a1b2c3d4e5f</RequestId></ErrorResponse>)");

  Response internal = serialize_query_error(false, sts::kService, AwsError::internal("boom"), context());
  CHECK(internal.status == 500);
  CHECK(internal.body.find("<Type>Receiver</Type><Code>InternalFailure</Code><Message>boom</Message>") !=
        std::string::npos);
}

// ec2Query errors: <Response><Errors><Error>..</Error></Errors><RequestID> (capital ID), no Type.
TEST_CASE("ec2Query serialises errors", "[protocols][ec2Query]") {
  AwsError e{"InvalidInstanceID.NotFound", "The instance ID 'i-1' does not exist", 400, true};
  Response r = serialize_query_error(true, ec2::kService, e, context());
  CHECK(r.status == 400);
  CHECK(r.headers.get("x-amzn-RequestId") == "4f7c9a2e-0d1b-4c55-9f00-3a1b2c3d4e5f");
  CHECK(r.body ==
        R"(<Response><Errors><Error><Code>InvalidInstanceID.NotFound</Code>)"
        R"(<Message>The instance ID 'i-1' does not exist</Message></Error></Errors>)"
        R"(<RequestID>4f7c9a2e-0d1b-4c55-9f00-3a1b2c3d4e5f</RequestID></Response>)");
}

}  // namespace
