// Smithy HTTP bindings shared by restJson1 and restXml: URI template matching and ranking (S3's
// and Lambda's real templates, with the requests botocore 1.43 sends), label decoding, and the
// text forms of header, query and label values in both directions.
#include <catch2/catch.hpp>

// The model tables below use designated initializers and leave the unused fields out.
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

#include <cmath>
#include <string>

#include "protocols/http_bindings.h"

using namespace rime;
using namespace rime::proto;

namespace Catch {
template <>
struct StringMaker<Value> {
  static std::string convert(const Value& v) { return to_debug_string(v); }
};
}  // namespace Catch

namespace {

// S3's templates as in its Smithy model (x-id literals included; botocore omits them).
constexpr catalog::Operation kS3Ops[] = {
    {"CompleteMultipartUpload", "POST", "/{Bucket}/{Key+}", 200},
    {"CreateBucket", "PUT", "/{Bucket}", 200},
    {"CreateMultipartUpload", "POST", "/{Bucket}/{Key+}?uploads", 200},
    {"DeleteObjects", "POST", "/{Bucket}?delete", 200},
    {"GetBucketAcl", "GET", "/{Bucket}?acl", 200},
    {"GetObject", "GET", "/{Bucket}/{Key+}?x-id=GetObject", 200},
    {"GetObjectAcl", "GET", "/{Bucket}/{Key+}?acl", 200},
    {"HeadObject", "HEAD", "/{Bucket}/{Key+}", 200},
    {"ListBuckets", "GET", "/?x-id=ListBuckets", 200},
    {"ListObjects", "GET", "/{Bucket}", 200},
    {"ListObjectsV2", "GET", "/{Bucket}?list-type=2", 200},
    {"ListParts", "GET", "/{Bucket}/{Key+}?x-id=ListParts", 200},
    {"PutObject", "PUT", "/{Bucket}/{Key+}?x-id=PutObject", 200},
    {"SelectObjectContent", "POST", "/{Bucket}/{Key+}?select&select-type=2", 200},
};

constexpr catalog::Operation kRestJsonOps[] = {
    {"CreateFunction", "POST", "/2015-03-31/functions", 201},
    {"DescribeCluster", "GET", "/clusters/{name}", 200},
    {"GetFile", "GET", "/files/{Path+}", 200},
    {"GetFileMeta", "GET", "/files/{Path+}/meta", 200},
    {"GetFunction", "GET", "/2015-03-31/functions/{FunctionName}", 200},
    {"GetPolicy", "GET", "/2015-03-31/functions/{FunctionName}/policy", 200},
    {"GetSpecialThing", "GET", "/things/special", 200},
    {"GetThing", "GET", "/things/{id}", 200},
    {"GetThingByOwner", "GET", "/{owner}/special", 200},
    {"ListClusters", "GET", "/clusters", 200},
    {"ListFunctions", "GET", "/2015-03-31/functions/", 200},
    {"ListRecordSets", "POST", "/2013-04-01/hostedzone/{HostedZoneId}/rrset", 200},
};

// Templates of services that share a signing name with another (S3 / S3 Control; Bedrock Agent /
// Agent Runtime), as in their models: the router ranks across services with rest_binding_rank.
constexpr catalog::Operation kS3ControlOps[] = {
    {"CreateBucket", "PUT", "/v20180820/bucket/{Bucket}", 200},
    {"DeleteBucket", "DELETE", "/v20180820/bucket/{Bucket}", 204},
    {"ListRegionalBuckets", "GET", "/v20180820/bucket", 200},
};
constexpr catalog::Operation kBedrockAgentOps[] = {{"PrepareAgent", "POST", "/agents/{agentId}/", 202}};
constexpr catalog::Operation kBedrockAgentRuntimeOps[] = {{"InvokeInlineAgent", "POST", "/agents/{sessionId}", 200}};

Request req(std::string method, std::string target) {
  Request r;
  r.method = std::move(method);
  r.set_target(std::move(target));
  return r;
}

std::string_view s3_op(std::string method, std::string target) {
  const catalog::Operation* op = match_rest_operation(kS3Ops, req(std::move(method), std::move(target)));
  return op ? op->name : "";
}

std::string_view json_op(std::string method, std::string target) {
  const catalog::Operation* op = match_rest_operation(kRestJsonOps, req(std::move(method), std::move(target)));
  return op ? op->name : "";
}

// A small model for the binding readers and writers.
enum : ShapeIndex {
  kString, kInteger, kLong, kBoolean, kBlob, kTimestamp, kDouble, kJsonString, kStringList, kStringMap,
  kTimestampList, kStringListMap, kByte, kBigInteger, kInput, kOutput, kImportInput,
};

constexpr Member kStringListMembers[] = {{.name = "member", .target = kString}};
constexpr Member kStringMapMembers[] = {{.name = "key", .target = kString}, {.name = "value", .target = kString}};
constexpr Member kTimestampListMembers[] = {{.name = "member", .target = kTimestamp}};
constexpr Member kStringListMapMembers[] = {{.name = "key", .target = kString}, {.name = "value", .target = kStringList}};

constexpr Member kInputMembers[] = {
    {.name = "Bucket", .target = kString, .location = Location::kLabel, .location_name = "Bucket"},
    {.name = "Key", .target = kString, .location = Location::kLabel, .location_name = "Key"},
    {.name = "Length", .target = kLong, .location = Location::kHeader, .location_name = "Content-Length"},
    {.name = "Expires", .target = kTimestamp, .location = Location::kHeader, .location_name = "Expires"},
    {.name = "RetainUntil", .target = kTimestamp, .location = Location::kHeader,
     .timestamp_format = TimestampFormat::kDateTime, .location_name = "x-amz-retain-until"},
    {.name = "Flag", .target = kBoolean, .location = Location::kHeader, .location_name = "x-flag"},
    {.name = "Tags", .target = kStringList, .location = Location::kHeader, .location_name = "x-tags"},
    {.name = "Dates", .target = kTimestampList, .location = Location::kHeader, .location_name = "x-dates"},
    {.name = "Context", .target = kJsonString, .location = Location::kHeader, .location_name = "x-context"},
    {.name = "Token", .target = kBlob, .location = Location::kHeader, .location_name = "x-token"},
    {.name = "Small", .target = kByte, .location = Location::kHeader, .location_name = "x-small"},
    {.name = "Metadata", .target = kStringMap, .location = Location::kPrefixHeaders, .location_name = "x-amz-meta-"},
    {.name = "MaxKeys", .target = kInteger, .location = Location::kQuery, .location_name = "max-keys"},
    {.name = "Since", .target = kTimestamp, .location = Location::kQuery, .location_name = "since"},
    {.name = "Ratio", .target = kDouble, .location = Location::kQuery, .location_name = "ratio"},
    {.name = "Big", .target = kBigInteger, .location = Location::kQuery, .location_name = "big"},
    {.name = "Include", .target = kStringList, .location = Location::kQuery, .location_name = "include"},
    {.name = "Rest", .target = kStringListMap, .location = Location::kQueryParams},
    {.name = "Encoding", .target = kString, .location = Location::kHeader, .location_name = "Accept-Encoding"},
};

// API Gateway's ImportRestApi: "POST /restapis?mode=import", a query member and a catch-all map.
constexpr Member kImportInputMembers[] = {
    {.name = "FailOnWarnings", .target = kBoolean, .location = Location::kQuery, .location_name = "failonwarnings"},
    {.name = "Parameters", .target = kStringMap, .location = Location::kQueryParams},
};

constexpr Member kOutputMembers[] = {
    {.name = "Status", .target = kInteger, .location = Location::kStatusCode},
    {.name = "ETag", .target = kString, .location = Location::kHeader, .location_name = "ETag"},
    {.name = "LastModified", .target = kTimestamp, .location = Location::kHeader, .location_name = "Last-Modified"},
    {.name = "Epoch", .target = kTimestamp, .location = Location::kHeader,
     .timestamp_format = TimestampFormat::kEpochSeconds, .location_name = "x-epoch"},
    {.name = "Tags", .target = kStringList, .location = Location::kHeader, .location_name = "x-tags"},
    {.name = "Dates", .target = kTimestampList, .location = Location::kHeader, .location_name = "x-dates"},
    {.name = "Context", .target = kJsonString, .location = Location::kHeader, .location_name = "x-context"},
    {.name = "Ratio", .target = kDouble, .location = Location::kHeader, .location_name = "x-ratio"},
    {.name = "Flag", .target = kBoolean, .location = Location::kHeader, .location_name = "x-flag"},
    {.name = "Metadata", .target = kStringMap, .location = Location::kPrefixHeaders, .location_name = "x-amz-meta-"},
    {.name = "Body", .target = kBlob, .location = Location::kPayload},
};

constexpr Shape kShapes[] = {
    {.name = "String", .type = ShapeType::kString},
    {.name = "Integer", .type = ShapeType::kInteger},
    {.name = "Long", .type = ShapeType::kLong},
    {.name = "Boolean", .type = ShapeType::kBoolean},
    {.name = "Blob", .type = ShapeType::kBlob},
    {.name = "Timestamp", .type = ShapeType::kTimestamp},
    {.name = "Double", .type = ShapeType::kDouble},
    {.name = "JsonString", .type = ShapeType::kString, .media_type = "application/json"},
    {.name = "StringList", .type = ShapeType::kList, .members = kStringListMembers},
    {.name = "StringMap", .type = ShapeType::kMap, .members = kStringMapMembers},
    {.name = "TimestampList", .type = ShapeType::kList, .members = kTimestampListMembers},
    {.name = "StringListMap", .type = ShapeType::kMap, .members = kStringListMapMembers},
    {.name = "Byte", .type = ShapeType::kByte},
    {.name = "BigInteger", .type = ShapeType::kBigInteger},
    {.name = "Input", .type = ShapeType::kStructure, .members = kInputMembers},
    {.name = "Output", .type = ShapeType::kStructure, .members = kOutputMembers},
    {.name = "ImportInput", .type = ShapeType::kStructure, .members = kImportInputMembers},
};

constexpr Operation kOps[] = {
    {.name = "ImportThing", .input = kImportInput, .output = kNoShape, .http_method = "POST",
     .http_uri = "/restapis?mode=import", .http_code = 201},
    {.name = "PutThing", .input = kInput, .output = kOutput, .http_method = "PUT", .http_uri = "/{Bucket}/{Key+}",
     .http_code = 200},
};

const ServiceModel kModel{.info = nullptr, .shapes = kShapes, .operations = kOps};

Value read(Request r) {
  auto match = match_rest_model_operation(kModel, r);
  REQUIRE(match);
  Value out = Value::object();
  auto err = read_http_bindings(kModel, *match, r, out);
  if (err) FAIL(err->message);
  return out;
}

std::optional<AwsError> read_error(Request r) {
  auto match = match_rest_model_operation(kModel, r);
  REQUIRE(match);
  Value out = Value::object();
  return read_http_bindings(kModel, *match, r, out);
}

constexpr std::int64_t kDate = 1893553445000;  // 2030-01-02T03:04:05Z

}  // namespace

