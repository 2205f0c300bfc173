#include "services/sqs/errors.h"

namespace rime::sqs {

AwsError make_error(SqsError error, std::string_view detail) {
  std::string d(detail);
  switch (error) {
    case SqsError::kQueueDoesNotExist:
      return {"QueueDoesNotExist", "The specified queue does not exist.", 400, true};
    case SqsError::kQueueNameExists:
      return {"QueueNameExists",
              "A queue already exists with the same name and a different value for attribute " + d, 400, true};
    case SqsError::kInvalidAttributeName:
      return {"InvalidAttributeName", "Unknown Attribute " + d + ".", 400, true};
    case SqsError::kInvalidAttributeValue:
      return {"InvalidAttributeValue", "Invalid value for the parameter " + d + ".", 400, true};
    case SqsError::kInvalidParameterValue:
      return {"InvalidParameterValue", d, 400, true};
    case SqsError::kMissingParameter:
      return {"MissingParameter", "The request must contain the parameter " + d + ".", 400, true};
    case SqsError::kReceiptHandleIsInvalid:
      return {"ReceiptHandleIsInvalid", "The input receipt handle \"" + d + "\" is not a valid receipt handle.", 404,
              true};
    case SqsError::kMessageNotInflight:
      return {"MessageNotInflight", "The message referred to isn't in flight.", 400, true};
    case SqsError::kPurgeQueueInProgress:
      return {"PurgeQueueInProgress", "Only one PurgeQueue operation on " + d + " is allowed every 60 seconds.", 403,
              true};
    case SqsError::kEmptyBatchRequest:
      return {"EmptyBatchRequest", "There should be at least one " + d + "RequestEntry in the request.", 400, true};
    case SqsError::kTooManyEntriesInBatchRequest:
      return {"TooManyEntriesInBatchRequest",
              "Maximum number of entries per request are 10. You have sent " + d + ".", 400, true};
    case SqsError::kBatchEntryIdsNotDistinct:
      return {"BatchEntryIdsNotDistinct", "Id " + d + " repeated.", 400, true};
    case SqsError::kInvalidBatchEntryId:
      return {"InvalidBatchEntryId",
              "A batch entry id can only contain alphanumeric characters, hyphens and underscores. "
              "It can be at most 80 letters long.",
              400, true};
    case SqsError::kBatchRequestTooLong:
      return {"BatchRequestTooLong",
              "Batch requests cannot be longer than 1048576 bytes. You have sent " + d + " bytes.", 400, true};
    case SqsError::kInvalidMessageContents:
      return {"InvalidMessageContents",
              "Invalid characters found. Valid unicode characters are #x9 | #xA | #xD | #x20 to #xD7FF | "
              "#xE000 to #xFFFD | #x10000 to #x10FFFF",
              400, true};
    case SqsError::kOverLimit:
      return {"OverLimit", d + " Actions were found, maximum allowed is 7.", 403, true};
    case SqsError::kResourceNotFound:
      return {"ResourceNotFoundException", d, 404, true};
    case SqsError::kUnsupportedOperation:
      return {"UnsupportedOperation", d, 400, true};
  }
  return AwsError::internal("unknown SQS error");
}

AwsError invalid_parameter(std::string_view value, std::string_view parameter, std::string_view reason) {
  std::string message = "Value ";
  message += value;
  message += " for parameter ";
  message += parameter;
  message += " is invalid. Reason: ";
  message += reason;
  return make_error(SqsError::kInvalidParameterValue, message);
}

}  // namespace rime::sqs
