#!/usr/bin/env bash
# Benchmarks rime side by side with nginx, nghttpd, moto_server and the npm emulators of landed
# services (same machine, same run) and prints one markdown report, also written to
# tests/bench/results/latest.md.
#
# Usage: tests/bench/run.sh [--build-dir DIR] [--no-build] [--quick] [--sdk] [bench.py options]
#   --build-dir DIR  build and use DIR (default: $RIME_BUILD_DIR, else build)
#   --no-build       use the existing DIR/server/rime instead of building Release first
#   --quick          2 s runs, 1 round, 5 startups (a smoke test, not figures)
#   --sdk            SDK mode: the same operations through the AWS SDK for JavaScript v3
#                    (client-side p50/p99 and ops/s, rime vs moto), report in results/latest-sdk.md
#   --scenario GLOB  only these scenarios (repeatable; --list shows them)
#   --install-peers  only install the npm peers (tests/bench/peers: npm ci) if missing, then exit
#   --help           all options (bench.py)
# Exits non-zero only when the script fails; missed targets and errors are reported in the output.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"

install_peers() {
  # The npm emulators, versions pinned by peers/package-lock.json. bench.py calls this only when a
  # scenario that rime answers needs one of them.
  if [ -d "$here/peers/node_modules/.bin" ] && [ "$here/peers/node_modules/.package-lock.json" -nt "$here/peers/package-lock.json" ]; then
    return 0
  fi
  command -v npm >/dev/null || { echo "npm not installed: npm peers skipped" >&2; return 1; }
  (cd "$here/peers" && npm ci --no-audit --no-fund --loglevel=error) >&2
}

build=1
build_dir="${RIME_BUILD_DIR:-build}"
args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --no-build) build=0 ;;
    --build-dir) build_dir="$2"; shift ;;
    --build-dir=*) build_dir="${1#*=}" ;;
    --install-peers) install_peers; exit $? ;;
    -h|--help) sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//'; echo; exec python3 "$here/bench.py" --help ;;
    --list) exec python3 "$here/bench.py" --list ;;
    *) args+=("$1") ;;
  esac
  shift
done
case "$build_dir" in /*) ;; *) build_dir="$repo/$build_dir" ;; esac

if [ "$build" = 1 ]; then
  echo "== building rime (Release): scripts/build.sh $build_dir" >&2
  (cd "$repo" && bash scripts/build.sh "$build_dir") >&2
fi

# Load generators and peers: install what is missing (root), otherwise bench.py skips that peer.
missing=()
command -v wrk >/dev/null || missing+=(wrk)
command -v h2load >/dev/null || missing+=(nghttp2-client)
command -v nghttpd >/dev/null || [ -x /usr/sbin/nghttpd ] || missing+=(nghttp2-server)
command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || missing+=(nginx-light)
command -v cc >/dev/null || missing+=(gcc)
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "== installing ${missing[*]}" >&2
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"; } >&2 \
      || echo "warning: could not install ${missing[*]}; the peers that need them are skipped" >&2
  else
    echo "warning: missing ${missing[*]} (not root or no apt-get); the peers that need them are skipped" >&2
  fi
fi
export PATH="$PATH:/usr/sbin:/sbin"

probe_dir="$build_dir/bench"
mkdir -p "$probe_dir"
cc -O2 -Wall -o "$probe_dir/startup_probe" "$here/startup_probe.c"

exec python3 "$here/bench.py" --rime "$build_dir/server/rime" --probe "$probe_dir/startup_probe" "${args[@]}"
