// ARN helpers: partition from region and the canonical arn:<partition>:<service>:... string.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace rime {

/// "aws", "aws-cn" for cn-*, "aws-us-gov" for us-gov-*.
std::string_view partition_for_region(std::string_view region);

std::string make_arn(std::string_view service, std::string_view region, std::string_view account,
                     std::string_view resource);

struct Arn {
  std::string partition, service, region, account, resource;
  static std::optional<Arn> parse(std::string_view text);
  std::string str() const;
};

}  // namespace rime
