// SNS filter policies: the parser's validation (AWS's messages and limits) and the matcher, per
// operator, on message attributes and on message bodies.
#include <catch2/catch.hpp>

#include "services/sns/filter_policy.h"

using namespace rime::sns;

namespace {

FilterPolicy policy(const std::string& json, FilterScope scope = FilterScope::kMessageAttributes) {
  FilterPolicyError error;
  auto p = FilterPolicy::parse(json, scope, error);
  INFO(json << " -> " << error.reason);
  REQUIRE(p);
  return std::move(*p);
}

std::string refusal(const std::string& json, FilterScope scope = FilterScope::kMessageAttributes) {
  FilterPolicyError error;
  auto p = FilterPolicy::parse(json, scope, error);
  INFO(json);
  REQUIRE_FALSE(p);
  return error.reason;
}

std::map<std::string, FilterAttribute> attrs(std::initializer_list<std::pair<std::string, FilterAttribute>> list) {
  return {list.begin(), list.end()};
}

FilterAttribute s(const std::string& v) { return {"String", v}; }
FilterAttribute n(const std::string& v) { return {"Number", v}; }
FilterAttribute arr(const std::string& v) { return {"String.Array", v}; }

}  // namespace

// Exact values: strings match strings, numbers match Number attributes numerically.
TEST_CASE("filter policy exact values", "[sns][filter]") {
  auto p = policy(R"({"store": ["example_corp", "other"], "price": [100]})");
  CHECK(p.matches_attributes(attrs({{"store", s("example_corp")}, {"price", n("100")}})));
  CHECK(p.matches_attributes(attrs({{"store", s("other")}, {"price", n("100.0")}})));
  CHECK_FALSE(p.matches_attributes(attrs({{"store", s("Example_corp")}, {"price", n("100")}})));  // case-sensitive
  CHECK_FALSE(p.matches_attributes(attrs({{"store", s("other")}, {"price", s("100")}})));  // a String is not a number
  CHECK_FALSE(p.matches_attributes(attrs({{"store", s("other")}})));  // every key must match
  // Numbers compare with five decimal places.
  CHECK(policy(R"({"v": [0.000001]})").matches_attributes(attrs({{"v", n("0")}})));
}

// String operators: prefix, suffix, equals-ignore-case.
TEST_CASE("filter policy string operators", "[sns][filter]") {
  CHECK(policy(R"({"k": [{"prefix": "auto-"}]})").matches_attributes(attrs({{"k", s("auto-insurance")}})));
  CHECK_FALSE(policy(R"({"k": [{"prefix": "auto-"}]})").matches_attributes(attrs({{"k", s("home-auto-")}})));
  CHECK(policy(R"({"k": [{"suffix": ".png"}]})").matches_attributes(attrs({{"k", s("a.png")}})));
  CHECK_FALSE(policy(R"({"k": [{"suffix": ".png"}]})").matches_attributes(attrs({{"k", s("a.jpg")}})));
  CHECK(policy(R"({"k": [{"equals-ignore-case": "ORDER"}]})").matches_attributes(attrs({{"k", s("oRdEr")}})));
  CHECK_FALSE(policy(R"({"k": [{"equals-ignore-case": "ORDER"}]})").matches_attributes(attrs({{"k", s("orders")}})));
}

// anything-but: a single value, a list, or a prefix; the attribute must be present.
TEST_CASE("filter policy anything-but", "[sns][filter]") {
  auto single = policy(R"({"k": [{"anything-but": "red"}]})");
  CHECK(single.matches_attributes(attrs({{"k", s("blue")}})));
  CHECK_FALSE(single.matches_attributes(attrs({{"k", s("red")}})));
  CHECK_FALSE(single.matches_attributes(attrs({})));
  auto list = policy(R"({"k": [{"anything-but": ["red", "green"]}]})");
  CHECK(list.matches_attributes(attrs({{"k", s("blue")}})));
  CHECK_FALSE(list.matches_attributes(attrs({{"k", s("green")}})));
  auto numbers = policy(R"({"k": [{"anything-but": [100, 200]}]})");
  CHECK(numbers.matches_attributes(attrs({{"k", n("150")}})));
  CHECK_FALSE(numbers.matches_attributes(attrs({{"k", n("200")}})));
  auto prefix = policy(R"({"k": [{"anything-but": {"prefix": "order-"}}]})");
  CHECK(prefix.matches_attributes(attrs({{"k", s("invoice-1")}})));
  CHECK_FALSE(prefix.matches_attributes(attrs({{"k", s("order-1")}})));
}

