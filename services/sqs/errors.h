// SQS errors: AWS's codes and messages in one place. Where the model has an error shape, the
// code is the shape's name (QueueDoesNotExist): the protocol layer turns it into the
// @awsQueryError code on awsQuery (AWS.SimpleQueueService.NonExistentQueue) and into __type plus
// x-amzn-query-error on awsJson. Errors the model does not declare (InvalidParameterValue,
// MissingParameter) travel under their query code on both protocols, as AWS sends them.
#pragma once

#include <string>
#include <string_view>

#include "core/aws_error.h"

namespace rime::sqs {

enum class SqsError {
  kQueueDoesNotExist,
  kQueueNameExists,          // detail: the attribute whose value differs
  kInvalidAttributeName,     // detail: the attribute name
  kInvalidAttributeValue,    // detail: the attribute name
  kInvalidParameterValue,    // detail: the whole message
  kMissingParameter,         // detail: the parameter name
  kReceiptHandleIsInvalid,   // detail: the receipt handle
  kMessageNotInflight,
  kPurgeQueueInProgress,     // detail: the queue name
  kEmptyBatchRequest,        // detail: the operation name (SendMessageBatch, ...)
  kTooManyEntriesInBatchRequest,  // detail: the number of entries sent
  kBatchEntryIdsNotDistinct,      // detail: the repeated id
  kInvalidBatchEntryId,
  kBatchRequestTooLong,      // detail: the number of bytes sent
  kInvalidMessageContents,
  kOverLimit,                // detail: the number of actions
  kResourceNotFound,         // detail: the whole message
  kUnsupportedOperation,     // detail: the whole message
};

/// The AwsError for `error`; `detail` fills the messages that quote a value (see the enum).
AwsError make_error(SqsError error, std::string_view detail = {});

/// InvalidParameterValue in AWS's "Value X for parameter P is invalid. Reason: R" form.
AwsError invalid_parameter(std::string_view value, std::string_view parameter, std::string_view reason);

}  // namespace rime::sqs