// Each S3 request form botocore sends lands on the operation AWS would run.
TEST_CASE("match_rest_operation: S3 templates", "[protocols][http_bindings]") {
  CHECK(s3_op("GET", "/bkt?list-type=2&prefix=p%2F&max-keys=2&encoding-type=url") == "ListObjectsV2");
  CHECK(s3_op("GET", "/bkt") == "ListObjects");
  CHECK(s3_op("GET", "/bkt/") == "ListObjects");  // trailing slash tolerated when nothing else fits
  CHECK(s3_op("GET", "/bkt?acl") == "GetBucketAcl");
  CHECK(s3_op("GET", "/bkt?acl=") == "GetBucketAcl");
  CHECK(s3_op("GET", "/bkt/dir/a%20b%2Bc.txt") == "GetObject");
  CHECK(s3_op("GET", "/bkt/k?x-id=GetObject") == "GetObject");
  CHECK(s3_op("GET", "/bkt/k?x-id=ListParts&uploadId=1") == "ListParts");
  CHECK(s3_op("GET", "/bkt/k?x-id=Bogus") == "");  // a present x-id must agree
  CHECK(s3_op("GET", "/bkt/k?acl") == "GetObjectAcl");
  CHECK(s3_op("GET", "/") == "ListBuckets");
  CHECK(s3_op("PUT", "/bkt") == "CreateBucket");
  CHECK(s3_op("PUT", "/bkt/k") == "PutObject");
  CHECK(s3_op("POST", "/bkt/k?uploads") == "CreateMultipartUpload");
  CHECK(s3_op("POST", "/bkt/k?uploadId=abc") == "CompleteMultipartUpload");
  CHECK(s3_op("POST", "/bkt?delete") == "DeleteObjects");
  CHECK(s3_op("POST", "/bkt/k?select&select-type=2") == "SelectObjectContent");
  CHECK(s3_op("POST", "/bkt/k?select") == "CompleteMultipartUpload");  // select-type=2 missing
  CHECK(s3_op("HEAD", "/bkt/k") == "HeadObject");
  CHECK(s3_op("DELETE", "/") == "");
  CHECK(s3_op("HEAD", "/bkt/") == "");  // a greedy label never binds an empty key
}

