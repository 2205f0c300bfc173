// rpcv2Cbor codec (protocols/cbor_rpc.cc): botocore fixtures (CloudWatch), every shape type,
// routing rules and malformed input.
#include <catch2/catch.hpp>

#include <cmath>
#include <limits>

#include "protocols/cbor.h"
#include "protocols/codecs.h"
#include "protocols/rpc_errors.h"
#include "tests/unit/rpc_test_models.h"

using namespace rime;
using namespace rime::proto;
namespace models = rime::proto::testmodels;
using models::hex_decode;
using models::hex_encode;

namespace {

constexpr const char* kKitchenPath = "/service/KitchenService/operation/Everything";

ParseResult parse(const ServiceModel& model, std::string path, std::string body) {
  return parse_cbor_rpc(model, models::cbor_request(std::move(path), std::move(body)));
}

Value kitchen(std::string body) {
  auto r = parse(models::kitchen::kCborModel, kKitchenPath, std::move(body));
  if (auto* e = std::get_if<AwsError>(&r)) FAIL("unexpected error " << e->code << ": " << e->message);
  return std::get<ParsedRequest>(std::move(r)).input;
}

AwsError kitchen_err(std::string body) {
  auto r = parse(models::kitchen::kCborModel, kKitchenPath, std::move(body));
  if (auto* p = std::get_if<ParsedRequest>(&r)) FAIL("expected an error, got " << to_debug_string(p->input));
  return std::get<AwsError>(std::move(r));
}

std::string kitchen_out(const Value& v) {
  auto ctx = models::test_context();
  return serialize_cbor_rpc_output(models::kitchen::kCborModel, models::kitchen::kOperations[0], v, ctx).body;
}

// A one-member structure body {"<member>": <item>} with the item given in hex.
std::string body1(std::string_view member, std::string_view item_hex) {
  cbor::Writer w;
  w.map(1);
  w.text(member);
  return w.take() + hex_decode(item_hex);
}

Value obj(std::string_view k, Value v) {
  Value o = Value::object();
  o.set(std::string(k), std::move(v));
  return o;
}

}  // namespace

// ----- botocore fixtures ---------------------------------------------------------------------------

TEST_CASE("CloudWatch PutMetricData from botocore's rpcv2Cbor serializer parses", "[protocols][rpcv2Cbor]") {
  // Why: exact bytes botocore 1.43 produces (smithy-rpc-v2-cbor serializer), incl. tag-1 timestamp.
  const std::string body = hex_decode(
      "a2694e616d657370616365634170706a4d65747269634461746181a86a4d65747269634e616d65674c6174656e63796a44696d656e"
      "73696f6e7381a2644e616d65624f706556616c7565634765746954696d657374616d70c11a65937d256556616c7565fb3ff8000000"
      "00000064556e69746c4d696c6c697365636f6e64736656616c75657382fb3ff0000000000000fb400200000000000066436f756e74"
      "7382fb4008000000000000fb3ff00000000000007153746f726167655265736f6c7574696f6e183c");
  auto r = parse(models::cloudwatch::kModel, "/service/GraniteServiceVersion20100801/operation/PutMetricData", body);
  REQUIRE(std::holds_alternative<ParsedRequest>(r));
  auto& p = std::get<ParsedRequest>(r);
  CHECK(p.operation->name == "PutMetricData");
  Value datum = Value::object();
  datum.set("MetricName", "Latency");
  datum.set("Dimensions", Value(List{[] {
              Value d = Value::object();
              d.set("Name", "Op");
              d.set("Value", "Get");
              return d;
            }()}));
  datum.set("Timestamp", Timestamp{1704164645000});
  datum.set("Value", 1.5);
  datum.set("Unit", "Milliseconds");
  datum.set("Values", Value(List{1.0, 2.25}));
  datum.set("Counts", Value(List{3.0, 1.0}));
  datum.set("StorageResolution", 60);
  Value expected = Value::object();
  expected.set("Namespace", "App");
  expected.set("MetricData", Value(List{datum}));
  CHECK(p.input == expected);
}

