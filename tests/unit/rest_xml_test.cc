// restXml codec: requests botocore 1.43 really sends (S3 PutObject, CreateBucket, DeleteObjects,
// PutObjectAcl; Route 53 ChangeResourceRecordSets) parsed into Values; outputs and errors
// serialised into bytes that botocore's rest-xml parser reads back as the expected dicts
// (checked when the fixtures were captured); flattened and wrapped lists and maps, attributes,
// namespaces, and malformed XML answered with 400s.
#include <catch2/catch.hpp>

// The model tables below use designated initializers and leave the unused fields out.
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

#include <cmath>
#include <string>

#include "protocols/codecs.h"
#include "protocols/event_stream.h"

using namespace rime;
using namespace rime::proto;

namespace Catch {
template <>
struct StringMaker<Value> {
  static std::string convert(const Value& v) { return to_debug_string(v); }
};
}  // namespace Catch

namespace {

// --------------------------------------------------------------------------------------------
// S3 (the subset of its model these tests need, traits as in the Smithy model)

enum : ShapeIndex {
  kString, kInteger, kLong, kBoolean, kStreamingBlob, kTimestamp, kMetadata, kObject, kObjectList, kCommonPrefix,
  kCommonPrefixList, kOwner, kListObjectsV2Output, kListObjectsV2Request, kCreateBucketConfiguration,
  kCreateBucketRequest, kCreateBucketOutput, kPutObjectRequest, kPutObjectOutput, kObjectIdentifier,
  kObjectIdentifierList, kDelete, kDeleteObjectsRequest, kGrantee, kGrant, kGrants, kAccessControlPolicy,
  kPutObjectAclRequest, kGetObjectAclOutput, kObjectKeyRequest, kGetObjectRequest, kGetObjectOutput,
  kListPartsRequest, kListPartsOutput, kChecksumAlgorithmList, kDouble, kBigInteger, kBlob, kStringMap, kKVMap,
  kChoice, kKitchen, kPolicyStatus, kGetBucketPolicyStatusOutput, kListBucketsRequest, kListDirectoryBucketsRequest,
};

constexpr Member kMetadataMembers[] = {{.name = "key", .target = kString}, {.name = "value", .target = kString}};
constexpr Member kObjectMembers[] = {
    {.name = "Key", .target = kString},
    {.name = "LastModified", .target = kTimestamp},
    {.name = "ETag", .target = kString},
    {.name = "ChecksumAlgorithm", .target = kChecksumAlgorithmList, .flags = member_flags::kXmlFlattened},
    {.name = "Size", .target = kLong},
    {.name = "StorageClass", .target = kString},
    {.name = "Owner", .target = kOwner},
};
constexpr Member kObjectListMembers[] = {{.name = "member", .target = kObject}};
constexpr Member kCommonPrefixMembers[] = {{.name = "Prefix", .target = kString}};
constexpr Member kCommonPrefixListMembers[] = {{.name = "member", .target = kCommonPrefix}};
constexpr Member kOwnerMembers[] = {{.name = "DisplayName", .target = kString}, {.name = "ID", .target = kString}};
constexpr Member kListObjectsV2OutputMembers[] = {
    {.name = "IsTruncated", .target = kBoolean},
    {.name = "Contents", .target = kObjectList, .flags = member_flags::kXmlFlattened},
    {.name = "Name", .target = kString},
    {.name = "Prefix", .target = kString},
    {.name = "Delimiter", .target = kString},
    {.name = "MaxKeys", .target = kInteger},
    {.name = "CommonPrefixes", .target = kCommonPrefixList, .flags = member_flags::kXmlFlattened},
    {.name = "EncodingType", .target = kString},
    {.name = "KeyCount", .target = kInteger},
    {.name = "ContinuationToken", .target = kString},
    {.name = "NextContinuationToken", .target = kString},
    {.name = "StartAfter", .target = kString},
    {.name = "RequestCharged", .target = kString, .location = Location::kHeader, .location_name = "x-amz-request-charged"},
};
constexpr Member kListObjectsV2RequestMembers[] = {
    {.name = "Bucket", .target = kString, .location = Location::kLabel, .flags = member_flags::kRequired,
     .location_name = "Bucket"},
    {.name = "Delimiter", .target = kString, .location = Location::kQuery, .location_name = "delimiter"},
    {.name = "EncodingType", .target = kString, .location = Location::kQuery, .location_name = "encoding-type"},
    {.name = "MaxKeys", .target = kInteger, .location = Location::kQuery, .location_name = "max-keys"},
    {.name = "Prefix", .target = kString, .location = Location::kQuery, .location_name = "prefix"},
    {.name = "StartAfter", .target = kString, .location = Location::kQuery, .location_name = "start-after"},
};
constexpr Member kCreateBucketConfigurationMembers[] = {{.name = "LocationConstraint", .target = kString}};
constexpr Member kCreateBucketRequestMembers[] = {
    {.name = "ACL", .target = kString, .location = Location::kHeader, .location_name = "x-amz-acl"},
    {.name = "Bucket", .target = kString, .location = Location::kLabel, .location_name = "Bucket"},
    {.name = "CreateBucketConfiguration", .target = kCreateBucketConfiguration, .location = Location::kPayload,
     .xml_name = "CreateBucketConfiguration"},
    {.name = "ObjectLockEnabledForBucket", .target = kBoolean, .location = Location::kHeader,
     .location_name = "x-amz-bucket-object-lock-enabled"},
};
constexpr Member kCreateBucketOutputMembers[] = {
    {.name = "Location", .target = kString, .location = Location::kHeader, .location_name = "Location"}};
constexpr Member kPutObjectRequestMembers[] = {
    {.name = "ACL", .target = kString, .location = Location::kHeader, .location_name = "x-amz-acl"},
    {.name = "Body", .target = kStreamingBlob, .location = Location::kPayload},
    {.name = "Bucket", .target = kString, .location = Location::kLabel, .location_name = "Bucket"},
    {.name = "ContentLength", .target = kLong, .location = Location::kHeader, .location_name = "Content-Length"},
    {.name = "ContentMD5", .target = kString, .location = Location::kHeader, .location_name = "Content-MD5"},
    {.name = "ContentType", .target = kString, .location = Location::kHeader, .location_name = "Content-Type"},
    {.name = "ChecksumAlgorithm", .target = kString, .location = Location::kHeader,
     .location_name = "x-amz-sdk-checksum-algorithm"},
    {.name = "ChecksumSHA256", .target = kString, .location = Location::kHeader, .location_name = "x-amz-checksum-sha256"},
    {.name = "Expires", .target = kTimestamp, .location = Location::kHeader, .location_name = "Expires"},
    {.name = "Key", .target = kString, .location = Location::kLabel, .location_name = "Key"},
    {.name = "Metadata", .target = kMetadata, .location = Location::kPrefixHeaders, .location_name = "x-amz-meta-"},
    {.name = "ObjectLockRetainUntilDate", .target = kTimestamp, .location = Location::kHeader,
     .timestamp_format = TimestampFormat::kDateTime, .location_name = "x-amz-object-lock-retain-until-date"},
};
constexpr Member kPutObjectOutputMembers[] = {
    {.name = "ETag", .target = kString, .location = Location::kHeader, .location_name = "ETag"},
    {.name = "VersionId", .target = kString, .location = Location::kHeader, .location_name = "x-amz-version-id"},
    {.name = "Size", .target = kLong, .location = Location::kHeader, .location_name = "x-amz-object-size"},
};
constexpr Member kObjectIdentifierMembers[] = {{.name = "Key", .target = kString}, {.name = "VersionId", .target = kString}};
constexpr Member kObjectIdentifierListMembers[] = {{.name = "member", .target = kObjectIdentifier}};
constexpr Member kDeleteMembers[] = {
    {.name = "Objects", .target = kObjectIdentifierList, .flags = member_flags::kXmlFlattened, .xml_name = "Object"},
    {.name = "Quiet", .target = kBoolean},
};
constexpr Member kDeleteObjectsRequestMembers[] = {
    {.name = "Bucket", .target = kString, .location = Location::kLabel, .location_name = "Bucket"},
    {.name = "Delete", .target = kDelete, .location = Location::kPayload, .xml_name = "Delete"},
};
constexpr Member kGranteeMembers[] = {
    {.name = "DisplayName", .target = kString},
    {.name = "EmailAddress", .target = kString},
    {.name = "ID", .target = kString},
    {.name = "URI", .target = kString},
    {.name = "Type", .target = kString, .flags = member_flags::kRequired | member_flags::kXmlAttribute,
     .xml_name = "xsi:type"},
};
constexpr Member kGrantMembers[] = {
    {.name = "Grantee", .target = kGrantee, .xml_namespace = "http://www.w3.org/2001/XMLSchema-instance"},
    {.name = "Permission", .target = kString},
};
constexpr Member kGrantsMembers[] = {{.name = "member", .target = kGrant, .xml_name = "Grant"}};
constexpr Member kAccessControlPolicyMembers[] = {
    {.name = "Grants", .target = kGrants, .xml_name = "AccessControlList"},
    {.name = "Owner", .target = kOwner},
};
constexpr Member kPutObjectAclRequestMembers[] = {
    {.name = "AccessControlPolicy", .target = kAccessControlPolicy, .location = Location::kPayload,
     .xml_name = "AccessControlPolicy"},
    {.name = "Bucket", .target = kString, .location = Location::kLabel, .location_name = "Bucket"},
    {.name = "Key", .target = kString, .location = Location::kLabel, .location_name = "Key"},
};
constexpr Member kGetObjectAclOutputMembers[] = {
    {.name = "Owner", .target = kOwner},
    {.name = "Grants", .target = kGrants, .xml_name = "AccessControlList"},
    {.name = "RequestCharged", .target = kString, .location = Location::kHeader, .location_name = "x-amz-request-charged"},
};
constexpr Member kObjectKeyRequestMembers[] = {
    {.name = "Bucket", .target = kString, .location = Location::kLabel, .location_name = "Bucket"},
    {.name = "Key", .target = kString, .location = Location::kLabel, .location_name = "Key"},
};
constexpr Member kGetObjectRequestMembers[] = {
    {.name = "Bucket", .target = kString, .location = Location::kLabel, .location_name = "Bucket"},
    {.name = "Key", .target = kString, .location = Location::kLabel, .location_name = "Key"},
    {.name = "Range", .target = kString, .location = Location::kHeader, .location_name = "Range"},
    {.name = "PartNumber", .target = kInteger, .location = Location::kQuery, .location_name = "partNumber"},
};
constexpr Member kGetObjectOutputMembers[] = {
    {.name = "Body", .target = kStreamingBlob, .location = Location::kPayload},
    {.name = "ContentType", .target = kString, .location = Location::kHeader, .location_name = "Content-Type"},
    {.name = "LastModified", .target = kTimestamp, .location = Location::kHeader, .location_name = "Last-Modified"},
    {.name = "ContentLength", .target = kLong, .location = Location::kHeader, .location_name = "Content-Length"},
    {.name = "Metadata", .target = kMetadata, .location = Location::kPrefixHeaders, .location_name = "x-amz-meta-"},
};
constexpr Member kListPartsRequestMembers[] = {
    {.name = "Bucket", .target = kString, .location = Location::kLabel, .location_name = "Bucket"},
    {.name = "Key", .target = kString, .location = Location::kLabel, .location_name = "Key"},
    {.name = "UploadId", .target = kString, .location = Location::kQuery, .flags = member_flags::kRequired,
     .location_name = "uploadId"},
};
constexpr Member kListPartsOutputMembers[] = {{.name = "Bucket", .target = kString}, {.name = "UploadId", .target = kString}};
constexpr Member kChecksumAlgorithmListMembers[] = {{.name = "member", .target = kString}};
constexpr Member kStringMapMembers[] = {{.name = "key", .target = kString}, {.name = "value", .target = kString}};
constexpr Member kKVMapMembers[] = {{.name = "key", .target = kString, .xml_name = "K"},
                                    {.name = "value", .target = kInteger, .xml_name = "V"}};
constexpr Member kChoiceMembers[] = {{.name = "S", .target = kString}, {.name = "N", .target = kInteger}};
constexpr Member kKitchenMembers[] = {
    {.name = "Id", .target = kString, .flags = member_flags::kXmlAttribute, .xml_name = "id"},
    {.name = "Text", .target = kString},
    {.name = "Ratio", .target = kDouble},
    {.name = "Big", .target = kBigInteger},
    {.name = "Data", .target = kBlob},
    {.name = "When", .target = kTimestamp},
    {.name = "WhenEpoch", .target = kTimestamp, .timestamp_format = TimestampFormat::kEpochSeconds},
    {.name = "WhenHttp", .target = kTimestamp, .timestamp_format = TimestampFormat::kHttpDate},
    {.name = "Wrapped", .target = kStringMap},
    {.name = "Flat", .target = kStringMap, .flags = member_flags::kXmlFlattened, .xml_name = "Attr"},
    {.name = "Custom", .target = kKVMap},
    {.name = "Items", .target = kChecksumAlgorithmList},
    {.name = "Empty", .target = kChecksumAlgorithmList},
    {.name = "Pick", .target = kChoice},
    {.name = "Flag", .target = kBoolean},
};
constexpr Member kPolicyStatusMembers[] = {{.name = "IsPublic", .target = kBoolean}};
constexpr Member kListBucketsRequestMembers[] = {
    {.name = "MaxBuckets", .target = kInteger, .location = Location::kQuery, .location_name = "max-buckets"},
    {.name = "ContinuationToken", .target = kString, .location = Location::kQuery, .location_name = "continuation-token"},
    {.name = "Prefix", .target = kString, .location = Location::kQuery, .location_name = "prefix"},
    {.name = "BucketRegion", .target = kString, .location = Location::kQuery, .location_name = "bucket-region"},
};
constexpr Member kListDirectoryBucketsRequestMembers[] = {
    {.name = "ContinuationToken", .target = kString, .location = Location::kQuery, .location_name = "continuation-token"},
    {.name = "MaxDirectoryBuckets", .target = kInteger, .location = Location::kQuery,
     .location_name = "max-directory-buckets"},
};
constexpr Member kGetBucketPolicyStatusOutputMembers[] = {
    {.name = "PolicyStatus", .target = kPolicyStatus, .location = Location::kPayload}};

constexpr Shape kShapes[] = {
    {.name = "String", .type = ShapeType::kString},
    {.name = "Integer", .type = ShapeType::kInteger},
    {.name = "Long", .type = ShapeType::kLong},
    {.name = "Boolean", .type = ShapeType::kBoolean},
    {.name = "StreamingBlob", .type = ShapeType::kBlob, .flags = shape_flags::kStreaming},
    {.name = "Timestamp", .type = ShapeType::kTimestamp},
    {.name = "Metadata", .type = ShapeType::kMap, .members = kMetadataMembers},
    {.name = "Object", .type = ShapeType::kStructure, .members = kObjectMembers},
    {.name = "ObjectList", .type = ShapeType::kList, .members = kObjectListMembers},
    {.name = "CommonPrefix", .type = ShapeType::kStructure, .members = kCommonPrefixMembers},
    {.name = "CommonPrefixList", .type = ShapeType::kList, .members = kCommonPrefixListMembers},
    {.name = "Owner", .type = ShapeType::kStructure, .members = kOwnerMembers},
    {.name = "ListObjectsV2Output", .type = ShapeType::kStructure, .members = kListObjectsV2OutputMembers,
     .xml_name = "ListBucketResult"},
    {.name = "ListObjectsV2Request", .type = ShapeType::kStructure, .members = kListObjectsV2RequestMembers},
    {.name = "CreateBucketConfiguration", .type = ShapeType::kStructure, .members = kCreateBucketConfigurationMembers},
    {.name = "CreateBucketRequest", .type = ShapeType::kStructure, .members = kCreateBucketRequestMembers},
    {.name = "CreateBucketOutput", .type = ShapeType::kStructure, .members = kCreateBucketOutputMembers},
    {.name = "PutObjectRequest", .type = ShapeType::kStructure, .members = kPutObjectRequestMembers},
    {.name = "PutObjectOutput", .type = ShapeType::kStructure, .members = kPutObjectOutputMembers},
    {.name = "ObjectIdentifier", .type = ShapeType::kStructure, .members = kObjectIdentifierMembers},
    {.name = "ObjectIdentifierList", .type = ShapeType::kList, .members = kObjectIdentifierListMembers},
    {.name = "Delete", .type = ShapeType::kStructure, .members = kDeleteMembers},
    {.name = "DeleteObjectsRequest", .type = ShapeType::kStructure, .members = kDeleteObjectsRequestMembers},
    {.name = "Grantee", .type = ShapeType::kStructure, .members = kGranteeMembers},
    {.name = "Grant", .type = ShapeType::kStructure, .members = kGrantMembers},
    {.name = "Grants", .type = ShapeType::kList, .members = kGrantsMembers},
    {.name = "AccessControlPolicy", .type = ShapeType::kStructure, .members = kAccessControlPolicyMembers},
    {.name = "PutObjectAclRequest", .type = ShapeType::kStructure, .members = kPutObjectAclRequestMembers},
    {.name = "GetObjectAclOutput", .type = ShapeType::kStructure, .members = kGetObjectAclOutputMembers,
     .xml_name = "AccessControlPolicy"},
    {.name = "ObjectKeyRequest", .type = ShapeType::kStructure, .members = kObjectKeyRequestMembers},
    {.name = "GetObjectRequest", .type = ShapeType::kStructure, .members = kGetObjectRequestMembers},
    {.name = "GetObjectOutput", .type = ShapeType::kStructure, .members = kGetObjectOutputMembers},
    {.name = "ListPartsRequest", .type = ShapeType::kStructure, .members = kListPartsRequestMembers},
    {.name = "ListPartsOutput", .type = ShapeType::kStructure, .members = kListPartsOutputMembers},
    {.name = "ChecksumAlgorithmList", .type = ShapeType::kList, .members = kChecksumAlgorithmListMembers},
    {.name = "Double", .type = ShapeType::kDouble},
    {.name = "BigInteger", .type = ShapeType::kBigInteger},
    {.name = "Blob", .type = ShapeType::kBlob},
    {.name = "StringMap", .type = ShapeType::kMap, .members = kStringMapMembers},
    {.name = "KVMap", .type = ShapeType::kMap, .members = kKVMapMembers},
    {.name = "Choice", .type = ShapeType::kUnion, .members = kChoiceMembers},
    {.name = "Kitchen", .type = ShapeType::kStructure, .members = kKitchenMembers},
    {.name = "PolicyStatus", .type = ShapeType::kStructure, .members = kPolicyStatusMembers},
    {.name = "GetBucketPolicyStatusOutput", .type = ShapeType::kStructure, .members = kGetBucketPolicyStatusOutputMembers},
    {.name = "ListBucketsRequest", .type = ShapeType::kStructure, .members = kListBucketsRequestMembers},
    {.name = "ListDirectoryBucketsRequest", .type = ShapeType::kStructure, .members = kListDirectoryBucketsRequestMembers},
};

constexpr Operation kS3Ops[] = {
    {.name = "CreateBucket", .input = kCreateBucketRequest, .output = kCreateBucketOutput, .http_method = "PUT",
     .http_uri = "/{Bucket}", .http_code = 200},
    {.name = "DeleteObjects", .input = kDeleteObjectsRequest, .output = kNoShape, .http_method = "POST",
     .http_uri = "/{Bucket}?delete", .http_code = 200},
    {.name = "GetObject", .input = kGetObjectRequest, .output = kGetObjectOutput, .http_method = "GET",
     .http_uri = "/{Bucket}/{Key+}?x-id=GetObject", .http_code = 200},
    {.name = "GetBucketPolicyStatus", .input = kNoShape, .output = kGetBucketPolicyStatusOutput, .http_method = "GET",
     .http_uri = "/{Bucket}?policyStatus", .http_code = 200},
    {.name = "GetObjectAcl", .input = kObjectKeyRequest, .output = kGetObjectAclOutput, .http_method = "GET",
     .http_uri = "/{Bucket}/{Key+}?acl", .http_code = 200},
    {.name = "Kitchen", .input = kKitchen, .output = kKitchen, .http_method = "POST", .http_uri = "/kitchen",
     .http_code = 200},
    {.name = "ListBuckets", .input = kListBucketsRequest, .output = kNoShape, .http_method = "GET",
     .http_uri = "/?x-id=ListBuckets", .http_code = 200},
    {.name = "ListDirectoryBuckets", .input = kListDirectoryBucketsRequest, .output = kNoShape, .http_method = "GET",
     .http_uri = "/?x-id=ListDirectoryBuckets", .http_code = 200},
    {.name = "ListObjectsV2", .input = kListObjectsV2Request, .output = kListObjectsV2Output, .http_method = "GET",
     .http_uri = "/{Bucket}?list-type=2", .http_code = 200},
    {.name = "ListParts", .input = kListPartsRequest, .output = kListPartsOutput, .http_method = "GET",
     .http_uri = "/{Bucket}/{Key+}?x-id=ListParts", .http_code = 200},
    {.name = "PutObject", .input = kPutObjectRequest, .output = kPutObjectOutput, .http_method = "PUT",
     .http_uri = "/{Bucket}/{Key+}?x-id=PutObject", .http_code = 200},
    {.name = "PutObjectAcl", .input = kPutObjectAclRequest, .output = kNoShape, .http_method = "PUT",
     .http_uri = "/{Bucket}/{Key+}?acl", .http_code = 200},
};

constexpr catalog::Service kS3Info{.name = "s3", .sdk_id = "S3", .xml_namespace = "http://s3.amazonaws.com/doc/2006-03-01/",
                                   .protocol = Protocol::kRestXml};
const ServiceModel kS3{.info = &kS3Info, .shapes = kShapes, .operations = kS3Ops};

// --------------------------------------------------------------------------------------------
// Route 53

enum : ShapeIndex {
  kR53String, kR53Long, kR53Timestamp, kResourceRecord, kResourceRecords, kResourceRecordSet, kChange, kChanges,
  kChangeBatch, kChangeRequest, kChangeInfo, kChangeResponse,
};
constexpr Member kResourceRecordMembers[] = {{.name = "Value", .target = kR53String}};
constexpr Member kResourceRecordsMembers[] = {{.name = "member", .target = kResourceRecord, .xml_name = "ResourceRecord"}};
constexpr Member kResourceRecordSetMembers[] = {
    {.name = "Name", .target = kR53String},
    {.name = "Type", .target = kR53String},
    {.name = "TTL", .target = kR53Long},
    {.name = "ResourceRecords", .target = kResourceRecords},
};
constexpr Member kChangeMembers[] = {{.name = "Action", .target = kR53String},
                                     {.name = "ResourceRecordSet", .target = kResourceRecordSet}};
constexpr Member kChangesMembers[] = {{.name = "member", .target = kChange, .xml_name = "Change"}};
constexpr Member kChangeBatchMembers[] = {{.name = "Comment", .target = kR53String}, {.name = "Changes", .target = kChanges}};
constexpr Member kChangeRequestMembers[] = {
    {.name = "HostedZoneId", .target = kR53String, .location = Location::kLabel, .location_name = "HostedZoneId"},
    {.name = "ChangeBatch", .target = kChangeBatch},
};
constexpr Member kChangeInfoMembers[] = {
    {.name = "Id", .target = kR53String},
    {.name = "Status", .target = kR53String},
    {.name = "SubmittedAt", .target = kR53Timestamp},
    {.name = "Comment", .target = kR53String},
};
constexpr Member kChangeResponseMembers[] = {{.name = "ChangeInfo", .target = kChangeInfo}};
constexpr Shape kR53Shapes[] = {
    {.name = "String", .type = ShapeType::kString},
    {.name = "Long", .type = ShapeType::kLong},
    {.name = "Timestamp", .type = ShapeType::kTimestamp},
    {.name = "ResourceRecord", .type = ShapeType::kStructure, .members = kResourceRecordMembers},
    {.name = "ResourceRecords", .type = ShapeType::kList, .members = kResourceRecordsMembers},
    {.name = "ResourceRecordSet", .type = ShapeType::kStructure, .members = kResourceRecordSetMembers},
    {.name = "Change", .type = ShapeType::kStructure, .members = kChangeMembers},
    {.name = "Changes", .type = ShapeType::kList, .members = kChangesMembers},
    {.name = "ChangeBatch", .type = ShapeType::kStructure, .members = kChangeBatchMembers},
    {.name = "ChangeResourceRecordSetsRequest", .type = ShapeType::kStructure, .members = kChangeRequestMembers},
    {.name = "ChangeInfo", .type = ShapeType::kStructure, .members = kChangeInfoMembers},
    {.name = "ChangeResourceRecordSetsResponse", .type = ShapeType::kStructure, .members = kChangeResponseMembers},
};
constexpr Operation kR53Ops[] = {
    {.name = "ChangeResourceRecordSets", .input = kChangeRequest, .output = kChangeResponse, .http_method = "POST",
     .http_uri = "/2013-04-01/hostedzone/{HostedZoneId}/rrset", .http_code = 200},
};
constexpr catalog::Service kR53Info{.name = "route-53", .sdk_id = "Route 53",
                                    .xml_namespace = "https://route53.amazonaws.com/doc/2013-04-01/",
                                    .protocol = Protocol::kRestXml};
const ServiceModel kR53{.info = &kR53Info, .shapes = kR53Shapes, .operations = kR53Ops};

// --------------------------------------------------------------------------------------------

constexpr const char* kDecl = R"(<?xml version="1.0" encoding="UTF-8"?>)";
constexpr std::int64_t kDate = 1893553445000;  // 2030-01-02T03:04:05Z

Request req(std::string method, std::string target, std::string body = {}) {
  Request r;
  r.method = std::move(method);
  r.set_target(std::move(target));
  r.body = Body(std::move(body));
  return r;
}

ParsedRequest parse_ok(const ServiceModel& model, const Request& r) {
  auto result = parse_rest_xml(model, r);
  if (auto* err = std::get_if<AwsError>(&result)) FAIL(err->code << ": " << err->message);
  return std::move(std::get<ParsedRequest>(result));
}

AwsError parse_error(const ServiceModel& model, const Request& r) {
  auto result = parse_rest_xml(model, r);
  REQUIRE(std::holds_alternative<AwsError>(result));
  return std::get<AwsError>(result);
}

RequestContext ctx() {
  RequestContext c;
  c.request_id = "REQ123";
  return c;
}

const Operation& s3_op(std::string_view name) {
  for (const auto& o : kS3Ops)
    if (o.name == name) return o;
  FAIL("no operation " << name);
  return kS3Ops[0];
}

}  // namespace