// Literal segments beat labels, labels beat greedy labels, and a greedy label may sit before
// literal segments; trailing slashes are tolerated both ways (botocore sends "/rrset/").
TEST_CASE("match_rest_operation: specificity and trailing slashes", "[protocols][http_bindings]") {
  CHECK(json_op("GET", "/things/special") == "GetSpecialThing");
  CHECK(json_op("GET", "/things/other") == "GetThing");
  CHECK(json_op("GET", "/x/special") == "GetThingByOwner");
  CHECK(json_op("GET", "/files/a/b/meta") == "GetFileMeta");
  CHECK(json_op("GET", "/files/a/b") == "GetFile");
  CHECK(json_op("GET", "/files/meta") == "GetFile");  // the greedy label needs a segment of its own
  CHECK(json_op("GET", "/2015-03-31/functions/f") == "GetFunction");
  CHECK(json_op("GET", "/2015-03-31/functions/f/policy") == "GetPolicy");
  CHECK(json_op("GET", "/2015-03-31/functions") == "ListFunctions");
  CHECK(json_op("GET", "/2015-03-31/functions/") == "ListFunctions");
  CHECK(json_op("POST", "/2015-03-31/functions") == "CreateFunction");
  CHECK(json_op("POST", "/2015-03-31/functions/") == "CreateFunction");
  CHECK(json_op("POST", "/2013-04-01/hostedzone/Z123/rrset/") == "ListRecordSets");
  CHECK(json_op("GET", "/clusters") == "ListClusters");
  CHECK(json_op("GET", "/clusters/") == "ListClusters");  // an empty label is no label
  CHECK(json_op("GET", "/clusters/c1") == "DescribeCluster");
  CHECK(json_op("GET", "/clusters/c1/x") == "");
  CHECK(json_op("PATCH", "/clusters/c1") == "");
  CHECK(json_op("GET", "") == "");
}

