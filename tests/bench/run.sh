#!/usr/bin/env bash
# Benchmarks rime side by side with nginx, nghttpd and moto_server (same machine, same run) and
# prints one markdown report, also written to tests/bench/results/latest.md.
#
# Usage: tests/bench/run.sh [--no-build] [--quick] [--duration S] [other bench.py options]
#   --no-build   use the existing build/server/rime instead of building Release first
#   --quick      2 s runs, 1 round, 5 startups (a smoke test, not figures)
#   --help       all options (bench.py)
# Exits non-zero only when the script fails; missed targets are reported in the output.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"

build=1
args=()
for a in "$@"; do
  case "$a" in
    --no-build) build=0 ;;
    -h|--help) sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'; echo; exec python3 "$here/bench.py" --help ;;
    *) args+=("$a") ;;
  esac
done

if [ "$build" = 1 ]; then
  echo "== building rime (Release): scripts/build.sh build" >&2
  (cd "$repo" && bash scripts/build.sh build) >&2
fi

# Load generators and peers: install what is missing (root), otherwise bench.py skips that peer.
missing=()
command -v wrk >/dev/null || missing+=(wrk)
command -v h2load >/dev/null || missing+=(nghttp2-client)
command -v nghttpd >/dev/null || missing+=(nghttp2-server)
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

probe_dir="$repo/build/bench"
mkdir -p "$probe_dir"
cc -O2 -Wall -o "$probe_dir/startup_probe" "$here/startup_probe.c"

exec python3 "$here/bench.py" --probe "$probe_dir/startup_probe" "${args[@]}"
