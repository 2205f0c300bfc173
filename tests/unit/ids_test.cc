// Identifiers: request ids are RFC 4122 version-4 UUIDs (as AWS's x-amzn-RequestId), unique,
// also across threads; random_hex and random_upper_alnum use only their alphabets.
#include <catch2/catch.hpp>

#include <mutex>
#include <regex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "core/ids.h"

using namespace rime;

namespace {
const std::regex kUuidV4("^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$");
}

// Shape: 8-4-4-4-12 lower-case hex, version nibble 4, variant 10xx (8, 9, a or b).
TEST_CASE("request id is a v4 UUID", "[core][ids]") {
  for (int i = 0; i < 1000; ++i) {
    auto id = new_request_id();
    INFO(id);
    REQUIRE(id.size() == 36);
    CHECK(std::regex_match(id, kUuidV4));
  }
}

// 10k ids without a repeat: 122 random bits make a collision practically impossible.
TEST_CASE("request ids are unique", "[core][ids]") {
  std::set<std::string> seen;
  for (int i = 0; i < 10000; ++i) seen.insert(new_request_id());
  CHECK(seen.size() == 10000);
}

// Each thread has its own generator: threads must not be seeded alike and repeat each other.
TEST_CASE("request ids are unique across threads", "[core][ids]") {
  std::mutex m;
  std::set<std::string> seen;
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t)
    threads.emplace_back([&] {
      std::vector<std::string> local;
      for (int i = 0; i < 1000; ++i) local.push_back(new_request_id());
      std::lock_guard lock(m);
      seen.insert(local.begin(), local.end());
    });
  for (auto& t : threads) t.join();
  CHECK(seen.size() == 8000);
}

// Random ids keep their length and alphabet (access key ids are [A-Z0-9]).
TEST_CASE("random_hex and random_upper_alnum", "[core][ids]") {
  CHECK(random_hex(0).empty());
  auto hex = random_hex(64);
  CHECK(hex.size() == 64);
  CHECK(hex.find_first_not_of("0123456789abcdef") == std::string::npos);
  auto alnum = random_upper_alnum(200);
  CHECK(alnum.size() == 200);
  CHECK(alnum.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789") == std::string::npos);
  CHECK(random_hex(32) != random_hex(32));
  CHECK(random_upper_alnum(20) != random_upper_alnum(20));
}