// Ranks compare across services: with a custom endpoint S3 and S3 Control share signing name
// and host, and only the path tells them apart; Bedrock Agent's "/agents/{agentId}/" fits
// "/agents/x" by trailing-slash tolerance only, so Agent Runtime's exact "/agents/{sessionId}" wins.
TEST_CASE("rest_binding_rank: comparable across services", "[protocols][http_bindings]") {
  auto rank = [](std::span<const catalog::Operation> ops, std::string method, std::string target) {
    return rest_binding_rank(ops, req(std::move(method), std::move(target)));
  };
  REQUIRE(rank(kS3Ops, "PUT", "/v20180820/bucket/b1"));  // S3 reads it as PutObject
  REQUIRE(rank(kS3ControlOps, "PUT", "/v20180820/bucket/b1"));
  CHECK(*rank(kS3ControlOps, "PUT", "/v20180820/bucket/b1") > *rank(kS3Ops, "PUT", "/v20180820/bucket/b1"));
  CHECK(*rank(kS3ControlOps, "GET", "/v20180820/bucket") > *rank(kS3Ops, "GET", "/v20180820/bucket"));
  CHECK_FALSE(rank(kS3ControlOps, "PUT", "/mybucket/key"));
  CHECK_FALSE(rank(kS3ControlOps, "POST", "/v20180820/bucket"));

  CHECK(*rank(kBedrockAgentRuntimeOps, "POST", "/agents/a1") > *rank(kBedrockAgentOps, "POST", "/agents/a1"));
  CHECK(*rank(kBedrockAgentOps, "POST", "/agents/a1/") > *rank(kBedrockAgentRuntimeOps, "POST", "/agents/a1/"));

  // Within one service the ranks order as match_rest_operation does; the best one counts.
  constexpr catalog::Operation kListObjects[] = {{"ListObjects", "GET", "/{Bucket}", 200}};
  constexpr catalog::Operation kListObjectsV2[] = {{"ListObjectsV2", "GET", "/{Bucket}?list-type=2", 200}};
  constexpr catalog::Operation kGetObjectAcl[] = {{"GetObjectAcl", "GET", "/{Bucket}/{Key+}?acl", 200}};
  CHECK(*rank(kListObjectsV2, "GET", "/bkt?list-type=2") > *rank(kListObjects, "GET", "/bkt?list-type=2"));
  CHECK(*rank(kS3Ops, "GET", "/bkt/k?acl") == *rank(kGetObjectAcl, "GET", "/bkt/k?acl"));
}