// numeric: =, <, <=, >, >= and two-sided ranges.
TEST_CASE("filter policy numeric ranges", "[sns][filter]") {
  auto eq = policy(R"({"p": [{"numeric": ["=", 301.5]}]})");
  CHECK(eq.matches_attributes(attrs({{"p", n("301.5")}})));
  CHECK_FALSE(eq.matches_attributes(attrs({{"p", n("301")}})));
  auto range = policy(R"({"p": [{"numeric": [">", 0, "<=", 150]}]})");
  CHECK(range.matches_attributes(attrs({{"p", n("150")}})));
  CHECK(range.matches_attributes(attrs({{"p", n("0.5")}})));
  CHECK_FALSE(range.matches_attributes(attrs({{"p", n("0")}})));
  CHECK_FALSE(range.matches_attributes(attrs({{"p", n("151")}})));
  CHECK_FALSE(range.matches_attributes(attrs({{"p", s("100")}})));  // strings never match numeric
  CHECK(policy(R"({"p": [{"numeric": [">=", 10]}]})").matches_attributes(attrs({{"p", n("10")}})));
  CHECK_FALSE(policy(R"({"p": [{"numeric": ["<", 10]}]})").matches_attributes(attrs({{"p", n("10")}})));
  CHECK(policy(R"({"p": [{"numeric": ["<=", -5]}]})").matches_attributes(attrs({{"p", n("-5")}})));
}

// exists: true needs the key, false needs it absent.
TEST_CASE("filter policy exists", "[sns][filter]") {
  auto present = policy(R"({"store": [{"exists": true}]})");
  CHECK(present.matches_attributes(attrs({{"store", n("99")}})));
  CHECK_FALSE(present.matches_attributes(attrs({{"other", n("99")}})));
  auto absent = policy(R"({"store": [{"exists": false}]})");
  CHECK(absent.matches_attributes(attrs({{"other", n("99")}})));
  CHECK_FALSE(absent.matches_attributes(attrs({{"store", s("x")}})));
}

// String.Array attributes match when any element does; Binary attributes are ignored; null does
// not match an absent attribute (AWS: [null, {"anything-but": ..}] drops a message without it).
TEST_CASE("filter policy attribute types", "[sns][filter]") {
  auto p = policy(R"({"store": ["value1"]})");
  CHECK(p.matches_attributes(attrs({{"store", arr(R"(["value1", "value2"])")}})));
  CHECK_FALSE(p.matches_attributes(attrs({{"store", arr(R"(["value2", "value3"])")}})));
  CHECK(policy(R"({"n": [{"numeric": [">", 5]}]})").matches_attributes(attrs({{"n", arr("[1, 7]")}})));
  CHECK(policy(R"({"b": [true]})").matches_attributes(attrs({{"b", arr("[false, true]")}})));
  CHECK_FALSE(policy(R"({"bin": ["x"]})").matches_attributes(attrs({{"bin", {"Binary", "x"}}})));
  CHECK(policy(R"({"bin": [{"exists": true}]})").matches_attributes(attrs({{"bin", {"Binary", "x"}}})));
  auto null_or = policy(R"({"attr1": [null, {"anything-but": "whatever"}]})");
  CHECK_FALSE(null_or.matches_attributes(attrs({})));
  CHECK(null_or.matches_attributes(attrs({{"attr1", s("something")}})));
  CHECK(policy(R"({"s": ["x"]})").matches_attributes(attrs({{"s", {"String.custom", "x"}}})));
}

