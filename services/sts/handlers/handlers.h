// STS handlers: typed input -> typed output or AwsError. credentials.cc issues temporary
// credentials (AssumeRole*, GetSessionToken, GetFederationToken, AssumeRoot); identity.cc
// answers who a caller is (GetCallerIdentity, GetAccessKeyInfo, DecodeAuthorizationMessage).
#pragma once

#include "core/request_context.h"
#include "services/common/result.h"
#include "services/sts/generated/sts_types.h"
#include "services/sts/state.h"

namespace rime::sts {

Result<AssumeRoleResponse> assume_role(StsBackend& b, RequestContext& ctx, const AssumeRoleRequest& in);
Result<AssumeRoleWithWebIdentityResponse> assume_role_with_web_identity(StsBackend& b, RequestContext& ctx,
                                                                        const AssumeRoleWithWebIdentityRequest& in);
Result<AssumeRoleWithSAMLResponse> assume_role_with_saml(StsBackend& b, RequestContext& ctx,
                                                         const AssumeRoleWithSAMLRequest& in);
Result<GetSessionTokenResponse> get_session_token(StsBackend& b, RequestContext& ctx, const GetSessionTokenRequest& in);
Result<GetFederationTokenResponse> get_federation_token(StsBackend& b, RequestContext& ctx,
                                                        const GetFederationTokenRequest& in);
Result<AssumeRootResponse> assume_root(StsBackend& b, RequestContext& ctx, const AssumeRootRequest& in);

Result<GetCallerIdentityResponse> get_caller_identity(StsBackend& b, RequestContext& ctx,
                                                      const GetCallerIdentityRequest& in);
Result<GetAccessKeyInfoResponse> get_access_key_info(StsBackend& b, RequestContext& ctx,
                                                     const GetAccessKeyInfoRequest& in);
Result<DecodeAuthorizationMessageResponse> decode_authorization_message(StsBackend& b, RequestContext& ctx,
                                                                        const DecodeAuthorizationMessageRequest& in);

/// Who signed the request: the identity of STS-issued keys, else the account's root.
Identity caller_identity(const StsBackend& b, const RequestContext& ctx);

}  // namespace rime::sts
