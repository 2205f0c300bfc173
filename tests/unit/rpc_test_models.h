// Hand-built model tables for the awsJson and rpcv2Cbor codec tests: a "kitchen sink" service
// with every shape type, and small slices of DynamoDB, SQS, KMS and CloudWatch matching the
// botocore fixtures. What smithy-gen will emit, written out by hand.
#pragma once

#include <algorithm>
#include <string>

#include "core/request.h"
#include "core/request_context.h"
#include "protocols/model.h"


namespace rime::proto::testmodels {

using catalog::Protocol;

constexpr Member m(std::string_view name, ShapeIndex target, TimestampFormat tf = TimestampFormat::kDefault,
                   std::string_view json_name = {}) {
  return Member{.name = name, .target = target, .location = Location::kBody, .timestamp_format = tf,
                .json_name = json_name};
}
constexpr Shape s(std::string_view name, ShapeType type, std::span<const Member> members = {},
                  std::uint16_t flags = 0) {
  return Shape{.name = name, .type = type, .flags = flags, .members = members};
}

// ----- kitchen sink: every shape type ---------------------------------------------------------
namespace kitchen {
enum : ShapeIndex {
  kEverything, kBlob, kBoolean, kString, kEnum, kByte, kShort, kInteger, kIntEnum, kLong, kFloat, kDouble,
  kBigInteger, kBigDecimal, kTimestamp, kDocument, kStringList, kSparseStringList, kIntMap, kSparseIntMap,
  kNested, kChoice, kTimestampList, kBlobList,
};
inline constexpr Member kEverythingMembers[] = {
    m("Blob", kBlob), m("Bool", kBoolean), m("Str", kString), m("Enum", kEnum), m("Byte", kByte),
    m("Short", kShort), m("Int", kInteger), m("IntEnum", kIntEnum), m("Long", kLong), m("Float", kFloat),
    m("Double", kDouble), m("BigInt", kBigInteger), m("BigDec", kBigDecimal), m("Time", kTimestamp),
    m("IsoTime", kTimestamp, TimestampFormat::kDateTime), m("HttpTime", kTimestamp, TimestampFormat::kHttpDate),
    m("Doc", kDocument), m("List", kStringList), m("Sparse", kSparseStringList), m("Map", kIntMap),
    m("SparseMap", kSparseIntMap), m("Nested", kNested), m("Choice", kChoice), m("Times", kTimestampList),
    m("Blobs", kBlobList), m("Renamed", kString, TimestampFormat::kDefault, "renamedJson"),
};
inline constexpr Member kStringListMembers[] = {m("member", kString)};
inline constexpr Member kIntMapMembers[] = {m("key", kString), m("value", kInteger)};
inline constexpr Member kNestedMembers[] = {m("Child", kNested), m("Value", kString)};
inline constexpr Member kChoiceMembers[] = {m("S", kString), m("I", kInteger), m("N", kNested)};
inline constexpr Member kTimestampListMembers[] = {m("member", kTimestamp)};
inline constexpr Member kBlobListMembers[] = {m("member", kBlob)};
inline constexpr std::string_view kEnumValues[] = {"A", "B"};

inline constexpr Shape kShapes[] = {
    s("Everything", ShapeType::kStructure, kEverythingMembers),
    s("Blob", ShapeType::kBlob),
    s("Boolean", ShapeType::kBoolean),
    s("String", ShapeType::kString),
    Shape{.name = "Enum", .type = ShapeType::kEnum, .enum_values = kEnumValues},
    s("Byte", ShapeType::kByte),
    s("Short", ShapeType::kShort),
    s("Integer", ShapeType::kInteger),
    s("IntEnum", ShapeType::kIntEnum),
    s("Long", ShapeType::kLong),
    s("Float", ShapeType::kFloat),
    s("Double", ShapeType::kDouble),
    s("BigInteger", ShapeType::kBigInteger),
    s("BigDecimal", ShapeType::kBigDecimal),
    s("Timestamp", ShapeType::kTimestamp),
    s("Document", ShapeType::kDocument),
    s("StringList", ShapeType::kList, kStringListMembers),
    s("SparseStringList", ShapeType::kList, kStringListMembers, shape_flags::kSparse),
    s("IntMap", ShapeType::kMap, kIntMapMembers),
    s("SparseIntMap", ShapeType::kMap, kIntMapMembers, shape_flags::kSparse),
    s("Nested", ShapeType::kStructure, kNestedMembers),
    s("Choice", ShapeType::kUnion, kChoiceMembers),
    s("TimestampList", ShapeType::kList, kTimestampListMembers),
    s("BlobList", ShapeType::kList, kBlobListMembers),
};
inline constexpr Operation kOperations[] = {
    {.name = "Everything", .input = kEverything, .output = kEverything, .http_method = "POST", .http_uri = "/", .http_code = 200},
    {.name = "NoIO", .input = kNoShape, .output = kNoShape, .http_method = "POST", .http_uri = "/", .http_code = 200},
};
inline constexpr catalog::Service kJsonInfo = {
    .name = "kitchen", .sdk_id = "Kitchen", .shape_name = "KitchenService", .endpoint_prefix = "kitchen",
    .signing_name = "kitchen", .target_prefix = "Kitchen_2024", .client_target_prefix = "KitchenClient",
    .api_version = "2024-01-01", .protocol = Protocol::kAwsJson1_0,
    .client_protocols = catalog::bit(Protocol::kAwsJson1_0), .aws_query_compatible = false};
inline constexpr catalog::Service kCborInfo = {
    .name = "kitchen", .sdk_id = "Kitchen", .shape_name = "KitchenService", .endpoint_prefix = "kitchen",
    .signing_name = "kitchen", .api_version = "2024-01-01", .protocol = Protocol::kRpcV2Cbor,
    .client_protocols = catalog::bit(Protocol::kRpcV2Cbor), .aws_query_compatible = false};
inline const ServiceModel kJsonModel{&kJsonInfo, kShapes, kOperations, {}};
inline const ServiceModel kCborModel{&kCborInfo, kShapes, kOperations, {}};
}  // namespace kitchen

// ----- DynamoDB PutItem (awsJson1_0) ------------------------------------------------------------
namespace dynamodb {
enum : ShapeIndex {
  kPutItemInput, kPutItemOutput, kString, kBlob, kBoolean, kDouble, kAttributeValue, kAttributeMap,
  kStringList, kBlobList, kAttrList, kConsumedCapacity,
};
inline constexpr Member kPutItemInputMembers[] = {m("TableName", kString), m("Item", kAttributeMap),
                                                  m("ReturnValues", kString)};
inline constexpr Member kPutItemOutputMembers[] = {m("Attributes", kAttributeMap),
                                                   m("ConsumedCapacity", kConsumedCapacity)};
inline constexpr Member kAttributeValueMembers[] = {
    m("S", kString), m("N", kString), m("B", kBlob), m("SS", kStringList), m("NS", kStringList),
    m("BS", kBlobList), m("M", kAttributeMap), m("L", kAttrList), m("NULL", kBoolean), m("BOOL", kBoolean)};
inline constexpr Member kAttributeMapMembers[] = {m("key", kString), m("value", kAttributeValue)};
inline constexpr Member kStringListMembers[] = {m("member", kString)};
inline constexpr Member kBlobListMembers[] = {m("member", kBlob)};
inline constexpr Member kAttrListMembers[] = {m("member", kAttributeValue)};
inline constexpr Member kConsumedCapacityMembers[] = {m("TableName", kString), m("CapacityUnits", kDouble)};
inline constexpr Shape kShapes[] = {
    s("PutItemInput", ShapeType::kStructure, kPutItemInputMembers),
    s("PutItemOutput", ShapeType::kStructure, kPutItemOutputMembers),
    s("String", ShapeType::kString),
    s("BinaryAttributeValue", ShapeType::kBlob),
    s("Boolean", ShapeType::kBoolean),
    s("ConsumedCapacityUnits", ShapeType::kDouble),
    s("AttributeValue", ShapeType::kUnion, kAttributeValueMembers),
    s("PutItemInputAttributeMap", ShapeType::kMap, kAttributeMapMembers),
    s("StringSetAttributeValue", ShapeType::kList, kStringListMembers),
    s("BinarySetAttributeValue", ShapeType::kList, kBlobListMembers),
    s("ListAttributeValue", ShapeType::kList, kAttrListMembers),
    s("ConsumedCapacity", ShapeType::kStructure, kConsumedCapacityMembers),
};
inline constexpr Operation kOperations[] = {
    {.name = "PutItem", .input = kPutItemInput, .output = kPutItemOutput, .http_method = "POST", .http_uri = "/", .http_code = 200},
};
inline constexpr catalog::Service kInfo = {
    .name = "dynamodb", .sdk_id = "DynamoDB", .shape_name = "DynamoDB_20120810", .endpoint_prefix = "dynamodb",
    .signing_name = "dynamodb", .target_prefix = "DynamoDB_20120810", .api_version = "2012-08-10",
    .protocol = Protocol::kAwsJson1_0, .client_protocols = catalog::bit(Protocol::kAwsJson1_0)};
inline const ServiceModel kModel{&kInfo, kShapes, kOperations, {}};
}  // namespace dynamodb

// ----- SQS SendMessage (awsJson1_0, @awsQueryCompatible) --------------------------------------------
namespace sqs {
enum : ShapeIndex {
  kSendMessageRequest, kSendMessageResult, kString, kInteger, kBlob, kAttrMap, kAttrValue, kStringList, kBlobList,
  kQueueDoesNotExist, kInvalidAddress,
};
inline constexpr Member kRequestMembers[] = {
    m("QueueUrl", kString), m("MessageBody", kString), m("DelaySeconds", kInteger),
    m("MessageAttributes", kAttrMap), m("MessageDeduplicationId", kString), m("MessageGroupId", kString)};
inline constexpr Member kResultMembers[] = {m("MD5OfMessageBody", kString), m("MD5OfMessageAttributes", kString),
                                            m("MessageId", kString), m("SequenceNumber", kString)};
inline constexpr Member kAttrMapMembers[] = {m("key", kString), m("value", kAttrValue)};
inline constexpr Member kAttrValueMembers[] = {m("StringValue", kString), m("BinaryValue", kBlob),
                                               m("StringListValues", kStringList), m("BinaryListValues", kBlobList),
                                               m("DataType", kString)};
inline constexpr Member kStringListMembers[] = {m("member", kString)};
inline constexpr Member kBlobListMembers[] = {m("member", kBlob)};
inline constexpr Member kErrorMembers[] = {m("message", kString)};
inline constexpr Shape kShapes[] = {
    s("SendMessageRequest", ShapeType::kStructure, kRequestMembers),
    s("SendMessageResult", ShapeType::kStructure, kResultMembers),
    s("String", ShapeType::kString),
    s("NullableInteger", ShapeType::kInteger),
    s("Binary", ShapeType::kBlob),
    s("MessageBodyAttributeMap", ShapeType::kMap, kAttrMapMembers),
    s("MessageAttributeValue", ShapeType::kStructure, kAttrValueMembers),
    s("StringList", ShapeType::kList, kStringListMembers),
    s("BinaryList", ShapeType::kList, kBlobListMembers),
    Shape{.name = "QueueDoesNotExist", .type = ShapeType::kStructure, .flags = shape_flags::kClientError,
          .members = kErrorMembers, .http_error = 400, .query_error_code = "AWS.SimpleQueueService.NonExistentQueue",
          .query_error_status = 400},
    Shape{.name = "InvalidAddress", .type = ShapeType::kStructure, .flags = shape_flags::kClientError,
          .members = kErrorMembers, .http_error = 404},
};
inline constexpr Operation kOperations[] = {
    {.name = "SendMessage", .input = kSendMessageRequest, .output = kSendMessageResult, .http_method = "POST", .http_uri = "/", .http_code = 200},
};
inline constexpr catalog::Service kInfo = {
    .name = "sqs", .sdk_id = "SQS", .shape_name = "AmazonSQS", .endpoint_prefix = "sqs", .signing_name = "sqs",
    .target_prefix = "AmazonSQS", .api_version = "2012-11-05", .protocol = Protocol::kAwsJson1_0,
    .client_protocols = static_cast<std::uint8_t>(catalog::bit(Protocol::kAwsJson1_0) | catalog::bit(Protocol::kAwsQuery)),
    .aws_query_compatible = true};
inline const ServiceModel kModel{&kInfo, kShapes, kOperations, {}};
}  // namespace sqs

// ----- KMS Encrypt (awsJson1_1) -------------------------------------------------------------------
namespace kms {
enum : ShapeIndex { kEncryptRequest, kEncryptResponse, kString, kBlob, kContext, kStringList, kBoolean };
inline constexpr Member kRequestMembers[] = {m("KeyId", kString), m("Plaintext", kBlob), m("EncryptionContext", kContext),
                                             m("GrantTokens", kStringList), m("EncryptionAlgorithm", kString),
                                             m("DryRun", kBoolean)};
inline constexpr Member kResponseMembers[] = {m("CiphertextBlob", kBlob), m("KeyId", kString),
                                              m("EncryptionAlgorithm", kString)};
inline constexpr Member kContextMembers[] = {m("key", kString), m("value", kString)};
inline constexpr Member kStringListMembers[] = {m("member", kString)};
inline constexpr Shape kShapes[] = {
    s("EncryptRequest", ShapeType::kStructure, kRequestMembers),
    s("EncryptResponse", ShapeType::kStructure, kResponseMembers),
    s("KeyIdType", ShapeType::kString),
    s("PlaintextType", ShapeType::kBlob),
    s("EncryptionContextType", ShapeType::kMap, kContextMembers),
    s("GrantTokenList", ShapeType::kList, kStringListMembers),
    s("NullableBooleanType", ShapeType::kBoolean),
};
inline constexpr Operation kOperations[] = {
    {.name = "Encrypt", .input = kEncryptRequest, .output = kEncryptResponse, .http_method = "POST", .http_uri = "/", .http_code = 200},
};
inline constexpr catalog::Service kInfo = {
    .name = "kms", .sdk_id = "KMS", .shape_name = "TrentService", .endpoint_prefix = "kms", .signing_name = "kms",
    .target_prefix = "TrentService", .api_version = "2014-11-01", .protocol = Protocol::kAwsJson1_1,
    .client_protocols = catalog::bit(Protocol::kAwsJson1_1)};
inline const ServiceModel kModel{&kInfo, kShapes, kOperations, {}};
}  // namespace kms

// ----- CloudWatch (rpcv2Cbor, @awsQueryCompatible) --------------------------------------------------
namespace cloudwatch {
enum : ShapeIndex {
  kPutMetricDataInput, kString, kDouble, kInteger, kTimestamp, kBoolean, kMetricData, kMetricDatum, kDimensions,
  kDimension, kStatisticSet, kValues, kGetMetricStatisticsInput, kGetMetricStatisticsOutput, kDatapoints,
  kDatapoint, kStatistics, kValueMap,
};
inline constexpr Member kPutInputMembers[] = {m("Namespace", kString), m("MetricData", kMetricData),
                                              m("StrictEntityValidation", kBoolean)};
inline constexpr Member kMetricDataMembers[] = {m("member", kMetricDatum)};
inline constexpr Member kMetricDatumMembers[] = {
    m("MetricName", kString), m("Dimensions", kDimensions), m("Timestamp", kTimestamp), m("Value", kDouble),
    m("StatisticValues", kStatisticSet), m("Values", kValues), m("Counts", kValues), m("Unit", kString),
    m("StorageResolution", kInteger)};
inline constexpr Member kDimensionsMembers[] = {m("member", kDimension)};
inline constexpr Member kDimensionMembers[] = {m("Name", kString), m("Value", kString)};
inline constexpr Member kStatisticSetMembers[] = {m("SampleCount", kDouble), m("Sum", kDouble), m("Minimum", kDouble),
                                                  m("Maximum", kDouble)};
inline constexpr Member kValuesMembers[] = {m("member", kDouble)};
inline constexpr Member kGetInputMembers[] = {m("Namespace", kString), m("MetricName", kString),
                                              m("Dimensions", kDimensions), m("StartTime", kTimestamp),
                                              m("EndTime", kTimestamp), m("Period", kInteger),
                                              m("Statistics", kStatistics), m("Unit", kString)};
inline constexpr Member kGetOutputMembers[] = {m("Label", kString), m("Datapoints", kDatapoints)};
inline constexpr Member kDatapointsMembers[] = {m("member", kDatapoint)};
inline constexpr Member kDatapointMembers[] = {m("Timestamp", kTimestamp), m("SampleCount", kDouble),
                                               m("Average", kDouble), m("Sum", kDouble), m("Minimum", kDouble),
                                               m("Maximum", kDouble), m("Unit", kString),
                                               m("ExtendedStatistics", kValueMap)};
inline constexpr Member kStatisticsMembers[] = {m("member", kString)};
inline constexpr Member kValueMapMembers[] = {m("key", kString), m("value", kDouble)};
inline constexpr Shape kShapes[] = {
    s("PutMetricDataInput", ShapeType::kStructure, kPutInputMembers),
    s("String", ShapeType::kString),
    s("DatapointValue", ShapeType::kDouble),
    s("StorageResolution", ShapeType::kInteger),
    s("Timestamp", ShapeType::kTimestamp),
    s("StrictEntityValidation", ShapeType::kBoolean),
    s("MetricData", ShapeType::kList, kMetricDataMembers),
    s("MetricDatum", ShapeType::kStructure, kMetricDatumMembers),
    s("Dimensions", ShapeType::kList, kDimensionsMembers),
    s("Dimension", ShapeType::kStructure, kDimensionMembers),
    s("StatisticSet", ShapeType::kStructure, kStatisticSetMembers),
    s("Values", ShapeType::kList, kValuesMembers),
    s("GetMetricStatisticsInput", ShapeType::kStructure, kGetInputMembers),
    s("GetMetricStatisticsOutput", ShapeType::kStructure, kGetOutputMembers),
    s("Datapoints", ShapeType::kList, kDatapointsMembers),
    s("Datapoint", ShapeType::kStructure, kDatapointMembers),
    s("Statistics", ShapeType::kList, kStatisticsMembers),
    s("DatapointValueMap", ShapeType::kMap, kValueMapMembers),
};
inline constexpr Operation kOperations[] = {
    {.name = "GetMetricStatistics", .input = kGetMetricStatisticsInput, .output = kGetMetricStatisticsOutput, .http_method = "POST", .http_uri = "/", .http_code = 200},
    {.name = "PutMetricData", .input = kPutMetricDataInput, .output = kNoShape, .http_method = "POST", .http_uri = "/", .http_code = 200},
};
inline constexpr catalog::Service kInfo = {
    .name = "cloudwatch", .sdk_id = "CloudWatch", .shape_name = "GraniteServiceVersion20100801",
    .endpoint_prefix = "monitoring", .signing_name = "monitoring", .target_prefix = "GraniteServiceVersion20100801",
    .api_version = "2010-08-01", .protocol = Protocol::kRpcV2Cbor,
    .client_protocols = static_cast<std::uint8_t>(catalog::bit(Protocol::kRpcV2Cbor) |
                                                  catalog::bit(Protocol::kAwsJson1_0) | catalog::bit(Protocol::kAwsQuery)),
    .aws_query_compatible = true};
inline const ServiceModel kModel{&kInfo, kShapes, kOperations, {}};
}  // namespace cloudwatch

// ----- helpers ------------------------------------------------------------------------------------

inline Request json_request(std::string target, std::string body, std::string content_type = "application/x-amz-json-1.0") {
  Request r;
  r.method = "POST";
  r.set_target("/");
  if (!target.empty()) r.headers.add("X-Amz-Target", std::move(target));
  r.headers.add("Content-Type", std::move(content_type));
  r.body = Body(std::move(body));
  return r;
}

inline Request cbor_request(std::string path, std::string body) {
  Request r;
  r.method = "POST";
  r.set_target(std::move(path));
  r.headers.add("smithy-protocol", "rpc-v2-cbor");
  r.headers.add("Content-Type", "application/cbor");
  r.headers.add("Accept", "application/cbor");
  r.body = Body(std::move(body));
  return r;
}

inline RequestContext test_context() {
  RequestContext ctx;
  ctx.request_id = "a1b2c3d4-0000-4000-8000-123456789012";
  return ctx;
}

inline std::string hex_decode(std::string_view hex) {
  std::string out;
  for (std::size_t i = 0; i + 1 < hex.size(); i += 2)
    out.push_back(static_cast<char>(std::stoi(std::string(hex.substr(i, 2)), nullptr, 16)));
  return out;
}

inline std::string hex_encode(std::string_view bytes) {
  static const char* d = "0123456789abcdef";
  std::string out;
  for (unsigned char c : bytes) {
    out += d[c >> 4];
    out += d[c & 15];
  }
  return out;
}

}  // namespace rime::proto::testmodels
