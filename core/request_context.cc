#include "core/request_context.h"

#include "core/ids.h"

namespace rime {

std::string account_for_access_key(const std::string& access_key, const Defaults& defaults,
                                   const CredentialResolver* resolver) {
  if (is_account_id(access_key)) return access_key;
  if (resolver) {
    if (auto account = resolver->account_for(access_key)) return *account;
  }
  return defaults.account;
}

RequestContext make_request_context(const Headers& headers, std::string_view raw_query, const Defaults& defaults,
                                    const CredentialResolver* resolver) {
  RequestContext ctx;
  ctx.request_id = new_request_id();
  ctx.started = std::chrono::steady_clock::now();
  ctx.credential = parse_sigv4(headers, raw_query);
  ctx.query_mode = headers.get("x-amzn-query-mode") == "true";
  if (ctx.credential) {
    ctx.scope.account = account_for_access_key(ctx.credential->access_key, defaults, resolver);
    ctx.scope.region = is_region_name(ctx.credential->region) ? ctx.credential->region : defaults.region;
  } else {
    ctx.scope = {defaults.account, defaults.region};
  }
  return ctx;
}

}  // namespace rime
