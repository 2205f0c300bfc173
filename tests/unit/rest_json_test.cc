// restJson1 codec: requests botocore 1.43 really sends (Lambda Invoke / CreateFunction /
// ListFunctions, EKS DescribeCluster) parsed into Values; outputs and errors serialised into
// bytes that botocore's rest-json parser reads back as the expected dicts (checked when the
// fixtures were captured); every binding kind, the edge cases of JSON bodies, and malformed
// input answered with 400s.
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

enum : ShapeIndex {
  kString, kInteger, kLong, kBoolean, kBlob, kTimestamp, kDouble, kBigInteger, kBigDecimal, kDocument,
  kStringList, kStringMap, kFloat, kIsoTimestamp, kSparseStringMap, kJsonString,
  kEnvironment, kFunctionCode, kCreateFunctionRequest, kFunctionConfiguration, kInvocationRequest,
  kInvocationResponse, kListFunctionsRequest, kFunctionList, kListFunctionsResponse, kDescribeClusterRequest,
  kCluster, kDescribeClusterResponse, kChoice, kKitchen, kPutConfig, kPutText, kEmptyOutput, kPutDoc,
};

constexpr Member kStringListMembers[] = {{.name = "member", .target = kString}};
constexpr Member kStringMapMembers[] = {{.name = "key", .target = kString}, {.name = "value", .target = kString}};
constexpr Member kEnvironmentMembers[] = {{.name = "Variables", .target = kStringMap}};
constexpr Member kFunctionCodeMembers[] = {
    {.name = "ZipFile", .target = kBlob}, {.name = "S3Bucket", .target = kString}, {.name = "S3Key", .target = kString}};
constexpr Member kCreateFunctionMembers[] = {
    {.name = "FunctionName", .target = kString, .flags = member_flags::kRequired},
    {.name = "Runtime", .target = kString},
    {.name = "Role", .target = kString},
    {.name = "Handler", .target = kString},
    {.name = "Code", .target = kFunctionCode},
    {.name = "Timeout", .target = kInteger},
    {.name = "MemorySize", .target = kInteger},
    {.name = "Publish", .target = kBoolean},
    {.name = "Environment", .target = kEnvironment},
    {.name = "Tags", .target = kStringMap},
    {.name = "Layers", .target = kStringList},
};
constexpr Member kFunctionConfigurationMembers[] = {
    {.name = "FunctionName", .target = kString}, {.name = "FunctionArn", .target = kString},
    {.name = "Runtime", .target = kString},      {.name = "Timeout", .target = kInteger},
    {.name = "CodeSize", .target = kLong},       {.name = "LastModified", .target = kString},
    {.name = "Environment", .target = kEnvironment},
};
constexpr Member kInvocationRequestMembers[] = {
    {.name = "FunctionName", .target = kString, .location = Location::kLabel, .flags = member_flags::kRequired,
     .location_name = "FunctionName"},
    {.name = "InvocationType", .target = kString, .location = Location::kHeader, .location_name = "X-Amz-Invocation-Type"},
    {.name = "LogType", .target = kString, .location = Location::kHeader, .location_name = "X-Amz-Log-Type"},
    {.name = "ClientContext", .target = kString, .location = Location::kHeader, .location_name = "X-Amz-Client-Context"},
    {.name = "Payload", .target = kBlob, .location = Location::kPayload},
    {.name = "Qualifier", .target = kString, .location = Location::kQuery, .location_name = "Qualifier"},
};
constexpr Member kInvocationResponseMembers[] = {
    {.name = "StatusCode", .target = kInteger, .location = Location::kStatusCode},
    {.name = "FunctionError", .target = kString, .location = Location::kHeader, .location_name = "X-Amz-Function-Error"},
    {.name = "LogResult", .target = kString, .location = Location::kHeader, .location_name = "X-Amz-Log-Result"},
    {.name = "Payload", .target = kBlob, .location = Location::kPayload},
    {.name = "ExecutedVersion", .target = kString, .location = Location::kHeader,
     .location_name = "X-Amz-Executed-Version"},
};
constexpr Member kListFunctionsRequestMembers[] = {
    {.name = "MasterRegion", .target = kString, .location = Location::kQuery, .location_name = "MasterRegion"},
    {.name = "FunctionVersion", .target = kString, .location = Location::kQuery, .location_name = "FunctionVersion"},
    {.name = "Marker", .target = kString, .location = Location::kQuery, .location_name = "Marker"},
    {.name = "MaxItems", .target = kInteger, .location = Location::kQuery, .location_name = "MaxItems"},
};
constexpr Member kFunctionListMembers[] = {{.name = "member", .target = kFunctionConfiguration}};
constexpr Member kListFunctionsResponseMembers[] = {
    {.name = "NextMarker", .target = kString}, {.name = "Functions", .target = kFunctionList}};
constexpr Member kDescribeClusterRequestMembers[] = {
    {.name = "name", .target = kString, .location = Location::kLabel, .location_name = "name"}};
