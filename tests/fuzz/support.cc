#include "tests/fuzz/support.h"

#include <algorithm>
#include <cstdlib>
#include <functional>
#include <map>

#include "tests/fuzz/fuzz_target.h"

#include "core/request_context.h"
#include "core/service_env.h"
#include "core/vfs.h"
#include "server/admin.h"
#include "server/dispatcher.h"
#include "services/register.h"
#include "tests/support/capture_sink.h"
#include "tests/support/runtime_model.h"

namespace rime::fuzz {
namespace {

std::string_view take_line(std::string_view& text) {
  auto nl = text.find('\n');
  std::string_view line = text.substr(0, nl);
  text = nl == std::string_view::npos ? std::string_view{} : text.substr(nl + 1);
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  return line;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace

TextRequest parse_text_request(std::string_view text) {
  TextRequest out;
  out.selector = std::string(take_line(text));
  std::string_view start = take_line(text);
  auto space = start.find(' ');
  std::string method(start.substr(0, space));
  std::string target = space == std::string_view::npos ? "/" : std::string(trim(start.substr(space + 1)));
  out.request.method = method.empty() ? "POST" : method;
  out.request.set_target(target.empty() ? "/" : target);
  while (!text.empty()) {
    std::string_view line = take_line(text);
    if (line.empty()) break;
    auto colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    out.request.headers.add(std::string(trim(line.substr(0, colon))), std::string(trim(line.substr(colon + 1))));
  }
  out.request.body = Body(std::string(text));
  return out;
}

void ModelSet::add(std::string name, const proto::ServiceModel& model, proto::Protocol protocol) {
  choices_.push_back(ModelChoice{std::move(name), &model, protocol});
}

std::string runtime_models_dir() {
  if (const char* dir = std::getenv("RIME_FUZZ_MODELS"); dir && *dir) return dir;
#ifdef RIME_FUZZ_MODELS_DIR
  return RIME_FUZZ_MODELS_DIR;
#else
  return {};
#endif
}

void ModelSet::add_runtime(const std::string& service, proto::Protocol protocol, std::string name) {
  // Loaded once per process and kept: the model's spans point into it.
  static std::map<std::string, std::unique_ptr<testing::RuntimeModel>> loaded;
  std::string dir = runtime_models_dir();
  if (dir.empty()) return;
  auto it = loaded.find(service);
  if (it == loaded.end()) {
    std::string error;
    auto model = testing::RuntimeModel::load_file(dir + "/" + service + ".json", error);
    it = loaded.emplace(service, std::move(model)).first;  // null when absent: skipped
  }
  if (!it->second) return;
  add(name.empty() ? service : std::move(name), it->second->model(), protocol);
}

const ModelChoice* ModelSet::pick(std::string_view selector) const {
  if (choices_.empty()) return nullptr;
  for (const auto& c : choices_)
    if (c.name == selector) return &c;
  return &choices_[std::hash<std::string_view>{}(selector) % choices_.size()];
}

int run_protocol_target(const ModelSet& models, const std::uint8_t* data, std::size_t size) {
  TextRequest text = parse_text_request(std::string_view(reinterpret_cast<const char*>(data), size));
  const ModelChoice* choice = models.pick(text.selector);
  if (!choice) return 0;
  const proto::ServiceModel& model = *choice->model;
  const Request& request = text.request;
  // What stubs and logs use, on the same bytes.
  proto::Protocol detected = proto::detect_protocol(*model.info, request);
  (void)proto::identify_operation(detected, *model.info, request);
  (void)proto::identify_operation(choice->protocol, *model.info, request);

  RequestContext ctx;
  ctx.request_id = "fuzz-request-id";
  ctx.scope = Scope{"123456789012", "us-east-1"};
  auto result = proto::parse_request(choice->protocol, model, request);
  if (auto* parsed = std::get_if<proto::ParsedRequest>(&result)) {
    RIME_FUZZ_CHECK(parsed->operation != nullptr, "parse_request succeeded without an operation");
    const proto::Operation& op = *parsed->operation;
    ctx.operation = std::string(op.name);
    // The answer path: the parsed input itself when the operation's output has the same
    // shape (the kitchen-sink models), else an empty output.
    const proto::Value& output = op.input == op.output && op.input != proto::kNoShape ? parsed->input
                                                                                        : proto::Value::object();
    (void)proto::serialize_output(choice->protocol, model, op, output, ctx);
  } else {
    const AwsError& error = std::get<AwsError>(result);
    (void)proto::serialize_error(choice->protocol, *model.info, &model, error, ctx);
  }
  return 0;
}

void LoopbackHttpClient::send(OutboundRequest, std::function<void(OutboundResponse)> done) {
  std::lock_guard lock(mutex_);
  pending_.push_back(std::move(done));
}

void LoopbackHttpClient::drain() {
  for (;;) {
    std::function<void(OutboundResponse)> done;
    {
      std::lock_guard lock(mutex_);
      if (pending_.empty()) return;
      done = std::move(pending_.front());
      pending_.pop_front();
    }
    OutboundResponse response;
    response.status = 0;
    response.error = "connection refused (fuzz harness: no network)";
    done(std::move(response));
  }
}

Pipeline& Pipeline::instance() {
  static Pipeline* pipeline = new Pipeline();  // never destroyed: services may hold timers
  return *pipeline;
}

Pipeline::Pipeline()
    : scheduler_(std::make_shared<FuzzScheduler>()), http_(std::make_shared<LoopbackHttpClient>()) {
  ServiceEnv env;
  env.vfs = std::make_shared<MemVfs>();
  env.defaults = Defaults{};
  env.scheduler = scheduler_;
  env.http = http_;
  env.find_service = [registry = &registry_](std::string_view name) { return registry->find(name); };
  register_builtin_services(registry_, env);
  admin_ = std::make_unique<Admin>(registry_, "");
  dispatcher_ = std::make_unique<Dispatcher>(registry_, *admin_, env.defaults);
  for (MockService* svc : registry_.all())
    if (auto* resolver = dynamic_cast<const CredentialResolver*>(svc)) dispatcher_->set_credential_resolver(resolver);
}

std::vector<Response> Pipeline::handle(Request request) {
  // Shared: a responder may still complete after this returns (a timer left from an earlier
  // input), and must find its sink alive.
  auto sink = std::make_shared<test::CaptureSink>();
  dispatcher_->dispatch(std::move(request), sink);
  // Whatever waits (long polls, delayed messages, deliveries, retries) completes now.
  // SQS's longest wait is a 20 s long poll and its longest delay 15 minutes; retries back off
  // for minutes. An hour in a few steps covers them; a timer that re-arms itself is bounded.
  for (int round = 0; round < 4 && scheduler_->pending() > 0; ++round) {
    http_->drain();
    scheduler_->advance(std::chrono::minutes(20), 200);
  }
  http_->drain();
  std::lock_guard lock(sink->mutex);
  return std::move(sink->responses);
}

void Pipeline::reset() {
  admin_->reset({}, "", "");
  // Timers left by the last input (a 12-hour visibility timeout) must not fire into the next one.
  scheduler_->clear();
  http_->drain();
}

}  // namespace rime::fuzz