// botocore's PutObject: key label with encoded characters, user metadata prefix headers,
// Content-MD5, Expires as http-date, Content-Length as a long, the raw body as the payload.
TEST_CASE("restXml parse: S3 PutObject as botocore sends it", "[protocols][restXml]") {
  Request r = req("PUT", "/bkt/dir/a%20b%2Bc.txt", "hello");
  r.headers.add("x-amz-meta-Foo", "bar");
  r.headers.add("x-amz-meta-x", "y");
  r.headers.add("Content-MD5", "XUFAKrxLKna5cZ2REBfFkg==");
  r.headers.add("Content-Type", "text/plain");
  r.headers.add("x-amz-acl", "private");
  r.headers.add("Expires", "Wed, 02 Jan 2030 03:04:05 GMT");
  r.headers.add("Content-Length", "5");
  r.headers.add("x-amz-sdk-checksum-algorithm", "SHA256");
  r.headers.add("Expect", "100-continue");
  r.headers.add("x-amz-checksum-sha256", "LPJNul+wow4m6DsqxbninhsWHlwfp0JecwQzYpOLmCQ=");
  r.headers.add("x-amz-object-lock-retain-until-date", "2030-01-02T03:04:05.123Z");
  ParsedRequest p = parse_ok(kS3, r);
  CHECK(p.operation->name == "PutObject");
  CHECK(p.input == Value(Object{{"ACL", "private"},
                                {"Bucket", "bkt"},
                                {"ContentLength", std::int64_t{5}},
                                {"ContentMD5", "XUFAKrxLKna5cZ2REBfFkg=="},
                                {"ContentType", "text/plain"},
                                {"ChecksumAlgorithm", "SHA256"},
                                {"ChecksumSHA256", "LPJNul+wow4m6DsqxbninhsWHlwfp0JecwQzYpOLmCQ="},
                                {"Expires", Timestamp{kDate}},
                                {"Key", "dir/a b+c.txt"},
                                {"Metadata", Object{{"Foo", "bar"}, {"x", "y"}}},
                                {"ObjectLockRetainUntilDate", Timestamp{kDate + 123}},
                                {"Body", Blob{"hello"}}}));
}

