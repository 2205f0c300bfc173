// BlobStore: the three kinds of blob an S3-like service keeps (current, versions, multipart
// parts), kept apart from each other and from other namespaces on the same Vfs.
#include <catch2/catch.hpp>

#include <memory>
#include <string>
#include <vector>

#include "core/blob_store.h"
#include "temp_dir.h"

using namespace rime;

namespace {

struct MemMaker {
  std::shared_ptr<Vfs> make() { return std::make_shared<MemVfs>(); }
};

struct FsMaker {
  unit::TempDir dir;
  std::shared_ptr<Vfs> make() { return std::make_shared<FsVfs>(dir.str()); }
};

using Names = std::vector<std::string>;

}  // namespace

// Current blobs by name; list(prefix) sees only current names, stripped of the namespace.
TEMPLATE_TEST_CASE("blob store: current blobs", "[core][blob_store]", MemMaker, FsMaker) {
  TestType maker;
  BlobStore store(maker.make(), "s3");
  REQUIRE(store.put("bucket/a.txt", "A"));
  REQUIRE(store.put("bucket/b/c.txt", "BC"));
  REQUIRE(store.put("other/x", "X"));
  REQUIRE(store.put_version("bucket/a.txt", "v1", "old A"));
  REQUIRE(store.put_part("upload-1", 1, "part"));
  CHECK(store.get("bucket/a.txt") == std::string("A"));
  REQUIRE(store.stat("bucket/b/c.txt"));
  CHECK(store.stat("bucket/b/c.txt")->size == 2);
  CHECK(store.list("bucket/") == Names{"bucket/a.txt", "bucket/b/c.txt"});
  CHECK(store.list() == Names{"bucket/a.txt", "bucket/b/c.txt", "other/x"});
  auto src = store.open("other/x");
  REQUIRE(src);
  char c;
  CHECK(src->read(&c, 1) == 1);
  CHECK(c == 'X');
  CHECK(store.remove("other/x"));
  CHECK_FALSE(store.get("other/x"));
  CHECK_FALSE(store.remove("other/x"));
  CHECK(store.list() == Names{"bucket/a.txt", "bucket/b/c.txt"});
}

// Object versions: a name's versions never include those of a name it is a prefix of.
TEMPLATE_TEST_CASE("blob store: versions", "[core][blob_store]", MemMaker, FsMaker) {
  TestType maker;
  BlobStore store(maker.make(), "s3");
  REQUIRE(store.put_version("k", "v2", "two"));
  REQUIRE(store.put_version("k", "v1", "one"));
  REQUIRE(store.put_version("k2", "v9", "other name"));
  REQUIRE(store.put_version("k/sub", "v8", "other name"));
  CHECK(store.versions("k") == Names{"v1", "v2"});
  CHECK(store.versions("k2") == Names{"v9"});
  CHECK(store.get_version("k", "v1") == std::string("one"));
  CHECK(store.get_version("k", "v2") == std::string("two"));
  CHECK_FALSE(store.get_version("k", "v3"));
  CHECK_FALSE(store.get("k"));  // versions are not the current blob
  CHECK(store.list().empty());
  CHECK(store.remove_version("k", "v1"));
  CHECK_FALSE(store.remove_version("k", "v1"));
  CHECK(store.versions("k") == Names{"v2"});
  CHECK(store.versions("none").empty());
}

// CompleteMultipartUpload: parts concatenated in the listed order, then the parts are gone.
TEMPLATE_TEST_CASE("blob store: compose multipart parts", "[core][blob_store]", MemMaker, FsMaker) {
  TestType maker;
  BlobStore store(maker.make(), "s3");
  std::string p1(70000, '1'), p2 = "second", p3(5, '3');
  REQUIRE(store.put_part("up", 1, p1));
  StringSource s2(p2);
  REQUIRE(store.put_part_stream("up", 2, s2));
  REQUIRE(store.put_part("up", 3, p3));
  REQUIRE(store.put_part("up", 4, "never listed"));
  REQUIRE(store.stat_part("up", 2));
  CHECK(store.stat_part("up", 2)->size == p2.size());
  REQUIRE(store.compose("up", {1, 2, 3}, "bucket/obj"));
  CHECK(store.get("bucket/obj") == p1 + p2 + p3);
  CHECK(store.stat("bucket/obj")->size == p1.size() + p2.size() + p3.size());
  // All of the upload's parts are removed, including ones not in the list.
  for (int part : {1, 2, 3, 4}) CHECK_FALSE(store.stat_part("up", part));
  CHECK(store.vfs().list(store.ns() + "/").size() == 1);
}