// cidr matches IPv4 and IPv6 addresses in String attributes.
TEST_CASE("filter policy cidr", "[sns][filter]") {
  auto v4 = policy(R"({"ip": [{"cidr": "10.0.0.0/24"}]})");
  CHECK(v4.matches_attributes(attrs({{"ip", s("10.0.0.255")}})));
  CHECK_FALSE(v4.matches_attributes(attrs({{"ip", s("10.0.1.1")}})));
  CHECK_FALSE(v4.matches_attributes(attrs({{"ip", s("not an ip")}})));
  auto v6 = policy(R"({"ip": [{"cidr": "2001:db8::/32"}]})");
  CHECK(v6.matches_attributes(attrs({{"ip", s("2001:db8:1::5")}})));
  CHECK_FALSE(v6.matches_attributes(attrs({{"ip", s("2001:db9::1")}})));
}

// $or joins sub-policies; a "$or" that is not an array of two or more objects is a plain key.
TEST_CASE("filter policy $or", "[sns][filter]") {
  auto p = policy(R"({"source": ["aws.cloudwatch"], "$or": [{"metricName": ["CPUUtilization"]},
                      {"namespace": [{"prefix": "AWS/"}]}]})");
  CHECK(p.matches_attributes(attrs({{"source", s("aws.cloudwatch")}, {"metricName", s("CPUUtilization")}})));
  CHECK(p.matches_attributes(attrs({{"source", s("aws.cloudwatch")}, {"namespace", s("AWS/EC2")}})));
  CHECK_FALSE(p.matches_attributes(attrs({{"source", s("aws.cloudwatch")}, {"namespace", s("Custom")}})));
  CHECK_FALSE(p.matches_attributes(attrs({{"metricName", s("CPUUtilization")}})));
  auto plain = policy(R"({"$or": ["a", "b"]})");
  CHECK(plain.matches_attributes(attrs({{"$or", s("a")}})));
}

// Body scope: nested policies, dotted payload keys, arrays, and non-object bodies.
TEST_CASE("filter policy on the message body", "[sns][filter]") {
  auto p = policy(R"({"object": {"key": [{"prefix": "auto-"}, "hardcodedvalue"], "nested_key": [{"exists": false}]},
                      "test": [{"exists": false}]})",
                  FilterScope::kMessageBody);
  CHECK(p.matches_body(R"({"object": {"key": "auto-test"}})"));
  CHECK(p.matches_body(R"({"object": {"key": "hardcodedvalue"}})"));
  CHECK_FALSE(p.matches_body(R"({"object": {"key": "test-auto"}})"));
  CHECK_FALSE(p.matches_body(R"({"object": {"key": "auto-test"}, "test": "just-exists"})"));
  CHECK_FALSE(p.matches_body(R"({"object": {"key": "auto-test", "nested_key": "just-exists"}})"));
  CHECK_FALSE(p.matches_body("Regular string message"));
  CHECK_FALSE(p.matches_body(R"("a JSON string")"));

  auto dotted = policy(R"({"object.nested": ["string.value"]})", FilterScope::kMessageBody);
  CHECK(dotted.matches_body(R"({"object": {"nested": "string.value"}})"));
  CHECK(dotted.matches_body(R"({"object.nested": "string.value"})"));
  auto deep = policy(R"({"object": {"nested": {"test": ["string.value"]}}})", FilterScope::kMessageBody);
  CHECK(deep.matches_body(R"({"object.nested.test": "string.value"})"));
  CHECK(deep.matches_body(R"({"object": {"nested.test": "string.value"}})"));

  auto arrays = policy(R"({"headers": {"route-to": ["queue1"]}})", FilterScope::kMessageBody);
  CHECK(arrays.matches_body(R"({"headers": {"route-to": ["queue1", "queue2"]}})"));
  CHECK_FALSE(arrays.matches_body(R"({"headers": {"route-to": ["queue2"]}})"));
  auto records = policy(R"({"Records": {"s3": {"object": {"key": [{"prefix": "auto-"}]}}}})", FilterScope::kMessageBody);
  CHECK(records.matches_body(
      R"({"Records": [{"s3": {"object": [[{"key": "auto-insurance-2314.xml"}]]}}, {"s3": {"object": {"key": "home"}}}]})"));
  CHECK_FALSE(records.matches_body(R"({"Records": [{"s3": {"object": {"key": "home"}}}]})"));
  auto types = policy(R"({"flag": [true], "none": [null], "n": [{"numeric": ["<", 0]}]})", FilterScope::kMessageBody);
  CHECK(types.matches_body(R"({"flag": true, "none": null, "n": -1})"));
  CHECK_FALSE(types.matches_body(R"({"flag": "true", "none": null, "n": -1})"));
}

