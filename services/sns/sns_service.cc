#include "services/sns/sns_service.h"

#include "services/sns/generated/sns_model.h"

namespace rime::sns {

SnsService::SnsService(const ServiceEnv&) : ModeledService(sns_model(), make_invoker(handlers_)) {}

std::shared_ptr<SnsService> make_sns_service(const ServiceEnv& env) { return std::make_shared<SnsService>(env); }

}  // namespace rime::sns
