// rpcv2Cbor request parsing (protocols/cbor_rpc.cc over cbor.h) through parse_request, with
// validation and the answer path, on the kitchen-sink and CloudWatch models of
// tests/unit/rpc_test_models.h and the CloudWatch and ARC Region Switch runtime models.
// Input: a text request (support.h), body raw CBOR.
#include "tests/fuzz/fuzz_target.h"
#include "tests/fuzz/support.h"
#include "tests/unit/rpc_test_models.h"

RIME_FUZZ_TARGET(cbor_rpc) {
  using rime::proto::Protocol;
  namespace tm = rime::proto::testmodels;
  static const rime::fuzz::ModelSet models = [] {
    rime::fuzz::ModelSet m;
    m.add("kitchen", tm::kitchen::kCborModel, Protocol::kRpcV2Cbor);
    m.add("cloudwatch-slice", tm::cloudwatch::kModel, Protocol::kRpcV2Cbor);
    m.add_runtime("cloudwatch", Protocol::kRpcV2Cbor);
    m.add_runtime("arc-region-switch", Protocol::kRpcV2Cbor);
    return m;
  }();
  return rime::fuzz::run_protocol_target(models, data, size);
}
