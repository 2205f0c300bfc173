// restXml request parsing (protocols/rest_xml.cc, http_bindings.cc): S3's bucket/key labels and
// XML payloads, Route 53 and CloudFront bodies with namespaces, with validation and the answer
// path, on runtime models (none without ../shared/aws-models). Input: a text request (support.h).
#include "tests/fuzz/fuzz_target.h"
#include "tests/fuzz/support.h"

RIME_FUZZ_TARGET(rest_xml) {
  using rime::proto::Protocol;
  static const rime::fuzz::ModelSet models = [] {
    rime::fuzz::ModelSet m;
    m.add_runtime("s3", Protocol::kRestXml);
    m.add_runtime("route-53", Protocol::kRestXml);
    m.add_runtime("cloudfront", Protocol::kRestXml);
    return m;
  }();
  return rime::fuzz::run_protocol_target(models, data, size);
}
