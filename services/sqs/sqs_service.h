// SQS service: registration and handler table (being implemented under issue 5).
#pragma once

#include <memory>

#include "core/service_env.h"
#include "services/common/modeled_service.h"
#include "services/sqs/generated/sqs_operations.h"

namespace rime::sqs {

class SqsService final : public ModeledService {
 public:
  explicit SqsService(const ServiceEnv& env);

 private:
  SqsHandlers handlers_;
};

std::shared_ptr<SqsService> make_sqs_service(const ServiceEnv& env);

}  // namespace rime::sqs
