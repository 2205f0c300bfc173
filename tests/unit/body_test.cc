// Body and BodyBuilder: request bodies spill to an unlinked temporary file past the threshold,
// and handlers read them the same way (read_all, open) whether spilled or not.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "core/body.h"
#include "temp_dir.h"

using namespace rime;

namespace {

std::string binary_data(std::size_t n) {
  std::string s(n, '\0');
  for (std::size_t i = 0; i < n; ++i) s[i] = static_cast<char>((i * 37 + 11) & 0xff);
  return s;
}

Body build(const std::string& data, std::uint64_t threshold, std::size_t chunk) {
  BodyBuilder builder(threshold);
  for (std::size_t pos = 0; pos < data.size(); pos += chunk) {
    std::size_t n = std::min(chunk, data.size() - pos);
    REQUIRE(builder.append(data.data() + pos, n));
  }
  CHECK(builder.size() == data.size());
  return builder.finish();
}

std::string drain(BodySource& src, std::size_t chunk) {
  std::string out;
  std::vector<char> buf(chunk);
  for (;;) {
    auto got = src.read(buf.data(), buf.size());
    if (got < 0) FAIL("read error after " << out.size() << " bytes");
    if (got == 0) break;
    out.append(buf.data(), static_cast<std::size_t>(got));
  }
  return out;
}

// Points TMPDIR at a private directory for the test's duration, so spill files can be observed.
class ScopedTmpdir {
 public:
  explicit ScopedTmpdir(const std::string& dir) {
    if (const char* old = std::getenv("TMPDIR")) old_ = old;
    setenv("TMPDIR", dir.c_str(), 1);
  }
  ~ScopedTmpdir() {
    if (old_) setenv("TMPDIR", old_->c_str(), 1);
    else unsetenv("TMPDIR");
  }

 private:
  std::optional<std::string> old_;
};

}  // namespace

// Small bodies stay in memory; the threshold itself is not "past" the threshold.
TEST_CASE("body: stays in memory up to the threshold", "[core][body]") {
  auto data = binary_data(100);
  Body at = build(data, 100, 30);
  CHECK(at.in_memory());
  CHECK(at.size() == 100);
  CHECK(at.view() == data);
  CHECK(at.read_all() == data);

  Body past = build(binary_data(101), 100, 30);
  CHECK_FALSE(past.in_memory());
  CHECK(past.size() == 101);
}

// Handlers must not care where the body lives: read_all and open() give identical bytes,
// NULs included, for memory and spilled bodies, however the bytes arrived.
TEST_CASE("body: memory and spilled bodies read identically", "[core][body]") {
  auto data = binary_data(300000);
  std::size_t chunk = GENERATE(1000u, 65536u, 300000u);
  INFO("chunk " << chunk);
  Body mem = build(data, 1u << 20, chunk);
  Body spilled = build(data, 4096, chunk);
  REQUIRE(mem.in_memory());
  REQUIRE_FALSE(spilled.in_memory());
  for (const Body* b : {&mem, &spilled}) {
    CHECK(b->size() == data.size());
    CHECK_FALSE(b->empty());
    CHECK(b->read_all() == data);
    auto src = b->open();
    REQUIRE(src);
    CHECK(src->size() == static_cast<std::int64_t>(data.size()));
    CHECK(drain(*src, 777) == data);
    char c;
    CHECK(src->read(&c, 1) == 0);
    CHECK(b->read_all() == data);  // reading does not consume the body
  }
}

// Several readers of one body (e.g. checksum and store) advance independently.
TEST_CASE("body: independent readers", "[core][body]") {
  auto data = binary_data(50000);
  bool spill = GENERATE(false, true);
  Body body = build(data, spill ? 1000 : 1u << 20, 4096);
  REQUIRE(body.in_memory() == !spill);
  auto r1 = body.open(), r2 = body.open();
  std::string s1, s2;
  char buf[997];
  // Interleave reads of different sizes.
  for (;;) {
    auto g1 = r1->read(buf, 997);
    REQUIRE(g1 >= 0);
    s1.append(buf, static_cast<std::size_t>(g1));
    auto g2 = r2->read(buf, 10);
    REQUIRE(g2 >= 0);
    s2.append(buf, static_cast<std::size_t>(g2));
    if (g1 == 0 && g2 == 0) break;
  }
  CHECK(s1 == data);
  CHECK(s2 == data);
  // A reader opened after the others finished still starts at byte 0.
  CHECK(drain(*body.open(), 4096) == data);
}

// An empty body (GET, DELETE) is empty through every accessor.
TEST_CASE("body: empty", "[core][body]") {
  Body body;
  CHECK(body.empty());
  CHECK(body.size() == 0);
  CHECK(body.in_memory());
  CHECK(body.read_all().empty());
  char c;
  CHECK(body.open()->read(&c, 1) == 0);
  BodyBuilder builder(0);
  REQUIRE(builder.append("", 0));
  Body built = builder.finish();
  CHECK(built.empty());
  CHECK(built.read_all().empty());
}

// Bodies move between pipeline steps; the moved-to body owns the bytes (and the spill file).
TEST_CASE("body: move", "[core][body]") {
  auto data = binary_data(10000);
  bool spill = GENERATE(false, true);
  Body a = build(data, spill ? 100 : 1u << 20, 1000);
  Body b(std::move(a));
  CHECK(b.read_all() == data);
  Body c;
  c = std::move(b);
  CHECK(c.size() == data.size());
  CHECK(c.read_all() == data);
  CHECK(drain(*c.open(), 333) == data);
  Body d(std::string("hello"));
  CHECK(d.in_memory());
  CHECK(d.view() == "hello");
}

// The spill file is unlinked at once: a crash or a killed process leaves nothing in TMPDIR.
TEST_CASE("body: spill file is not left in TMPDIR", "[core][body]") {
  unit::TempDir dir;
  ScopedTmpdir tmpdir(dir.str());
  auto data = binary_data(20000);
  Body body = build(data, 1000, 500);
  REQUIRE_FALSE(body.in_memory());
  CHECK(std::filesystem::is_empty(dir.path()));
  CHECK(body.read_all() == data);
}

// StringSource is the in-memory BodySource: exact bytes, then 0 at the end.
TEST_CASE("string source", "[core][body]") {
  StringSource src(std::string("a\0b", 3));
  CHECK(src.size() == 3);
  char buf[8];
  CHECK(src.read(buf, 2) == 2);
  CHECK(src.read(buf + 2, 8) == 1);
  CHECK(std::string(buf, 3) == std::string("a\0b", 3));
  CHECK(src.read(buf, 8) == 0);
}