// Validation errors carry AWS's wording (the part after "FilterPolicy: ").
TEST_CASE("filter policy validation messages", "[sns][filter]") {
  CHECK(refusal(R"({"key":[["value"]]})") == "Match value must be String, number, true, false, or null");
  CHECK(refusal(R"({"key":[{"wrong-operator":true}]})") == "Unrecognized match type wrong-operator");
  CHECK(refusal(R"({"key":[{"suffix":"value","prefix":"value2"}]})") == "Only one key allowed in match expression");
  CHECK(refusal(R"({"key":[{"suffix":100}]})") == "suffix match pattern must be a string");
  CHECK(refusal(R"({"key":[{"prefix":null}]})") == "prefix match pattern must be a string");
  CHECK(refusal(R"({"key":[{"equals-ignore-case":1}]})") == "equals-ignore-case match pattern must be a string");
  CHECK(refusal(R"({"key":{"suffix":"value"}})") == "\"suffix\" must be an object or an array");
  CHECK(refusal(R"({"key_a":"value_one"})", FilterScope::kMessageBody) == "\"key_a\" must be an object or an array");
  CHECK(refusal(R"({"key":[{"numeric":[]}]})") == "Invalid member in numeric match: ]");
  CHECK(refusal(R"({"key":[{"numeric":["operator"]}]})") == "Unrecognized numeric range operator: operator");
  CHECK(refusal(R"({"key":[{"numeric":[1,"<="]}]})") == "Invalid member in numeric match: 1");
  CHECK(refusal(R"({"key":[{"numeric":["=","000"]}]})") == "Value of equals must be numeric");
  CHECK(refusal(R"({"key":[{"numeric":[">="]}]})") == "Value of >= must be numeric");
  CHECK(refusal(R"({"key":[{"numeric":["<",100,">",10]}]})") == "Too many elements in numeric expression");
  CHECK(refusal(R"({"key":[{"numeric":[">=",1,">",2]}]})") == "Bad numeric range operator: >");
  CHECK(refusal(R"({"key":[{"numeric":[">",3,"<",1]}]})") == "Bottom must be less than top");
  CHECK(refusal(R"({"key":[{"numeric":[">",20,"<="]}]})") == "Value of <= must be numeric");
  CHECK(refusal(R"({"key":[{"numeric":[">",20,30]}]})") == "Bad value in numeric range: 30");
  CHECK(refusal(R"({"key":[{"numeric":[">",20,"test"]}]})") == "Bad numeric range operator: test");
  CHECK(refusal(R"({"key":[{"numeric":[">","20","<","30"]}]})") == "Value of > must be numeric");
  CHECK(refusal(R"({"key":[{"numeric":[">",20,"<",30,"<",50]}]})") == "Too many terms in numeric range expression");
  CHECK(refusal(R"({"key":[{"exists":null}]})") == "exists match pattern must be either true or false.");
  CHECK(refusal(R"({"key":[{"exists":"no"}]})") == "exists match pattern must be either true or false.");
  CHECK(refusal(R"({"key":[{"anything-but":{"wrong-operator":null}}]})") ==
        "Unsupported anything-but pattern: wrong-operator");
  CHECK(refusal(R"({"key":[{"anything-but":{"suffix":"test"}}]})") == "Unsupported anything-but pattern: suffix");
  CHECK(refusal(R"({"key":[{"anything-but":{"exists":false}}]})") == "Unsupported anything-but pattern: exists");
  CHECK(refusal(R"({"key":[{"anything-but":{"prefix":false}}]})") == "prefix match pattern must be a string");
  CHECK(refusal(R"({"key":[]})") == "Empty arrays are not allowed");
  CHECK(refusal(R"({"key":[{"cidr":"10.0.0.0"}]})") == "Malformed CIDR, one '/' required");
  CHECK(refusal("[1]") == "Filter policy must be a JSON object");
  CHECK(refusal("not json").starts_with("failed to parse JSON"));
}

