#include "server/embed.h"

#include "services/register.h"

namespace rime {

MockAws::Builder& MockAws::Builder::with_service(
    std::function<std::shared_ptr<MockService>(const ServiceEnv&)> factory) {
  factories_.push_back(std::move(factory));
  return *this;
}

MockAws::Builder& MockAws::Builder::with_builtin_services() {
  builtin_ = true;
  return *this;
}

MockAws::Builder& MockAws::Builder::with_options(std::function<void(Options&)> edit) {
  edit(options_);
  return *this;
}

MockAws MockAws::Builder::build() {
  auto factories = factories_;
  bool builtin = builtin_;
  auto server = std::make_unique<Server>(options_, [factories, builtin](ServiceRegistry& registry, const ServiceEnv& env) {
    if (builtin) register_builtin_services(registry, env);
    for (auto& make : factories) registry.add(make(env));
  });
  server->start();
  return MockAws(std::move(server));
}

MockAws::~MockAws() { stop(); }

void MockAws::stop() {
  if (server_) server_->stop();
}

}  // namespace rime
