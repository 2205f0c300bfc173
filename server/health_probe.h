// `rime --health-check`: the container HEALTHCHECK, without curl in the runtime image.
#pragma once

#include "server/options.h"

namespace rime {

/// GETs /_rime/health from the server at options.host:port (with the admin token if set);
/// returns 0 when it answers 200 within two seconds, 1 otherwise.
int probe_health(const Options& options);

}  // namespace rime
