// awsJson1_0 / awsJson1_1 codec (protocols/json_rpc.cc): botocore fixtures, every shape type,
// and malformed input.
#include <catch2/catch.hpp>

#include <cmath>
#include <limits>

#include "protocols/codecs.h"
#include "protocols/rpc_errors.h"
#include "tests/unit/rpc_test_models.h"


using namespace rime;
using namespace rime::proto;
namespace models = rime::proto::testmodels;

namespace {

ParsedRequest parse_ok(const ServiceModel& model, std::string target, std::string body) {
  auto r = parse_json_rpc(model, models::json_request(std::move(target), std::move(body)));
  if (auto* e = std::get_if<AwsError>(&r)) FAIL("unexpected error " << e->code << ": " << e->message);
  return std::get<ParsedRequest>(std::move(r));
}

AwsError parse_err(const ServiceModel& model, std::string target, std::string body) {
  auto r = parse_json_rpc(model, models::json_request(std::move(target), std::move(body)));
  if (auto* p = std::get_if<ParsedRequest>(&r)) FAIL("expected an error, got " << to_debug_string(p->input));
  return std::get<AwsError>(std::move(r));
}

Value kitchen(std::string body) { return parse_ok(models::kitchen::kJsonModel, "Kitchen_2024.Everything", std::move(body)).input; }
AwsError kitchen_err(std::string body) { return parse_err(models::kitchen::kJsonModel, "Kitchen_2024.Everything", std::move(body)); }

std::string kitchen_out(const Value& v) {
  auto ctx = models::test_context();
  return serialize_json_rpc_output(Protocol::kAwsJson1_0, models::kitchen::kJsonModel, models::kitchen::kOperations[0], v, ctx).body;
}

Value av(std::string_view member, Value v) {
  Value o = Value::object();
  o.set(std::string(member), std::move(v));
  return o;
}

}  // namespace

// ----- botocore fixtures ---------------------------------------------------------------------------

TEST_CASE("DynamoDB PutItem from botocore parses into the AttributeValue union", "[protocols][awsJson]") {
  // Why: the exact bytes botocore 1.43 sends, incl. \u escapes with a surrogate pair and a blob.
  const std::string body =
      R"({"TableName": "Music", "Item": {"Artist": {"S": "No One You Know"}, "Year": {"N": "2020"}, )"
      R"("Tags": {"SS": ["a", "\u00e9\ud83d\ude00"]}, "Data": {"B": "AAH/"}, "Ok": {"BOOL": true}, )"
      R"("Nil": {"NULL": true}, "L": {"L": [{"N": "1"}, {"M": {}}]}}, "ReturnValues": "ALL_OLD"})";
  auto p = parse_ok(models::dynamodb::kModel, "DynamoDB_20120810.PutItem", body);
  REQUIRE(p.operation->name == "PutItem");
  Value item = Value::object();
  item.set("Artist", av("S", "No One You Know"));
  item.set("Year", av("N", "2020"));
  item.set("Tags", av("SS", Value(List{"a", "\xc3\xa9\xf0\x9f\x98\x80"})));
  item.set("Data", av("B", Blob{std::string("\x00\x01\xff", 3)}));
  item.set("Ok", av("BOOL", true));
  item.set("Nil", av("NULL", true));
  item.set("L", av("L", Value(List{av("N", "1"), av("M", Value::object())})));
  Value expected = Value::object();
  expected.set("TableName", "Music");
  expected.set("Item", item);
  expected.set("ReturnValues", "ALL_OLD");
  CHECK(p.input == expected);
}

TEST_CASE("DynamoDB PutItem output carries x-amz-crc32 and parses in botocore", "[protocols][awsJson]") {
  // Why: botocore verifies DynamoDB's CRC32 header; the body below was checked with its json parser.
  Value out = Value::object();
  Value attrs = Value::object();
  attrs.set("Artist", av("S", "Old"));
  attrs.set("Bin", av("B", Blob{"\x01\x02"}));
  out.set("Attributes", attrs);
  Value cc = Value::object();
  cc.set("TableName", "Music");
  cc.set("CapacityUnits", 1.0);
  out.set("ConsumedCapacity", cc);
  auto ctx = models::test_context();
  Response r = serialize_json_rpc_output(Protocol::kAwsJson1_0, models::dynamodb::kModel, models::dynamodb::kOperations[0], out, ctx);
  CHECK(r.status == 200);
  CHECK(r.body == R"({"Attributes":{"Artist":{"S":"Old"},"Bin":{"B":"AQI="}},"ConsumedCapacity":{"TableName":"Music","CapacityUnits":1.0}})");
  CHECK(r.headers.get("content-type") == "application/x-amz-json-1.0");
  CHECK(r.headers.get("x-amzn-requestid") == ctx.request_id);
  CHECK(r.headers.get("x-amz-crc32") == "213340878");
}