constexpr Member kClusterMembers[] = {
    {.name = "name", .target = kString},
    {.name = "arn", .target = kString},
    {.name = "createdAt", .target = kTimestamp},
    {.name = "tags", .target = kStringMap},
};
constexpr Member kDescribeClusterResponseMembers[] = {{.name = "cluster", .target = kCluster}};
constexpr Member kChoiceMembers[] = {{.name = "s", .target = kString}, {.name = "n", .target = kInteger}};
constexpr Member kKitchenMembers[] = {
    {.name = "Path", .target = kString, .location = Location::kLabel, .location_name = "Path"},
    {.name = "Since", .target = kTimestamp, .location = Location::kQuery, .location_name = "since"},
    {.name = "Items", .target = kStringList, .location = Location::kQuery, .location_name = "item"},
    {.name = "Extra", .target = kStringMap, .location = Location::kQueryParams},
    {.name = "Trace", .target = kString, .location = Location::kHeader, .location_name = "X-Trace"},
    {.name = "Json", .target = kJsonString, .location = Location::kHeader, .location_name = "X-Json"},
    {.name = "Meta", .target = kStringMap, .location = Location::kPrefixHeaders, .location_name = "X-Meta-"},
    {.name = "Name", .target = kString, .json_name = "name_on_wire"},
    {.name = "Count", .target = kInteger},
    {.name = "Total", .target = kLong},
    {.name = "Big", .target = kBigInteger},
    {.name = "Dec", .target = kBigDecimal},
    {.name = "Ratio", .target = kDouble},
    {.name = "Small", .target = kFloat},
    {.name = "When", .target = kTimestamp},
    {.name = "WhenIso", .target = kTimestamp, .timestamp_format = TimestampFormat::kDateTime},
    {.name = "WhenHttp", .target = kTimestamp, .timestamp_format = TimestampFormat::kHttpDate},
    {.name = "WhenShape", .target = kIsoTimestamp},
    {.name = "Data", .target = kBlob},
    {.name = "Doc", .target = kDocument},
    {.name = "Pick", .target = kChoice},
    {.name = "Tags", .target = kStringList},
    {.name = "Attrs", .target = kStringMap},
    {.name = "Sparse", .target = kSparseStringMap},
    {.name = "Flag", .target = kBoolean},
};
constexpr Member kPutConfigMembers[] = {
    {.name = "Id", .target = kString, .location = Location::kLabel, .location_name = "Id"},
    {.name = "Config", .target = kEnvironment, .location = Location::kPayload},
};
constexpr Member kPutTextMembers[] = {{.name = "Text", .target = kString, .location = Location::kPayload}};
constexpr Member kPutDocMembers[] = {{.name = "Doc", .target = kDocument, .location = Location::kPayload}};

constexpr Shape kShapes[] = {
    {.name = "String", .type = ShapeType::kString},
    {.name = "Integer", .type = ShapeType::kInteger},
    {.name = "Long", .type = ShapeType::kLong},
    {.name = "Boolean", .type = ShapeType::kBoolean},
    {.name = "Blob", .type = ShapeType::kBlob},
    {.name = "Timestamp", .type = ShapeType::kTimestamp},
    {.name = "Double", .type = ShapeType::kDouble},
    {.name = "BigInteger", .type = ShapeType::kBigInteger},
    {.name = "BigDecimal", .type = ShapeType::kBigDecimal},
    {.name = "Document", .type = ShapeType::kDocument},
    {.name = "StringList", .type = ShapeType::kList, .members = kStringListMembers},
    {.name = "StringMap", .type = ShapeType::kMap, .members = kStringMapMembers},
    {.name = "Float", .type = ShapeType::kFloat},
    {.name = "IsoTimestamp", .type = ShapeType::kTimestamp, .timestamp_format = TimestampFormat::kDateTime},
    {.name = "SparseStringMap", .type = ShapeType::kMap, .flags = shape_flags::kSparse, .members = kStringMapMembers},
    {.name = "JsonString", .type = ShapeType::kString, .media_type = "application/json"},
    {.name = "Environment", .type = ShapeType::kStructure, .members = kEnvironmentMembers},
    {.name = "FunctionCode", .type = ShapeType::kStructure, .members = kFunctionCodeMembers},
    {.name = "CreateFunctionRequest", .type = ShapeType::kStructure, .members = kCreateFunctionMembers},
    {.name = "FunctionConfiguration", .type = ShapeType::kStructure, .members = kFunctionConfigurationMembers},
    {.name = "InvocationRequest", .type = ShapeType::kStructure, .members = kInvocationRequestMembers},
    {.name = "InvocationResponse", .type = ShapeType::kStructure, .members = kInvocationResponseMembers},
    {.name = "ListFunctionsRequest", .type = ShapeType::kStructure, .members = kListFunctionsRequestMembers},
    {.name = "FunctionList", .type = ShapeType::kList, .members = kFunctionListMembers},
    {.name = "ListFunctionsResponse", .type = ShapeType::kStructure, .members = kListFunctionsResponseMembers},
    {.name = "DescribeClusterRequest", .type = ShapeType::kStructure, .members = kDescribeClusterRequestMembers},
    {.name = "Cluster", .type = ShapeType::kStructure, .members = kClusterMembers},
    {.name = "DescribeClusterResponse", .type = ShapeType::kStructure, .members = kDescribeClusterResponseMembers},
    {.name = "Choice", .type = ShapeType::kUnion, .members = kChoiceMembers},
    {.name = "Kitchen", .type = ShapeType::kStructure, .members = kKitchenMembers},
    {.name = "PutConfig", .type = ShapeType::kStructure, .members = kPutConfigMembers},
    {.name = "PutText", .type = ShapeType::kStructure, .members = kPutTextMembers},
    {.name = "EmptyOutput", .type = ShapeType::kStructure},
    {.name = "PutDoc", .type = ShapeType::kStructure, .members = kPutDocMembers},
};

