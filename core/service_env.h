// ServiceEnv: what the server gives every service when registering it.
#pragma once

#include <memory>

#include "core/request_context.h"
#include "core/vfs.h"

namespace rime {

struct ServiceEnv {
  std::shared_ptr<Vfs> vfs;  // MemVfs by default, FsVfs under --data-dir
  Defaults defaults;
};

}  // namespace rime
