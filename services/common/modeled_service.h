// ModeledService: the base of every implemented service. It owns the wire round trip so that
// handlers only see typed input and return typed output or an AwsError:
//   detect protocol -> parse + validate (protocols/) -> generated invoker (typed struct, handler
//   slot) -> Reply -> serialise in the protocol the request came in.
// An empty handler slot answers 501 NotImplemented in the service's own error format.
#pragma once

#include <functional>
#include <memory>

#include "core/mock_service.h"
#include "protocols/model.h"
#include "protocols/protocol.h"
#include "protocols/value.h"
#include "services/common/result.h"

namespace rime {

/// What a handler's answer needs to reach the wire later (long polls answer from timers).
struct ReplyTarget {
  Responder responder;
  proto::Protocol protocol;
  const proto::ServiceModel* model;
  const proto::Operation* operation;
  std::shared_ptr<RequestContext> ctx;  // a copy: the handler may answer after the request returned

  void send_value(const proto::Value& output) const;
  void send_error(const AwsError& error) const;
};

/// The typed completion handle of an asynchronous handler: call it once with the result.
template <class Out>
class Reply {
 public:
  using Encode = proto::Value (*)(const Out&);
  Reply(ReplyTarget target, Encode encode) : target_(std::move(target)), encode_(encode) {}
  void operator()(Result<Out> result) const {
    if (result) target_.send_value(encode_(*result));
    else target_.send_error(result.error());
  }
  bool answered() const { return target_.responder.answered(); }

 private:
  ReplyTarget target_;
  Encode encode_;
};

/// Generated per service (generated/<svc>_operations.h): decodes the input Value into the
/// operation's struct, calls the handler slot (sync or async), encodes the result. Returns
/// false when the operation has no handler.
using Invoker = std::function<bool(const proto::Operation& op, RequestContext& ctx, const proto::Value& input,
                                   ReplyTarget target)>;

class ModeledService : public virtual MockService {
 public:
  ModeledService(const proto::ServiceModel& model, Invoker invoker);
  const RoutingInfo& routing() const override { return routing_; }
  bool matches_http_binding(const Request& request) const override;
  void handle(Request& request, RequestContext& ctx, Responder responder) override;
  const proto::ServiceModel& model() const { return model_; }

 protected:
  /// Host patterns, extra target prefixes: services adjust routing in their constructor.
  RoutingInfo& mutable_routing() { return routing_; }
  /// What the front end validates before handlers run (services whose AWS original answers
  /// enum mistakes with its own errors turn enum checks off).
  proto::ValidationPolicy& mutable_validation() { return validation_; }

 private:
  const proto::ServiceModel& model_;
  Invoker invoker_;
  RoutingInfo routing_;
  proto::ValidationPolicy validation_;
};

}  // namespace rime
