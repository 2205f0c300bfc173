// Scope: the (account, region) pair that partitions every service's state.
#pragma once

#include <compare>
#include <functional>
#include <string>

namespace rime {

struct Scope {
  std::string account;
  std::string region;
  auto operator<=>(const Scope&) const = default;
  bool operator==(const Scope&) const = default;
};

struct ScopeHash {
  std::size_t operator()(const Scope& s) const noexcept {
    return std::hash<std::string>{}(s.account) * 31u ^ std::hash<std::string>{}(s.region);
  }
};

/// An AWS account id is exactly 12 decimal digits.
bool is_account_id(std::string_view s);
/// Region names as AWS spells them: lowercase letters, digits and dashes, e.g. "us-east-1".
bool is_region_name(std::string_view s);

}  // namespace rime
