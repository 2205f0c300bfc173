// SNS errors: AWS's codes and messages in one place. The code is the error shape's name; the
// protocol layer turns it into the @awsQueryError code on the wire ("InvalidParameter",
// "NotFound", "ParameterValueInvalid", ...).
#pragma once

#include <string>
#include <string_view>

#include "core/aws_error.h"

namespace rime::sns {

enum class SnsError {
  kInvalidParameter,        // "Invalid parameter: <detail>"
  kInvalidParameterRaw,     // InvalidParameter with `detail` as the whole message
  kInvalidParameterValue,   // ParameterValueInvalid (message attributes), `detail` is the message
  kTopicNotFound,
  kSubscriptionNotFound,
  kEndpointNotFound,
  kApplicationNotFound,
  kResourceNotFound,        // tagging and data protection on a resource that does not exist
  kPhoneNumberNotFound,     // SMS sandbox numbers
  kTagLimitExceeded,
  kTooManyEntriesInBatch,
  kEmptyBatch,
  kBatchIdsNotDistinct,
  kBatchTooLong,
  kInvalidBatchEntryId,
  kEndpointDisabled,
  kApplicationDisabled,
  kOptedOut,
  kVerification,
  kAuthorizationError,
  kInvalidToken,
};

/// The AwsError for `error`; `detail` fills the messages that quote a value.
AwsError make_error(SnsError error, std::string_view detail = {});

/// The @awsQueryError code of an error shape name ("InvalidParameterException" ->
/// "InvalidParameter"): PublishBatch reports per-entry failures with these codes.
std::string wire_code(std::string_view shape_name);

}  // namespace rime::sns
