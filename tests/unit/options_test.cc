// Options: DESIGN.md's precedence (CLI > RIME_* env > TOML file > defaults), RIME_CONFIG, and
// exit codes: 0 for --help/--version, 2 for unknown keys and invalid values.
#include <catch2/catch.hpp>

#include <filesystem>
#include <initializer_list>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "server/options.h"
#include "temp_dir.h"

using namespace rime;

namespace {

struct Env {
  Env() = default;
  Env(std::initializer_list<std::pair<const std::string, std::string>> list) : vars(list) {}
  std::map<std::string, std::string> vars;
  EnvLookup lookup() const {
    return [this](const char* name) -> const char* {
      auto it = vars.find(name);
      return it == vars.end() ? nullptr : it->second.c_str();
    };
  }
};

ParseOutcome parse(std::vector<std::string> args, const Env& env = {}) {
  args.insert(args.begin(), "rime");
  std::vector<const char*> argv;
  for (auto& a : args) argv.push_back(a.c_str());
  return parse_options(static_cast<int>(argv.size()), argv.data(), env.lookup());
}

std::string write_file(const unit::TempDir& dir, const std::string& name, const std::string& text) {
  auto path = (dir.path() / name).string();
  std::ofstream(path) << text;
  return path;
}

// Every option, as its flag; --help must list them all.
const char* kFlags[] = {
    "--host", "--port", "--account", "--region", "--data-dir", "--persist-interval-ms", "--threads",
    "--log-level", "--log-format", "--admin-token", "--tls-cert", "--tls-key", "--max-header-bytes",
    "--max-body-bytes", "--header-timeout-ms", "--idle-timeout-ms", "--shutdown-timeout-ms", "--config",
    "--version", "--health-check",
};

}  // namespace

// With nothing given, the documented defaults (DESIGN.md: 127.0.0.1:4566, 123456789012, us-east-1,
// in memory, info logs).
TEST_CASE("options: defaults", "[server][options]") {
  auto out = parse({});
  REQUIRE_FALSE(out.exit_code);
  const Options& o = out.options;
  CHECK(o.host == "127.0.0.1");
  CHECK(o.port == 4566);
  CHECK(o.account == "123456789012");
  CHECK(o.region == "us-east-1");
  CHECK(o.data_dir.empty());
  CHECK(o.log_level == "info");
  CHECK(o.log_format == "text");
  CHECK(o.admin_token.empty());
  CHECK(o.config_file.empty());
  CHECK_FALSE(out.health_check);
  CHECK_FALSE(validate_options(o));
}

// Each layer overrides the one below it, option by option, and leaves the others alone.
TEST_CASE("options: file < env < CLI", "[server][options]") {
  unit::TempDir dir;
  auto file = write_file(dir, "rime.toml",
                         "# comment\n"
                         "port = 5000\n"
                         "region = \"eu-west-1\"\n"
                         "log_level = \"debug\"\n"
                         "account = \"111122223333\"\n"
                         "data_dir = \"/var/lib/rime\"\n");
  SECTION("file overrides defaults") {
    auto out = parse({"--config", file});
    REQUIRE_FALSE(out.exit_code);
    CHECK(out.options.port == 5000);
    CHECK(out.options.region == "eu-west-1");
    CHECK(out.options.log_level == "debug");
    CHECK(out.options.account == "111122223333");
    CHECK(out.options.data_dir == "/var/lib/rime");
    CHECK(out.options.host == "127.0.0.1");
    CHECK(out.options.config_file == file);
  }
  SECTION("env overrides file") {
    Env env{{"RIME_PORT", "6000"}, {"RIME_LOG_LEVEL", "warn"}, {"RIME_HOST", "0.0.0.0"}};
    auto out = parse({"--config", file}, env);
    REQUIRE_FALSE(out.exit_code);
    CHECK(out.options.port == 6000);
    CHECK(out.options.log_level == "warn");
    CHECK(out.options.host == "0.0.0.0");
    CHECK(out.options.region == "eu-west-1");
  }
  SECTION("CLI overrides env") {
    Env env{{"RIME_PORT", "6000"}, {"RIME_LOG_LEVEL", "warn"}};
    auto out = parse({"--config", file, "--port", "7000"}, env);
    REQUIRE_FALSE(out.exit_code);
    CHECK(out.options.port == 7000);
    CHECK(out.options.log_level == "warn");
    CHECK(out.options.region == "eu-west-1");
  }
  SECTION("CLI --flag=value form") {
    auto out = parse({"--config=" + file, "--region=ap-south-1", "--data-dir", "/tmp/x"});
    REQUIRE_FALSE(out.exit_code);
    CHECK(out.options.region == "ap-south-1");
    CHECK(out.options.data_dir == "/tmp/x");
    CHECK(out.options.port == 5000);
  }
}

