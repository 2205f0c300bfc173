// Percent-encoding and query strings (core/uri.h), as SigV4, the query protocols and the REST
// label/query bindings use them.
//
// Invariants: decoding never grows the text; decode(encode(x)) == x with and without '+' as
// space and with '/' kept or not; encode emits only unreserved characters and %XX; a query
// string built from encoded key and value parses back to exactly that pair.
#include <string>
#include <string_view>

#include "core/uri.h"
#include "tests/fuzz/fuzz_target.h"

namespace {

bool encoded_only(std::string_view s, bool keep_slash) {
  for (std::size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    bool unreserved = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
                      c == '_' || c == '.' || c == '~' || (keep_slash && c == '/');
    if (unreserved) continue;
    if (c != '%' || i + 2 >= s.size()) return false;
    i += 2;
  }
  return true;
}

}  // namespace

RIME_FUZZ_TARGET(uri) {
  using namespace rime;
  std::string_view in(reinterpret_cast<const char*>(data), size);

  for (bool plus : {false, true}) {
    std::string decoded = percent_decode(in, plus);
    RIME_FUZZ_CHECK(decoded.size() <= in.size(), "decoding grew the text");
    (void)parse_query(in, plus);
  }
  for (bool keep_slash : {false, true}) {
    std::string encoded = percent_encode(in, keep_slash);
    RIME_FUZZ_CHECK(encoded_only(encoded, keep_slash), encoded);
    RIME_FUZZ_CHECK(percent_decode(encoded, false) == in, encoded);
    RIME_FUZZ_CHECK(percent_decode(encoded, true) == in, encoded);
  }

  auto nul = in.find('\0');
  std::string_view key = in.substr(0, nul);
  std::string_view value = nul == std::string_view::npos ? std::string_view{} : in.substr(nul + 1);
  std::string query = percent_encode(key) + "=" + percent_encode(value);
  QueryParams params = parse_query(query);
  RIME_FUZZ_CHECK(params.size() == 1 && params[0].first == key && params[0].second == value, query);
  const std::string* found = find_param(params, key);
  RIME_FUZZ_CHECK(found && *found == value, query);
  return 0;
}
