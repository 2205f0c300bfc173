// SNS service: registration and handler table (being implemented under issue 5).
#pragma once

#include <memory>

#include "core/service_env.h"
#include "services/common/modeled_service.h"
#include "services/sns/generated/sns_operations.h"

namespace rime::sns {

class SnsService final : public ModeledService {
 public:
  explicit SnsService(const ServiceEnv& env);

 private:
  SnsHandlers handlers_;
};

std::shared_ptr<SnsService> make_sns_service(const ServiceEnv& env);

}  // namespace rime::sns
