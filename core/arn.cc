#include "core/arn.h"

#include "core/scope.h"

namespace rime {

std::string_view partition_for_region(std::string_view region) {
  if (region.starts_with("cn-")) return "aws-cn";
  if (region.starts_with("us-gov-")) return "aws-us-gov";
  if (region.starts_with("us-iso-")) return "aws-iso";
  if (region.starts_with("us-isob-")) return "aws-iso-b";
  return "aws";
}

std::string make_arn(std::string_view service, std::string_view region, std::string_view account,
                     std::string_view resource) {
  std::string out = "arn:";
  out += partition_for_region(region.empty() ? std::string_view("us-east-1") : region);
  out += ':';
  out += service;
  out += ':';
  out += region;
  out += ':';
  out += account;
  out += ':';
  out += resource;
  return out;
}

std::optional<Arn> Arn::parse(std::string_view text) {
  // arn:partition:service:region:account:resource (the resource may itself contain ':').
  Arn arn;
  std::string* parts[] = {&arn.partition, &arn.service, &arn.region, &arn.account};
  if (!text.starts_with("arn:")) return std::nullopt;
  text.remove_prefix(4);
  for (std::string* part : parts) {
    auto colon = text.find(':');
    if (colon == std::string_view::npos) return std::nullopt;
    part->assign(text.substr(0, colon));
    text.remove_prefix(colon + 1);
  }
  if (arn.partition.empty() || arn.service.empty()) return std::nullopt;
  arn.resource.assign(text);
  return arn;
}

std::string Arn::str() const {
  return "arn:" + partition + ":" + service + ":" + region + ":" + account + ":" + resource;
}

bool is_account_id(std::string_view s) {
  if (s.size() != 12) return false;
  for (char c : s)
    if (c < '0' || c > '9') return false;
  return true;
}

bool is_region_name(std::string_view s) {
  if (s.empty() || s.size() > 32) return false;
  bool has_dash = false;
  for (char c : s) {
    if (c == '-') has_dash = true;
    else if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))) return false;
  }
  return has_dash && s.front() != '-' && s.back() != '-';
}

}  // namespace rime
