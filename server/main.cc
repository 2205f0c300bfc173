// The rime daemon: every service of this build, served until SIGTERM/SIGINT.
#include "server/server.h"
#include "services/register.h"

int main(int argc, char** argv) { return rime::server_main(argc, argv, rime::register_builtin_services); }
