#include "core/ids.h"

#include <cstdint>
#include <random>

namespace rime {
namespace {

// One generator per thread: no lock on the request path. Seeded from the OS once per thread.
std::mt19937_64& generator() {
  thread_local std::mt19937_64 gen{std::random_device{}()};
  return gen;
}

constexpr char kHex[] = "0123456789abcdef";

}  // namespace

std::string new_request_id() {
  std::uint64_t hi = generator()(), lo = generator()();
  hi = (hi & 0xffffffffffff0fffULL) | 0x0000000000004000ULL;  // version 4
  lo = (lo & 0x3fffffffffffffffULL) | 0x8000000000000000ULL;  // RFC 4122 variant
  std::string out(36, '-');
  int pos = 0;
  auto put = [&](std::uint64_t v, int nibbles) {
    for (int i = nibbles - 1; i >= 0; --i) {
      if (pos == 8 || pos == 13 || pos == 18 || pos == 23) ++pos;
      out[pos++] = kHex[(v >> (i * 4)) & 0xf];
    }
  };
  put(hi, 16);
  put(lo, 16);
  return out;
}

std::string random_hex(std::size_t n) {
  std::string out(n, '0');
  for (std::size_t i = 0; i < n; ++i) out[i] = kHex[generator()() & 0xf];
  return out;
}

std::string random_upper_alnum(std::size_t n) {
  static constexpr char kChars[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
  std::string out(n, 'A');
  for (std::size_t i = 0; i < n; ++i) out[i] = kChars[generator()() % 36];
  return out;
}

}  // namespace rime
