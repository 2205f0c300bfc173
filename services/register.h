// The services this build of rime serves.
#pragma once

#include "core/service_env.h"
#include "core/service_registry.h"

namespace rime {

/// Registers every built-in service (stubs first, implemented services replacing them).
void register_builtin_services(ServiceRegistry& registry, const ServiceEnv& env);

}  // namespace rime
