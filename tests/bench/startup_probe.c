/* startup_probe: time from exec of a server to its first answered request.
 *
 * Usage: startup_probe [-t TIMEOUT_MS] [-p PATH] [-a] [-v] PORT -- COMMAND [ARGS...]
 *
 * With PORT 0 it only times fork/exec/exit of COMMAND (e.g. /bin/true: the machine's exec floor).
 *
 * Reads CLOCK_MONOTONIC, fork/execs COMMAND (in its own process group, killed if this probe dies),
 * then repeatedly connects to 127.0.0.1:PORT, sends "GET PATH HTTP/1.1" and reads the status line,
 * until a 2xx arrives (-a: any HTTP status, for servers that answer 400 to a bare GET). Prints the
 * elapsed microseconds on stdout, kills the server's process group,
 * and exits 0. Exits 2 on timeout or when the server exits first, 1 on usage/system errors.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static volatile pid_t child = 0;

static void kill_child(void) {
  if (child > 0) {
    kill(-child, SIGKILL);
    kill(child, SIGKILL);
    waitpid(child, NULL, 0);
    child = 0;
  }
}

static void on_signal(int sig) {
  if (child > 0) {
    kill(-child, SIGKILL);
    kill(child, SIGKILL);
  }
  signal(sig, SIG_DFL);
  raise(sig);
}

static long long now_us(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (long long)ts.tv_sec * 1000000LL + ts.tv_nsec / 1000;
}

/* One attempt: 1 when a 2xx (any_status: any) status line was read, 0 otherwise. */
static int try_request(int port, const char *req, size_t req_len, int any_status) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return 0;
  struct sockaddr_in addr;
  memset(&addr, 0, sizeof addr);
  addr.sin_family = AF_INET;
  addr.sin_port = htons((unsigned short)port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  struct timeval tv = {1, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  int ok = 0;
  if (connect(fd, (struct sockaddr *)&addr, sizeof addr) == 0) {
    size_t sent = 0;
    while (sent < req_len) {
      ssize_t n = send(fd, req + sent, req_len - sent, MSG_NOSIGNAL);
      if (n <= 0) break;
      sent += (size_t)n;
    }
    if (sent == req_len) {
      char buf[64];
      size_t got = 0;
      while (got < 12) { /* "HTTP/1.1 200" */
        ssize_t n = recv(fd, buf + got, sizeof buf - 1 - got, 0);
        if (n <= 0) break;
        got += (size_t)n;
      }
      buf[got] = 0;
      ok = got >= 12 && strncmp(buf, "HTTP/1.", 7) == 0 && (any_status || buf[9] == '2'); /* any 2xx */
    }
  }
  close(fd);
  return ok;
}

int main(int argc, char **argv) {
  long timeout_ms = 10000;
  const char *path = "/";
  int verbose = 0;
  int any_status = 0;
  int i = 1;
  for (; i < argc; i++) {
    if (strcmp(argv[i], "-t") == 0 && i + 1 < argc) timeout_ms = atol(argv[++i]);
    else if (strcmp(argv[i], "-p") == 0 && i + 1 < argc) path = argv[++i];
    else if (strcmp(argv[i], "-v") == 0) verbose = 1;
    else if (strcmp(argv[i], "-a") == 0) any_status = 1;
    else break;
  }
  if (i + 2 >= argc || strcmp(argv[i + 1], "--") != 0) {
    fprintf(stderr, "usage: %s [-t TIMEOUT_MS] [-p PATH] [-a] [-v] PORT -- COMMAND [ARGS...]\n", argv[0]);
    return 1;
  }
  int port = atoi(argv[i]);
  char **cmd = &argv[i + 2];

  char req[1024];
  int req_len = snprintf(req, sizeof req,
                         "GET %s HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nConnection: close\r\n\r\n", path, port);
  if (req_len <= 0 || (size_t)req_len >= sizeof req) return 1;

  signal(SIGINT, on_signal);
  signal(SIGTERM, on_signal);
  signal(SIGHUP, on_signal);

  long long start = now_us();
  pid_t pid = fork();
  if (pid < 0) {
    perror("fork");
    return 1;
  }
  if (pid == 0) {
    setpgid(0, 0);
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (!verbose) {
      int devnull = open("/dev/null", O_RDWR);
      if (devnull >= 0) {
        dup2(devnull, 0);
        dup2(devnull, 1);
        dup2(devnull, 2);
      }
    }
    execvp(cmd[0], cmd);
    _exit(127);
  }
  setpgid(pid, pid); /* also from the parent, so kill(-pid) works whoever runs first */
  child = pid;

  if (port == 0) { /* exec floor: time until the command exits */
    int status;
    waitpid(pid, &status, 0);
    child = 0;
    printf("%lld\n", now_us() - start);
    return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : 2;
  }

  long long deadline = start + timeout_ms * 1000LL;
  struct timespec pause = {0, 100 * 1000}; /* 100 us between attempts */
  for (;;) {
    if (try_request(port, req, (size_t)req_len, any_status)) {
      long long elapsed = now_us() - start;
      kill_child();
      printf("%lld\n", elapsed);
      return 0;
    }
    int status;
    if (waitpid(pid, &status, WNOHANG) == pid) {
      child = 0;
      fprintf(stderr, "startup_probe: server exited before answering (status %d)\n", status);
      return 2;
    }
    if (now_us() > deadline) {
      kill_child();
      fprintf(stderr, "startup_probe: no 200 within %ld ms\n", timeout_ms);
      return 2;
    }
    nanosleep(&pause, NULL);
  }
}
