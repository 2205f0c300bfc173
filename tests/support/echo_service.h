// The conformance echo (tests/conformance/ECHO.md): with RIME_TEST_ECHO_MODELS=<dir>,
// rime-test-server answers every catalog service with an EchoService instead of its stub or
// implementation. It parses each request with the service's runtime model (<dir>/<name>.json,
// loaded once on first use), reports the parsed input in x-rime-echo-* headers, and serialises
// the output the request asks for (x-rime-echo-output), so a driver can compare rime's protocol
// layer with botocore in both directions.
#pragma once

#include <string>

#include "core/service_registry.h"

namespace rime::testing {

/// Registers an echo service for every catalog service (replacing whatever has that name);
/// models are read from `models_dir` lazily.
void register_echo_services(ServiceRegistry& registry, const std::string& models_dir);

}  // namespace rime::testing
