// AwsError: the one error type handlers return; the protocol layer renders it on the wire.
#pragma once

#include <string>
#include <string_view>

namespace rime {

struct AwsError {
  std::string code;         // AWS error code, e.g. "ValidationException"
  std::string message;      // AWS's own wording
  int status = 400;         // HTTP status
  bool sender_fault = true; // "Sender" vs "Receiver" in query protocols

  static AwsError validation(std::string message);
  static AwsError not_found(std::string code, std::string message);
  static AwsError not_implemented(std::string_view service, std::string_view operation);
  static AwsError internal(std::string message);
  static AwsError serialization(std::string message);
};

}  // namespace rime