TEST_CASE("SQS SendMessage from botocore parses; blobs in nested maps decode", "[protocols][awsJson]") {
  // Why: SQS is the query-compatible awsJson1_0 service; fixture captured from botocore 1.43.
  const std::string body =
      R"({"QueueUrl": "http://localhost:4566/000000000000/q1", "MessageBody": "hello \"world\"\n", "DelaySeconds": 5, )"
      R"("MessageAttributes": {"attr": {"DataType": "Binary", "BinaryValue": "AQI="}, "s": {"DataType": "String", "StringValue": "v"}}})";
  auto p = parse_ok(models::sqs::kModel, "AmazonSQS.SendMessage", body);
  CHECK(p.input.find("MessageBody")->as_string() == "hello \"world\"\n");
  CHECK(p.input.find("DelaySeconds")->as_int() == 5);
  const Value* attrs = p.input.find("MessageAttributes");
  REQUIRE(attrs);
  CHECK(attrs->find("attr")->find("BinaryValue")->as_blob().bytes == "\x01\x02");
  CHECK(attrs->find("s")->find("StringValue")->as_string() == "v");
}

TEST_CASE("SQS errors carry __type and the x-amzn-query-error header", "[protocols][awsJson]") {
  // Why: botocore maps query-compatible errors through x-amzn-query-error (Code;Sender|Receiver).
  auto ctx = models::test_context();
  AwsError e{"AWS.SimpleQueueService.NonExistentQueue", "The specified queue does not exist.", 400, true};
  Response r = serialize_json_rpc_error(Protocol::kAwsJson1_0, models::sqs::kInfo, e, ctx);
  CHECK(r.status == 400);
  CHECK(r.body == R"({"__type":"AWS.SimpleQueueService.NonExistentQueue","message":"The specified queue does not exist."})");
  CHECK(r.headers.get("x-amzn-query-error") == "AWS.SimpleQueueService.NonExistentQueue;Sender");
  CHECK(r.headers.get("content-type") == "application/x-amz-json-1.0");
  CHECK(r.headers.get("x-amzn-requestid") == ctx.request_id);
  AwsError internal = AwsError::internal("boom");
  CHECK(serialize_json_rpc_error(Protocol::kAwsJson1_0, models::sqs::kInfo, internal, ctx).headers.get("x-amzn-query-error") ==
        "InternalFailure;Receiver");
}

TEST_CASE("With the model, query-compatible errors split shape name and query code", "[protocols][awsJson]") {
  // Why: botocore needs __type = shape name (exception class) and the header = @awsQueryError
  // code (Error.Code); verified against a botocore client: QueueDoesNotExist raised, Code
  // "AWS.SimpleQueueService.NonExistentQueue". Either name in AwsError::code resolves.
  auto ctx = models::test_context();
  for (std::string code : {"QueueDoesNotExist", "AWS.SimpleQueueService.NonExistentQueue"}) {
    Response r = serialize_json_rpc_error(Protocol::kAwsJson1_0, models::sqs::kModel,
                                          AwsError{code, "The specified queue does not exist.", 400, true}, ctx);
    CHECK(r.body == R"({"__type":"QueueDoesNotExist","message":"The specified queue does not exist."})");
    CHECK(r.headers.get("x-amzn-query-error") == "AWS.SimpleQueueService.NonExistentQueue;Sender");
  }
  // Error shapes without @awsQueryError and unmodeled codes use the code for both.
  Response r = serialize_json_rpc_error(Protocol::kAwsJson1_0, models::sqs::kModel,
                                        AwsError{"InvalidAddress", "bad", 404, true}, ctx);
  CHECK(r.headers.get("x-amzn-query-error") == "InvalidAddress;Sender");
  r = serialize_json_rpc_error(Protocol::kAwsJson1_0, models::sqs::kModel, AwsError::validation("v"), ctx);
  CHECK(r.body == R"({"__type":"ValidationException","message":"v"})");
  CHECK(r.headers.get("x-amzn-query-error") == "ValidationException;Sender");
}