// Every option has an env variable named RIME_<NAME>.
TEST_CASE("options: each RIME_* variable is read", "[server][options]") {
  Env env{{"RIME_HOST", "0.0.0.0"},
           {"RIME_PORT", "1234"},
           {"RIME_ACCOUNT", "000000000000"},
           {"RIME_REGION", "eu-north-1"},
           {"RIME_DATA_DIR", "/data"},
           {"RIME_PERSIST_INTERVAL_MS", "250"},
           {"RIME_THREADS", "3"},
           {"RIME_LOG_LEVEL", "error"},
           {"RIME_LOG_FORMAT", "json"},
           {"RIME_ADMIN_TOKEN", "secret"},
           {"RIME_TLS_CERT", "/c.pem"},
           {"RIME_TLS_KEY", "/k.pem"},
           {"RIME_MAX_HEADER_BYTES", "2048"},
           {"RIME_MAX_BODY_BYTES", "1048576"},
           {"RIME_HEADER_TIMEOUT_MS", "111"},
           {"RIME_IDLE_TIMEOUT_MS", "222"},
           {"RIME_SHUTDOWN_TIMEOUT_MS", "333"}};
  auto out = parse({}, env);
  REQUIRE_FALSE(out.exit_code);
  const Options& o = out.options;
  CHECK(o.host == "0.0.0.0");
  CHECK(o.port == 1234);
  CHECK(o.account == "000000000000");
  CHECK(o.region == "eu-north-1");
  CHECK(o.data_dir == "/data");
  CHECK(o.persist_interval_ms == 250);
  CHECK(o.threads == 3);
  CHECK(o.log_level == "error");
  CHECK(o.log_format == "json");
  CHECK(o.admin_token == "secret");
  CHECK(o.tls_cert == "/c.pem");
  CHECK(o.tls_key == "/k.pem");
  CHECK(o.max_header_bytes == 2048);
  CHECK(o.max_body_bytes == 1048576);
  CHECK(o.header_timeout_ms == 111);
  CHECK(o.idle_timeout_ms == 222);
  CHECK(o.shutdown_timeout_ms == 333);
}

// RIME_CONFIG names the file when --config is absent; --config (CLI) beats it.
TEST_CASE("options: RIME_CONFIG", "[server][options]") {
  unit::TempDir dir;
  auto from_env = write_file(dir, "env.toml", "port = 1111\n");
  auto from_cli = write_file(dir, "cli.toml", "port = 2222\n");
  Env env{{"RIME_CONFIG", from_env}};
  auto out = parse({}, env);
  REQUIRE_FALSE(out.exit_code);
  CHECK(out.options.port == 1111);
  CHECK(out.options.config_file == from_env);
  out = parse({"-c", from_cli}, env);
  REQUIRE_FALSE(out.exit_code);
  CHECK(out.options.port == 2222);
}

// A typo in the config file must stop the daemon, not be silently ignored.
TEST_CASE("options: unknown TOML key exits 2", "[server][options]") {
  unit::TempDir dir;
  auto file = write_file(dir, "rime.toml", "port = 5000\nprot = 5001\n");
  auto out = parse({"--config", file});
  REQUIRE(out.exit_code);
  CHECK(*out.exit_code == 2);
  CHECK(out.message.find("prot") != std::string::npos);
}

// Broken, unreadable or wrongly-typed files are configuration errors (exit 2), with a message.
TEST_CASE("options: bad config files exit 2", "[server][options]") {
  unit::TempDir dir;
  std::string file;
  SECTION("syntax error") { file = write_file(dir, "bad.toml", "port = = 1\n"); }
  SECTION("missing file") { file = (dir.path() / "missing.toml").string(); }
  SECTION("table instead of a scalar") { file = write_file(dir, "t.toml", "[server]\nport = 1\n"); }
  SECTION("float port") { file = write_file(dir, "f.toml", "port = 4566.5\n"); }
  SECTION("string that is not a number") { file = write_file(dir, "s.toml", "port = \"http\"\n"); }
  SECTION("invalid log level") { file = write_file(dir, "l.toml", "log_level = \"loud\"\n"); }
  auto out = parse({"--config", file});
  REQUIRE(out.exit_code);
  CHECK(*out.exit_code == 2);
  CHECK_FALSE(out.message.empty());
}

