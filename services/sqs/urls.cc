#include "services/sqs/urls.h"

#include <cctype>
#include <vector>

#include "core/arn.h"

namespace rime::sqs {

std::string queue_url(const RequestContext& ctx, const Scope& scope, std::string_view name) {
  std::string url;
  if (ctx.host.empty()) url = "https://sqs." + scope.region + ".amazonaws.com";
  else url = std::string(ctx.tls ? "https://" : "http://") + ctx.host;
  url += '/';
  url += scope.account;
  url += '/';
  url += name;
  return url;
}

std::optional<QueueRef> parse_queue_url(std::string_view url, const RequestContext& ctx) {
  std::string_view host;
  std::string_view path = url;
  if (auto scheme = url.find("://"); scheme != std::string_view::npos) {
    std::string_view rest = url.substr(scheme + 3);
    auto slash = rest.find('/');
    host = rest.substr(0, slash);
    path = slash == std::string_view::npos ? std::string_view() : rest.substr(slash);
  }
  if (auto query = path.find_first_of("?#"); query != std::string_view::npos) path = path.substr(0, query);
  std::vector<std::string_view> segments;
  while (!path.empty()) {
    auto slash = path.find('/');
    std::string_view segment = path.substr(0, slash);
    if (!segment.empty()) segments.push_back(segment);
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash + 1);
  }
  QueueRef ref;
  ref.scope = ctx.scope;
  if (segments.empty()) return std::nullopt;
  ref.name = std::string(segments.back());
  if (segments.size() >= 2) {
    std::string_view account = segments[segments.size() - 2];
    if (!is_account_id(account)) return std::nullopt;
    ref.scope.account = std::string(account);
  }
  // AWS's own endpoint names the region: sqs.<region>.amazonaws.com[.cn].
  if (host.starts_with("sqs.")) {
    std::string_view rest = host.substr(4);
    auto dot = rest.find('.');
    std::string_view region = rest.substr(0, dot);
    if (dot != std::string_view::npos && rest.substr(dot).starts_with(".amazonaws.com") && is_region_name(region))
      ref.scope.region = std::string(region);
  }
  return ref;
}

std::optional<QueueRef> parse_queue_arn(std::string_view arn) {
  auto parsed = Arn::parse(arn);
  if (!parsed || parsed->service != "sqs" || !is_account_id(parsed->account) || !is_region_name(parsed->region) ||
      parsed->resource.empty())
    return std::nullopt;
  return QueueRef{Scope{parsed->account, parsed->region}, parsed->resource};
}

bool valid_queue_name(std::string_view name, bool fifo) {
  if (name.empty() || name.size() > 80) return false;
  std::string_view base = name;
  if (fifo) {
    if (!name.ends_with(".fifo")) return false;
    base = name.substr(0, name.size() - 5);
    if (base.empty()) return false;
  }
  for (unsigned char c : base)
    if (!std::isalnum(c) && c != '_' && c != '-') return false;
  return true;
}

}  // namespace rime::sqs
