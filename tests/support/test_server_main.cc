// rime-test-server: the daemon plus test-only services (kv_service.h), for end-to-end tests of
// the admin API and persistence. With RIME_TEST_ECHO_MODELS=<dir> every catalog service is
// answered by the conformance echo instead (echo_service.h, tests/conformance/ECHO.md).
#include <cstdlib>
#include <string>

#include "server/server.h"
#include "services/register.h"
#include "tests/support/echo_service.h"
#include "tests/support/kv_service.h"

int main(int argc, char** argv) {
  return rime::server_main(argc, argv, [](rime::ServiceRegistry& registry, const rime::ServiceEnv& env) {
    rime::register_builtin_services(registry, env);
    if (const char* echo_models = std::getenv("RIME_TEST_ECHO_MODELS"); echo_models && *echo_models)
      rime::testing::register_echo_services(registry, echo_models);
    registry.add(rime::testing::make_kv_service(env));
  });
}