// Invalid values from any source exit 2 and name what was wrong.
TEST_CASE("options: invalid values exit 2", "[server][options]") {
  struct Case {
    std::vector<std::string> args;
    Env env;
  };
  std::vector<Case> cases = {
      {{"--port", "abc"}, {}},
      {{"--port", "70000"}, {}},
      {{"--port", "-1"}, {}},
      {{"--port", "4566x"}, {}},
      {{"--port", ""}, {}},
      {{}, Env{{"RIME_PORT", "abc"}}},
      {{}, Env{{"RIME_PORT", "65536"}}},
      {{}, Env{{"RIME_MAX_BODY_BYTES", "-1"}}},
      {{"--threads", "-2"}, {}},
      {{"--log-level", "loud"}, {}},
      {{"--log-format", "xml"}, {}},
      {{"--account", "123"}, {}},
      {{"--account", "12345678901a"}, {}},
      {{"--tls-cert", "/c.pem"}, {}},  // without --tls-key
      {{"--persist-interval-ms", "0"}, {}},
      {{"--header-timeout-ms", "0"}, {}},
      {{"--max-header-bytes", "10"}, {}},
      {{"--no-such-flag"}, {}},
      {{"--port"}, {}},  // missing value
      {{"positional"}, {}},
  };
  for (const auto& c : cases) {
    std::string desc;
    for (const auto& a : c.args) desc += a + " ";
    for (const auto& [k, v] : c.env.vars) desc += k + "=" + v + " ";
    INFO(desc);
    auto out = parse(c.args, c.env);
    REQUIRE(out.exit_code);
    CHECK(*out.exit_code == 2);
    CHECK_FALSE(out.message.empty());
  }
}

// An invalid env value that the CLI overrides is never used, so it is not an error.
TEST_CASE("options: overridden invalid env value is not an error", "[server][options]") {
  Env env{{"RIME_PORT", "abc"}};
  auto out = parse({"--port", "8080"}, env);
  REQUIRE_FALSE(out.exit_code);
  CHECK(out.options.port == 8080);
}

// --help exits 0 and documents every option, with its env variable.
TEST_CASE("options: --help lists every option", "[server][options]") {
  for (std::string flag : {"--help", "-h"}) {
    INFO(flag);
    auto out = parse({flag});
    REQUIRE(out.exit_code);
    CHECK(*out.exit_code == 0);
    for (const char* f : kFlags) {
      INFO(f);
      CHECK(out.message.find(f) != std::string::npos);
    }
    CHECK(out.message.find("RIME_PORT") != std::string::npos);
    CHECK(out.message.find("RIME_CONFIG") != std::string::npos);
  }
}

// --version exits 0 with the version the build was stamped with.
TEST_CASE("options: --version", "[server][options]") {
  for (std::string flag : {"--version", "-V"}) {
    INFO(flag);
    auto out = parse({flag});
    REQUIRE(out.exit_code);
    CHECK(*out.exit_code == 0);
    CHECK(out.message.find(RIME_VERSION) != std::string::npos);
  }
}

// --health-check is how the container's HEALTHCHECK probes the daemon; it is not an exit by itself.
TEST_CASE("options: --health-check", "[server][options]") {
  auto out = parse({"--health-check", "--port", "4999"});
  REQUIRE_FALSE(out.exit_code);
  CHECK(out.health_check);
  CHECK(out.options.port == 4999);
}

// DESIGN.md: config/rime.toml lists every option with its default; loading it must be valid and
// change nothing.
TEST_CASE("options: config/rime.toml documents every option and loads to the defaults", "[server][options]") {
  auto path = std::filesystem::path(__FILE__).parent_path().parent_path().parent_path() / "config" / "rime.toml";
  REQUIRE(std::filesystem::exists(path));
  auto out = parse({"--config", path.string()});
  REQUIRE_FALSE(out.exit_code);
  Options defaults;
  CHECK(out.options.host == defaults.host);
  CHECK(out.options.port == defaults.port);
  CHECK(out.options.account == defaults.account);
  CHECK(out.options.region == defaults.region);
  CHECK(out.options.data_dir == defaults.data_dir);
  CHECK(out.options.log_level == defaults.log_level);
  std::ifstream in(path);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  for (const char* f : kFlags) {
    std::string key(f + 2);
    if (key == "config" || key == "version" || key == "health-check") continue;
    for (char& c : key)
      if (c == '-') c = '_';
    INFO(key);
    CHECK(text.find(key) != std::string::npos);
  }
}
