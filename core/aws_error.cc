#include "core/aws_error.h"

namespace rime {

AwsError AwsError::validation(std::string message) {
  return {"ValidationException", std::move(message), 400, true};
}
AwsError AwsError::not_found(std::string code, std::string message) {
  return {std::move(code), std::move(message), 404, true};
}
AwsError AwsError::not_implemented(std::string_view service, std::string_view operation) {
  std::string msg = "The operation ";
  if (!operation.empty()) {
    msg += operation;
    msg += " of service ";
  } else {
    msg = "The service ";
  }
  msg += service;
  msg += " is not implemented by rime";
  return {"NotImplemented", std::move(msg), 501, false};
}
AwsError AwsError::internal(std::string message) {
  return {"InternalFailure", std::move(message), 500, false};
}
AwsError AwsError::serialization(std::string message) {
  return {"SerializationException", std::move(message), 400, true};
}

}  // namespace rime