constexpr Operation kOps[] = {
    {.name = "CreateFunction", .input = kCreateFunctionRequest, .output = kFunctionConfiguration,
     .http_method = "POST", .http_uri = "/2015-03-31/functions", .http_code = 201},
    {.name = "DescribeCluster", .input = kDescribeClusterRequest, .output = kDescribeClusterResponse,
     .http_method = "GET", .http_uri = "/clusters/{name}", .http_code = 200},
    {.name = "EmptyOutput", .input = kNoShape, .output = kEmptyOutput, .http_method = "POST", .http_uri = "/empty",
     .http_code = 200},
    {.name = "Invoke", .input = kInvocationRequest, .output = kInvocationResponse, .http_method = "POST",
     .http_uri = "/2015-03-31/functions/{FunctionName}/invocations", .http_code = 200},
    {.name = "Kitchen", .input = kKitchen, .output = kKitchen, .http_method = "POST", .http_uri = "/kitchen/{Path+}",
     .http_code = 200},
    {.name = "ListFunctions", .input = kListFunctionsRequest, .output = kListFunctionsResponse,
     .http_method = "GET", .http_uri = "/2015-03-31/functions", .http_code = 200},
    {.name = "PutConfig", .input = kPutConfig, .output = kPutConfig, .http_method = "PUT", .http_uri = "/config/{Id}",
     .http_code = 200},
    {.name = "PutDoc", .input = kPutDoc, .output = kPutDoc, .http_method = "PUT", .http_uri = "/doc", .http_code = 200},
    {.name = "PutText", .input = kPutText, .output = kPutText, .http_method = "PUT", .http_uri = "/text",
     .http_code = 200},
    {.name = "Unit", .input = kNoShape, .output = kNoShape, .http_method = "POST", .http_uri = "/unit",
     .http_code = 200},
};

constexpr catalog::Service kLambdaInfo{.name = "lambda", .sdk_id = "Lambda", .protocol = Protocol::kRestJson1};
const ServiceModel kModel{.info = &kLambdaInfo, .shapes = kShapes, .operations = kOps};

Request req(std::string method, std::string target, std::string body = {}) {
  Request r;
  r.method = std::move(method);
  r.set_target(std::move(target));
  r.body = Body(std::move(body));
  return r;
}

ParsedRequest parse_ok(const Request& r) {
  auto result = parse_rest_json(kModel, r);
  if (auto* err = std::get_if<AwsError>(&result)) FAIL(err->code << ": " << err->message);
  return std::move(std::get<ParsedRequest>(result));
}

AwsError parse_error(const Request& r) {
  auto result = parse_rest_json(kModel, r);
  REQUIRE(std::holds_alternative<AwsError>(result));
  return std::get<AwsError>(result);
}

RequestContext ctx() {
  RequestContext c;
  c.request_id = "11111111-2222-3333-4444-555555555555";
  return c;
}

const Operation& op(std::string_view name) {
  for (const auto& o : kOps)
    if (o.name == name) return o;
  FAIL("no operation " << name);
  return kOps[0];
}

}  // namespace

// botocore's Invoke: label, three headers, a query parameter and the raw blob payload.
TEST_CASE("restJson1 parse: Lambda Invoke as botocore sends it", "[protocols][restJson1]") {
  Request r = req("POST", "/2015-03-31/functions/my-fn/invocations?Qualifier=v1", R"({"k":1})");
  r.headers.add("X-Amz-Invocation-Type", "Event");
  r.headers.add("X-Amz-Log-Type", "Tail");
  r.headers.add("X-Amz-Client-Context", "Y3R4");
  r.headers.add("Content-Length", "7");
  ParsedRequest p = parse_ok(r);
  CHECK(p.operation->name == "Invoke");
  CHECK(p.input == Value(Object{{"FunctionName", "my-fn"},
                                {"InvocationType", "Event"},
                                {"LogType", "Tail"},
                                {"ClientContext", "Y3R4"},
                                {"Qualifier", "v1"},
                                {"Payload", Blob{R"({"k":1})"}}}));
}

// botocore's ListFunctions: query strings coerced to the member types, no body.
TEST_CASE("restJson1 parse: Lambda ListFunctions query parameters", "[protocols][restJson1]") {
  ParsedRequest p = parse_ok(req("GET", "/2015-03-31/functions?MaxItems=5&Marker=abc&FunctionVersion=ALL&MasterRegion=us-west-2"));
  CHECK(p.operation->name == "ListFunctions");
  CHECK(p.input == Value(Object{{"MasterRegion", "us-west-2"},
                                {"FunctionVersion", "ALL"},
                                {"Marker", "abc"},
                                {"MaxItems", std::int64_t{5}}}));
}