// Labels are percent-decoded after splitting, so %2F stays inside a plain label; a greedy label
// keeps its slashes, including a leading one (S3 key "/lead/slash" is "/bkt//lead/slash").
TEST_CASE("match_uri_template: label extraction", "[protocols][http_bindings]") {
  auto labels = match_uri_template("/clusters/{name}", "/clusters/my%20cluster%2Fx", "");
  REQUIRE(labels);
  REQUIRE(labels->size() == 1);
  CHECK((*labels)[0].name == "name");
  CHECK((*labels)[0].value == "my cluster/x");

  labels = match_uri_template("/{Bucket}/{Key+}", "/bkt//lead/slash", "");
  REQUIRE(labels);
  CHECK((*labels)[0].value == "bkt");
  CHECK((*labels)[1].name == "Key");
  CHECK((*labels)[1].value == "/lead/slash");

  labels = match_uri_template("/{Bucket}/{Key+}", "/bkt/dir/", "");  // "dir/" folder markers keep the slash
  REQUIRE(labels);
  CHECK((*labels)[1].value == "dir/");

  labels = match_uri_template("/{Bucket}/{Key+}", "/bkt/%E2%9C%93+%25", "");
  REQUIRE(labels);
  CHECK((*labels)[1].value == "\xE2\x9C\x93+%");  // '+' is literal in paths

  labels = match_uri_template("/files/{Path+}/meta/{Kind}", "/files/a/b/c/meta/x", "");
  REQUIRE(labels);
  CHECK((*labels)[0].value == "x");
  CHECK((*labels)[1].value == "a/b/c");

  CHECK_FALSE(match_uri_template("/{Bucket}?uploads", "/bkt", "uploadId=1"));
  CHECK(match_uri_template("/{Bucket}?uploads", "/bkt", "uploads"));
  CHECK_FALSE(match_uri_template("/{A+}/{B+}", "/a/b", ""));  // two greedy labels: invalid template
}

// Header lists split on commas outside quotes; http-dates contain a comma of their own.
TEST_CASE("split_header_list and quoting", "[protocols][http_bindings]") {
  using V = std::vector<std::string>;
  CHECK(split_header_list("a, b,c", false) == V{"a", "b", "c"});
  CHECK(split_header_list(R"(a, "b,c", "d\"e", f)", false) == V{"a", "b,c", "d\"e", "f"});
  CHECK(split_header_list("", false).empty());
  CHECK(split_header_list(R"("", x)", false) == V{"", "x"});
  CHECK(split_header_list("Mon, 16 Dec 2019 23:48:18 GMT, Tue, 17 Dec 2019 23:48:18 GMT", true) ==
        V{"Mon, 16 Dec 2019 23:48:18 GMT", "Tue, 17 Dec 2019 23:48:18 GMT"});
  CHECK(split_header_list(R"("unterminated)", false) == V{"unterminated"});
  CHECK(quote_header_list_item("plain") == "plain");
  CHECK(quote_header_list_item("a,b") == R"("a,b")");
  CHECK(quote_header_list_item(R"(say "hi")") == R"("say \"hi\"")");
}

