// ARN and scope helpers: partitions by region, parsing with ':' inside the resource.
#include <catch2/catch.hpp>

#include "core/arn.h"
#include "core/scope.h"

using namespace rime;

TEST_CASE("partition follows the region", "[core][arn]") {
  CHECK(partition_for_region("us-east-1") == "aws");
  CHECK(partition_for_region("cn-north-1") == "aws-cn");
  CHECK(partition_for_region("us-gov-west-1") == "aws-us-gov");
  CHECK(make_arn("sqs", "cn-north-1", "123456789012", "q") == "arn:aws-cn:sqs:cn-north-1:123456789012:q");
}

TEST_CASE("ARN parsing keeps colons in the resource", "[core][arn]") {
  auto arn = Arn::parse("arn:aws:logs:us-east-1:123456789012:log-group:/a/b:*");
  REQUIRE(arn);
  CHECK(arn->service == "logs");
  CHECK(arn->resource == "log-group:/a/b:*");
  CHECK(arn->str() == "arn:aws:logs:us-east-1:123456789012:log-group:/a/b:*");
  CHECK_FALSE(Arn::parse("arn:aws:s3"));
  CHECK_FALSE(Arn::parse("not-an-arn"));
}

TEST_CASE("account ids and region names", "[core][scope]") {
  CHECK(is_account_id("123456789012"));
  CHECK_FALSE(is_account_id("12345678901"));
  CHECK_FALSE(is_account_id("12345678901a"));
  CHECK(is_region_name("eu-west-3"));
  CHECK_FALSE(is_region_name("EU-WEST-3"));
  CHECK_FALSE(is_region_name("../etc"));
  CHECK_FALSE(is_region_name(""));
}
