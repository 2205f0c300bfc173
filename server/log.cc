#include "server/log.h"

#include <atomic>
#include <cstdio>
#include <memory>
#include <mutex>

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>
#include <spdlog/async.h>
#include <spdlog/sinks/base_sink.h>
#include <spdlog/spdlog.h>

namespace rime::log {
namespace {

std::shared_ptr<spdlog::logger> g_logger;

// stdout through stdio's buffer: spdlog's stdout sink flushes every line, a write(2) per
// request on a two-core machine. Lines are flushed each second and at once for warnings.
class BufferedStdoutSink final : public spdlog::sinks::base_sink<std::mutex> {
 protected:
  void sink_it_(const spdlog::details::log_msg& msg) override {
    spdlog::memory_buf_t formatted;
    formatter_->format(msg, formatted);
    std::fwrite(formatted.data(), 1, formatted.size(), stdout);
  }
  void flush_() override { std::fflush(stdout); }
};
std::atomic<bool> g_json{false};
std::atomic<bool> g_requests{true};

void emit(spdlog::level::level_enum level, std::string_view message) {
  if (!g_logger || !g_logger->should_log(level)) return;
  if (g_json.load(std::memory_order_relaxed)) {
    rapidjson::StringBuffer buf;
    rapidjson::Writer<rapidjson::StringBuffer> w(buf);
    w.StartObject();
    w.Key("level");
    auto lv = spdlog::level::to_string_view(level);
    w.String(lv.data(), static_cast<rapidjson::SizeType>(lv.size()));
    w.Key("msg");
    w.String(message.data(), static_cast<rapidjson::SizeType>(message.size()));
    w.EndObject();
    // Fields only: the pattern adds the braces and the time.
    g_logger->log(level, std::string_view(buf.GetString() + 1, buf.GetSize() - 2));
  } else {
    g_logger->log(level, message);
  }
}

}  // namespace

void init(std::string_view level, std::string_view format) {
  // spdlog preallocates and touches every slot (~420 bytes each): 1,024 slots are ~100 page
  // faults at start and 430 KiB of idle memory. They absorb bursts of request lines (info and
  // below: ~25 ms of a stalled writer at 40k requests/s); at warn and above there are no request
  // lines and a few slots do.
  auto threshold = spdlog::level::from_str(std::string(level));
  spdlog::init_thread_pool(threshold <= spdlog::level::info ? 1024 : 32, 1);
  static char stdout_buffer[64 * 1024];
  std::setvbuf(stdout, stdout_buffer, _IOFBF, sizeof stdout_buffer);
  auto sink = std::make_shared<BufferedStdoutSink>();
  g_logger = std::make_shared<spdlog::async_logger>("rime", sink, spdlog::thread_pool(),
                                                    spdlog::async_overflow_policy::overrun_oldest);
  g_json = format == "json";
  if (g_json) {
    g_logger->set_pattern(R"({"time":"%Y-%m-%dT%H:%M:%S.%eZ",%v})", spdlog::pattern_time_type::utc);
  } else {
    g_logger->set_pattern("%Y-%m-%dT%H:%M:%S.%eZ %^%l%$ %v", spdlog::pattern_time_type::utc);
  }
  g_logger->set_level(threshold);
  g_logger->flush_on(spdlog::level::warn);
  spdlog::flush_every(std::chrono::seconds(1));
  g_requests = g_logger->should_log(spdlog::level::info);
  spdlog::set_default_logger(g_logger);
}

void shutdown() {
  if (g_logger) g_logger->flush();
  spdlog::shutdown();
  g_logger.reset();
}

void flush() {
  if (g_logger) g_logger->flush();
}

void info(std::string_view m) { emit(spdlog::level::info, m); }
void warn(std::string_view m) { emit(spdlog::level::warn, m); }
void error(std::string_view m) { emit(spdlog::level::err, m); }
void debug(std::string_view m) { emit(spdlog::level::debug, m); }

bool request_logging_enabled() { return g_logger && g_requests.load(std::memory_order_relaxed); }

void request(const RequestLine& r) {
  if (!request_logging_enabled()) return;
  if (g_json.load(std::memory_order_relaxed)) {
    // Fields only (the pattern adds the braces and time); RapidJSON escapes every value.
    rapidjson::StringBuffer buf;
    rapidjson::Writer<rapidjson::StringBuffer> w(buf);
    auto str = [&](const char* key, std::string_view v) {
      w.Key(key);
      w.String(v.data(), static_cast<rapidjson::SizeType>(v.size()));
    };
    w.StartObject();
    str("level", "info");
    str("method", r.method);
    str("path", r.path);
    str("service", r.service);
    str("operation", r.operation);
    w.Key("status");
    w.Int(r.status);
    w.Key("latency_ms");
    w.Double(r.latency_ms);
    str("account", r.account);
    str("region", r.region);
    str("request_id", r.request_id);
    w.EndObject();
    std::string_view fields(buf.GetString() + 1, buf.GetSize() - 2);
    g_logger->info(fields);
  } else {
    g_logger->info("{} {} {} {} {} {:.3f}ms {} {} {}", r.method, r.path, r.service.empty() ? "-" : r.service,
                   r.operation.empty() ? "-" : r.operation, r.status, r.latency_ms, r.account, r.region,
                   r.request_id);
  }
}

}  // namespace rime::log