// Numbers in text: whole-string, range-checked per type, Smithy's spellings of the specials.
TEST_CASE("number text parsing and formatting", "[protocols][http_bindings]") {
  CHECK(parse_integer_text("127", ShapeType::kByte) == 127);
  CHECK_FALSE(parse_integer_text("128", ShapeType::kByte));
  CHECK_FALSE(parse_integer_text("2147483648", ShapeType::kInteger));
  CHECK(parse_integer_text("-9223372036854775808", ShapeType::kLong) == INT64_MIN);
  CHECK_FALSE(parse_integer_text("9223372036854775808", ShapeType::kLong));
  CHECK_FALSE(parse_integer_text("12abc", ShapeType::kLong));
  CHECK_FALSE(parse_integer_text("", ShapeType::kLong));
  CHECK_FALSE(parse_integer_text("1.0", ShapeType::kLong));
  CHECK(std::isnan(*parse_float_text("NaN")));
  CHECK(*parse_float_text("-Infinity") == -INFINITY);
  CHECK(*parse_float_text("1.5e3") == 1500.0);
  CHECK_FALSE(parse_float_text("nan"));
  CHECK_FALSE(parse_float_text("inf"));
  CHECK_FALSE(parse_float_text("0x10"));
  CHECK(is_number_text("123456789012345678901234567890", false));
  CHECK_FALSE(is_number_text("1.5", false));
  CHECK(is_number_text("-1.5E-3", true));
  CHECK_FALSE(is_number_text("1.", true));
  CHECK(format_double(1.5) == "1.5");
  CHECK(format_double(0.1) == "0.1");
  CHECK(format_double(NAN) == "NaN");
  CHECK(format_double(-INFINITY) == "-Infinity");
}

// Every request binding kind, with the coercions Smithy specifies for each location.
TEST_CASE("read_http_bindings: labels, headers, prefix headers, query, query params", "[protocols][http_bindings]") {
  Request r = req("PUT", "/bkt/a%20dir/f.txt?max-keys=5&since=2030-01-02T03%3A04%3A05Z&ratio=NaN&big=123456789012345678901234567890"
                         "&include=a&include=b&other=1&other=2&max-keys=9&lone");
  r.headers.add("Content-Length", "5");
  r.headers.add("Expires", "Wed, 02 Jan 2030 03:04:05 GMT");
  r.headers.add("x-amz-retain-until", "2030-01-02T03:04:05.250Z");
  r.headers.add("x-flag", "true");
  r.headers.add("x-tags", R"(a, "b,c")");
  r.headers.add("X-Tags", "d");  // repeated fields join the list
  r.headers.add("x-dates", "Wed, 02 Jan 2030 03:04:05 GMT, Thu, 03 Jan 2030 03:04:05 GMT");
  r.headers.add("x-context", "eyJrIjoxfQ==");  // {"k":1}
  r.headers.add("x-token", "AAEC");
  r.headers.add("x-small", "-5");
  r.headers.add("x-amz-meta-Foo", "bar");
  r.headers.add("X-Amz-Meta-x", "y");
  Value v = read(std::move(r));

  CHECK(*v.find("Bucket") == Value("bkt"));
  CHECK(*v.find("Key") == Value("a dir/f.txt"));
  CHECK(*v.find("Length") == Value(std::int64_t{5}));
  CHECK(*v.find("Expires") == Value(Timestamp{kDate}));
  CHECK(*v.find("RetainUntil") == Value(Timestamp{kDate + 250}));
  CHECK(*v.find("Flag") == Value(true));
  CHECK(*v.find("Tags") == Value(List{"a", "b,c", "d"}));
  CHECK(*v.find("Dates") == Value(List{Timestamp{kDate}, Timestamp{kDate + 86400000}}));
  CHECK(*v.find("Context") == Value(R"({"k":1})"));
  CHECK(*v.find("Token") == Value(Blob{std::string("\0\1\2", 3)}));
  CHECK(*v.find("Small") == Value(std::int64_t{-5}));
  CHECK(*v.find("Metadata") == Value(Object{{"Foo", "bar"}, {"x", "y"}}));
  CHECK(*v.find("MaxKeys") == Value(std::int64_t{5}));  // the first occurrence of a scalar wins
  CHECK(*v.find("Since") == Value(Timestamp{kDate}));
  CHECK(std::isnan(v.find("Ratio")->as_double()));
  CHECK(*v.find("Big") == Value(BigNumber{"123456789012345678901234567890"}));
  CHECK(*v.find("Include") == Value(List{"a", "b"}));
  // @httpQuery members win over the catch-all map; repeated keys accumulate.
  CHECK(*v.find("Rest") == Value(Object{{"other", List{"1", "2"}}, {"lone", List{""}}}));
}