// botocore's CreateFunction body verbatim: nested structure, base64 blob, map, empty list.
TEST_CASE("restJson1 parse: Lambda CreateFunction body", "[protocols][restJson1]") {
  Request r = req("POST", "/2015-03-31/functions",
                  R"({"FunctionName": "f", "Runtime": "python3.12", "Role": "arn:aws:iam::123456789012:role/r", )"
                  R"("Handler": "h.main", "Code": {"ZipFile": "UEsDBHppcA=="}, "Timeout": 30, "MemorySize": 256, )"
                  R"("Publish": true, "Environment": {"Variables": {"A": "1", "B": "x y"}}, "Tags": {"t": "v"}, "Layers": []})");
  r.headers.add("Content-Type", "application/json");
  ParsedRequest p = parse_ok(r);
  CHECK(p.operation->name == "CreateFunction");
  CHECK(p.input == Value(Object{{"FunctionName", "f"},
                                {"Runtime", "python3.12"},
                                {"Role", "arn:aws:iam::123456789012:role/r"},
                                {"Handler", "h.main"},
                                {"Code", Object{{"ZipFile", Blob{"PK\x03\x04zip"}}}},
                                {"Timeout", std::int64_t{30}},
                                {"MemorySize", std::int64_t{256}},
                                {"Publish", true},
                                {"Environment", Object{{"Variables", Object{{"A", "1"}, {"B", "x y"}}}}},
                                {"Tags", Object{{"t", "v"}}},
                                {"Layers", List{}}}));
}

// botocore percent-encodes "/" and " " inside a label (EKS DescribeCluster).
TEST_CASE("restJson1 parse: EKS DescribeCluster encoded label", "[protocols][restJson1]") {
  ParsedRequest p = parse_ok(req("GET", "/clusters/my%20cluster%2Fx"));
  CHECK(p.operation->name == "DescribeCluster");
  CHECK(p.input == Value(Object{{"name", "my cluster/x"}}));
}

// Every body type: @jsonName, 64-bit and big numbers kept exact, NaN/Infinity strings,
// timestamps in each format, base64 blobs, documents, unions, sparse maps, unicode.
TEST_CASE("restJson1 parse: body member types", "[protocols][restJson1]") {
  Request r = req("POST", "/kitchen/a/b%20c?since=2030-01-02T03:04:05Z&item=x&item=y&free=1",
                  R"({"name_on_wire":"h\u00e9llo \ud83d\ude00","Name":"ignored","Count":-2147483648,)"
                  R"("Total":9223372036854775807,"Big":123456789012345678901234567890,"Dec":-1.5e-300,)"
                  R"("Ratio":"NaN","Small":"-Infinity","When":1893553445.25,"WhenIso":"2030-01-02T03:04:05.5Z",)"
                  R"("WhenHttp":"Wed, 02 Jan 2030 03:04:05 GMT","WhenShape":"2030-01-02T03:04:05Z","Data":"AP8=",)"
                  R"("Doc":{"a":[1,2.5,"s",null,true,{"b":12345678901234567890}]},"Pick":{"n":7},)"
                  R"("Tags":["a",null,"b"],"Attrs":{"k":"v","n":null},"Sparse":{"k":null},"Flag":false,"Unknown":{"x":1}})");
  r.headers.add("X-Trace", "t-1");
  r.headers.add("X-Json", "eyJhIjpbMV19");  // {"a":[1]}
  r.headers.add("x-meta-Color", "blue");
  ParsedRequest p = parse_ok(r);
  const Value& in = p.input;
  CHECK(*in.find("Path") == Value("a/b c"));
  CHECK(*in.find("Since") == Value(Timestamp{1893553445000}));
  CHECK(*in.find("Items") == Value(List{"x", "y"}));
  CHECK(*in.find("Extra") == Value(Object{{"free", "1"}}));
  CHECK(*in.find("Trace") == Value("t-1"));
  CHECK(*in.find("Json") == Value(R"({"a":[1]})"));
  CHECK(*in.find("Meta") == Value(Object{{"Color", "blue"}}));
  CHECK(*in.find("Name") == Value("h\xC3\xA9llo \xF0\x9F\x98\x80"));
  CHECK(*in.find("Count") == Value(std::int64_t{-2147483648LL}));
  CHECK(*in.find("Total") == Value(std::int64_t{9223372036854775807LL}));
  CHECK(*in.find("Big") == Value(BigNumber{"123456789012345678901234567890"}));
  CHECK(*in.find("Dec") == Value(BigNumber{"-1.5e-300"}));
  CHECK(std::isnan(in.find("Ratio")->as_double()));
  CHECK(in.find("Small")->as_double() == -INFINITY);
  CHECK(*in.find("When") == Value(Timestamp{1893553445250}));
  CHECK(*in.find("WhenIso") == Value(Timestamp{1893553445500}));
  CHECK(*in.find("WhenHttp") == Value(Timestamp{1893553445000}));
  CHECK(*in.find("WhenShape") == Value(Timestamp{1893553445000}));
  CHECK(*in.find("Data") == Value(Blob{std::string("\x00\xFF", 2)}));
  CHECK(*in.find("Doc") == Value(Object{{"a", List{std::int64_t{1}, 2.5, "s", nullptr, true,
                                                   Object{{"b", 12345678901234567890.0}}}}}));
  CHECK(*in.find("Pick") == Value(Object{{"n", std::int64_t{7}}}));
  CHECK(*in.find("Tags") == Value(List{"a", "b"}));             // nulls dropped from dense lists
  CHECK(*in.find("Attrs") == Value(Object{{"k", "v"}}));        // and from dense maps
  CHECK(*in.find("Sparse") == Value(Object{{"k", nullptr}}));   // kept in sparse ones
  CHECK(*in.find("Flag") == Value(false));
  CHECK_FALSE(in.find("Unknown"));
}

