// Shared by the fuzz targets: a text form of an HTTP request for the protocol targets, the
// service models they are driven with, and the daemon's pipeline without sockets (the real
// registry with every stub, STS, SQS and SNS; the admin API; the dispatcher).
#pragma once

#include <cstdint>
#include <deque>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "core/http_client.h"
#include "core/request.h"
#include "core/responder.h"
#include "core/service_registry.h"
#include "protocols/model.h"
#include "protocols/protocol.h"
#include "core/scheduler.h"
#include "tests/support/manual_scheduler.h"

namespace rime {
class Admin;
class Dispatcher;
}  // namespace rime

namespace rime::fuzz {

/// A protocol target's input, as a readable text file (the corpus files are written this way):
///
///   <selector>\n                 which model (and protocol) to drive; see ModelChoice
///   <METHOD> <target>\n          e.g. "POST /" or "GET /2015-03-31/functions?Marker=x"
///   <Name>: <value>\n ...        headers (the ones the protocol reads)
///   \n
///   <body bytes, raw>
///
/// Anything that does not fit still becomes a request (missing parts take defaults), so every
/// mutation exercises the parser rather than the harness.
struct TextRequest {
  std::string selector;
  Request request;
};
TextRequest parse_text_request(std::string_view text);

/// One model the protocol targets can drive, with the protocol to drive it in.
struct ModelChoice {
  std::string name;  // the selector that picks it: "sqs", "kitchen", "s3", ...
  const proto::ServiceModel* model;
  proto::Protocol protocol;
};

/// The models available to a target: compiled-in ones (STS, SQS, SNS generated models; the
/// hand-built test models of tests/unit/rpc_test_models.h) plus runtime models generated from
/// AWS's Smithy models (lambda, s3, ec2, ...) when the fuzz build found them (see CMakeLists.txt).
/// `runtime` names runtime models to load; missing ones are skipped.
class ModelSet {
 public:
  void add(std::string name, const proto::ServiceModel& model, proto::Protocol protocol);
  void add_runtime(const std::string& service, proto::Protocol protocol, std::string name = {});
  /// The choice named `selector`, else one picked by a hash of it (never null once non-empty).
  const ModelChoice* pick(std::string_view selector) const;
  bool empty() const { return choices_.empty(); }

 private:
  std::vector<ModelChoice> choices_;
};

/// Runs the protocol layer's parse_request for the chosen model on a text request, and when it
/// succeeds, serialises an empty output for the operation (the answer path of that protocol).
int run_protocol_target(const ModelSet& models, const std::uint8_t* data, std::size_t size);

/// The folder with the runtime models (RIME_FUZZ_MODELS, else the build's default), or "".
std::string runtime_models_dir();

/// Timers that run only when the harness says so (advance() bounded per call).
using FuzzScheduler = test::ManualScheduler;

/// Outbound HTTP that never leaves the process: every request gets "connection refused" when
/// drain() runs (after the request that caused it, as a server thread would later).
class LoopbackHttpClient final : public HttpClient {
 public:
  void send(OutboundRequest request, std::function<void(OutboundResponse)> done) override;
  void drain();

 private:
  std::mutex mutex_;
  std::deque<std::function<void(OutboundResponse)>> pending_;
};

/// The daemon's request pipeline without sockets: built-in services (every stub, STS, SQS,
/// SNS), admin API, dispatcher with STS's credential resolver. One per process.
class Pipeline {
 public:
  static Pipeline& instance();
  /// Dispatches and runs every timer and outbound call the request started, so that waiting
  /// handlers (long polls) answer too; returns the responses in completion order.
  std::vector<Response> handle(Request request);
  /// Back to a fresh state (every scope of every stateful service), so that inputs do not
  /// depend on each other.
  void reset();
  Admin& admin() { return *admin_; }
  const ServiceRegistry& registry() const { return registry_; }

 private:
  Pipeline();
  ServiceRegistry registry_;
  std::shared_ptr<FuzzScheduler> scheduler_;
  std::shared_ptr<LoopbackHttpClient> http_;
  std::unique_ptr<Admin> admin_;
  std::unique_ptr<Dispatcher> dispatcher_;
};

}  // namespace rime::fuzz
