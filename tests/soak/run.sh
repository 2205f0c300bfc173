#!/usr/bin/env bash
# Soak test: mixed concurrent clients against rime (--data-dir) for N minutes, invariants checked
# as it goes, a clean restart (SIGTERM) at 1/3 and a crash (SIGKILL) at 2/3, RSS sampled.
# Prints a markdown report (also written to tests/soak/results/latest.md); exits 1 when an
# invariant failed, 2 when the script itself could not run.
#
# Usage: tests/soak/run.sh [--minutes N] [--build-dir DIR] [--no-build] [soak.py options]
#   --minutes N      how long (default 10)
#   --build-dir DIR  build and use DIR (default: $RIME_BUILD_DIR, else build)
#   --no-build       use the existing DIR/server/rime
#   --help           all options (soak.py)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
py=/usr/bin/python3
[ -x "$py" ] || py=python3

build=1
build_dir="${RIME_BUILD_DIR:-build}"
args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --no-build) build=0 ;;
    --build-dir) build_dir="$2"; shift ;;
    --build-dir=*) build_dir="${1#*=}" ;;
    -h|--help) sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'; echo; exec "$py" "$here/soak.py" --rime x --help ;;
    *) args+=("$1") ;;
  esac
  shift
done
case "$build_dir" in /*) ;; *) build_dir="$repo/$build_dir" ;; esac

if [ "$build" = 1 ]; then
  echo "== building rime (Release): scripts/build.sh $build_dir" >&2
  (cd "$repo" && bash scripts/build.sh "$build_dir") >&2 || exit 2
fi
[ -x "$build_dir/server/rime" ] || { echo "no rime binary at $build_dir/server/rime" >&2; exit 2; }

exec "$py" "$here/soak.py" --rime "$build_dir/server/rime" --out "$here/results/latest.md" "${args[@]}"