// Header-bound members are not read from the body even when the body names them.
TEST_CASE("restJson1 parse: bound members ignore body keys", "[protocols][restJson1]") {
  ParsedRequest p = parse_ok(req("POST", "/kitchen/p", R"({"Trace":"from-body","Path":"x","Count":1})"));
  CHECK(p.input == Value(Object{{"Path", "p"}, {"Count", std::int64_t{1}}}));
}

// An omitted body and "{}" are the same empty input; operations without input ignore bodies.
TEST_CASE("restJson1 parse: empty bodies", "[protocols][restJson1]") {
  CHECK(parse_ok(req("POST", "/kitchen/p")).input == Value(Object{{"Path", "p"}}));
  CHECK(parse_ok(req("POST", "/kitchen/p", " \n")).input == Value(Object{{"Path", "p"}}));
  CHECK(parse_ok(req("POST", "/kitchen/p", "{}")).input == Value(Object{{"Path", "p"}}));
  CHECK(parse_ok(req("POST", "/unit", "garbage")).input == Value(Object{}));
  CHECK(parse_ok(req("PUT", "/config/c1")).input == Value(Object{{"Id", "c1"}}));
  CHECK(parse_ok(req("PUT", "/text")).input == Value(Object{}));
}

// @httpPayload: a structure is the whole body, a string the raw text, a document any JSON.
TEST_CASE("restJson1 parse: payload structure, string and document", "[protocols][restJson1]") {
  CHECK(parse_ok(req("PUT", "/config/c1", R"({"Variables":{"A":"1"}})")).input ==
        Value(Object{{"Id", "c1"}, {"Config", Object{{"Variables", Object{{"A", "1"}}}}}}));
  CHECK(parse_ok(req("PUT", "/text", "plain \xE2\x9C\x93 text")).input == Value(Object{{"Text", "plain \xE2\x9C\x93 text"}}));
  CHECK(parse_ok(req("PUT", "/doc", "[1,\"two\"]")).input == Value(Object{{"Doc", List{std::int64_t{1}, "two"}}}));
  CHECK(parse_ok(req("PUT", "/doc", "null")).input == Value(Object{}));
}

// Malformed input of every kind is a 400 SerializationException, never a crash.
TEST_CASE("restJson1 parse: malformed bodies are 400s", "[protocols][restJson1]") {
  const char* bodies[] = {
      "{",                              // truncated
      "{\"Count\":1} trailing",         // trailing bytes
      "[1,2]",                          // not an object
      "\"str\"",                        // not an object
      R"({"Count":"1"})",               // string for an integer
      R"({"Count":2147483648})",        // integer out of range
      R"({"Count":1.5})",               // fraction for an integer
      R"({"Ratio":"nan"})",             // only "NaN" is allowed
      R"({"Ratio":true})",              // boolean for a double
      R"({"Data":"%%%"})",              // invalid base64
      R"({"Flag":"false"})",            // string for a boolean
      R"({"When":"yesterday"})",        // unparseable timestamp
      R"({"When":1e300})",              // timestamp out of range
      R"({"Big":1.5})",                 // fraction for a bigInteger
      R"({"Pick":{"s":"a","n":1}})",    // union with two members
      R"({"Pick":{}})",                 // union with none
      R"({"Tags":{"a":1}})",            // object for a list
      R"({"Attrs":{"k":1}})",           // number for a map value
      "{\"Name\":\"\xC3\x28\"}",        // invalid UTF-8
      "{\"Name\":\"a\x01b\"}",          // unescaped control character
      R"({"Count":NaN})",               // bare NaN is not JSON
  };
  for (const char* body : bodies) {
    INFO(body);
    AwsError e = parse_error(req("POST", "/kitchen/p", body));
    CHECK(e.status == 400);
    CHECK(e.code == "SerializationException");
  }
  // Nesting is bounded: a document 100k levels deep is refused, not recursed into.
  std::string deep = "{\"Doc\":" + std::string(100000, '[') + std::string(100000, ']') + "}";
  AwsError e = parse_error(req("POST", "/kitchen/p", deep));
  CHECK(e.status == 400);
  CHECK(e.message.find("nesting") != std::string::npos);
}

// No template matches: 404 UnknownOperationException rather than a guess.
TEST_CASE("restJson1 parse: unknown route", "[protocols][restJson1]") {
  AwsError e = parse_error(req("DELETE", "/2015-03-31/functions/f"));
  CHECK(e.status == 404);
  CHECK(e.code == "UnknownOperationException");
}

// Invoke's output: @httpResponseCode, headers, raw blob payload; botocore reads
// {'StatusCode': 202, 'FunctionError': 'Unhandled', 'LogResult': 'bG9n', 'ExecutedVersion': '$LATEST',
//  'Payload': <StreamingBody b'{"ok":true}'>}.
TEST_CASE("restJson1 output: Invoke status code, headers, blob payload", "[protocols][restJson1]") {
  Value out(Object{{"StatusCode", 202},
                   {"FunctionError", "Unhandled"},
                   {"LogResult", "bG9n"},
                   {"Payload", Blob{R"({"ok":true})"}},
                   {"ExecutedVersion", "$LATEST"}});
  Response r = serialize_rest_json_output(kModel, op("Invoke"), out, ctx());
  CHECK(r.status == 202);
  CHECK(r.body == R"({"ok":true})");
  CHECK(r.headers.get("X-Amz-Function-Error") == "Unhandled");
  CHECK(r.headers.get("X-Amz-Log-Result") == "bG9n");
  CHECK(r.headers.get("X-Amz-Executed-Version") == "$LATEST");
  CHECK(r.headers.get("Content-Type") == "application/octet-stream");
  CHECK(r.headers.get("x-amzn-RequestId") == "11111111-2222-3333-4444-555555555555");
}

