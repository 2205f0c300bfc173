// Identifiers AWS hands out: request ids (UUID form), random hex and alphanumeric ids.
#pragma once

#include <string>

namespace rime {

/// A random UUID v4 string ("8f1c...-..."), the form most AWS services use for request ids.
std::string new_request_id();
/// `n` random lowercase hex digits.
std::string random_hex(std::size_t n);
/// `n` random characters from [A-Z0-9], as in access key ids.
std::string random_upper_alnum(std::size_t n);

}  // namespace rime
