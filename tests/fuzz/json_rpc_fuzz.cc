// awsJson1_0 / awsJson1_1 request parsing (protocols/json_rpc.cc) through parse_request, with
// validation and the answer path, on: SQS (generated), the hand-built kitchen-sink model with
// every shape type, DynamoDB PutItem and KMS slices (tests/unit/rpc_test_models.h), and
// CloudWatch and Kinesis runtime models when present. Input: a text request (support.h).
#include "services/sqs/generated/sqs_model.h"
#include "tests/fuzz/fuzz_target.h"
#include "tests/fuzz/support.h"
#include "tests/unit/rpc_test_models.h"

RIME_FUZZ_TARGET(json_rpc) {
  using rime::proto::Protocol;
  namespace tm = rime::proto::testmodels;
  static const rime::fuzz::ModelSet models = [] {
    rime::fuzz::ModelSet m;
    m.add("sqs", rime::sqs::sqs_model(), Protocol::kAwsJson1_0);
    m.add("kitchen", tm::kitchen::kJsonModel, Protocol::kAwsJson1_0);
    m.add("dynamodb", tm::dynamodb::kModel, Protocol::kAwsJson1_0);
    m.add("kms", tm::kms::kModel, Protocol::kAwsJson1_1);
    m.add_runtime("cloudwatch", Protocol::kAwsJson1_0);
    m.add_runtime("kinesis", Protocol::kAwsJson1_1);
    return m;
  }();
  return rime::fuzz::run_protocol_target(models, data, size);
}