// CreateFunction answers 201 (the @http code) with the JSON body botocore parses back as
// {'FunctionName': 'f', 'FunctionArn': 'arn:aws:lambda:us-east-1:123456789012:function:f',
//  'Timeout': 3, 'CodeSize': 5000000000, 'Environment': {'Variables': {}}}.
TEST_CASE("restJson1 output: CreateFunction body and @http code", "[protocols][restJson1]") {
  Value out(Object{{"FunctionArn", "arn:aws:lambda:us-east-1:123456789012:function:f"},
                   {"FunctionName", "f"},
                   {"Runtime", nullptr},
                   {"Timeout", 3},
                   {"CodeSize", std::int64_t{5000000000}},
                   {"Environment", Object{{"Variables", Object{}}}}});
  Response r = serialize_rest_json_output(kModel, op("CreateFunction"), out, ctx());
  CHECK(r.status == 201);
  CHECK(r.headers.get("Content-Type") == "application/json");
  CHECK(r.body ==
        R"({"FunctionName":"f","FunctionArn":"arn:aws:lambda:us-east-1:123456789012:function:f","Timeout":3,)"
        R"("CodeSize":5000000000,"Environment":{"Variables":{}}})");
}

// ListFunctions and DescribeCluster: nested lists, maps and an epoch-seconds timestamp; botocore
// reads createdAt as datetime(2030, 1, 2, 3, 4, 5, 250000, tzinfo=tzlocal()).
TEST_CASE("restJson1 output: nested lists, maps and timestamps", "[protocols][restJson1]") {
  Value list(Object{{"Functions", List{Object{{"FunctionName", "a"}}, Object{{"FunctionName", "b"}}}},
                    {"NextMarker", "m2"}});
  CHECK(serialize_rest_json_output(kModel, op("ListFunctions"), list, ctx()).body ==
        R"({"NextMarker":"m2","Functions":[{"FunctionName":"a"},{"FunctionName":"b"}]})");
  Value empty(Object{{"Functions", List{}}});
  CHECK(serialize_rest_json_output(kModel, op("ListFunctions"), empty, ctx()).body == R"({"Functions":[]})");

  Value cluster(Object{{"cluster", Object{{"name", "c1"},
                                          {"createdAt", Timestamp{1893553445250}},
                                          {"tags", Object{{"k", "v"}}}}}});
  CHECK(serialize_rest_json_output(kModel, op("DescribeCluster"), cluster, ctx()).body ==
        R"({"cluster":{"name":"c1","createdAt":1893553445.25,"tags":{"k":"v"}}})");
}

// The output side of every body type: @jsonName, exact big numbers, special doubles as strings,
// each timestamp format, base64, documents, unions, sparse nulls; header-bound members leave the
// body, while label/query bindings (input-only in Smithy) are ignored on output, so "Path" stays.
TEST_CASE("restJson1 output: body member types", "[protocols][restJson1]") {
  Value out(Object{{"Path", "ignored"},
                   {"Trace", "t-1"},
                   {"Json", R"({"a":1})"},
                   {"Meta", Object{{"Color", "blue"}}},
                   {"Name", "h\xC3\xA9llo \"q\" \n"},
                   {"Count", -1},
                   {"Total", std::int64_t{9223372036854775807LL}},
                   {"Big", BigNumber{"123456789012345678901234567890"}},
                   {"Dec", BigNumber{"0.1000000000000000000001"}},
                   {"Ratio", NAN},
                   {"Small", INFINITY},
                   {"When", Timestamp{1893553445000}},
                   {"WhenIso", Timestamp{1893553445500}},
                   {"WhenHttp", Timestamp{1893553445000}},
                   {"WhenShape", Timestamp{1893553445000}},
                   {"Data", Blob{std::string("\x00\xFF", 2)}},
                   {"Doc", Object{{"n", List{std::int64_t{1}, 0.5, nullptr, Blob{"x"}}}}},
                   {"Pick", Object{{"s", "one"}}},
                   {"Tags", List{"a", nullptr}},
                   {"Attrs", Object{}},
                   {"Sparse", Object{{"k", nullptr}}},
                   {"Flag", true}});
  Response r = serialize_rest_json_output(kModel, op("Kitchen"), out, ctx());
  CHECK(r.headers.get("X-Trace") == "t-1");
  CHECK(r.headers.get("X-Json") == "eyJhIjoxfQ==");
  CHECK(r.headers.get("X-Meta-Color") == "blue");
  CHECK(r.body ==
        R"({"Path":"ignored","name_on_wire":"héllo \"q\" \n","Count":-1,"Total":9223372036854775807,)"
        R"("Big":123456789012345678901234567890,"Dec":0.1000000000000000000001,"Ratio":"NaN","Small":"Infinity",)"
        R"("When":1893553445,"WhenIso":"2030-01-02T03:04:05.500Z","WhenHttp":"Wed, 02 Jan 2030 03:04:05 GMT",)"
        R"("WhenShape":"2030-01-02T03:04:05Z","Data":"AP8=","Doc":{"n":[1,0.5,null,"eA=="]},"Pick":{"s":"one"},)"
        R"("Tags":["a"],"Attrs":{},"Sparse":{"k":null},"Flag":true})");
}

