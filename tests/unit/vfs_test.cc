// Vfs: MemVfs and FsVfs run the same contract (keys are opaque bytes, list is sorted by prefix,
// streaming in and out); FsVfs additionally never escapes its root and survives restarts and crashes.
#include <catch2/catch.hpp>

#include <atomic>
#include <barrier>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "core/clock.h"
#include "core/vfs.h"
#include "temp_dir.h"

using namespace rime;
namespace fs = std::filesystem;

namespace {

// Makers give each TEMPLATE_TEST_CASE a fresh Vfs; FsVfs lives under <parent>/root so the test can
// check nothing lands beside it.
struct MemMaker {
  std::unique_ptr<Vfs> make() { return std::make_unique<MemVfs>(); }
};

struct FsMaker {
  unit::TempDir parent;
  std::string root() const { return (parent.path() / "root").string(); }
  std::unique_ptr<Vfs> make() { return std::make_unique<FsVfs>(root()); }
};

// Every path under `parent` that is not `root` itself or inside it.
std::vector<std::string> escaped_paths(const fs::path& parent, const fs::path& root) {
  std::vector<std::string> out;
  for (const auto& entry : fs::recursive_directory_iterator(parent)) {
    auto rel = entry.path().lexically_relative(root);
    if (rel.empty() || *rel.begin() == "..") out.push_back(entry.path().string());
  }
  return out;
}

// Deterministic bytes generated on demand: a large source that is never held in memory.
class PatternSource final : public BodySource {
 public:
  PatternSource(std::uint64_t total, bool known_size) : total_(total), known_(known_size) {}
  static char byte_at(std::uint64_t i) { return static_cast<char>((i * 131 + (i >> 13)) & 0xff); }
  std::int64_t read(char* out, std::size_t n) override {
    std::size_t take = static_cast<std::size_t>(std::min<std::uint64_t>(n, total_ - pos_));
    for (std::size_t i = 0; i < take; ++i) out[i] = byte_at(pos_ + i);
    pos_ += take;
    return static_cast<std::int64_t>(take);
  }
  std::int64_t size() const override { return known_ ? static_cast<std::int64_t>(total_) : -1; }

 private:
  std::uint64_t total_, pos_ = 0;
  bool known_;
};

// Yields some bytes, then fails, as a client that drops mid-upload.
class FailingSource final : public BodySource {
 public:
  std::int64_t read(char* out, std::size_t n) override {
    if (served_) return -1;
    served_ = true;
    std::size_t take = std::min<std::size_t>(n, 5);
    std::copy_n("WRONG", take, out);
    return static_cast<std::int64_t>(take);
  }
  std::int64_t size() const override { return -1; }

 private:
  bool served_ = false;
};

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

std::vector<std::string> odd_keys() {
  return {
      "../x",
      "../../etc/passwd",
      "/etc/passwd",
      "a%2Fb",
      "a/b",
      "/",
      "a//b/",
      ".",
      "..",
      "bucket/\xD0\xBA\xD0\xBB\xD1\x8E\xD1\x87/\xE6\x97\xA5\xE6\x9C\xAC/\xF0\x9F\x99\x82",  // UTF-8
      std::string("nul\0inside", 10),
      std::string("\0", 1),
      std::string("nul", 3),
      std::string(1024, 'k'),
      std::string(1023, '/') + "x",
      "",
      "with space\tand\nnewline",
      "\xff\xfe invalid utf-8",
  };
}

}  // namespace

// The basic contract: put replaces, get/remove of missing keys, remove reports what it did.
TEMPLATE_TEST_CASE("vfs: put, get, replace, remove", "[core][vfs]", MemMaker, FsMaker) {
  TestType maker;
  auto vfs = maker.make();
  CHECK_FALSE(vfs->get("k"));
  CHECK_FALSE(vfs->stat("k"));
  CHECK(vfs->open("k") == nullptr);
  CHECK_FALSE(vfs->remove("k"));
  REQUIRE(vfs->put("k", "first"));
  CHECK(vfs->get("k") == std::string("first"));
  REQUIRE(vfs->put("k", "second, longer"));
  CHECK(vfs->get("k") == std::string("second, longer"));
  REQUIRE(vfs->put("k", ""));
  CHECK(vfs->get("k") == std::string());
  REQUIRE(vfs->stat("k"));
  CHECK(vfs->stat("k")->size == 0);
  CHECK(vfs->list("") == std::vector<std::string>{"k"});
  CHECK(vfs->remove("k"));
  CHECK_FALSE(vfs->get("k"));
  CHECK_FALSE(vfs->remove("k"));
  CHECK(vfs->list("").empty());
}

