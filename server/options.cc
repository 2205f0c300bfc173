#include "server/options.h"

#include <charconv>
#include <map>
#include <sstream>

#include <CLI/CLI.hpp>
#include <toml++/toml.h>

#include "core/scope.h"

namespace rime {
namespace {

// One entry per option: its flag, environment variable and TOML key are derived from `name`
// (port -> --port, RIME_PORT, port), so the three sources can never drift apart.
struct OptionSpec {
  std::string name;         // TOML key and flag name with '_' -> '-'
  std::string type;         // INT or TEXT, for --help
  std::string help;
  std::function<std::string(const Options&)> get;
  std::function<bool(Options&, const std::string&)> set;  // false: invalid value
};

template <class T>
bool parse_number(const std::string& text, T& out) {
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && ptr == text.data() + text.size();
}

#define RIME_STRING_OPTION(field, help) \
  OptionSpec{#field, "TEXT", help, [](const Options& o) { return o.field; }, \
             [](Options& o, const std::string& v) { o.field = v; return true; }}
#define RIME_NUMBER_OPTION(field, help) \
  OptionSpec{#field, "INT", help, [](const Options& o) { return std::to_string(o.field); }, \
             [](Options& o, const std::string& v) { return parse_number(v, o.field); }}

const std::vector<OptionSpec>& option_specs() {
  static const std::vector<OptionSpec> specs = {
      RIME_STRING_OPTION(host, "Address to listen on"),
      RIME_NUMBER_OPTION(port, "TCP port to listen on (0 picks a free one)"),
      RIME_STRING_OPTION(account, "Default account id, for access keys that are not 12 digits"),
      RIME_STRING_OPTION(region, "Default region, for requests without a SigV4 scope"),
      RIME_STRING_OPTION(data_dir, "Persist state and blobs under this directory (default: in memory)"),
      RIME_NUMBER_OPTION(persist_interval_ms, "How often changed state is written to --data-dir, in ms"),
      RIME_NUMBER_OPTION(threads, "I/O threads (0: one per core)"),
      RIME_STRING_OPTION(log_level, "trace, debug, info, warn, error, critical or off"),
      RIME_STRING_OPTION(log_format, "text or json"),
      RIME_STRING_OPTION(admin_token, "Require 'Authorization: Bearer <token>' on admin paths"),
      RIME_STRING_OPTION(tls_cert, "PEM certificate chain: serve TLS (h2 and http/1.1 by ALPN)"),
      RIME_STRING_OPTION(tls_key, "PEM private key for --tls-cert"),
      RIME_NUMBER_OPTION(max_header_bytes, "Largest request header block, in bytes"),
      RIME_NUMBER_OPTION(max_body_bytes, "Largest request body, in bytes"),
      RIME_NUMBER_OPTION(header_timeout_ms, "Time allowed from a request's first byte to its headers' end, in ms"),
      RIME_NUMBER_OPTION(idle_timeout_ms, "Keep-alive idle timeout and body progress timeout, in ms"),
      RIME_NUMBER_OPTION(shutdown_timeout_ms, "How long in-flight requests may run after SIGTERM, in ms"),
  };
  return specs;
}

std::string flag_of(const std::string& name) {
  std::string flag = "--" + name;
  for (char& c : flag)
    if (c == '_') c = '-';
  return flag;
}

std::string env_of(const std::string& name) {
  std::string env = "RIME_" + name;
  for (char& c : env) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return env;
}

// Reads the TOML file into name -> text; scalar values only.
std::optional<std::string> read_toml(const std::string& path, std::map<std::string, std::string>& out) {
  toml::table table;
  try {
    table = toml::parse_file(path);
  } catch (const toml::parse_error& e) {
    std::ostringstream msg;
    msg << "config file " << path << ": " << e.description() << " at line " << e.source().begin.line;
    return msg.str();
  }
  for (auto& [key, node] : table) {
    std::string k(key.str());
    if (auto s = node.value<std::string>()) out[k] = *s;
    else if (auto i = node.value<std::int64_t>()) out[k] = std::to_string(*i);
    else if (auto b = node.value<bool>()) out[k] = *b ? "true" : "false";
    else return "config file " + path + ": option '" + k + "' must be a string, integer or boolean";
  }
  return std::nullopt;
}

// An IP literal, or a host name to resolve at start. All-digit-and-dot names must be IPv4.
bool valid_host(const std::string& host) {
  if (host.empty() || host.size() > 253) return false;
  if (host.find(':') != std::string::npos) {  // IPv6 literal
    return host.find_first_not_of("0123456789abcdefABCDEF:.") == std::string::npos;
  }
  if (host.find_first_not_of("0123456789.") == std::string::npos) {
    int parts = 0;
    std::size_t start = 0;
    while (start <= host.size()) {
      auto dot = host.find('.', start);
      std::string part = host.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
      int value = -1;
      if (part.empty() || part.size() > 3 || !parse_number(part, value) || value > 255) return false;
      ++parts;
      if (dot == std::string::npos) break;
      start = dot + 1;
    }
    return parts == 4;
  }
  return host.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-") ==
         std::string::npos;
}

}  // namespace

ParseOutcome parse_options(int argc, const char* const* argv, const EnvLookup& env) {
  ParseOutcome outcome;
  CLI::App app{"rime: a fast, stateful AWS emulator. Point AWS_ENDPOINT_URL at it.", "rime"};
  app.get_formatter()->column_width(34);
  std::map<std::string, std::string> cli_values;
  std::map<std::string, CLI::Option*> cli_options;
  for (const auto& spec : option_specs()) {
    std::string fallback = spec.get(Options{});
    std::string help = spec.help + " [env " + env_of(spec.name) + ", default " + (fallback.empty() ? "(none)" : fallback) + "]";
    cli_options[spec.name] = app.add_option(flag_of(spec.name), cli_values[spec.name], help)->type_name(spec.type);
  }
  std::string config_file;
  app.add_option("-c,--config", config_file, "TOML file with any of these options [env RIME_CONFIG]");
  bool show_version = false;
  app.add_flag("-V,--version", show_version, "Print the version and exit");
  app.add_flag("--health-check", outcome.health_check,
               "Ask the server at --host/--port for /_rime/health; exit 0 when it answers 200");
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp&) {
    outcome.exit_code = 0;
    outcome.message = app.help();
    return outcome;
  } catch (const CLI::ParseError& e) {
    outcome.exit_code = 2;
    outcome.message = std::string(e.what()) + "\nRun with --help for the options.";
    return outcome;
  }
  if (show_version) {
    outcome.exit_code = 0;
    outcome.message = std::string("rime ") + RIME_VERSION;
    return outcome;
  }
  if (config_file.empty()) {
    if (const char* v = env("RIME_CONFIG")) config_file = v;
  }
  std::map<std::string, std::string> file_values;
  if (!config_file.empty()) {
    if (auto err = read_toml(config_file, file_values)) {
      outcome.exit_code = 2;
      outcome.message = *err;
      return outcome;
    }
    for (const auto& [key, _] : file_values) {
      bool known = false;
      for (const auto& spec : option_specs()) known = known || spec.name == key;
      if (!known) {
        outcome.exit_code = 2;
        outcome.message = "config file " + config_file + ": unknown option '" + key + "'";
        return outcome;
      }
    }
  }
  Options& options = outcome.options;
  options.config_file = config_file;
  for (const auto& spec : option_specs()) {
    std::string value, source;
    if (cli_options[spec.name]->count() > 0) {
      value = cli_values[spec.name], source = flag_of(spec.name);
    } else if (const char* v = env(env_of(spec.name).c_str())) {
      value = v, source = env_of(spec.name);
    } else if (auto it = file_values.find(spec.name); it != file_values.end()) {
      value = it->second, source = config_file + ": " + spec.name;
    } else {
      continue;
    }
    if (!spec.set(options, value)) {
      outcome.exit_code = 2;
      outcome.message = "invalid value '" + value + "' for " + source;
      return outcome;
    }
  }
  if (auto err = validate_options(options)) {
    outcome.exit_code = 2;
    outcome.message = *err;
  }
  return outcome;
}