// The URI's own query literal ("?mode=import") selects the operation and is no input: the
// catch-all map gets only the other keys, as botocore serialised them.
TEST_CASE("read_http_bindings: URI query literals stay out of the query-params map", "[protocols][http_bindings]") {
  Value v = read(req("POST", "/restapis?mode=import&failonwarnings=true&basepath=prepend"));
  CHECK(v == Value(Object{{"FailOnWarnings", true}, {"Parameters", Object{{"basepath", "prepend"}}}}));
  CHECK(read(req("POST", "/restapis?mode=import")) == Value::object());
}

// "Accept-Encoding: identity" is the HTTP client's (urllib3 sends it on every request), not a
// value for a member bound to that header; a real coding is.
TEST_CASE("read_http_bindings: Accept-Encoding identity binds nothing", "[protocols][http_bindings]") {
  Request r = req("PUT", "/bkt/k");
  r.headers.add("Accept-Encoding", "identity");
  CHECK(read(std::move(r)).find("Encoding") == nullptr);
  Request gz = req("PUT", "/bkt/k");
  gz.headers.add("Accept-Encoding", "gzip");
  CHECK(*read(std::move(gz)).find("Encoding") == Value("gzip"));
}

// Members absent on the wire stay absent; nothing is defaulted by the codec.
TEST_CASE("read_http_bindings: absent bindings stay absent", "[protocols][http_bindings]") {
  Value v = read(req("PUT", "/bkt/k"));
  CHECK(v == Value(Object{{"Bucket", "bkt"}, {"Key", "k"}}));
}

// Malformed binding values are the protocol's 400, never a crash or a silent default.
TEST_CASE("read_http_bindings: malformed values are 400s", "[protocols][http_bindings]") {
  auto with_header = [](const char* name, const char* value) {
    Request r = req("PUT", "/bkt/k");
    r.headers.add(name, value);
    return r;
  };
  const std::pair<const char*, const char*> bad_headers[] = {
      {"Content-Length", "five"}, {"x-flag", "yes"},       {"Expires", "tomorrow"},
      {"x-token", "!!!"},         {"x-context", "not b64"}, {"x-small", "300"},
  };
  for (auto [name, value] : bad_headers) {
    auto err = read_error(with_header(name, value));
    REQUIRE(err);
    CHECK(err->status == 400);
    CHECK(err->code == "SerializationException");
  }
  auto err = read_error(req("PUT", "/bkt/k?max-keys=1e3"));
  REQUIRE(err);
  CHECK(err->status == 400);
  CHECK(read_error(req("PUT", "/bkt/k?big=12.5")));
  CHECK(read_error(req("PUT", "/bkt/k?since=yesterday")));
}

