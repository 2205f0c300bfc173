// Tagged JSON (tests/conformance/ECHO.md): every Value kind round-trips, special doubles and
// the other tags read back, malformed tags are rejected.
#include <catch2/catch.hpp>

#include <cmath>
#include <limits>

#include "tests/support/tagged_json.h"

using namespace rime;
using proto::Value;
using testing::from_tagged_json;
using testing::to_tagged_json;

namespace {

Value round_trip(const Value& v) {
  std::string error;
  auto back = from_tagged_json(to_tagged_json(v), &error);
  INFO(error);
  REQUIRE(back);
  return *back;
}

}  // namespace

TEST_CASE("tagged JSON round-trips every value kind", "[tagged_json]") {
  Value v = Value::object();
  v.set("Null", Value());
  v.set("True", true);
  v.set("False", false);
  v.set("Int", std::int64_t{-9007199254740993});
  v.set("Max", std::numeric_limits<std::int64_t>::max());
  v.set("Min", std::numeric_limits<std::int64_t>::min());
  v.set("Double", 0.1);
  v.set("Whole", 3.0);
  v.set("NegZero", -0.0);
  v.set("Tiny", 5e-324);
  v.set("Huge", 1.7976931348623157e308);
  v.set("Str", std::string("h\xC3\xA9llo \"q\" \\ \n\t", 16));
  v.set("Nul", Value(std::string("a\0b", 3)));
  v.set("Blob", proto::Blob{std::string("\0\xff\x01 bytes", 9)});
  v.set("EmptyBlob", proto::Blob{});
  v.set("Time", proto::Timestamp{1700000000123});
  v.set("Before1970", proto::Timestamp{-1});
  v.set("Big", proto::BigNumber{"123456789012345678901234567890.5"});
  Value list = Value::list();
  list.push(1);
  list.push("two");
  list.push(Value());
  list.push(Value::object());
  list.push(Value::list());
  v.set("List", list);
  Value map = Value::object();
  map.set("b", 1);
  map.set("a", 2);  // order kept
  v.set("Map", map);

  Value back = round_trip(v);
  CHECK(back == v);
  CHECK(back.find("Whole")->is_double());
  CHECK(back.find("Int")->is_int());
  CHECK(std::signbit(back.find("NegZero")->as_double()));
  CHECK(back.find("Map")->as_object().front().first == "b");
}

TEST_CASE("tagged JSON special doubles", "[tagged_json]") {
  CHECK(to_tagged_json(Value(std::numeric_limits<double>::quiet_NaN())) == R"({"$double":"NaN"})");
  CHECK(to_tagged_json(Value(std::numeric_limits<double>::infinity())) == R"({"$double":"Infinity"})");
  CHECK(to_tagged_json(Value(-std::numeric_limits<double>::infinity())) == R"({"$double":"-Infinity"})");
  CHECK(std::isnan(round_trip(Value(std::numeric_limits<double>::quiet_NaN())).as_double()));
  CHECK(round_trip(Value(-std::numeric_limits<double>::infinity())).as_double() ==
        -std::numeric_limits<double>::infinity());
}

TEST_CASE("tagged JSON text forms", "[tagged_json]") {
  CHECK(to_tagged_json(Value(1.0)) == "1.0");
  CHECK(to_tagged_json(Value(std::int64_t{1})) == "1");
  CHECK(to_tagged_json(Value(proto::Blob{"hi"})) == R"({"$blob":"aGk="})");
  CHECK(to_tagged_json(Value(proto::Timestamp{1500})) == R"({"$timestamp":1500})");
  CHECK(to_tagged_json(Value(proto::BigNumber{"1e400"})) == R"({"$big":"1e400"})");

  auto v = from_tagged_json(R"({"A":{"$blob":"aGk="},"B":[{"$timestamp":2}],"C":1.5e2,"D":{"$big":"7"}})");
  REQUIRE(v);
  CHECK(v->find("A")->as_blob().bytes == "hi");
  CHECK(v->find("B")->as_list()[0].as_timestamp().epoch_millis == 2);
  CHECK(v->find("C")->is_double());
  CHECK(v->find("C")->as_double() == 150.0);
  CHECK(v->find("D")->as_big_number().text == "7");
  // Two keys, one starting with '$': an ordinary object.
  auto two = from_tagged_json(R"({"$blob":"aGk=","x":1})");
  REQUIRE(two);
  CHECK(two->as_object().size() == 2);
  // Doubles read back exactly.
  CHECK(from_tagged_json("0.30000000000000004")->as_double() == 0.30000000000000004);
}

TEST_CASE("tagged JSON rejects malformed input", "[tagged_json]") {
  std::string error;
  CHECK_FALSE(from_tagged_json("", &error));
  CHECK_FALSE(from_tagged_json("{", &error));
  CHECK_FALSE(from_tagged_json("1 2", &error));
  CHECK_FALSE(from_tagged_json(R"({"$blob":"not base64!"})", &error));
  CHECK_FALSE(from_tagged_json(R"({"$blob":1})", &error));
  CHECK_FALSE(from_tagged_json(R"({"$timestamp":"1"})", &error));
  CHECK_FALSE(from_tagged_json(R"({"$timestamp":1.5})", &error));
  CHECK_FALSE(from_tagged_json(R"({"$double":"nan"})", &error));
  CHECK_FALSE(from_tagged_json(R"({"$big":""})", &error));
  CHECK_FALSE(from_tagged_json(R"({"$what":"x"})", &error));
  CHECK(error.find("$what") != std::string::npos);
  CHECK_FALSE(from_tagged_json("18446744073709551615", &error));
  CHECK_FALSE(from_tagged_json(std::string(100000, '[') + std::string(100000, ']'), &error));
}