std::optional<std::string> validate_options(const Options& o) {
  if (o.port < 0 || o.port > 65535) return "--port must be between 0 and 65535";
  static const char* levels[] = {"trace", "debug", "info", "warn", "error", "critical", "off"};
  if (std::find(std::begin(levels), std::end(levels), o.log_level) == std::end(levels))
    return "--log-level must be one of trace, debug, info, warn, error, critical, off";
  if (o.log_format != "text" && o.log_format != "json") return "--log-format must be text or json";
  if (o.tls_cert.empty() != o.tls_key.empty()) return "--tls-cert and --tls-key go together";
  if (o.account.size() != 12 || o.account.find_first_not_of("0123456789") != std::string::npos)
    return "--account must be 12 digits";
  if (!is_region_name(o.region)) return "--region '" + o.region + "' is not a region name such as us-east-1";
  if (!valid_host(o.host)) return "--host '" + o.host + "' is not an IP address or a host name";
  if (o.threads < 0 || o.threads > 256) return "--threads must be between 0 and 256";
  if (o.persist_interval_ms < 10) return "--persist-interval-ms must be at least 10";
  if (o.header_timeout_ms <= 0 || o.idle_timeout_ms <= 0 || o.shutdown_timeout_ms < 0)
    return "timeouts must be positive";
  if (o.max_header_bytes < 1024) return "--max-header-bytes must be at least 1024";
  return std::nullopt;
}

}  // namespace rime