// Output bindings: status code, header scalars and lists (quoted when needed), timestamps in
// http-date by default, @mediaType strings base64, prefix headers; CR/LF never reach the wire.
TEST_CASE("write_http_bindings: headers, prefix headers and status code", "[protocols][http_bindings]") {
  Value out = Value::object();
  out.set("Status", 206);
  out.set("ETag", "\"abc\"\r\nX-Injected: 1");
  out.set("LastModified", Timestamp{kDate});
  out.set("Epoch", Timestamp{kDate + 500});
  out.set("Tags", List{"a", "b,c", "say \"hi\""});
  out.set("Dates", List{Timestamp{kDate}, Timestamp{kDate}});
  out.set("Context", R"({"k":1})");
  out.set("Ratio", -INFINITY);
  out.set("Flag", false);
  out.set("Metadata", Object{{"foo", "bar"}, {"skip", nullptr}});
  out.set("Body", Blob{"bytes"});
  Response r;
  write_http_bindings(kModel, kModel.shape(kOutput), out, r);
  CHECK(r.status == 206);
  CHECK(r.headers.get("ETag") == "\"abc\"  X-Injected: 1");
  CHECK(r.headers.get("Last-Modified") == "Wed, 02 Jan 2030 03:04:05 GMT");
  CHECK(r.headers.get("x-epoch") == "1893553445.5");
  CHECK(r.headers.get("x-tags") == R"(a, "b,c", "say \"hi\"")");
  CHECK(r.headers.get("x-dates") == "Wed, 02 Jan 2030 03:04:05 GMT, Wed, 02 Jan 2030 03:04:05 GMT");
  CHECK(r.headers.get("x-context") == "eyJrIjoxfQ==");
  CHECK(r.headers.get("x-ratio") == "-Infinity");
  CHECK(r.headers.get("x-flag") == "false");
  CHECK(r.headers.get("x-amz-meta-foo") == "bar");
  CHECK_FALSE(r.headers.contains("x-amz-meta-skip"));
  CHECK(r.body.empty());  // payloads are the codec's business

  write_raw_payload(kModel, kOutputMembers[10], out, r);
  CHECK(r.body == "bytes");
  CHECK(r.headers.get("content-type") == "application/octet-stream");
}

// Empty lists write no header at all, and null members are skipped.
TEST_CASE("write_http_bindings: empty and null members", "[protocols][http_bindings]") {
  Value out = Value::object();
  out.set("Tags", List{});
  out.set("ETag", nullptr);
  Response r;
  write_http_bindings(kModel, kModel.shape(kOutput), out, r);
  CHECK(r.headers.empty());
  CHECK(r.status == 200);
}

// Scalar text round trips for label and query locations (date-time there by default).
TEST_CASE("parse_text_scalar / format_text_scalar per location", "[protocols][http_bindings]") {
  const Member ts{.name = "T", .target = kTimestamp};
  const Shape& ts_shape = kShapes[kTimestamp];
  CHECK(format_text_scalar(kModel, ts, ts_shape, Value(Timestamp{kDate}), Location::kQuery) == "2030-01-02T03:04:05Z");
  CHECK(format_text_scalar(kModel, ts, ts_shape, Value(Timestamp{kDate}), Location::kLabel) == "2030-01-02T03:04:05Z");
  CHECK(format_text_scalar(kModel, ts, ts_shape, Value(Timestamp{kDate}), Location::kHeader) ==
        "Wed, 02 Jan 2030 03:04:05 GMT");
  // Liberal in what we accept: an epoch-seconds header still reads.
  CHECK(*parse_text_scalar(kModel, ts, ts_shape, "1893553445", Location::kHeader) == Value(Timestamp{kDate}));
  const Member blob{.name = "B", .target = kBlob};
  CHECK(format_text_scalar(kModel, blob, kShapes[kBlob], Value(Blob{"hi"}), Location::kQuery) == "aGk=");
  CHECK(*parse_text_scalar(kModel, blob, kShapes[kBlob], "aGk=", Location::kQuery) == Value(Blob{"hi"}));
  const Member dbl{.name = "D", .target = kDouble};
  CHECK(*parse_text_scalar(kModel, dbl, kShapes[kDouble], "Infinity", Location::kQuery) == Value(INFINITY));
  // A @mediaType string is base64 only in headers.
  const Member js{.name = "J", .target = kJsonString};
  CHECK(*parse_text_scalar(kModel, js, kShapes[kJsonString], "{}", Location::kQuery) == Value("{}"));
}