TEST_CASE("Errors of services that are not query-compatible have no query header", "[protocols][awsJson]") {
  // Why: the header is only for @awsQueryCompatible services; messages are escaped by the writer.
  auto ctx = models::test_context();
  Response r = serialize_json_rpc_error(Protocol::kAwsJson1_1, models::kms::kInfo,
                                        AwsError::not_found("NotFoundException", "Key \"x\" not found\n"), ctx);
  CHECK(r.status == 404);
  CHECK_FALSE(r.headers.contains("x-amzn-query-error"));
  CHECK(r.headers.get("content-type") == "application/x-amz-json-1.1");
  CHECK(r.body == R"({"__type":"NotFoundException","message":"Key \"x\" not found\n"})");
}

TEST_CASE("KMS Encrypt (awsJson1_1) from botocore round-trips", "[protocols][awsJson]") {
  // Why: awsJson1_1 differs only in Content-Type; fixture and output checked against botocore.
  auto p = parse_ok(models::kms::kModel, "TrentService.Encrypt",
                    R"({"KeyId": "alias/test", "Plaintext": "c2VjcmV0", "EncryptionContext": {"k": "v"}})");
  CHECK(p.input.find("Plaintext")->as_blob().bytes == "secret");
  CHECK(p.input.find("EncryptionContext")->find("k")->as_string() == "v");
  Value out = Value::object();
  out.set("CiphertextBlob", Blob{std::string("\xff\xfe\x00\x01", 4)});
  out.set("KeyId", "arn:aws:kms:us-east-1:123456789012:key/1234abcd");
  out.set("EncryptionAlgorithm", "SYMMETRIC_DEFAULT");
  auto ctx = models::test_context();
  Response r = serialize_json_rpc_output(Protocol::kAwsJson1_1, models::kms::kModel, models::kms::kOperations[0], out, ctx);
  CHECK(r.headers.get("content-type") == "application/x-amz-json-1.1");
  CHECK_FALSE(r.headers.contains("x-amz-crc32"));
  CHECK(r.body == R"({"CiphertextBlob":"//4AAQ==","KeyId":"arn:aws:kms:us-east-1:123456789012:key/1234abcd","EncryptionAlgorithm":"SYMMETRIC_DEFAULT"})");
}

// ----- operation routing ------------------------------------------------------------------------------

TEST_CASE("X-Amz-Target accepts the model's and the client's prefix", "[protocols][awsJson]") {
  // Why: botocore's prefix may differ from the model's (manifest clientJsonTargetPrefix).
  CHECK(parse_ok(models::kitchen::kJsonModel, "Kitchen_2024.NoIO", "{}").operation->name == "NoIO");
  CHECK(parse_ok(models::kitchen::kJsonModel, "KitchenClient.NoIO", "{}").operation->name == "NoIO");
  CHECK(parse_err(models::kitchen::kJsonModel, "Other.NoIO", "{}").code == "UnknownOperationException");
  CHECK(parse_err(models::kitchen::kJsonModel, "", "{}").code == "UnknownOperationException");
  CHECK(parse_err(models::kitchen::kJsonModel, "Kitchen_2024.", "{}").status == 400);
  CHECK(parse_err(models::kitchen::kJsonModel, "NoDot", "{}").status == 400);
  AwsError e = parse_err(models::kitchen::kJsonModel, "Kitchen_2024.Missing", "{}");
  CHECK(e.code == "NotImplemented");
  CHECK(e.status == 501);
}

TEST_CASE("An empty body is an empty input", "[protocols][awsJson]") {
  // Why: Smithy: servers MUST accept empty request bodies as {}.
  CHECK(parse_ok(models::kitchen::kJsonModel, "Kitchen_2024.Everything", "").input == Value::object());
  CHECK(parse_ok(models::kitchen::kJsonModel, "Kitchen_2024.Everything", " \r\n").input == Value::object());
  CHECK(parse_ok(models::kitchen::kJsonModel, "Kitchen_2024.NoIO", R"({"ignored": [1, {"a": 2}]})").input == Value::object());
}

TEST_CASE("Operations without output answer an empty body with the content type", "[protocols][awsJson]") {
  // Why: Smithy: no modeled output SHOULD give an empty body, still with Content-Type.
  auto ctx = models::test_context();
  Response r = serialize_json_rpc_output(Protocol::kAwsJson1_0, models::kitchen::kJsonModel, models::kitchen::kOperations[1],
                                         Value::object(), ctx);
  CHECK(r.body.empty());
  CHECK(r.headers.get("content-type") == "application/x-amz-json-1.0");
  CHECK(kitchen_out(Value::object()) == "{}");
}

// ----- every type ---------------------------------------------------------------------------------------

TEST_CASE("Every shape type round-trips through output and input", "[protocols][awsJson]") {
  // Why: what the service writes must read back identically (the codec is symmetric).
  Value v = Value::object();
  v.set("Blob", Blob{std::string("\x00\xffz", 3)});
  v.set("Bool", false);
  v.set("Str", "h\xc3\xa9llo \xf0\x9f\x98\x80 \"q\" \\ \x01");
  v.set("Enum", "A");
  v.set("Byte", -128);
  v.set("Short", 32767);
  v.set("Int", std::int64_t{-2147483648LL});
  v.set("IntEnum", 2);
  v.set("Long", std::numeric_limits<std::int64_t>::max());
  v.set("Float", 1.5);
  v.set("Double", -0.1);
  v.set("BigInt", BigNumber{"-123456789012345678901234567890"});
  v.set("BigDec", BigNumber{"3.14159265358979323846264338327950288"});
  v.set("Time", Timestamp{1704164645678});
  v.set("IsoTime", Timestamp{1704164645001});
  v.set("HttpTime", Timestamp{1704164645000});
  Value doc = Value::object();
  doc.set("n", 1);
  doc.set("f", 2.5);
  doc.set("a", Value(List{Value(), true, "x", Value::object()}));
  v.set("Doc", doc);
  v.set("List", Value(List{"a", "", "c"}));
  v.set("Sparse", Value(List{"a", Value(), "c"}));
  Value map = Value::object();
  map.set("one", 1);
  map.set("", 0);
  v.set("Map", map);
  Value sparse_map = Value::object();
  sparse_map.set("x", Value());
  v.set("SparseMap", sparse_map);
  Value nested = Value::object();
  nested.set("Child", av("Child", av("Value", "deep")));
  v.set("Nested", nested);
  v.set("Choice", av("N", av("Value", "in union")));
  v.set("Times", Value(List{Timestamp{0}, Timestamp{-1500}}));
  v.set("Blobs", Value(List{Blob{}, Blob{"abc"}}));
  v.set("Renamed", "model name");
  std::string body = kitchen_out(v);
  INFO(body);
  CHECK(body.find(R"("Renamed":"model name")") != std::string::npos);  // awsJson ignores @jsonName
  CHECK(body.find(R"("Time":1704164645.678)") != std::string::npos);
  CHECK(body.find(R"("IsoTime":"2024-01-02T03:04:05.001Z")") != std::string::npos);
  CHECK(body.find(R"("HttpTime":"Tue, 02 Jan 2024 03:04:05 GMT")") != std::string::npos);
  CHECK(body.find(R"("BigInt":-123456789012345678901234567890)") != std::string::npos);
  CHECK(body.find(R"("Times":[0,-1.5])") != std::string::npos);
  CHECK(kitchen(body) == v);
}

TEST_CASE("Empty lists and maps, and nested empties, survive", "[protocols][awsJson]") {
  // Why: an empty collection is a value, not an absent member.
  Value v = Value::object();  // members in model order, as the writer emits them
  v.set("Doc", Value(List{Value::list(), Value::object()}));
  v.set("List", Value::list());
  v.set("Map", Value::object());
  v.set("Nested", Value::object());
  std::string body = kitchen_out(v);
  CHECK(body == R"({"Doc":[[],{}],"List":[],"Map":{},"Nested":{}})");
  CHECK(kitchen(body) == v);
}

TEST_CASE("@jsonName is ignored by awsJson", "[protocols][awsJson]") {
  // Why: Smithy's awsJson protocols do not list jsonName among their traits; only restJson1 uses it.
  Value v = kitchen(R"({"Renamed": "a", "renamedJson": "b"})");
  CHECK(v.find("Renamed")->as_string() == "a");
  CHECK(v.as_object().size() == 1);
}

TEST_CASE("Integers are range-checked per shape", "[protocols][awsJson]") {
  // Why: a byte/short/int/long member must reject values it cannot hold, and non-integers.
  CHECK(kitchen(R"({"Byte": 127, "Short": -32768, "Int": 2147483647, "Long": -9223372036854775808})").find("Long")->as_int() ==
        std::numeric_limits<std::int64_t>::min());
  CHECK(kitchen_err(R"({"Byte": 128})").code == "SerializationException");
  CHECK(kitchen_err(R"({"Short": 32768})").status == 400);
  CHECK(kitchen_err(R"({"Int": 2147483648})").message.find("out of range") != std::string::npos);
  CHECK(kitchen_err(R"({"Long": 9223372036854775808})").status == 400);
  CHECK(kitchen_err(R"({"Int": 1.5})").message == "NUMBER_VALUE can not be converted to Integer");
  CHECK(kitchen_err(R"({"Int": 1e3})").status == 400);
  CHECK(kitchen_err(R"({"Int": "5"})").message == "STRING_VALUE can not be converted to Integer");
  CHECK(kitchen_err(R"({"Int": true})").status == 400);
}

TEST_CASE("Floats accept NaN and infinities as strings, both ways", "[protocols][awsJson]") {
  // Why: Smithy non-numeric floats are the strings "NaN", "Infinity", "-Infinity".
  Value v = kitchen(R"({"Float": "NaN", "Double": "-Infinity", "Doc": 1.25})");
  CHECK(std::isnan(v.find("Float")->as_double()));
  CHECK(v.find("Double")->as_double() == -std::numeric_limits<double>::infinity());
  CHECK(kitchen(R"({"Double": "Infinity"})").find("Double")->as_double() == std::numeric_limits<double>::infinity());
  CHECK(kitchen(R"({"Double": 7})").find("Double")->as_double() == 7.0);
  CHECK(kitchen_err(R"({"Double": "nan"})").status == 400);
  CHECK(kitchen_err(R"({"Double": 1e400})").status == 400);
  Value out = Value::object();
  out.set("Float", std::numeric_limits<double>::quiet_NaN());
  out.set("Double", std::numeric_limits<double>::infinity());
  out.set("Doc", Value(List{-std::numeric_limits<double>::infinity()}));
  CHECK(kitchen_out(out) == R"({"Float":"NaN","Double":"Infinity","Doc":["-Infinity"]})");
}

TEST_CASE("Big numbers keep their exact text", "[protocols][awsJson]") {
  // Why: bigInteger/bigDecimal beyond int64/double must not be rounded.
  Value v = kitchen(R"({"BigInt": 123456789012345678901234567890, "BigDec": -1.000000000000000000000000001e-7})");
  CHECK(v.find("BigInt")->as_big_number().text == "123456789012345678901234567890");
  CHECK(v.find("BigDec")->as_big_number().text == "-1.000000000000000000000000001e-7");
  CHECK(kitchen(R"({"BigInt": 5})").find("BigInt")->as_big_number().text == "5");
  CHECK(kitchen_err(R"({"BigInt": 1.5})").status == 400);
  CHECK(kitchen_err(R"({"BigInt": "12"})").status == 400);
  Value out = Value::object();
  out.set("BigInt", BigNumber{"not a number\""});  // never breaks the document
  CHECK(kitchen_out(out) == R"({"BigInt":"not a number\""})");
  // Documents: integers beyond int64 become BigNumber, not a rounded double.
  CHECK(kitchen(R"({"Doc": 99999999999999999999})").find("Doc")->as_double() == 1e20);
}