TEST_CASE("CloudWatch GetMetricStatistics round-trips with botocore-checked output", "[protocols][rpcv2Cbor]") {
  // Why: the output bytes below parse in botocore's RpcV2CBORParser to the expected datapoints.
  const std::string body = hex_decode(
      "a6694e616d657370616365634170706a4d65747269634e616d65674c6174656e637969537461727454696d65c11a6592008067456e"
      "6454696d65c11a6593520066506572696f64183c6a53746174697374696373816741766572616765");
  auto r = parse(models::cloudwatch::kModel, "/service/GraniteServiceVersion20100801/operation/GetMetricStatistics", body);
  REQUIRE(std::holds_alternative<ParsedRequest>(r));
  auto& in = std::get<ParsedRequest>(r).input;
  CHECK(in.find("StartTime")->as_timestamp().epoch_millis == 1704067200000);
  CHECK(in.find("Period")->as_int() == 60);
  CHECK(in.find("Statistics")->as_list()[0].as_string() == "Average");

  Value dp = Value::object();
  dp.set("Timestamp", Timestamp{1704067260500});
  dp.set("SampleCount", 3.0);
  dp.set("Average", 0.1);
  dp.set("Unit", "Milliseconds");
  dp.set("ExtendedStatistics", obj("p99", 2.5));
  Value out = Value::object();
  out.set("Label", "Latency");
  out.set("Datapoints", Value(List{dp}));
  auto ctx = models::test_context();
  Response resp = serialize_cbor_rpc_output(models::cloudwatch::kModel, models::cloudwatch::kOperations[0], out, ctx);
  CHECK(resp.status == 200);
  CHECK(resp.headers.get("smithy-protocol") == "rpc-v2-cbor");
  CHECK(resp.headers.get("content-type") == "application/cbor");
  CHECK(resp.headers.get("x-amzn-requestid") == ctx.request_id);
  CHECK(hex_encode(resp.body) ==
        "a2654c6162656c674c6174656e63796a44617461706f696e747381a56954696d657374616d70c1fb41d964802f200000"
        "6b53616d706c65436f756e74fa404000006741766572616765fb3fb999999999999a64556e69746c4d696c6c697365636f"
        "6e647372457874656e64656453746174697374696373a163703939fa40200000");
}

TEST_CASE("Unit output has no body and no Content-Type", "[protocols][rpcv2Cbor]") {
  // Why: Smithy: responses for Unit output MUST NOT have a body or a Content-Type.
  auto ctx = models::test_context();
  Response r = serialize_cbor_rpc_output(models::cloudwatch::kModel, models::cloudwatch::kOperations[1], Value::object(), ctx);
  CHECK(r.status == 200);
  CHECK(r.body.empty());
  CHECK_FALSE(r.headers.contains("content-type"));
  CHECK(r.headers.get("smithy-protocol") == "rpc-v2-cbor");
}

TEST_CASE("rpcv2Cbor errors: __type/message map, query-compatible header", "[protocols][rpcv2Cbor]") {
  // Why: botocore reads __type and x-amzn-query-error (CloudWatch is @awsQueryCompatible).
  auto ctx = models::test_context();
  Response r = serialize_cbor_rpc_error(models::cloudwatch::kInfo,
                                        AwsError{"InvalidParameterValue", "The value \xc3\xa9 is invalid.", 400, true}, ctx);
  CHECK(r.status == 400);
  CHECK(r.headers.get("smithy-protocol") == "rpc-v2-cbor");
  CHECK(r.headers.get("content-type") == "application/cbor");
  CHECK(r.headers.get("x-amzn-query-error") == "InvalidParameterValue;Sender");
  CHECK(cbor::to_diagnostic(r.body) == R"({"__type": "InvalidParameterValue", "message": "The value é is invalid."})");
  Response k = serialize_cbor_rpc_error(models::kitchen::kCborInfo, AwsError::internal("x"), ctx);
  CHECK(k.status == 500);
  CHECK_FALSE(k.headers.contains("x-amzn-query-error"));
  Response q = serialize_cbor_rpc_error(models::sqs::kModel, AwsError{"QueueDoesNotExist", "gone", 400, true}, ctx);
  CHECK(cbor::to_diagnostic(q.body) == R"({"__type": "QueueDoesNotExist", "message": "gone"})");
  CHECK(q.headers.get("x-amzn-query-error") == "AWS.SimpleQueueService.NonExistentQueue;Sender");
}

// ----- routing ----------------------------------------------------------------------------------------

TEST_CASE("The path names service and operation; prefixes and absolute ids work", "[protocols][rpcv2Cbor]") {
  // Why: Smithy routes on the last four segments and accepts "<namespace>.<Service>".
  auto op_of = [](std::string path) {
    auto r = parse(models::kitchen::kCborModel, std::move(path), "");
    return std::holds_alternative<ParsedRequest>(r) ? std::string(std::get<ParsedRequest>(r).operation->name)
                                                    : std::get<AwsError>(r).code;
  };
  CHECK(op_of("/service/KitchenService/operation/NoIO") == "NoIO");
  CHECK(op_of("/v1/api/service/KitchenService/operation/NoIO") == "NoIO");
  CHECK(op_of("/service/com.example.KitchenService/operation/NoIO") == "NoIO");
  CHECK(op_of("/service/OtherService/operation/NoIO") == "UnknownOperationException");
  CHECK(op_of("/service/xKitchenService/operation/NoIO") == "UnknownOperationException");
  CHECK(op_of("/service/KitchenService/operation/") == "NotImplemented");
  CHECK(op_of("/service/KitchenService/operation/Nope") == "NotImplemented");
  CHECK(op_of("/operation/NoIO") == "UnknownOperationException");
  CHECK(op_of("/") == "UnknownOperationException");
}