// list(prefix) is S3 ListObjects' basis: byte order, only keys with the prefix.
TEMPLATE_TEST_CASE("vfs: list by prefix in byte order", "[core][vfs]", MemMaker, FsMaker) {
  TestType maker;
  auto vfs = maker.make();
  for (std::string k : {"b/2", "a", "b/10", "b/1", "B/1", "b", "c", "b0", "b/\xC3\xA9"}) REQUIRE(vfs->put(k, k));
  CHECK(vfs->list("b/") == std::vector<std::string>{"b/1", "b/10", "b/2", "b/\xC3\xA9"});
  CHECK(vfs->list("b") == std::vector<std::string>{"b", "b/1", "b/10", "b/2", "b/\xC3\xA9", "b0"});
  CHECK(vfs->list("") == std::vector<std::string>{"B/1", "a", "b", "b/1", "b/10", "b/2", "b/\xC3\xA9", "b0", "c"});
  CHECK(vfs->list("z").empty());
  CHECK(vfs->list("b/1/").empty());
}

// stat reports the stored size and a modification time close to now (S3 LastModified).
TEMPLATE_TEST_CASE("vfs: stat", "[core][vfs]", MemMaker, FsMaker) {
  TestType maker;
  auto vfs = maker.make();
  auto before = epoch_millis(now());
  REQUIRE(vfs->put("k", std::string(1000, 'x')));
  auto meta = vfs->stat("k");
  REQUIRE(meta);
  CHECK(meta->size == 1000);
  CHECK(meta->modified_ms >= before - 1000);
  CHECK(meta->modified_ms <= epoch_millis(now()) + 1000);
}

// open() streams a blob in chunks of any size and reports its size up front (Content-Length).
TEMPLATE_TEST_CASE("vfs: open streams the blob", "[core][vfs]", MemMaker, FsMaker) {
  TestType maker;
  auto vfs = maker.make();
  std::string data;
  for (int i = 0; i < 100000; ++i) data.push_back(static_cast<char>(i * 7));
  REQUIRE(vfs->put("blob", data));
  for (std::size_t chunk : {1u, 7u, 4096u, 1u << 20}) {
    INFO(chunk);
    auto src = vfs->open("blob");
    REQUIRE(src);
    CHECK(src->size() == static_cast<std::int64_t>(data.size()));
    CHECK(drain(*src, chunk) == data);
    char c;
    CHECK(src->read(&c, 1) == 0);  // stays at end
  }
  // Two readers at once do not disturb each other.
  auto r1 = vfs->open("blob"), r2 = vfs->open("blob");
  char a[10];
  REQUIRE(r1->read(a, 10) == 10);
  CHECK(drain(*r2, 333) == data);
  CHECK(std::string(a, 10) + drain(*r1, 1000) == data);
}

// A GET racing a PUT of the same key sees the old object or the new, never a mix (S3 semantics).
TEMPLATE_TEST_CASE("vfs: an open reader keeps the blob it opened", "[core][vfs]", MemMaker, FsMaker) {
  TestType maker;
  auto vfs = maker.make();
  std::string old_data(50000, 'o');
  REQUIRE(vfs->put("k", old_data));
  auto reader = vfs->open("k");
  REQUIRE(reader);
  char head[100];
  REQUIRE(reader->read(head, sizeof head) == 100);
  REQUIRE(vfs->put("k", std::string(80000, 'n')));
  CHECK(std::string(head, 100) + drain(*reader, 4096) == old_data);
  auto removed_reader = vfs->open("k");
  REQUIRE(vfs->remove("k"));
  CHECK(drain(*removed_reader, 4096) == std::string(80000, 'n'));
}

// Keys are opaque bytes (S3 allows any UTF-8, clients send worse): each one round-trips exactly,
// and FsVfs never creates anything outside its root, whatever the key says.
TEMPLATE_TEST_CASE("vfs: hostile and unusual keys round-trip", "[core][vfs]", MemMaker, FsMaker) {
  TestType maker;
  auto vfs = maker.make();
  auto keys = odd_keys();
  for (std::size_t i = 0; i < keys.size(); ++i) REQUIRE(vfs->put(keys[i], "value " + std::to_string(i) + keys[i]));
  for (std::size_t i = 0; i < keys.size(); ++i) {
    INFO("key #" << i);
    CHECK(vfs->get(keys[i]) == "value " + std::to_string(i) + keys[i]);
    REQUIRE(vfs->stat(keys[i]));
    CHECK(vfs->stat(keys[i])->size == ("value " + std::to_string(i) + keys[i]).size());
  }
  auto sorted = keys;
  std::sort(sorted.begin(), sorted.end());
  CHECK(vfs->list("") == sorted);
  // Prefix matching is byte-exact, NULs included.
  CHECK(vfs->list(std::string("nul\0", 4)) == std::vector<std::string>{std::string("nul\0inside", 10)});
  CHECK(vfs->list("..") == std::vector<std::string>{"..", "../../etc/passwd", "../x"});
  if constexpr (std::is_same_v<TestType, FsMaker>) {
    CHECK(escaped_paths(maker.parent.path(), maker.root()).empty());
  }
  for (const auto& k : keys) CHECK(vfs->remove(k));
  CHECK(vfs->list("").empty());
}