TEST_CASE("Timestamps follow the member's format", "[protocols][awsJson]") {
  // Why: JSON defaults to epoch seconds; @timestampFormat overrides per member.
  Value v = kitchen(R"({"Time": 1704164645.678, "IsoTime": "2024-01-02T03:04:05.5Z", "HttpTime": "Tue, 02 Jan 2024 03:04:05 GMT", "Times": [1, -2.5]})");
  CHECK(v.find("Time")->as_timestamp().epoch_millis == 1704164645678);
  CHECK(v.find("IsoTime")->as_timestamp().epoch_millis == 1704164645500);
  CHECK(v.find("HttpTime")->as_timestamp().epoch_millis == 1704164645000);
  CHECK(v.find("Times")->as_list()[1].as_timestamp().epoch_millis == -2500);
  CHECK(kitchen_err(R"({"Time": "2024-01-02T03:04:05Z"})").status == 400);
  CHECK(kitchen_err(R"({"IsoTime": 1704164645})").status == 400);
  CHECK(kitchen_err(R"({"IsoTime": "yesterday"})").status == 400);
}

TEST_CASE("Blobs are strict base64", "[protocols][awsJson]") {
  // Why: a malformed blob is a client error, not silently truncated data.
  CHECK(kitchen(R"({"Blob": ""})").find("Blob")->as_blob().bytes.empty());
  CHECK(kitchen(R"({"Blob": "AAH/"})").find("Blob")->as_blob().bytes == std::string("\x00\x01\xff", 3));
  CHECK(kitchen_err(R"({"Blob": "AAH"})").status == 400);
  CHECK(kitchen_err(R"({"Blob": "A*H/"})").status == 400);
  CHECK(kitchen_err(R"({"Blob": 12})").status == 400);
}

