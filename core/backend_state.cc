#include "core/backend_state.h"

namespace rime {

std::uint64_t next_state_version() {
  static std::atomic<std::uint64_t> counter{0};
  return counter.fetch_add(1, std::memory_order_relaxed) + 1;
}

}  // namespace rime