// A large upload is streamed through: a 20 MiB generated source lands byte-exact.
TEMPLATE_TEST_CASE("vfs: put_stream from a large source", "[core][vfs]", MemMaker, FsMaker) {
  TestType maker;
  auto vfs = maker.make();
  constexpr std::uint64_t kSize = 20ull << 20;
  bool known = GENERATE(true, false);
  PatternSource source(kSize, known);
  REQUIRE(vfs->put_stream("big", source));
  REQUIRE(vfs->stat("big"));
  CHECK(vfs->stat("big")->size == kSize);
  auto reader = vfs->open("big");
  REQUIRE(reader);
  CHECK(reader->size() == static_cast<std::int64_t>(kSize));
  std::vector<char> buf(256 * 1024);
  std::uint64_t pos = 0, mismatches = 0;
  for (;;) {
    auto got = reader->read(buf.data(), buf.size());
    REQUIRE(got >= 0);
    if (got == 0) break;
    for (std::int64_t i = 0; i < got; ++i)
      if (buf[static_cast<std::size_t>(i)] != PatternSource::byte_at(pos + static_cast<std::uint64_t>(i))) ++mismatches;
    pos += static_cast<std::uint64_t>(got);
  }
  CHECK(pos == kSize);
  CHECK(mismatches == 0);
}

// A failed upload (client gone mid-body) stores nothing and keeps the previous blob intact.
TEMPLATE_TEST_CASE("vfs: failed put_stream leaves the old blob", "[core][vfs]", MemMaker, FsMaker) {
  TestType maker;
  auto vfs = maker.make();
  REQUIRE(vfs->put("k", "original"));
  FailingSource bad;
  CHECK_FALSE(vfs->put_stream("k", bad));
  CHECK(vfs->get("k") == std::string("original"));
  FailingSource bad2;
  CHECK_FALSE(vfs->put_stream("new", bad2));
  CHECK_FALSE(vfs->get("new"));
  CHECK(vfs->list("") == std::vector<std::string>{"k"});
  if constexpr (std::is_same_v<TestType, FsMaker>) {
    for (const auto& e : fs::recursive_directory_iterator(maker.root()))
      CHECK(e.path().filename().string().find(".tmp.") == std::string::npos);
  }
}

// FsVfs on tmpfs when there is one: fsync is free there, so a race test gets many rounds per second.
struct ShmFsMaker {
  unit::TempDir parent{fs::is_directory("/dev/shm") ? fs::path("/dev/shm") : fs::temp_directory_path()};
  std::string root() const { return (parent.path() / "root").string(); }
  std::unique_ptr<Vfs> make() { return std::make_unique<FsVfs>(root()); }
};

// Concurrent PUTs and DELETEs of one key (S3 clients retrying, two writers racing) must leave a
// blob whose stat, get and open agree: the size reported is the size of the bytes served. Races
// are timing-dependent, so rounds repeat (persistent threads, one barrier per round) until an
// inconsistency shows or the time budget is spent; a correct Vfs always passes.
TEMPLATE_TEST_CASE("vfs: racing puts and removes of one key stay consistent", "[core][vfs]", MemMaker,
                   ShmFsMaker) {
  TestType maker;
  auto vfs = maker.make();
  constexpr int kWorkers = 4;  // worker 0 removes, the others put blobs of different sizes
  constexpr int kMaxRounds = 5000;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(1500);
  std::barrier sync(kWorkers + 1);
  std::atomic<bool> stop{false};
  std::vector<std::thread> workers;
  for (int t = 0; t < kWorkers; ++t)
    workers.emplace_back([&, t] {
      for (;;) {
        sync.arrive_and_wait();  // round starts
        if (stop) return;
        if (t == 0) vfs->remove("k");
        else vfs->put("k", std::string(static_cast<std::size_t>(t) * 1000, static_cast<char>('a' + t)));
        sync.arrive_and_wait();  // round ends
      }
    });
  int rounds = 0;
  std::string problem;
  while (problem.empty() && rounds < kMaxRounds && std::chrono::steady_clock::now() < deadline) {
    ++rounds;
    sync.arrive_and_wait();
    sync.arrive_and_wait();
    auto meta = vfs->stat("k");
    auto data = vfs->get("k");
    auto listed = vfs->list("k");
    if (meta.has_value() != data.has_value()) {
      problem = meta ? "stat finds the blob but get does not" : "get finds the blob but stat does not";
    } else if (listed.size() != (data ? 1u : 0u)) {
      problem = "list disagrees with get";
    } else if (data) {
      auto src = vfs->open("k");
      if (meta->size != data->size())
        problem = "stat size " + std::to_string(meta->size) + " != stored bytes " + std::to_string(data->size());
      else if (data->empty() || *data != std::string(data->size(), data->front()))
        problem = "bytes of two writers mixed";
      else if (!src || src->size() != static_cast<std::int64_t>(data->size()))
        problem = "open() size disagrees with the bytes";
    }
  }
  stop = true;
  sync.arrive_and_wait();
  for (auto& w : workers) w.join();
  INFO("after " << rounds << " rounds: " << problem);
  CHECK(problem.empty());
  if constexpr (std::is_same_v<TestType, ShmFsMaker>) {
    // What the index says must also be what a restart finds on disk.
    auto before = vfs->get("k");
    FsVfs again(maker.root());
    CHECK(again.get("k") == before);
  }
}

