// Model-driven input validation, shared by every protocol: required members, @length, @range,
// @pattern and enum values, reported in AWS's words ("1 validation error detected: Value null
// at 'tableName' failed to satisfy constraint: Member must not be null").
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/aws_error.h"
#include "protocols/model.h"
#include "protocols/protocol.h"
#include "protocols/value.h"

namespace rime::proto {

struct Violation {
  std::string value;       // AWS's rendering: null, 'text', 42, [..]
  std::string path;        // lowerCamel member path: "tableName", "tags.1.member.key"
  std::string constraint;  // "Member must not be null"
};

/// Every violation in `input` (an object of shape `input_shape`), in member order.
std::vector<Violation> validate(const ServiceModel& model, ShapeIndex input_shape, const Value& input,
                                const ValidationPolicy& policy = {});

/// The protocol's validation error for the violations: ValidationException (JSON, REST, CBOR),
/// ValidationError (awsQuery), InvalidParameterValue (ec2Query).
AwsError validation_error(Protocol protocol, const std::vector<Violation>& violations);

}  // namespace rime::proto