// botocore's CreateBucket: the payload structure's element carries the S3 namespace.
TEST_CASE("restXml parse: S3 CreateBucket payload structure", "[protocols][restXml]") {
  ParsedRequest p = parse_ok(
      kS3, req("PUT", "/bkt",
               R"(<CreateBucketConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><LocationConstraint>eu-west-1</LocationConstraint></CreateBucketConfiguration>)"));
  CHECK(p.operation->name == "CreateBucket");
  CHECK(p.input == Value(Object{{"Bucket", "bkt"},
                                {"CreateBucketConfiguration", Object{{"LocationConstraint", "eu-west-1"}}}}));
  // No body: the payload member is simply absent (us-east-1 buckets).
  CHECK(parse_ok(kS3, req("PUT", "/bkt")).input == Value(Object{{"Bucket", "bkt"}}));
}

// botocore's DeleteObjects: a flattened list named by the member's @xmlName ("Object").
TEST_CASE("restXml parse: S3 DeleteObjects flattened list", "[protocols][restXml]") {
  ParsedRequest p = parse_ok(
      kS3, req("POST", "/bkt?delete",
               R"(<Delete xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Object><Key>a</Key></Object>)"
               R"(<Object><Key>b</Key><VersionId>v</VersionId></Object><Quiet>true</Quiet></Delete>)"));
  CHECK(p.operation->name == "DeleteObjects");
  CHECK(p.input == Value(Object{{"Bucket", "bkt"},
                                {"Delete", Object{{"Objects", List{Object{{"Key", "a"}},
                                                                   Object{{"Key", "b"}, {"VersionId", "v"}}}},
                                                  {"Quiet", true}}}}));
}

