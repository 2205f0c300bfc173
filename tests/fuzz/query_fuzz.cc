// awsQuery and ec2Query request parsing (protocols/query.cc) through parse_request, with
// validation and the answer path (serialize_output / serialize_error), on real models:
// STS, SQS, SNS (generated), CloudWatch and EC2 (runtime models, when the build has them).
// Input: a text request (support.h); the first line picks the model.
#include "services/sns/generated/sns_model.h"
#include "services/sqs/generated/sqs_model.h"
#include "services/sts/generated/sts_model.h"
#include "tests/fuzz/fuzz_target.h"
#include "tests/fuzz/support.h"

RIME_FUZZ_TARGET(query) {
  using rime::proto::Protocol;
  static const rime::fuzz::ModelSet models = [] {
    rime::fuzz::ModelSet m;
    m.add("sts", rime::sts::sts_model(), Protocol::kAwsQuery);
    m.add("sqs", rime::sqs::sqs_model(), Protocol::kAwsQuery);
    m.add("sns", rime::sns::sns_model(), Protocol::kAwsQuery);
    m.add("sts-ec2", rime::sts::sts_model(), Protocol::kEc2Query);
    m.add_runtime("cloudwatch", Protocol::kAwsQuery);
    m.add_runtime("ec2", Protocol::kEc2Query);
    return m;
  }();
  return rime::fuzz::run_protocol_target(models, data, size);
}