// AWS limits: five keys, 150 combinations (key depth times values, multiplied; summed over $or).
TEST_CASE("filter policy limits", "[sns][filter]") {
  CHECK(refusal(R"({"a":[1],"b":[1],"c":[1],"d":[1],"e":[1],"f":[1]})") ==
        "Filter policy can not have more than 5 keys");
  policy(R"({"a":[1],"b":[1],"c":[1],"d":[1],"e":[1]})");
  // 3x4 (depth 3, four values) x 2x3 x 1x3 = 216 > 150
  CHECK(refusal(R"({"key_a":{"key_b":{"key_c":["v1","v2","v3","v4"]}},"key_d":{"key_e":["v1","v2","v3"]},
                    "key_f":["v1","v2","v3"]})",
                FilterScope::kMessageBody) == "Filter policy is too complex");
  // 10 x 10 x 2 = 200 > 150; 10 x 15 = 150 is allowed.
  CHECK(refusal(R"({"a":[1,2,3,4,5,6,7,8,9,10],"b":[1,2,3,4,5,6,7,8,9,10],"c":[1,2]})") == "Filter policy is too complex");
  policy(R"({"a":[1,2,3,4,5,6,7,8,9,10],"b":[1,2,3,4,5,6,7,8,9,10,11,12,13,14,15]})");
  // $or: each branch counted (5 + 5 keys are fine), combinations summed: 80 + 80 > 150.
  CHECK(refusal(R"({"$or":[{"a":[1,2,3,4,5,6,7,8],"b":[1,2,3,4,5,6,7,8,9,10]},
                           {"c":[1,2,3,4,5,6,7,8],"d":[1,2,3,4,5,6,7,8,9,10]}]})") == "Filter policy is too complex");
  policy(R"({"$or":[{"a":[1],"b":[1],"c":[1],"d":[1],"e":[1]},{"f":[1],"g":[1],"h":[1],"i":[1],"j":[1]}]})");
}

// The MessageAttributes scope refuses nested policies, in AWS's own (unscoped) wording.
TEST_CASE("filter policy scope and messages", "[sns][filter]") {
  FilterPolicyError error;
  CHECK_FALSE(FilterPolicy::parse(R"({"object":{"key":["x"]}})", FilterScope::kMessageAttributes, error));
  CHECK(error.unscoped);
  CHECK(filter_policy_message(error, false) ==
        "Invalid parameter: Filter policy scope MessageAttributes does not support nested filter policy");
  FilterPolicyError keys{"Filter policy can not have more than 5 keys", false};
  CHECK(filter_policy_message(keys, false) == "Invalid parameter: FilterPolicy: Filter policy can not have more than 5 keys");
  CHECK(filter_policy_message(keys, true) ==
        "Invalid parameter: Attributes Reason: FilterPolicy: Filter policy can not have more than 5 keys");
  // An empty policy matches everything.
  CHECK(policy("{}").matches_attributes({}));
}