// botocore's PutObjectAcl: wrapped list with a custom member name, the xsi:type attribute.
TEST_CASE("restXml parse: S3 PutObjectAcl attributes and wrapped lists", "[protocols][restXml]") {
  ParsedRequest p = parse_ok(
      kS3, req("PUT", "/bkt/k?acl",
               R"(<AccessControlPolicy xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><AccessControlList><Grant>)"
               R"(<Grantee xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="CanonicalUser"><ID>abc</ID></Grantee>)"
               R"(<Permission>READ</Permission></Grant></AccessControlList><Owner><ID>abc</ID></Owner></AccessControlPolicy>)"));
  CHECK(p.operation->name == "PutObjectAcl");
  CHECK(*p.input.find("AccessControlPolicy") ==
        Value(Object{{"Grants", List{Object{{"Grantee", Object{{"Type", "CanonicalUser"}, {"ID", "abc"}}},
                                            {"Permission", "READ"}}}},
                     {"Owner", Object{{"ID", "abc"}}}}));
}

// botocore's ChangeResourceRecordSets: non-payload body members under the input's element,
// nested wrapped lists with custom member names, escaped text, the trailing slash botocore adds.
TEST_CASE("restXml parse: Route 53 ChangeResourceRecordSets", "[protocols][restXml]") {
  ParsedRequest p = parse_ok(
      kR53,
      req("POST", "/2013-04-01/hostedzone/Z123/rrset/",
          R"(<ChangeResourceRecordSetsRequest xmlns="https://route53.amazonaws.com/doc/2013-04-01/"><ChangeBatch>)"
          R"(<Comment>c &amp; &lt;d&gt;</Comment><Changes><Change><Action>UPSERT</Action><ResourceRecordSet>)"
          R"(<Name>a.example.com.</Name><Type>A</Type><TTL>300</TTL><ResourceRecords><ResourceRecord><Value>1.2.3.4</Value>)"
          R"(</ResourceRecord><ResourceRecord><Value>5.6.7.8</Value></ResourceRecord></ResourceRecords></ResourceRecordSet>)"
          R"(</Change></Changes></ChangeBatch></ChangeResourceRecordSetsRequest>)"));
  CHECK(p.operation->name == "ChangeResourceRecordSets");
  CHECK(p.input ==
        Value(Object{{"HostedZoneId", "Z123"},
                     {"ChangeBatch",
                      Object{{"Comment", "c & <d>"},
                             {"Changes", List{Object{{"Action", "UPSERT"},
                                                     {"ResourceRecordSet",
                                                      Object{{"Name", "a.example.com."},
                                                             {"Type", "A"},
                                                             {"TTL", std::int64_t{300}},
                                                             {"ResourceRecords", List{Object{{"Value", "1.2.3.4"}},
                                                                                      Object{{"Value", "5.6.7.8"}}}}}}}}}}}}));
}