// Parts in a non-numeric order and empty parts compose exactly as listed.
TEMPLATE_TEST_CASE("blob store: compose order and empty parts", "[core][blob_store]", MemMaker, FsMaker) {
  TestType maker;
  BlobStore store(maker.make(), "s3");
  REQUIRE(store.put_part("u", 10, "ten"));
  REQUIRE(store.put_part("u", 2, ""));
  REQUIRE(store.put_part("u", 1, "one"));
  REQUIRE(store.compose("u", {1, 2, 10}, "o"));
  CHECK(store.get("o") == std::string("oneten"));
}

// A missing part fails the compose without touching the current object or the other parts.
TEMPLATE_TEST_CASE("blob store: compose with a missing part", "[core][blob_store]", MemMaker, FsMaker) {
  TestType maker;
  BlobStore store(maker.make(), "s3");
  REQUIRE(store.put("o", "existing"));
  REQUIRE(store.put_part("u", 1, "a"));
  CHECK_FALSE(store.compose("u", {1, 2}, "o"));
  CHECK(store.get("o") == std::string("existing"));
  CHECK(store.stat_part("u", 1));
}

// AbortMultipartUpload removes that upload's parts only, even when another id extends its name.
TEMPLATE_TEST_CASE("blob store: abort", "[core][blob_store]", MemMaker, FsMaker) {
  TestType maker;
  BlobStore store(maker.make(), "s3");
  REQUIRE(store.put_part("up1", 1, "a"));
  REQUIRE(store.put_part("up1", 2, "b"));
  REQUIRE(store.put_part("up10", 1, "c"));
  REQUIRE(store.put("up1", "current blob named like the upload"));
  store.abort("up1");
  CHECK_FALSE(store.stat_part("up1", 1));
  CHECK_FALSE(store.stat_part("up1", 2));
  CHECK(store.stat_part("up10", 1));
  CHECK(store.get("up1"));
  store.abort("never-started");  // harmless
}

// Services share one Vfs: same names in two namespaces stay apart, and clear() (admin reset)
// empties only its own namespace, even one whose name extends it.
TEMPLATE_TEST_CASE("blob store: namespaces are isolated", "[core][blob_store]", MemMaker, FsMaker) {
  TestType maker;
  auto vfs = maker.make();
  BlobStore s3(vfs, "s3"), s3x(vfs, "s3x"), lambda(vfs, "lambda");
  REQUIRE(s3.put("k", "s3"));
  REQUIRE(s3x.put("k", "s3x"));
  REQUIRE(lambda.put("k", "lambda"));
  REQUIRE(s3.put_version("k", "v", "s3 version"));
  REQUIRE(s3.put_part("u", 1, "s3 part"));
  REQUIRE(s3x.put_part("u", 1, "s3x part"));
  CHECK(s3.get("k") == std::string("s3"));
  CHECK(s3x.get("k") == std::string("s3x"));
  CHECK(lambda.get("k") == std::string("lambda"));
  CHECK(s3.list() == Names{"k"});
  CHECK_FALSE(lambda.get_version("k", "v"));
  REQUIRE(s3.compose("u", {1}, "composed"));
  CHECK(s3x.stat_part("u", 1));
  CHECK_FALSE(s3x.get("composed"));
  s3.clear();
  CHECK_FALSE(s3.get("k"));
  CHECK_FALSE(s3.get("composed"));
  CHECK(s3.versions("k").empty());
  CHECK(s3.list().empty());
  CHECK(s3x.get("k") == std::string("s3x"));
  CHECK(s3x.stat_part("u", 1));
  CHECK(lambda.get("k") == std::string("lambda"));
}