// --data-dir: a restarted daemon sees every blob it stored, with the same keys, bytes and sizes.
TEST_CASE("fsvfs: reopening the directory sees the same blobs", "[core][vfs]") {
  FsMaker maker;
  auto keys = odd_keys();
  {
    FsVfs vfs(maker.root());
    for (const auto& k : keys) REQUIRE(vfs.put(k, "v:" + k));
    REQUIRE(vfs.put("gone", "x"));
    REQUIRE(vfs.remove("gone"));
  }
  FsVfs again(maker.root());
  auto sorted = keys;
  std::sort(sorted.begin(), sorted.end());
  CHECK(again.list("") == sorted);
  for (const auto& k : keys) {
    CHECK(again.get(k) == "v:" + k);
    REQUIRE(again.stat(k));
    CHECK(again.stat(k)->size == ("v:" + k).size());
  }
  CHECK_FALSE(again.get("gone"));
}

// A crash mid-write leaves "*.tmp.*" files; they were never committed, so a restart must not
// show them as blobs nor let them shadow the committed blob they were about to replace.
TEST_CASE("fsvfs: leftover temporary files are not blobs", "[core][vfs]") {
  FsMaker maker;
  std::string shard_dir;
  {
    FsVfs vfs(maker.root());
    REQUIRE(vfs.put("kept", "committed"));
  }
  // Find the blob's files, then plant crash leftovers beside them and at the root.
  fs::path blob_file;
  for (const auto& e : fs::recursive_directory_iterator(maker.root()))
    if (e.is_regular_file() && e.path().extension() != ".key") blob_file = e.path();
  REQUIRE(!blob_file.empty());
  std::vector<fs::path> leftovers = {
      fs::path(blob_file.string() + ".tmp.deadbeef"),
      fs::path(blob_file.string() + ".key.tmp.0badf00d"),
      blob_file.parent_path() / "0000000000000000000000000000000000000000000000000000000000000000.tmp.12345678",
      fs::path(maker.root()) / "state.json.tmp.abcdef01",
  };
  for (const auto& p : leftovers) std::ofstream(p) << "half-written";
  FsVfs again(maker.root());
  CHECK(again.list("") == std::vector<std::string>{"kept"});
  CHECK(again.get("kept") == std::string("committed"));
  REQUIRE(again.put("kept", "replaced"));
  CHECK(again.get("kept") == std::string("replaced"));
  FsVfs third(maker.root());
  CHECK(third.list("") == std::vector<std::string>{"kept"});
  CHECK(third.get("kept") == std::string("replaced"));
}

// A crash between writing a new key's ".key" file and renaming its data into place leaves a key
// without a blob: the directory must still load, without that key.
TEST_CASE("fsvfs: key file without its blob is ignored", "[core][vfs]") {
  FsMaker maker;
  {
    FsVfs vfs(maker.root());
    REQUIRE(vfs.put("ghost", "x"));
    REQUIRE(vfs.put("real", "y"));
  }
  auto hash = sha256_hex("ghost");
  fs::remove(fs::path(maker.root()) / hash.substr(0, 2) / hash);
  FsVfs again(maker.root());
  CHECK(again.list("") == std::vector<std::string>{"real"});
  CHECK_FALSE(again.get("ghost"));
}

// --data-dir pointing at something unusable fails loudly at start, naming the path.
TEST_CASE("fsvfs: unusable root throws", "[core][vfs]") {
  unit::TempDir dir;
  auto file = dir.path() / "a-file";
  std::ofstream(file) << "x";
  CHECK_THROWS_WITH(FsVfs(file.string()), Catch::Contains(file.string()));
}

// sha256_hex names FsVfs files; pin it to the FIPS 180-2 test vectors.
TEST_CASE("sha256_hex test vectors", "[core][vfs]") {
  CHECK(sha256_hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  CHECK(sha256_hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}