// Without x-id (botocore never sends it) GetObject and ListParts share a route; the required
// uploadId query parameter decides, as it does on S3.
TEST_CASE("restXml parse: S3 x-id-less routes use required bindings", "[protocols][restXml]") {
  CHECK(parse_ok(kS3, req("GET", "/bkt/k")).operation->name == "GetObject");
  CHECK(parse_ok(kS3, req("GET", "/bkt/k?uploadId=u1")).operation->name == "ListParts");
  CHECK(parse_ok(kS3, req("GET", "/bkt/k?x-id=GetObject&uploadId=u1")).operation->name == "GetObject");
  ParsedRequest p = parse_ok(kS3, req("GET", "/bkt//lead/slash?partNumber=2"));
  CHECK(p.input == Value(Object{{"Bucket", "bkt"}, {"Key", "/lead/slash"}, {"PartNumber", std::int64_t{2}}}));
}

// ListBuckets and ListDirectoryBuckets are both "GET /" once botocore leaves the x-id out (S3
// tells them apart by the s3express-control host); the query keys each binds decide, and a
// request with none of them is ListBuckets, the older and far commoner call.
TEST_CASE("restXml parse: S3 ListBuckets vs ListDirectoryBuckets by query keys", "[protocols][restXml]") {
  CHECK(parse_ok(kS3, req("GET", "/")).operation->name == "ListBuckets");
  CHECK(parse_ok(kS3, req("GET", "/?max-buckets=5")).operation->name == "ListBuckets");
  CHECK(parse_ok(kS3, req("GET", "/?continuation-token=t")).operation->name == "ListBuckets");
  ParsedRequest p = parse_ok(kS3, req("GET", "/?continuation-token=j%3Fw&max-directory-buckets=1000"));
  CHECK(p.operation->name == "ListDirectoryBuckets");
  CHECK(p.input == Value(Object{{"ContinuationToken", "j?w"}, {"MaxDirectoryBuckets", std::int64_t{1000}}}));
  CHECK(parse_ok(kS3, req("GET", "/?x-id=ListDirectoryBuckets")).operation->name == "ListDirectoryBuckets");
  CHECK(parse_ok(kS3, req("GET", "/?x-id=ListBuckets&max-directory-buckets=1")).operation->name == "ListBuckets");
}

