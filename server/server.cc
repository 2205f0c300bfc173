#include "server/server.h"

#include <condition_variable>
#include <csignal>
#include <iostream>
#include <sys/resource.h>
#include <thread>

#include "server/admin.h"
#include "server/dispatcher.h"
#include "server/health_probe.h"
#include "server/listener.h"
#include "server/log.h"
#include "server/outbound_http.h"
#include "server/persistence.h"
#include "server/timers.h"

namespace rime {

struct Server::Impl {
  Options options;
  RegisterServices register_services;
  ServiceRegistry registry;
  std::shared_ptr<Vfs> vfs;
  std::unique_ptr<Admin> admin;
  std::unique_ptr<Dispatcher> dispatcher;
  std::unique_ptr<Persistence> persistence;
  net::SessionTracker tracker;
  std::unique_ptr<net::ssl::context> tls;
  std::unique_ptr<net::Context> net_ctx;
  std::vector<std::unique_ptr<net::asio::io_context>> iocs;  // one per thread
  std::shared_ptr<net::AsioScheduler> scheduler;             // services' timers, on iocs
  std::vector<net::asio::executor_work_guard<net::asio::io_context::executor_type>> work;
  std::shared_ptr<net::Listener> listener;
  std::vector<std::thread> threads;

  std::mutex state_mutex;
  std::condition_variable state_cv;
  bool started = false;
  bool stopping = false;
  bool stopped = false;
};

Server::Server(Options options, RegisterServices register_services) : impl_(std::make_unique<Impl>()) {
  impl_->options = std::move(options);
  impl_->register_services = std::move(register_services);
}

Server::~Server() { stop(); }

const ServiceRegistry& Server::registry() const { return impl_->registry; }

void Server::start() {
  Impl& s = *impl_;
  const Options& o = s.options;
  ServiceEnv env;
  env.defaults = Defaults{o.account, o.region};
  if (o.data_dir.empty()) env.vfs = std::make_shared<MemVfs>();
  else env.vfs = std::make_shared<FsVfs>(Persistence::blob_dir(o.data_dir));
  s.vfs = env.vfs;

  int threads = o.threads > 0 ? o.threads : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  std::vector<net::asio::io_context*> iocs;
  for (int i = 0; i < threads; ++i) {
    // Concurrency hint 1: each io_context is run by one thread only.
    s.iocs.push_back(std::make_unique<net::asio::io_context>(1));
    iocs.push_back(s.iocs.back().get());
  }
  // Services get timers and outbound HTTP on the same threads that serve requests.
  s.scheduler = std::make_shared<net::AsioScheduler>(iocs);
  env.scheduler = s.scheduler;
  env.http = std::make_shared<net::AsioHttpClient>(iocs);
  env.find_service = [registry = &s.registry](std::string_view name) { return registry->find(name); };
  if (s.register_services) s.register_services(s.registry, env);
  s.admin = std::make_unique<Admin>(s.registry, o.admin_token);
  s.dispatcher = std::make_unique<Dispatcher>(s.registry, *s.admin, env.defaults);
  // Keys a service issued (STS) resolve to the account they act in.
  for (MockService* svc : s.registry.all())
    if (auto* resolver = dynamic_cast<const CredentialResolver*>(svc)) s.dispatcher->set_credential_resolver(resolver);
  if (!o.data_dir.empty()) {
    s.persistence = std::make_unique<Persistence>(s.registry, o.data_dir, o.persist_interval_ms);
    s.persistence->load();
  }
  if (!o.tls_cert.empty()) s.tls = net::make_tls_context(o.tls_cert, o.tls_key);
  s.net_ctx = std::make_unique<net::Context>(net::Context{s.options, *s.dispatcher, s.tracker, s.tls.get()});

  boost::system::error_code ec;
  auto address = net::asio::ip::make_address(o.host, ec);
  if (ec) {
    net::tcp::resolver resolver(*iocs.front());
    auto results = resolver.resolve(o.host, "", ec);
    if (ec || results.empty()) throw std::runtime_error("cannot resolve --host '" + o.host + "': " + ec.message());
    address = results.begin()->endpoint().address();
  }
  s.listener = std::make_shared<net::Listener>(iocs, *s.net_ctx,
                                               net::tcp::endpoint(address, static_cast<unsigned short>(o.port)));
  s.listener->start();
  for (auto* ioc : iocs) {
    s.work.push_back(net::asio::make_work_guard(*ioc));
    s.threads.emplace_back([ioc] { ioc->run(); });
  }
  if (s.persistence) s.persistence->start();
  std::lock_guard lock(s.state_mutex);
  s.started = true;
}

std::uint16_t Server::port() const { return impl_->listener ? impl_->listener->port() : 0; }

std::string Server::endpoint() const {
  std::string host = impl_->options.host == "0.0.0.0" ? "127.0.0.1" : impl_->options.host;
  return std::string(impl_->tls ? "https://" : "http://") + host + ":" + std::to_string(port());
}

void Server::stop() {
  Impl& s = *impl_;
  {
    std::unique_lock lock(s.state_mutex);
    if (!s.started || s.stopped) return;
    if (s.stopping) {
      s.state_cv.wait(lock, [&] { return s.stopped; });
      return;
    }
    s.stopping = true;
  }
  log::info("shutting down: no new connections, finishing requests in flight");
  s.listener->stop();
  s.tracker.shutdown_all();
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(s.options.shutdown_timeout_ms);
  while (s.tracker.count() > 0 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  if (s.tracker.count() > 0) log::warn(std::to_string(s.tracker.count()) + " connection(s) cut at shutdown timeout");
  s.work.clear();
  for (auto& ioc : s.iocs) ioc->stop();
  for (auto& t : s.threads) t.join();
  s.threads.clear();
  if (s.scheduler) s.scheduler->shutdown();
  if (s.persistence) s.persistence->stop();
  {
    std::lock_guard lock(s.state_mutex);
    s.stopped = true;
  }
  s.state_cv.notify_all();
}

void Server::wait() {
  std::unique_lock lock(impl_->state_mutex);
  impl_->state_cv.wait(lock, [&] { return impl_->stopped || !impl_->started; });
}

namespace {

// 1,000 idle clients need 1,000 descriptors: lift the soft limit to the hard one.
void raise_fd_limit() {
  rlimit lim{};
  if (getrlimit(RLIMIT_NOFILE, &lim) == 0 && lim.rlim_cur < lim.rlim_max) {
    lim.rlim_cur = lim.rlim_max;
    setrlimit(RLIMIT_NOFILE, &lim);
  }
}

}  // namespace

int server_main(int argc, char** argv, const RegisterServices& register_services) {
  // Signals are blocked before any thread starts, so only sigwait sees them.
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  std::signal(SIGPIPE, SIG_IGN);

  ParseOutcome parsed = parse_options(argc, argv, [](const char* name) { return std::getenv(name); });
  if (parsed.exit_code) {
    (*parsed.exit_code == 0 ? std::cout : std::cerr) << parsed.message << "\n";
    // Docker reserves health-check exit code 2: any failure of a probe is "unhealthy" (1).
    if (parsed.health_check && *parsed.exit_code != 0) return 1;
    return *parsed.exit_code;
  }
  if (parsed.health_check) return probe_health(parsed.options);
  log::init(parsed.options.log_level, parsed.options.log_format);
  raise_fd_limit();
  int code = 0;
  try {
    Server server(parsed.options, register_services);
    server.start();
    log::info("rime " RIME_VERSION " listening on " + server.endpoint() + " with " +
              std::to_string(server.registry().all().size()) + " services" +
              (parsed.options.data_dir.empty() ? ", state in memory" : ", data dir " + parsed.options.data_dir));
    log::flush();
    int sig = 0;
    sigwait(&set, &sig);
    log::info(std::string("received ") + (sig == SIGTERM ? "SIGTERM" : "SIGINT"));
    server.stop();
  } catch (const std::exception& e) {
    log::error(e.what());
    std::cerr << "rime: " << e.what() << "\n";
    code = 1;
  }
  log::shutdown();
  return code;
}

}  // namespace rime