// Smithy: output with nothing in the body is "{}" with a JSON Content-Type; Unit output is an
// empty body; an unset payload is no body at all.
TEST_CASE("restJson1 output: empty, unit and payload outputs", "[protocols][restJson1]") {
  Response empty = serialize_rest_json_output(kModel, op("EmptyOutput"), Value::object(), ctx());
  CHECK(empty.body == "{}");
  CHECK(empty.headers.get("Content-Type") == "application/json");
  Response unit = serialize_rest_json_output(kModel, op("Unit"), Value::object(), ctx());
  CHECK(unit.body.empty());
  CHECK_FALSE(unit.headers.contains("Content-Type"));
  CHECK(unit.headers.contains("x-amzn-RequestId"));

  Response config = serialize_rest_json_output(kModel, op("PutConfig"),
                                               Value(Object{{"Id", "c"}, {"Config", Object{{"Variables", Object{{"A", "1"}}}}}}), ctx());
  CHECK(config.body == R"({"Variables":{"A":"1"}})");
  CHECK(serialize_rest_json_output(kModel, op("PutConfig"), Value(Object{{"Id", "c"}}), ctx()).body.empty());
  Response text = serialize_rest_json_output(kModel, op("PutText"), Value(Object{{"Text", "hi"}}), ctx());
  CHECK(text.body == "hi");
  CHECK(text.headers.get("Content-Type") == "text/plain");
  Response doc = serialize_rest_json_output(kModel, op("PutDoc"), Value(Object{{"Doc", List{1, "x"}}}), ctx());
  CHECK(doc.body == R"([1,"x"])");
}

// The error shape botocore reads as {'Error': {'Code': 'ResourceNotFoundException', 'Message':
// 'Function not found: f'}, 'ResponseMetadata': {'RequestId': '1111...', 'HTTPStatusCode': 404}}.
TEST_CASE("restJson1 error: X-Amzn-ErrorType header and message body", "[protocols][restJson1]") {
  AwsError err{"ResourceNotFoundException", "Function not found: \"f\"", 404, true};
  Response r = serialize_rest_json_error(kLambdaInfo, err, ctx());
  CHECK(r.status == 404);
  CHECK(r.headers.get("X-Amzn-ErrorType") == "ResourceNotFoundException");
  CHECK(r.headers.get("x-amzn-RequestId") == "11111111-2222-3333-4444-555555555555");
  CHECK(r.headers.get("Content-Type") == "application/json");
  CHECK(r.body == R"({"message":"Function not found: \"f\""})");
}

// --------------------------------------------------------------------------------------------
// Event-stream outputs: Bedrock's ConverseStream (restJson1, the stream is the @httpPayload) and
// Kinesis's SubscribeToShard (awsJson1_1, initial-response first), as botocore's EventStream
// reads them back (checked against botocore 1.43 with the echo server).

namespace stream_model {

enum : ShapeIndex {
  kString, kInteger, kLong, kBoolean, kBlob, kTimestamp, kDelta, kDeltaEvent, kChunkEvent, kThrottling, kStream,
  kConverseStreamOutput, kSubscribeOutput,
};

constexpr Member kDeltaMembers[] = {{.name = "text", .target = kString}};
constexpr Member kDeltaEventMembers[] = {{.name = "delta", .target = kDelta},
                                         {.name = "contentBlockIndex", .target = kInteger}};
constexpr Member kChunkEventMembers[] = {
    {.name = "bytes", .target = kBlob, .location = Location::kPayload},
    {.name = "seq", .target = kLong, .location = Location::kHeader, .location_name = "seq"},
    {.name = "final", .target = kBoolean, .location = Location::kHeader, .location_name = "final"},
    {.name = "at", .target = kTimestamp, .location = Location::kHeader, .location_name = "at"},
};
constexpr Member kThrottlingMembers[] = {{.name = "message", .target = kString}};
constexpr Member kStreamMembers[] = {{.name = "contentBlockDelta", .target = kDeltaEvent},
                                     {.name = "chunk", .target = kChunkEvent},
                                     {.name = "throttlingException", .target = kThrottling}};
constexpr Member kConverseStreamOutputMembers[] = {
    {.name = "stream", .target = kStream, .location = Location::kPayload},
    {.name = "traceId", .target = kString, .location = Location::kHeader, .location_name = "x-trace-id"},
};
constexpr Member kSubscribeOutputMembers[] = {{.name = "EventStream", .target = kStream},
                                              {.name = "Note", .target = kString}};

constexpr Shape kShapes[] = {
    {.name = "String", .type = ShapeType::kString},
    {.name = "Integer", .type = ShapeType::kInteger},
    {.name = "Long", .type = ShapeType::kLong},
    {.name = "Boolean", .type = ShapeType::kBoolean},
    {.name = "Blob", .type = ShapeType::kBlob},
    {.name = "Timestamp", .type = ShapeType::kTimestamp},
    {.name = "Delta", .type = ShapeType::kUnion, .members = kDeltaMembers},
    {.name = "DeltaEvent", .type = ShapeType::kStructure, .members = kDeltaEventMembers},
    {.name = "ChunkEvent", .type = ShapeType::kStructure, .members = kChunkEventMembers},
    {.name = "ThrottlingException", .type = ShapeType::kStructure, .flags = shape_flags::kClientError,
     .members = kThrottlingMembers},
    {.name = "Stream", .type = ShapeType::kUnion, .flags = shape_flags::kStreaming | shape_flags::kEventStream,
     .members = kStreamMembers},
    {.name = "ConverseStreamOutput", .type = ShapeType::kStructure, .members = kConverseStreamOutputMembers},
    {.name = "SubscribeOutput", .type = ShapeType::kStructure, .members = kSubscribeOutputMembers},
};

constexpr Operation kOps[] = {
    {.name = "ConverseStream", .input = kNoShape, .output = kConverseStreamOutput, .http_method = "POST",
     .http_uri = "/model/{modelId}/converse-stream", .http_code = 200},
    {.name = "SubscribeToShard", .input = kNoShape, .output = kSubscribeOutput, .http_method = "POST",
     .http_uri = "/", .http_code = 200},
};

const ServiceModel kModel{.info = &kLambdaInfo, .shapes = kShapes, .operations = kOps};

std::vector<eventstream::Message> messages(const std::string& body) {
  eventstream::Decoder decoder;
  REQUIRE(decoder.feed(body));
  std::vector<eventstream::Message> out;
  while (auto m = decoder.next()) out.push_back(std::move(*m));
  CHECK(decoder.buffered() == 0);
  return out;
}

}  // namespace stream_model