// Body types and XML shapes: attributes, special doubles, big integers, base64, timestamps in
// each format, wrapped/flattened/custom-named maps, empty lists, unions, unicode, CDATA.
TEST_CASE("restXml parse: body member types", "[protocols][restXml]") {
  ParsedRequest p = parse_ok(
      kS3, req("POST", "/kitchen",
               "<Kitchen id=\"k1\"><Text> h\xC3\xA9llo &#x1F600; </Text><Ratio>-Infinity</Ratio>"
               "<Big>123456789012345678901234567890</Big><Data>AP8=\n</Data><When>2030-01-02T03:04:05.5Z</When>"
               "<WhenEpoch>1893553445.25</WhenEpoch><WhenHttp>Wed, 02 Jan 2030 03:04:05 GMT</WhenHttp>"
               "<Wrapped><entry><key>a</key><value>1</value></entry><entry><key>b</key><value></value></entry></Wrapped>"
               "<Attr><key>x</key><value>X</value></Attr><Attr><key>y</key><value>Y</value></Attr>"
               "<Custom><entry><K>n</K><V>5</V></entry></Custom>"
               "<Items><member>CRC32</member><member><![CDATA[<SHA&1>]]></member></Items><Empty/>"
               "<Pick><N>3</N></Pick><Flag>false</Flag><Unknown><x/></Unknown></Kitchen>"));
  const Value& in = p.input;
  CHECK(*in.find("Id") == Value("k1"));
  CHECK(*in.find("Text") == Value(" h\xC3\xA9llo \xF0\x9F\x98\x80 "));  // whitespace in strings is kept
  CHECK(in.find("Ratio")->as_double() == -INFINITY);
  CHECK(*in.find("Big") == Value(BigNumber{"123456789012345678901234567890"}));
  CHECK(*in.find("Data") == Value(Blob{std::string("\x00\xFF", 2)}));
  CHECK(*in.find("When") == Value(Timestamp{kDate + 500}));
  CHECK(*in.find("WhenEpoch") == Value(Timestamp{kDate + 250}));
  CHECK(*in.find("WhenHttp") == Value(Timestamp{kDate}));
  CHECK(*in.find("Wrapped") == Value(Object{{"a", "1"}, {"b", ""}}));
  CHECK(*in.find("Flat") == Value(Object{{"x", "X"}, {"y", "Y"}}));
  CHECK(*in.find("Custom") == Value(Object{{"n", std::int64_t{5}}}));
  CHECK(*in.find("Items") == Value(List{"CRC32", "<SHA&1>"}));
  CHECK(*in.find("Empty") == Value(List{}));
  CHECK(*in.find("Pick") == Value(Object{{"N", std::int64_t{3}}}));
  CHECK(*in.find("Flag") == Value(false));
  CHECK_FALSE(in.find("Unknown"));
}

// Malformed XML and ill-typed values: S3 answers MalformedXML, others SerializationException;
// always 400, never a crash; entity and nesting bombs are refused.
TEST_CASE("restXml parse: malformed bodies are 400s", "[protocols][restXml]") {
  const char* bodies[] = {
      "<CreateBucketConfiguration><LocationConstraint>x</CreateBucketConfiguration>",  // mismatched tag
      "<CreateBucketConfiguration>",                                                   // truncated
      "not xml at all",
      "<a/><b/>",                                                                      // two roots
  };
  for (const char* body : bodies) {
    INFO(body);
    AwsError e = parse_error(kS3, req("PUT", "/bkt", body));
    CHECK(e.status == 400);
    CHECK(e.code == "MalformedXML");
  }
  const char* kitchens[] = {
      "<Kitchen><Ratio>fast</Ratio></Kitchen>",
      "<Kitchen><Big>1.5</Big></Kitchen>",
      "<Kitchen><Data>***</Data></Kitchen>",
      "<Kitchen><When>noon</When></Kitchen>",
      "<Kitchen><Flag>yes</Flag></Kitchen>",
      "<Kitchen><Custom><entry><K>n</K><V>five</V></entry></Custom></Kitchen>",
      "<Kitchen><Custom><entry><V>5</V></entry></Custom></Kitchen>",
      "<Kitchen><Pick><S>a</S><N>1</N></Pick></Kitchen>",
  };
  for (const char* body : kitchens) {
    INFO(body);
    AwsError e = parse_error(kS3, req("POST", "/kitchen", body));
    CHECK(e.status == 400);
  }
  std::string deep;
  for (int i = 0; i < 5000; ++i) deep += "<a>";
  AwsError e = parse_error(kS3, req("POST", "/kitchen", deep));
  CHECK(e.status == 400);
  AwsError r53 = parse_error(kR53, req("POST", "/2013-04-01/hostedzone/Z/rrset", "<x><y></x>"));
  CHECK(r53.status == 400);
  CHECK(r53.code == "SerializationException");
  // A DOCTYPE with an internal entity is not expanded (no billion laughs).
  AwsError dtd = parse_error(kS3, req("PUT", "/bkt",
                                      "<!DOCTYPE x [<!ENTITY a \"aaaa\">]><CreateBucketConfiguration>"
                                      "<LocationConstraint>&a;</LocationConstraint></CreateBucketConfiguration>"));
  CHECK(dtd.status == 400);
}

// ListObjectsV2: flattened Contents and CommonPrefixes, date-time timestamps, the
// ListBucketResult root with S3's namespace, a header binding. botocore reads Contents as
// [{'Key': 'a&b.txt', 'LastModified': datetime(2030, 1, 2, 3, 4, 5, 500000), 'ETag': '"e1"',
//   'ChecksumAlgorithm': ['CRC32'], 'Size': 5, 'StorageClass': 'STANDARD'}, {'Key': 'k2', 'Size': 0}],
// CommonPrefixes [{'Prefix': 'p/'}], KeyCount 2, IsTruncated False, RequestCharged 'requester'.
TEST_CASE("restXml output: S3 ListObjectsV2", "[protocols][restXml]") {
  Value out(Object{{"IsTruncated", false},
                   {"Contents", List{Object{{"Key", "a&b.txt"},
                                            {"LastModified", Timestamp{kDate + 500}},
                                            {"ETag", "\"e1\""},
                                            {"ChecksumAlgorithm", List{"CRC32"}},
                                            {"Size", std::int64_t{5}},
                                            {"StorageClass", "STANDARD"}},
                                     Object{{"Key", "k2"}, {"Size", std::int64_t{0}}}}},
                   {"Name", "bkt"},
                   {"Prefix", ""},
                   {"MaxKeys", 1000},
                   {"CommonPrefixes", List{Object{{"Prefix", "p/"}}}},
                   {"KeyCount", 2},
                   {"RequestCharged", "requester"}});
  Response r = serialize_rest_xml_output(kS3, s3_op("ListObjectsV2"), out, ctx());
  CHECK(r.status == 200);
  CHECK(r.headers.get("Content-Type") == "application/xml");
  CHECK(r.headers.get("x-amz-request-charged") == "requester");
  CHECK(r.headers.get("x-amz-request-id") == "REQ123");
  CHECK(r.headers.get("x-amz-id-2") == "UkVRMTIz");
  CHECK_FALSE(r.headers.contains("x-amzn-RequestId"));
  CHECK(r.body == std::string(kDecl) +
                      R"(<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><IsTruncated>false</IsTruncated>)"
                      R"(<Contents><Key>a&amp;b.txt</Key><LastModified>2030-01-02T03:04:05.500Z</LastModified>)"
                      R"(<ETag>"e1"</ETag><ChecksumAlgorithm>CRC32</ChecksumAlgorithm><Size>5</Size>)"
                      R"(<StorageClass>STANDARD</StorageClass></Contents><Contents><Key>k2</Key><Size>0</Size></Contents>)"
                      R"(<Name>bkt</Name><Prefix></Prefix><MaxKeys>1000</MaxKeys><CommonPrefixes><Prefix>p/</Prefix>)"
                      R"(</CommonPrefixes><KeyCount>2</KeyCount></ListBucketResult>)");
  // An empty listing: no Contents elements at all.
  Value empty(Object{{"IsTruncated", false}, {"Contents", List{}}, {"Name", "bkt"}, {"KeyCount", 0}});
  CHECK(serialize_rest_xml_output(kS3, s3_op("ListObjectsV2"), empty, ctx()).body ==
        std::string(kDecl) +
            R"(<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><IsTruncated>false</IsTruncated>)"
            R"(<Name>bkt</Name><KeyCount>0</KeyCount></ListBucketResult>)");
}