TEST_CASE("Requests must be rpc-v2-cbor POSTs without X-Amz-Target", "[protocols][rpcv2Cbor]") {
  // Why: Smithy: a request with X-Amz-Target or X-Amzn-Target MUST be rejected.
  Request r = models::cbor_request(kKitchenPath, "\xa0");
  r.headers.add("X-Amz-Target", "KitchenService.Everything");
  CHECK(std::get<AwsError>(parse_cbor_rpc(models::kitchen::kCborModel, r)).status == 400);
  Request r2 = models::cbor_request(kKitchenPath, "\xa0");
  r2.headers.add("X-Amzn-Target", "x");
  CHECK(std::get<AwsError>(parse_cbor_rpc(models::kitchen::kCborModel, r2)).status == 400);
  Request r3 = models::cbor_request(kKitchenPath, "\xa0");
  r3.headers.set("smithy-protocol", "rpc-v2-json");
  CHECK(std::get<AwsError>(parse_cbor_rpc(models::kitchen::kCborModel, r3)).status == 400);
  Request r4 = models::cbor_request(kKitchenPath, "\xa0");
  r4.method = "GET";
  CHECK(std::get<AwsError>(parse_cbor_rpc(models::kitchen::kCborModel, r4)).status == 405);
}

// ----- every type ---------------------------------------------------------------------------------------

TEST_CASE("Every shape type round-trips through CBOR", "[protocols][rpcv2Cbor]") {
  // Why: what the service writes must read back identically.
  Value v = Value::object();
  v.set("Blob", Blob{std::string("\x00\xffz", 3)});
  v.set("Bool", true);
  v.set("Str", "h\xc3\xa9llo \xf0\x9f\x98\x80");
  v.set("Enum", "B");
  v.set("Byte", -128);
  v.set("Short", 32767);
  v.set("Int", std::int64_t{-2147483648LL});
  v.set("IntEnum", 7);
  v.set("Long", std::numeric_limits<std::int64_t>::min());
  v.set("Float", 1.5);
  v.set("Double", 0.1);
  v.set("BigInt", BigNumber{"-123456789012345678901234567890"});
  v.set("BigDec", BigNumber{"3.14159265358979323846264338327950288"});
  v.set("Time", Timestamp{1704164645678});
  v.set("IsoTime", Timestamp{-1500});  // @timestampFormat is ignored by rpcv2Cbor
  Value doc = Value::object();
  doc.set("n", 1);
  doc.set("a", Value(List{Value(), "x"}));
  v.set("Doc", doc);
  v.set("List", Value(List{"a", ""}));
  v.set("Sparse", Value(List{Value(), "c"}));
  v.set("Map", obj("one", 1));
  v.set("SparseMap", obj("x", Value()));
  v.set("Nested", obj("Child", obj("Value", "deep")));
  v.set("Choice", obj("I", 42));
  v.set("Times", Value(List{Timestamp{0}, Timestamp{1000}}));
  v.set("Blobs", Value(List{Blob{}, Blob{"abc"}}));
  v.set("Renamed", "r");
  std::string body = kitchen_out(v);
  INFO(cbor::to_diagnostic(body));
  CHECK(cbor::to_diagnostic(body).find(R"("Time": 1(1704164645.678))") != std::string::npos);
  CHECK(cbor::to_diagnostic(body).find(R"("Times": [1(0), 1(1)])") != std::string::npos);
  CHECK(cbor::to_diagnostic(body).find(R"("BigDec": 4([-35, 2(h')") != std::string::npos);
  CHECK(kitchen(body) == v);
}

TEST_CASE("Empty collections, NaN and infinities survive CBOR", "[protocols][rpcv2Cbor]") {
  // Why: edge values: empty lists/maps/structures and non-finite floats.
  Value v = Value::object();
  v.set("Float", std::numeric_limits<double>::infinity());
  v.set("Double", -std::numeric_limits<double>::infinity());
  v.set("List", Value::list());
  v.set("Map", Value::object());
  v.set("Nested", Value::object());
  std::string body = kitchen_out(v);
  CHECK(cbor::to_diagnostic(body) == R"({"Float": Infinity, "Double": -Infinity, "List": [], "Map": {}, "Nested": {}})");
  CHECK(kitchen(body) == v);
  Value nan = kitchen(kitchen_out(obj("Double", std::numeric_limits<double>::quiet_NaN())));
  CHECK(std::isnan(nan.find("Double")->as_double()));
  CHECK(std::isnan(kitchen(body1("Float", "f97e00")).find("Float")->as_double()));
}