// Each event is one message named by its union member; @eventHeader members are typed headers,
// an @eventPayload blob is the raw payload, other members a JSON document; an @error member is
// an exception message. An entry naming no member of the union is not sent.
TEST_CASE("restJson1 output: event stream framed per event", "[protocols][restJson1]") {
  Value out(Object{
      {"traceId", "t-1"},
      {"stream", List{Object{{"contentBlockDelta", Object{{"delta", Object{{"text", "hi"}}}, {"contentBlockIndex", 0}}}},
                      Object{{"chunk", Object{{"bytes", Blob{std::string("\0\x01{", 3)}},
                                              {"seq", std::int64_t{7}},
                                              {"final", true},
                                              {"at", Timestamp{1700000000123}}}}},
                      Object{{"chunk", Object{{"seq", std::int64_t{8}}}}},
                      Object{{"noSuchEvent", Object{}}},
                      Object{{"throttlingException", Object{{"message", "slow down"}}}}}},
  });
  Response r = serialize_rest_json_output(stream_model::kModel, stream_model::kOps[0], out, ctx());
  CHECK(r.status == 200);
  CHECK(r.headers.get("Content-Type") == "application/vnd.amazon.eventstream");
  CHECK(r.headers.get("x-trace-id") == "t-1");
  auto m = stream_model::messages(r.body);
  REQUIRE(m.size() == 4);

  CHECK(m[0].string_header(":message-type") == "event");
  CHECK(m[0].string_header(":event-type") == "contentBlockDelta");
  CHECK(m[0].string_header(":content-type") == "application/json");
  CHECK(m[0].payload == R"({"delta":{"text":"hi"},"contentBlockIndex":0})");

  CHECK(m[1].string_header(":event-type") == "chunk");
  CHECK(m[1].string_header(":content-type") == "application/octet-stream");
  CHECK(m[1].payload == std::string("\0\x01{", 3));
  CHECK(*m[1].find("seq") == eventstream::HeaderValue{std::int64_t{7}});
  CHECK(*m[1].find("final") == eventstream::HeaderValue{true});
  CHECK(*m[1].find("at") == eventstream::HeaderValue{Timestamp{1700000000123}});

  CHECK(m[2].payload.empty());  // the payload member is the whole body, even when absent
  CHECK(m[2].find("final") == nullptr);

  CHECK(m[3].string_header(":message-type") == "exception");
  CHECK(m[3].string_header(":exception-type") == "throttlingException");
  CHECK(m[3].payload == R"({"message":"slow down"})");

  // No events, or no stream member at all: an empty stream.
  CHECK(serialize_rest_json_output(stream_model::kModel, stream_model::kOps[0], Value(Object{{"stream", List{}}}), ctx()).body.empty());
  CHECK(serialize_rest_json_output(stream_model::kModel, stream_model::kOps[0], Value::object(), ctx()).body.empty());
}

// awsJson: the output's other members travel first, as the `initial-response` event.
TEST_CASE("awsJson output: event stream after the initial-response event", "[protocols][restJson1]") {
  Value out(Object{{"Note", "n"},
                   {"EventStream", List{Object{{"contentBlockDelta", Object{{"contentBlockIndex", 2}}}}}}});
  Response r = serialize_json_rpc_output(Protocol::kAwsJson1_1, stream_model::kModel, stream_model::kOps[1], out, ctx());
  CHECK(r.headers.get("Content-Type") == "application/vnd.amazon.eventstream");
  auto m = stream_model::messages(r.body);
  REQUIRE(m.size() == 2);
  CHECK(m[0].string_header(":event-type") == "initial-response");
  CHECK(m[0].payload == R"({"Note":"n"})");
  CHECK(m[1].string_header(":event-type") == "contentBlockDelta");
  CHECK(m[1].payload == R"({"contentBlockIndex":2})");
}