TEST_CASE("Documents are taken as they are", "[protocols][awsJson]") {
  // Why: document members carry arbitrary JSON, nulls included.
  Value v = kitchen(R"({"Doc": {"a": [1, -2, 3.5, "s", true, null, {}], "b": null}})");
  Value expected = Value::object();
  expected.set("a", Value(List{1, -2, 3.5, "s", true, Value(), Value::object()}));
  expected.set("b", Value());
  CHECK(*v.find("Doc") == expected);
  CHECK(kitchen(R"({"Doc": "text"})").find("Doc")->as_string() == "text");
}

TEST_CASE("Nulls: absent in structures, kept only in @sparse collections", "[protocols][awsJson]") {
  // Why: null entries are only legal in @sparse lists and maps.
  CHECK(kitchen(R"({"Str": null, "Nested": null})") == Value::object());
  CHECK(kitchen(R"({"Sparse": [null, "a"]})").find("Sparse")->as_list()[0].is_null());
  CHECK(kitchen(R"({"SparseMap": {"k": null}})").find("SparseMap")->find("k")->is_null());
  CHECK(kitchen_err(R"({"List": ["a", null]})").status == 400);
  CHECK(kitchen_err(R"({"Map": {"k": null}})").status == 400);
}

TEST_CASE("Unions need exactly one member", "[protocols][awsJson]") {
  // Why: Smithy unions set one member; "__type" inside a union is ignored.
  CHECK(kitchen(R"({"Choice": {"I": 3, "__type": "ns#Choice"}})").find("Choice")->find("I")->as_int() == 3);
  CHECK(kitchen(R"({"Choice": {"I": 3, "S": null}})").find("Choice")->as_object().size() == 1);
  CHECK(kitchen_err(R"({"Choice": {}})").message == "Union Choice must have exactly one member set");
  CHECK(kitchen_err(R"({"Choice": {"I": 3, "S": "x"}})").status == 400);
  CHECK(kitchen_err(R"({"Choice": {"Unknown": 1}})").status == 400);
}

TEST_CASE("Unknown members are ignored at any depth", "[protocols][awsJson]") {
  // Why: AWS ignores members it does not know (newer clients, older models).
  Value v = kitchen(R"({"New": {"x": [1, {"y": null}]}, "Nested": {"Extra": [], "Value": "v"}, "Str": "s"})");
  Value expected = Value::object();
  expected.set("Nested", av("Value", "v"));
  expected.set("Str", "s");
  CHECK(v == expected);
}

TEST_CASE("Wrong JSON types are SerializationException", "[protocols][awsJson]") {
  // Why: type errors are the client's fault (400) with a message naming what was found.
  CHECK(kitchen_err(R"({"Str": 5})").message == "NUMBER_VALUE can not be converted to String");
  CHECK(kitchen_err(R"({"Str": {}})").message == "Start of structure or map found where not expected.");
  CHECK(kitchen_err(R"({"Str": []})").message == "Start of list found where not expected.");
  CHECK(kitchen_err(R"({"List": "a"})").message == "STRING_VALUE can not be converted to List");
  CHECK(kitchen_err(R"({"Nested": "a"})").message == "STRING_VALUE can not be converted to Nested");
  CHECK(kitchen_err(R"({"Map": []})").status == 400);
  CHECK(kitchen_err(R"({"Bool": "true"})").message == "STRING_VALUE can not be converted to Boolean");
  CHECK(kitchen_err(R"([])").message == "The request body must be a JSON object");
  CHECK(kitchen_err(R"("x")").status == 400);
  CHECK(kitchen_err(R"(null)").status == 400);
}

TEST_CASE("Malformed JSON is a 400, never a crash", "[protocols][awsJson]") {
  // Why: truncated, trailing, invalid UTF-8, lone surrogates, NUL bytes and deep nesting.
  for (std::string bad : {std::string(R"({"Str": "abc)"), std::string(R"({"Str": "a"} x)"), std::string(R"({"Str" "a"})"),
                          std::string("{\"Str\": \"\xff\"}"), std::string(R"({"Str": "\ud800"})"),
                          std::string(R"({"Str": "\udc00\ud800"})"), std::string("{\"Str\": \"a\"}\0", 13),
                          std::string("{\"Str\": \"a\0b\"}", 14), std::string(R"({"Int": 01})"), std::string("{"),
                          std::string(R"({"Str": "a",})")}) {
    INFO(bad);
    AwsError e = kitchen_err(bad);
    CHECK(e.code == "SerializationException");
    CHECK(e.status == 400);
  }
  std::string deep;
  for (int i = 0; i < 100; ++i) deep += R"({"Child":)";
  deep += "{}";
  for (int i = 0; i < 100; ++i) deep += "}";
  CHECK(kitchen_err(R"({"Nested": )" + deep + "}").message == "The JSON document is nested too deeply");
  CHECK(kitchen_err(R"({"Doc": )" + std::string(10000, '[') + std::string(10000, ']') + "}").status == 400);
  CHECK(kitchen_err(R"({"Unknown": )" + std::string(10000, '[') + std::string(10000, ']') + "}").status == 400);
}

TEST_CASE("Escapes decode to UTF-8, surrogate pairs included", "[protocols][awsJson]") {
  // Why: SDKs escape non-ASCII (botocore's json.dumps uses \uXXXX with surrogate pairs).
  Value v = kitchen(R"({"Str": "\u0041\u00e9\u4e2d\ud83d\ude00\n\t\"\\\/\u0000"})");
  CHECK(v.find("Str")->as_string() == std::string("A\xc3\xa9\xe4\xb8\xad\xf0\x9f\x98\x80\n\t\"\\/\0", 16));
  // And come back as valid JSON (raw UTF-8, control characters escaped).
  CHECK(kitchen(kitchen_out(v)) == v);
}

TEST_CASE("Unknown enum values: AWS's validation error, unless the service checks enums itself",
          "[protocols][awsJson]") {
  // Why: DynamoDB-style front ends answer "Member must satisfy enum value set"; SQS answers
  // InvalidAttributeName from its handler, so it turns front-end enum checks off.
  auto request = models::json_request("Kitchen_2024.Everything", R"({"Enum":"Z"})");
  auto strict = parse_request(Protocol::kAwsJson1_0, models::kitchen::kJsonModel, request);
  auto* error = std::get_if<AwsError>(&strict);
  REQUIRE(error);
  CHECK(error->code == "ValidationException");
  CHECK(error->message ==
        "1 validation error detected: Value 'Z' at 'enum' failed to satisfy constraint: Member must satisfy enum "
        "value set: [A, B]");
  auto lenient = parse_request(Protocol::kAwsJson1_0, models::kitchen::kJsonModel, request, ValidationPolicy{.enums = false});
  auto* parsed = std::get_if<ParsedRequest>(&lenient);
  REQUIRE(parsed);
  REQUIRE(parsed->input.find("Enum"));
  CHECK(parsed->input.find("Enum")->as_string() == "Z");
}
