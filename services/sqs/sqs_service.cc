#include "services/sqs/sqs_service.h"

#include "services/sqs/generated/sqs_model.h"

namespace rime::sqs {

SqsService::SqsService(const ServiceEnv&) : ModeledService(sqs_model(), make_invoker(handlers_)) {}

std::shared_ptr<SqsService> make_sqs_service(const ServiceEnv& env) { return std::make_shared<SqsService>(env); }

}  // namespace rime::sqs
