// Percent-encoding and query-string helpers (RFC 3986, as SigV4 and the REST protocols use them).
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace rime {

/// Decodes %XX escapes; with `plus_as_space`, '+' becomes ' ' (form bodies). Malformed escapes
/// are kept literally, as AWS front ends do, rather than failing the request.
std::string percent_decode(std::string_view in, bool plus_as_space = false);
/// Encodes everything but RFC 3986 unreserved characters; keeps '/' when `keep_slash`.
std::string percent_encode(std::string_view in, bool keep_slash = false);

using QueryParams = std::vector<std::pair<std::string, std::string>>;
/// Splits "a=1&b=&c" into decoded pairs (c gets an empty value).
QueryParams parse_query(std::string_view query, bool plus_as_space = true);
const std::string* find_param(const QueryParams& params, std::string_view name);

}  // namespace rime
