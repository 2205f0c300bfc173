// GetCallerIdentity, GetAccessKeyInfo, DecodeAuthorizationMessage.
#include <rapidjson/document.h>

#include "core/arn.h"
#include "core/json.h"
#include "services/sts/errors.h"
#include "services/sts/handlers/handlers.h"

namespace rime::sts {

Identity caller_identity(const StsBackend& b, const RequestContext& ctx) {
  if (ctx.credential)
    if (auto identity = b.index.find(ctx.credential->access_key)) return *identity;
  // Long-term keys: without IAM users, a key stands for its account's root user, which AWS
  // reports as arn:aws:iam::<account>:root with the account id as UserId.
  Identity root;
  root.kind = IdentityKind::kRoot;
  root.account = ctx.account();
  root.arn = "arn:" + std::string(partition_for_region(ctx.region())) + ":iam::" + root.account + ":root";
  root.user_id = root.account;
  return root;
}

Result<GetCallerIdentityResponse> get_caller_identity(StsBackend& b, RequestContext& ctx,
                                                      const GetCallerIdentityRequest&) {
  Identity who = caller_identity(b, ctx);
  GetCallerIdentityResponse out;
  out.user_id = who.user_id;
  out.account = who.account;
  out.arn = who.arn;
  return out;
}

Result<GetAccessKeyInfoResponse> get_access_key_info(StsBackend& b, RequestContext&,
                                                     const GetAccessKeyInfoRequest& in) {
  GetAccessKeyInfoResponse out;
  if (auto identity = b.index.find(in.access_key_id)) out.account = identity->account;
  else out.account = account_for_access_key(in.access_key_id, Defaults{b.default_account, ""});
  return out;
}

Result<DecodeAuthorizationMessageResponse> decode_authorization_message(StsBackend&, RequestContext&,
                                                                        const DecodeAuthorizationMessageRequest& in) {
  // rime encodes authorization-failure details as base64 JSON; anything else is not a message
  // this server issued, which AWS rejects the same way.
  auto decoded = base64_decode(in.encoded_message);
  rapidjson::Document doc;
  std::string error;
  if (!decoded || !parse_json(*decoded, doc, error) || !doc.IsObject())
    return make_error(StsError::kInvalidAuthorizationMessage);
  DecodeAuthorizationMessageResponse out;
  out.decoded_message = *decoded;
  return out;
}

}  // namespace rime::sts
