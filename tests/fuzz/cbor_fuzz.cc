// The CBOR decoder itself (protocols/cbor.h): the pull Reader over arbitrary bytes (every item,
// skip() of containers and tags, indefinite lengths), diagnostic notation and UTF-8 checking.
// Invariants: the Reader never reads past its input; after a failure every call fails.
#include <string>
#include <string_view>

#include "protocols/cbor.h"
#include "tests/fuzz/fuzz_target.h"

RIME_FUZZ_TARGET(cbor) {
  namespace cbor = rime::proto::cbor;
  std::string_view in(reinterpret_cast<const char*>(data), size);
  (void)cbor::to_diagnostic(in);
  (void)cbor::valid_utf8(in);

  cbor::Reader reader(in);
  for (int items = 0; items < 4096 && !reader.at_end(); ++items) {
    auto item = reader.read();
    RIME_FUZZ_CHECK(reader.offset() <= in.size(), "reader ran past its input");
    if (!item) {
      RIME_FUZZ_CHECK(reader.failed(), "read() failed without an error");
      RIME_FUZZ_CHECK(!reader.read(), "read() after a failure");
      break;
    }
    if (item->type == cbor::Type::kText) RIME_FUZZ_CHECK(cbor::valid_utf8(item->data), "text item with bad UTF-8");
    if (!reader.skip(*item)) {
      RIME_FUZZ_CHECK(reader.failed(), "skip() failed without an error");
      break;
    }
    RIME_FUZZ_CHECK(reader.offset() <= in.size(), "reader ran past its input");
  }
  return 0;
}
