#include "services/register.h"

namespace rime {

void register_builtin_services(ServiceRegistry& registry, const ServiceEnv& env) {
  // Services land here as they are implemented (smithy-gen's catalog registers the stubs).
  (void)registry;
  (void)env;
}

}  // namespace rime
