#include "services/register.h"

#include "services/stubs/stub_service.h"
#include "services/sns/sns_service.h"
#include "services/sqs/sqs_service.h"
#include "services/sts/sts_service.h"

namespace rime {

void register_builtin_services(ServiceRegistry& registry, const ServiceEnv& env) {
  // Every service of the models answers, in its own protocol: stubs first, then the
  // implemented services, which replace their stubs.
  register_stub_services(registry);
  registry.add(sts::make_sts_service(env));
  registry.add(sqs::make_sqs_service(env));
  registry.add(sns::make_sns_service(env));
}

}  // namespace rime