TEST_CASE("Big numbers use tags 2, 3 and 4 and accept plain integers", "[protocols][rpcv2Cbor]") {
  // Why: rpcv2Cbor bigInteger is a bignum (tags 2/3), bigDecimal a decimal fraction (tag 4).
  CHECK(kitchen(body1("BigInt", "c249010000000000000000")).find("BigInt")->as_big_number().text == "18446744073709551616");
  CHECK(kitchen(body1("BigInt", "c349010000000000000000")).find("BigInt")->as_big_number().text == "-18446744073709551617");
  CHECK(kitchen(body1("BigInt", "3863")).find("BigInt")->as_big_number().text == "-100");
  CHECK(kitchen(body1("BigDec", "c48221196ab3")).find("BigDec")->as_big_number().text == "273.15");  // RFC 8949 §3.4.4
  CHECK(kitchen(body1("BigDec", "c4820203")).find("BigDec")->as_big_number().text == "3E2");
  CHECK(kitchen(body1("BigDec", "c4822203")).find("BigDec")->as_big_number().text == "0.003");
  CHECK(kitchen_err(body1("BigInt", "c26161")).status == 400);      // bignum over text
  CHECK(kitchen_err(body1("BigDec", "c48101")).status == 400);      // wrong arity
  CHECK(kitchen_err(body1("BigInt", "fa3fc00000")).status == 400);  // a float is not an integer
  cbor::Writer w;
  w.map(1);
  w.text("BigInt");
  w.tag(2);
  w.bytes(std::string(300, '\x01'));
  CHECK(kitchen_err(w.take()).message == "CBOR bignum is too large");
}

TEST_CASE("Timestamps are tag 1 over integer or float seconds", "[protocols][rpcv2Cbor]") {
  // Why: rpcv2Cbor timestamps: tag 1, epoch seconds, millisecond precision.
  CHECK(kitchen(body1("Time", "c11a514b67b0")).find("Time")->as_timestamp().epoch_millis == 1363896240000);
  CHECK(kitchen(body1("Time", "c1fb41d452d9ec200000")).find("Time")->as_timestamp().epoch_millis == 1363896240500);
  CHECK(kitchen(body1("Time", "c120")).find("Time")->as_timestamp().epoch_millis == -1000);
  CHECK(kitchen(body1("Time", "1a514b67b0")).find("Time")->as_timestamp().epoch_millis == 1363896240000);
  CHECK(kitchen_err(body1("Time", "c0781a323031332d30332d32315432303a30343a30305a")).status == 400);  // tag 0 text
  CHECK(kitchen_err(body1("Time", "c1fa7fc00000")).status == 400);  // NaN
  CHECK(kitchen_err(body1("Time", "c11bffffffffffffffff")).status == 400);
}

TEST_CASE("Integers are range-checked and never taken from floats", "[protocols][rpcv2Cbor]") {
  // Why: numbers MUST deserialise into their Smithy type; floats may carry ints, not the reverse.
  CHECK(kitchen(body1("Byte", "387f")).find("Byte")->as_int() == -128);
  CHECK(kitchen_err(body1("Byte", "1880")).message == "Numeric value out of range of Byte");
  CHECK(kitchen_err(body1("Short", "198000")).status == 400);
  CHECK(kitchen_err(body1("Int", "1a80000000")).status == 400);
  CHECK(kitchen(body1("Long", "3b7fffffffffffffff")).find("Long")->as_int() == std::numeric_limits<std::int64_t>::min());
  CHECK(kitchen_err(body1("Long", "1b8000000000000000")).status == 400);
  CHECK(kitchen_err(body1("Long", "3b8000000000000000")).status == 400);
  CHECK(kitchen_err(body1("Int", "fa3fc00000")).message == "CBOR float can not be converted to Integer");
  CHECK(kitchen(body1("Double", "1864")).find("Double")->as_double() == 100.0);
  CHECK(kitchen(body1("Double", "3863")).find("Double")->as_double() == -100.0);
}

