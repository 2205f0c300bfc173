// rime-test-server: the daemon plus test-only services (kv_service.h), for end-to-end tests of
// the admin API and persistence.
#include "server/server.h"
#include "services/register.h"
#include "tests/support/kv_service.h"

int main(int argc, char** argv) {
  return rime::server_main(argc, argv, [](rime::ServiceRegistry& registry, const rime::ServiceEnv& env) {
    rime::register_builtin_services(registry, env);
    registry.add(rime::testing::make_kv_service(env));
  });
}
