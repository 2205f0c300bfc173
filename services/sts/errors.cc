#include "services/sts/errors.h"

namespace rime::sts {

AwsError make_error(StsError error, std::string_view detail) {
  std::string d(detail);
  switch (error) {
    case StsError::kMalformedPolicyDocument:
      return {"MalformedPolicyDocumentException", "The policy is not in the valid JSON format.", 400, true};
    case StsError::kPackedPolicyTooLarge:
      return {"PackedPolicyTooLargeException",
              "Packed policy consumes " + d + "% of allotted space, please use smaller policy.", 400, true};
    case StsError::kInvalidIdentityToken:
      return {"InvalidIdentityTokenException", "The web identity token that was passed could not be validated.", 400,
              true};
    case StsError::kInvalidAuthorizationMessage:
      return {"InvalidAuthorizationMessageException", "The encoded authorization message is invalid.", 400, true};
    case StsError::kInvalidRoleArn:
      return {"ValidationError", "Request ARN is invalid", 400, true};
    case StsError::kDurationExceedsRoleChaining:
      return {"ValidationError",
              "The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.",
              400, true};
    case StsError::kSessionCredentialsNotAllowed:
      return {"AccessDenied", "Cannot call " + d + " with session credentials", 403, true};
    case StsError::kInvalidTaskPolicyArn:
      return {"ValidationError", "The TaskPolicyArn " + d + " is not a supported root task policy.", 400, true};
    case StsError::kInvalidTargetPrincipal:
      return {"ValidationError", "TargetPrincipal " + d + " is not a valid AWS account id.", 400, true};
    case StsError::kInvalidSamlAssertion:
      return {"InvalidIdentityTokenException", "The SAML assertion could not be parsed: " + d, 400, true};
  }
  return AwsError::internal("unknown STS error");
}

}  // namespace rime::sts
