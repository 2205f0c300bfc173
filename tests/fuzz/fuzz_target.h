// One fuzz target = one RIME_FUZZ_TARGET(name) { ... } body taking (data, size).
//
// In the fuzz build (RIME_FUZZ=ON, clang, -fsanitize=fuzzer) each target is its own executable
// and the body is libFuzzer's LLVMFuzzerTestOneInput. In the normal build every target is
// compiled into one replay executable (replay_main.cc) that runs the files of
// tests/fuzz/corpus/<name>/ through the same body, so inputs that once crashed stay fixed.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstdio>
#include <string_view>

namespace rime::fuzz {

using TargetFn = int (*)(const std::uint8_t* data, std::size_t size);

/// Replay build only: targets register themselves by name before main().
struct Registrar {
  Registrar(const char* name, TargetFn fn);
};

/// Aborts with a message: a violated invariant is a finding, like a sanitizer report.
[[noreturn]] inline void fail(const char* what, std::string_view detail = {}) {
  std::fprintf(stderr, "fuzz invariant violated: %s%s%.*s\n", what, detail.empty() ? "" : ": ",
               static_cast<int>(detail.size()), detail.data());
  std::abort();
}

}  // namespace rime::fuzz

#define RIME_FUZZ_CHECK(cond, detail) \
  do {                                \
    if (!(cond)) ::rime::fuzz::fail(#cond, detail); \
  } while (0)

#ifdef RIME_FUZZ_LIBFUZZER
#define RIME_FUZZ_TARGET(name) extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
#else
#define RIME_FUZZ_TARGET(name)                                                              \
  static int rime_fuzz_target_##name(const std::uint8_t* data, std::size_t size);           \
  static const ::rime::fuzz::Registrar rime_fuzz_registrar_##name(#name, rime_fuzz_target_##name); \
  static int rime_fuzz_target_##name(const std::uint8_t* data, std::size_t size)
#endif
