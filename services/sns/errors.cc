#include "services/sns/errors.h"

namespace rime::sns {

AwsError make_error(SnsError error, std::string_view detail) {
  std::string d(detail);
  switch (error) {
    case SnsError::kInvalidParameter:
      return {"InvalidParameterException", "Invalid parameter: " + d, 400, true};
    case SnsError::kInvalidParameterRaw:
      return {"InvalidParameterException", d, 400, true};
    case SnsError::kInvalidParameterValue:
      return {"InvalidParameterValueException", d, 400, true};
    case SnsError::kTopicNotFound:
      return {"NotFoundException", "Topic does not exist", 404, true};
    case SnsError::kSubscriptionNotFound:
      return {"NotFoundException", "Subscription does not exist", 404, true};
    case SnsError::kEndpointNotFound:
      return {"NotFoundException", "Endpoint does not exist", 404, true};
    case SnsError::kApplicationNotFound:
      return {"NotFoundException", "PlatformApplication does not exist", 404, true};
    case SnsError::kResourceNotFound:
      return {"ResourceNotFoundException", "Resource does not exist", 404, true};
    case SnsError::kPhoneNumberNotFound:
      return {"ResourceNotFoundException", "Phone number does not exist", 404, true};
    case SnsError::kTagLimitExceeded:
      return {"TagLimitExceededException", "Could not complete request: tag quota of per resource exceeded", 400,
              true};
    case SnsError::kTooManyEntriesInBatch:
      return {"TooManyEntriesInBatchRequestException", "The batch request contains more entries than permissible.",
              400, true};
    case SnsError::kEmptyBatch:
      return {"EmptyBatchRequestException", "The batch request doesn't contain any entries.", 400, true};
    case SnsError::kBatchIdsNotDistinct:
      return {"BatchEntryIdsNotDistinctException", "Two or more batch entries in the request have the same Id.", 400,
              true};
    case SnsError::kBatchTooLong:
      return {"BatchRequestTooLongException", "The length of all the messages put together is more than the limit.",
              400, true};
    case SnsError::kInvalidBatchEntryId:
      return {"InvalidBatchEntryIdException",
              "A batch entry id can only contain alphanumeric characters, hyphens and underscores. It can be at most "
              "80 letters long.",
              400, true};
    case SnsError::kEndpointDisabled:
      return {"EndpointDisabledException", "Endpoint is disabled", 400, true};
    case SnsError::kApplicationDisabled:
      return {"PlatformApplicationDisabledException", "Platform application is disabled", 400, true};
    case SnsError::kOptedOut:
      return {"OptedOutException", "Phone number is opted out", 400, true};
    case SnsError::kVerification:
      return {"VerificationException", "Invalid one-time password", 400, true};
    case SnsError::kAuthorizationError:
      return {"AuthorizationErrorException", d, 403, true};
    case SnsError::kInvalidToken:
      return {"InvalidParameterException", "Invalid token", 400, true};
  }
  return AwsError::internal("unknown SNS error");
}

std::string wire_code(std::string_view shape_name) {
  if (shape_name == "InvalidParameterValueException") return "ParameterValueInvalid";
  if (shape_name == "KMSOptInRequired") return "KMSOptInRequired";
  if (shape_name.ends_with("Exception")) return std::string(shape_name.substr(0, shape_name.size() - 9));
  return std::string(shape_name);
}

}  // namespace rime::sns