// GetObjectAcl: the output's @xmlName root, a wrapped list named "Grant", and the Grantee with
// the xsi prefix declared and its type attribute; botocore reads Grants as
// [{'Grantee': {'ID': 'abc', 'Type': 'CanonicalUser'}, 'Permission': 'FULL_CONTROL'}].
TEST_CASE("restXml output: S3 GetObjectAcl attributes and namespaces", "[protocols][restXml]") {
  Value out(Object{{"Owner", Object{{"ID", "abc"}}},
                   {"Grants", List{Object{{"Grantee", Object{{"ID", "abc"}, {"Type", "CanonicalUser"}}},
                                          {"Permission", "FULL_CONTROL"}}}}});
  Response r = serialize_rest_xml_output(kS3, s3_op("GetObjectAcl"), out, ctx());
  CHECK(r.body ==
        std::string(kDecl) +
            R"(<AccessControlPolicy xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Owner><ID>abc</ID></Owner>)"
            R"(<AccessControlList><Grant><Grantee xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="CanonicalUser">)"
            R"(<ID>abc</ID></Grantee><Permission>FULL_CONTROL</Permission></Grant></AccessControlList></AccessControlPolicy>)");
}

// Outputs bound entirely to headers have no body (PutObject, CreateBucket); a blob payload is the
// raw body with header bindings around it (GetObject); Unit output is empty.
TEST_CASE("restXml output: header-only, blob payload and unit outputs", "[protocols][restXml]") {
  Response put = serialize_rest_xml_output(
      kS3, s3_op("PutObject"), Value(Object{{"ETag", "\"5d41\""}, {"VersionId", "v1"}, {"Size", std::int64_t{5}}}), ctx());
  CHECK(put.body.empty());
  CHECK(put.headers.get("ETag") == "\"5d41\"");
  CHECK(put.headers.get("x-amz-version-id") == "v1");
  CHECK(put.headers.get("x-amz-object-size") == "5");
  CHECK_FALSE(put.headers.contains("Content-Type"));

  Response get = serialize_rest_xml_output(kS3, s3_op("GetObject"),
                                           Value(Object{{"Body", Blob{std::string("\0bin", 4)}},
                                                        {"ContentType", "image/png"},
                                                        {"LastModified", Timestamp{kDate}},
                                                        {"ContentLength", std::int64_t{4}},
                                                        {"Metadata", Object{{"foo", "bar"}}}}),
                                           ctx());
  CHECK(get.body == std::string("\0bin", 4));
  CHECK(get.headers.get("Content-Type") == "image/png");
  CHECK(get.headers.get("Last-Modified") == "Wed, 02 Jan 2030 03:04:05 GMT");
  CHECK(get.headers.get("Content-Length") == "4");
  CHECK(get.headers.get("x-amz-meta-foo") == "bar");

  Response unit = serialize_rest_xml_output(kS3, s3_op("DeleteObjects"), Value::object(), ctx());
  CHECK(unit.body.empty());
}

// An @httpPayload structure is the whole document, its root named by the target shape and
// carrying the service namespace; botocore reads {'PolicyStatus': {'IsPublic': True}}.
TEST_CASE("restXml output: S3 payload structure", "[protocols][restXml]") {
  Response r = serialize_rest_xml_output(kS3, s3_op("GetBucketPolicyStatus"),
                                         Value(Object{{"PolicyStatus", Object{{"IsPublic", true}}}}), ctx());
  CHECK(r.body == std::string(kDecl) +
                      R"(<PolicyStatus xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><IsPublic>true</IsPublic></PolicyStatus>)");
  CHECK(r.headers.get("Content-Type") == "application/xml");
  // Unset payload: no body.
  CHECK(serialize_rest_xml_output(kS3, s3_op("GetBucketPolicyStatus"), Value::object(), ctx()).body.empty());
}

// Route 53's response root is the output shape's name, with the service namespace; botocore
// reads {'ChangeInfo': {'Id': '/change/C1', 'Status': 'PENDING',
// 'SubmittedAt': datetime(2030, 1, 2, 3, 4, 5)}}.
TEST_CASE("restXml output: Route 53 ChangeResourceRecordSets", "[protocols][restXml]") {
  Value out(Object{{"ChangeInfo", Object{{"Id", "/change/C1"}, {"Status", "PENDING"}, {"SubmittedAt", Timestamp{kDate}}}}});
  Response r = serialize_rest_xml_output(kR53, kR53Ops[0], out, ctx());
  CHECK(r.headers.get("x-amzn-RequestId") == "REQ123");
  CHECK(r.body == std::string(kDecl) +
                      R"(<ChangeResourceRecordSetsResponse xmlns="https://route53.amazonaws.com/doc/2013-04-01/">)"
                      R"(<ChangeInfo><Id>/change/C1</Id><Status>PENDING</Status><SubmittedAt>2030-01-02T03:04:05Z</SubmittedAt>)"
                      R"(</ChangeInfo></ChangeResourceRecordSetsResponse>)");
}

// Output side of the XML shapes: attributes, specials, big numbers, each timestamp format,
// wrapped/flattened/custom maps, wrapped lists with <member>, empty lists and maps, unicode.
TEST_CASE("restXml output: body member types", "[protocols][restXml]") {
  Value out(Object{{"Id", "k\"1"},
                   {"Text", "h\xC3\xA9llo <&>"},
                   {"Ratio", NAN},
                   {"Big", BigNumber{"123456789012345678901234567890"}},
                   {"Data", Blob{std::string("\x00\xFF", 2)}},
                   {"When", Timestamp{kDate}},
                   {"WhenEpoch", Timestamp{kDate + 250}},
                   {"WhenHttp", Timestamp{kDate}},
                   {"Wrapped", Object{{"a", "1"}}},
                   {"Flat", Object{{"x", "X"}, {"y", "Y"}}},
                   {"Custom", Object{{"n", 5}}},
                   {"Items", List{"CRC32", "SHA1"}},
                   {"Empty", List{}},
                   {"Pick", Object{{"S", "s"}}},
                   {"Flag", true}});
  Response r = serialize_rest_xml_output(kS3, s3_op("Kitchen"), out, ctx());
  CHECK(r.body ==
        std::string(kDecl) +
            R"(<Kitchen xmlns="http://s3.amazonaws.com/doc/2006-03-01/" id="k&quot;1"><Text>héllo &lt;&amp;&gt;</Text>)"
            R"(<Ratio>NaN</Ratio><Big>123456789012345678901234567890</Big><Data>AP8=</Data>)"
            R"(<When>2030-01-02T03:04:05Z</When><WhenEpoch>1893553445.25</WhenEpoch>)"
            R"(<WhenHttp>Wed, 02 Jan 2030 03:04:05 GMT</WhenHttp><Wrapped><entry><key>a</key><value>1</value></entry></Wrapped>)"
            R"(<Attr><key>x</key><value>X</value></Attr><Attr><key>y</key><value>Y</value></Attr>)"
            R"(<Custom><entry><K>n</K><V>5</V></entry></Custom><Items><member>CRC32</member><member>SHA1</member></Items>)"
            R"(<Empty/><Pick><S>s</S></Pick><Flag>true</Flag></Kitchen>)");
  // What we write, we read back.
  Request back = req("POST", "/kitchen", r.body);
  Value parsed = parse_ok(kS3, back).input;
  CHECK(*parsed.find("Id") == Value("k\"1"));
  CHECK(*parsed.find("Text") == Value("h\xC3\xA9llo <&>"));
  CHECK(*parsed.find("Flat") == Value(Object{{"x", "X"}, {"y", "Y"}}));
  CHECK(*parsed.find("WhenEpoch") == Value(Timestamp{kDate + 250}));
  CHECK(*parsed.find("Empty") == Value(List{}));
}

