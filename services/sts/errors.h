// STS errors: AWS's codes and messages in one place. The code is the error shape's name where
// the model has one (the protocol layer turns it into the @awsQueryError code on the wire).
#pragma once

#include <string>
#include <string_view>

#include "core/aws_error.h"

namespace rime::sts {

enum class StsError {
  kMalformedPolicyDocument,
  kPackedPolicyTooLarge,
  kInvalidIdentityToken,
  kInvalidAuthorizationMessage,
  kInvalidRoleArn,
  kDurationExceedsRoleChaining,
  kSessionCredentialsNotAllowed,
  kInvalidTaskPolicyArn,
  kInvalidTargetPrincipal,
  kInvalidSamlAssertion,
};

/// The AwsError for `error`; `detail` fills the messages that quote a value.
AwsError make_error(StsError error, std::string_view detail = {});

}  // namespace rime::sts
