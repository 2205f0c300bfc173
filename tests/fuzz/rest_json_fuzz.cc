// restJson1 request parsing (protocols/rest_json.cc, http_bindings.cc): URI template matching,
// labels (greedy too), query, header and prefix-header bindings, payloads, JSON bodies, with
// validation and the answer path, on the Lambda and API Gateway v2 runtime models. Without
// runtime models (no ../shared/aws-models at configure time) it has nothing to drive and
// returns at once. Input: a text request (support.h).
#include "tests/fuzz/fuzz_target.h"
#include "tests/fuzz/support.h"

RIME_FUZZ_TARGET(rest_json) {
  using rime::proto::Protocol;
  static const rime::fuzz::ModelSet models = [] {
    rime::fuzz::ModelSet m;
    m.add_runtime("lambda", Protocol::kRestJson1);
    m.add_runtime("apigatewayv2", Protocol::kRestJson1);
    return m;
  }();
  return rime::fuzz::run_protocol_target(models, data, size);
}