// S3's bare <Error> with both request-id headers; botocore reads {'Error': {'Code': 'NoSuchKey',
// 'Message': 'The specified key does not exist.'}, 'ResponseMetadata': {'RequestId': 'REQ123',
// 'HostId': 'UkVRMTIz', ...}}.
TEST_CASE("restXml error: S3 bare Error", "[protocols][restXml]") {
  AwsError err{"NoSuchKey", "The specified key does not exist.", 404, true};
  Response r = serialize_rest_xml_error(kS3Info, err, ctx());
  CHECK(r.status == 404);
  CHECK(r.headers.get("x-amz-request-id") == "REQ123");
  CHECK(r.headers.get("x-amz-id-2") == "UkVRMTIz");
  CHECK(r.headers.get("Content-Type") == "application/xml");
  CHECK(r.body == std::string(kDecl) +
                      "<Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message>"
                      "<RequestId>REQ123</RequestId><HostId>UkVRMTIz</HostId></Error>");
}

// A carriage return (an S3 key may hold one) is written as a reference, as S3 does: written raw,
// the client's XML parser would read it back as a newline.
TEST_CASE("restXml output: control characters as references", "[protocols][restXml]") {
  AwsError err{"NoSuchKey", "key a\rb\x01 tab\tnl\n", 404, true};
  Response r = serialize_rest_xml_error(kS3Info, err, ctx());
  CHECK(r.body.find("<Message>key a&#xD;b&#x1; tab\tnl\n</Message>") != std::string::npos);
}

// Route 53 wraps the error and types the fault; botocore reads {'Error': {'Type': 'Sender',
// 'Code': 'NoSuchHostedZone', 'Message': 'No hosted zone found with ID: Z1 <&>'},
// 'ResponseMetadata': {'RequestId': 'REQ123', ...}}.
TEST_CASE("restXml error: Route 53 ErrorResponse", "[protocols][restXml]") {
  AwsError err{"NoSuchHostedZone", "No hosted zone found with ID: Z1 <&>", 404, true};
  Response r = serialize_rest_xml_error(kR53Info, err, ctx());
  CHECK(r.status == 404);
  CHECK(r.headers.get("x-amzn-RequestId") == "REQ123");
  CHECK(r.body == std::string(kDecl) +
                      R"(<ErrorResponse xmlns="https://route53.amazonaws.com/doc/2013-04-01/"><Error><Type>Sender</Type>)"
                      R"(<Code>NoSuchHostedZone</Code><Message>No hosted zone found with ID: Z1 &lt;&amp;&gt;</Message></Error>)"
                      R"(<RequestId>REQ123</RequestId></ErrorResponse>)");
  AwsError internal = AwsError::internal("boom");
  CHECK(serialize_rest_xml_error(kR53Info, internal, ctx()).body.find("<Type>Receiver</Type>") != std::string::npos);
}

// --------------------------------------------------------------------------------------------
// S3 SelectObjectContent: the event stream is the @httpPayload; Records carries the raw bytes as
// its @eventPayload blob, Stats an @eventPayload structure as XML, End nothing (botocore reads
// them back as {'Records': {'Payload': b'..'}}, {'Stats': {'Details': {..}}}, {'End': {}}).

namespace select_model {

enum : ShapeIndex { kString, kLong, kBlob, kStats, kRecordsEvent, kStatsEvent, kEndEvent, kStream, kOutput };

constexpr Member kStatsMembers[] = {{.name = "BytesScanned", .target = kLong},
                                    {.name = "BytesReturned", .target = kLong}};
constexpr Member kRecordsEventMembers[] = {{.name = "Payload", .target = kBlob, .location = Location::kPayload}};
constexpr Member kStatsEventMembers[] = {{.name = "Details", .target = kStats, .location = Location::kPayload}};
constexpr Member kStreamMembers[] = {{.name = "Records", .target = kRecordsEvent},
                                     {.name = "Stats", .target = kStatsEvent},
                                     {.name = "End", .target = kEndEvent}};
constexpr Member kOutputMembers[] = {{.name = "Payload", .target = kStream, .location = Location::kPayload}};

constexpr Shape kShapes[] = {
    {.name = "String", .type = ShapeType::kString},
    {.name = "Long", .type = ShapeType::kLong},
    {.name = "Blob", .type = ShapeType::kBlob},
    {.name = "Stats", .type = ShapeType::kStructure, .members = kStatsMembers},
    {.name = "RecordsEvent", .type = ShapeType::kStructure, .members = kRecordsEventMembers},
    {.name = "StatsEvent", .type = ShapeType::kStructure, .members = kStatsEventMembers},
    {.name = "EndEvent", .type = ShapeType::kStructure},
    {.name = "SelectObjectContentEventStream", .type = ShapeType::kUnion,
     .flags = shape_flags::kStreaming | shape_flags::kEventStream, .members = kStreamMembers},
    {.name = "SelectObjectContentOutput", .type = ShapeType::kStructure, .members = kOutputMembers},
};

constexpr Operation kOps[] = {
    {.name = "SelectObjectContent", .input = kNoShape, .output = kOutput, .http_method = "POST",
     .http_uri = "/{Bucket}/{Key+}?select&select-type=2", .http_code = 200},
};

const ServiceModel kModel{.info = &kS3Info, .shapes = kShapes, .operations = kOps};

}  // namespace select_model

TEST_CASE("restXml output: S3 SelectObjectContent event stream", "[protocols][restXml]") {
  Value out(Object{{"Payload", List{Object{{"Records", Object{{"Payload", Blob{"a,b\n"}}}}},
                                    Object{{"Stats", Object{{"Details", Object{{"BytesScanned", std::int64_t{5}},
                                                                               {"BytesReturned", std::int64_t{4}}}}}}},
                                    Object{{"End", Object{}}}}}});
  Response r = serialize_rest_xml_output(select_model::kModel, select_model::kOps[0], out, ctx());
  CHECK(r.headers.get("Content-Type") == "application/vnd.amazon.eventstream");
  eventstream::Decoder decoder;
  REQUIRE(decoder.feed(r.body));
  std::vector<eventstream::Message> m;
  while (auto next = decoder.next()) m.push_back(std::move(*next));
  REQUIRE(m.size() == 3);
  CHECK(m[0].string_header(":event-type") == "Records");
  CHECK(m[0].string_header(":content-type") == "application/octet-stream");
  CHECK(m[0].payload == "a,b\n");
  CHECK(m[1].string_header(":event-type") == "Stats");
  CHECK(m[1].string_header(":content-type") == "text/xml");
  // Named as an @httpPayload root is (the target's name): S3 documents "<Stats><BytesScanned>..".
  CHECK(m[1].payload == R"(<?xml version="1.0" encoding="UTF-8"?><Stats><BytesScanned>5</BytesScanned>)"
                        R"(<BytesReturned>4</BytesReturned></Stats>)");
  CHECK(m[2].string_header(":event-type") == "End");
  CHECK(m[2].payload == R"(<?xml version="1.0" encoding="UTF-8"?><EndEvent/>)");
}
