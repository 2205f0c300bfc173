// The admin state loader (server/admin.cc): PUT/PATCH /_rime/state bodies, validated whole by
// every stateful built-in service (STS, SQS, SNS) before anything is applied. Input: up to four
// documents separated by NUL bytes, applied in turn (PUT, PATCH, PUT, PATCH) to a fresh state.
//
// Invariants (DESIGN.md's admin contract): a rejected document changes nothing; after an
// accepted one, GET then PUT of the snapshot is accepted and is an identity; and the snapshot
// restores to the same state in a freshly reset process.
#include <string>
#include <string_view>

#include "server/admin.h"
#include "tests/fuzz/fuzz_target.h"
#include "tests/fuzz/support.h"

RIME_FUZZ_TARGET(admin_state) {
  using namespace rime;
  auto& pipeline = fuzz::Pipeline::instance();
  Admin& admin = pipeline.admin();
  pipeline.reset();
  auto snapshot = [&] { return admin.snapshot({}, "", "", BlobMode::kInline); };

  std::string_view rest(reinterpret_cast<const char*>(data), size);
  for (int i = 0; i < 4 && !rest.empty(); ++i) {
    auto nul = rest.find('\0');
    std::string_view doc = rest.substr(0, nul);
    rest = nul == std::string_view::npos ? std::string_view{} : rest.substr(nul + 1);

    std::string before = snapshot();
    if (auto error = admin.apply(doc, /*merge=*/i % 2 == 1)) {
      RIME_FUZZ_CHECK(snapshot() == before, "a rejected document changed the state: " + *error);
      continue;
    }
    std::string s1 = snapshot();
    auto again = admin.apply(s1, false);
    RIME_FUZZ_CHECK(!again, "the snapshot was rejected: " + again.value_or("") + "\n" + s1);
    std::string s2 = snapshot();
    RIME_FUZZ_CHECK(s1 == s2, "GET then PUT is not an identity:\n" + s1 + "\n" + s2);
  }
  std::string last = snapshot();
  pipeline.reset();
  auto restored = admin.apply(last, false);
  RIME_FUZZ_CHECK(!restored, "the snapshot was rejected by a fresh state: " + restored.value_or(""));
  RIME_FUZZ_CHECK(snapshot() == last, "restoring into a fresh state differs");
  return 0;
}