TEST_CASE("Indefinite-length input is accepted everywhere", "[protocols][rpcv2Cbor]") {
  // Why: streaming encoders emit indefinite strings, arrays and maps.
  // {_ "Str": (_ "ab", "c"), "List": [_ "x"], "Map": {_ "k": 1}, "Blob": (_ h'01', h'02')}
  std::string body = hex_decode(std::string("bf") + "63537472" + "7f6261626163ff" + "644c697374" + "9f6178ff" + "634d6170" +
                                "bf616b01ff" + "64426c6f62" + "5f41014102ff" + "ff");
  Value v = kitchen(body);
  CHECK(v.find("Str")->as_string() == "abc");
  CHECK(v.find("List")->as_list() == List{"x"});
  CHECK(*v.find("Map") == obj("k", 1));
  CHECK(v.find("Blob")->as_blob().bytes == "\x01\x02");
}

TEST_CASE("Nulls, undefined and unknown members", "[protocols][rpcv2Cbor]") {
  // Why: null and undefined mean absent; unknown members are skipped whatever their content.
  CHECK(kitchen(body1("Str", "f6")) == Value::object());
  CHECK(kitchen(body1("Str", "f7")) == Value::object());
  CHECK(kitchen(body1("Unknown", "9f81a16178c11a514b67b0bf6161f6ffff")) == Value::object());
  CHECK(kitchen(body1("Sparse", "82f66161")).find("Sparse")->as_list()[0].is_null());
  CHECK(kitchen_err(body1("List", "82f66161")).status == 400);
  CHECK(kitchen_err(body1("Map", "a1616bf6")).status == 400);
  CHECK(kitchen(body1("SparseMap", "a1616bf6")).find("SparseMap")->find("k")->is_null());
}

TEST_CASE("Unions need exactly one member; __type is ignored", "[protocols][rpcv2Cbor]") {
  // Why: Smithy union rules; deserialisers MUST ignore an unrecognised __type.
  CHECK(kitchen(body1("Choice", "a2665f5f74797065616e614903")).find("Choice")->find("I")->as_int() == 3);
  CHECK(kitchen_err(body1("Choice", "a0")).message == "Union Choice must have exactly one member set");
  CHECK(kitchen_err(body1("Choice", "a261490361536178")).status == 400);
}

TEST_CASE("Wrong CBOR types are SerializationException", "[protocols][rpcv2Cbor]") {
  // Why: a type mismatch is the client's fault (400), with a message naming both types.
  CHECK(kitchen_err(body1("Str", "01")).message == "CBOR integer can not be converted to String");
  CHECK(kitchen_err(body1("Blob", "6161")).message == "CBOR text string can not be converted to Blob");
  CHECK(kitchen_err(body1("Bool", "01")).status == 400);
  CHECK(kitchen_err(body1("List", "a0")).status == 400);
  CHECK(kitchen_err(body1("Nested", "80")).status == 400);
  CHECK(kitchen_err(hex_decode("a10101")).message == "CBOR map keys must be text strings");
  CHECK(kitchen_err(hex_decode("80")).message == "The request body must be a CBOR map");
}

TEST_CASE("Malformed CBOR bodies are 400s, never crashes", "[protocols][rpcv2Cbor]") {
  // Why: truncation, trailing bytes, huge declared lengths and deep nesting from the network.
  for (std::string hex : {"a1", "a16353747261", "a16353747278ff", "a0a0", "ff", "bf", "a1635374727bffffffffffffffff",
                          "a1644c6973749bffffffffffffffff", "a163537472c1"}) {
    INFO(hex);
    AwsError e = kitchen_err(hex_decode(hex));
    CHECK(e.code == "SerializationException");
    CHECK(e.status == 400);
  }
  std::string deep = "\xa1\x66Nested";
  for (int i = 0; i < 100; ++i) deep += "\xa1\x65" "Child";
  deep += "\xa0";
  CHECK(kitchen_err(deep).message == "CBOR input is nested too deeply");
  std::string doc = "\xa1\x63" "Doc" + std::string(10000, '\x81') + "\x00";
  CHECK(kitchen_err(doc).status == 400);
  std::string unknown = "\xa1\x63Zzz" + std::string(10000, '\x81') + "\x00";
  CHECK(kitchen_err(unknown).status == 400);
}

TEST_CASE("Empty bodies and Unit inputs", "[protocols][rpcv2Cbor]") {
  // Why: Unit-input requests have no body; an empty body is an empty input.
  CHECK(kitchen("") == Value::object());
  auto r = parse(models::kitchen::kCborModel, "/service/KitchenService/operation/NoIO", hex_decode("a16178817f6162ff"));
  REQUIRE(std::holds_alternative<ParsedRequest>(r));
  CHECK(std::get<ParsedRequest>(r).input == Value::object());
}
