#!/usr/bin/env bash
# Builds rime under sanitizers and runs the whole CTest suite (Catch2 unit tests, the fuzz corpus
# replays and the end-to-end tests, whose servers are the sanitized binaries) under each:
#   asan: build-asan, RIME_SANITIZE=ON (AddressSanitizer + LeakSanitizer + UBSan)
#   tsan: build-tsan, RIME_TSAN=ON (ThreadSanitizer)
# Every sanitizer report of every process (unit tests, rime, rime-test-server) is written under
# <build>/sanitizer-logs/ and counted: the run fails on a failing test or on any report, even one
# from a server process whose test passed. Prints how long each build and test run took.
#
# Usage: tests/sanitize.sh [asan|tsan|both] [ctest args...]     (default both)
# Environment: RIME_SANITIZE_JOBS (build parallelism, default nproc), RIME_SANITIZE_TEST_JOBS
# (ctest parallelism, default nproc).
set -euo pipefail
cd "$(dirname "$0")/.."
mode="${1:-both}"
shift || true
case "$mode" in
  asan) kinds=(asan) ;;
  tsan) kinds=(tsan) ;;
  both) kinds=(asan tsan) ;;
  *) echo "usage: $0 [asan|tsan|both] [ctest args...]" >&2; exit 2 ;;
esac

RIME_TEST_DEPS=1 bash scripts/install-deps.sh
if [ -f package-lock.json ] && [ ! -d node_modules ]; then
  npm ci --no-audit --no-fund --loglevel=error
fi

generator=()
command -v ninja >/dev/null && generator=(-G Ninja)
build_jobs="${RIME_SANITIZE_JOBS:-$(nproc)}"
test_jobs="${RIME_SANITIZE_TEST_JOBS:-$(nproc)}"
status=0
report=()

for kind in "${kinds[@]}"; do
  build_dir="build-$kind"
  flag=-DRIME_SANITIZE=ON
  [ "$kind" = tsan ] && flag=-DRIME_TSAN=ON
  if [ ! -f "$build_dir/CMakeCache.txt" ]; then
    # RelWithDebInfo: optimised like the release build, with file:line in reports.
    cmake -S . -B "$build_dir" "${generator[@]}" "$flag" -DCMAKE_BUILD_TYPE=RelWithDebInfo
  fi
  start=$(date +%s)
  cmake --build "$build_dir" --parallel "$build_jobs"
  built=$(date +%s)

  logs="$PWD/$build_dir/sanitizer-logs"
  rm -rf "$logs"
  mkdir -p "$logs"
  # Reports go to files (one per process) so that a server's report is never lost in a log
  # nobody reads. ASan stops at the first error (memory is corrupt after it); UBSan and TSan
  # keep going, so that one run lists every finding.
  supp="$PWD/tests/sanitizers"
  export ASAN_OPTIONS="log_path=$logs/asan:detect_leaks=1:detect_stack_use_after_return=1:strict_init_order=1:check_initialization_order=1"
  export LSAN_OPTIONS="suppressions=$supp/lsan.supp:print_suppressions=0"
  export UBSAN_OPTIONS="log_path=$logs/ubsan:print_stacktrace=1:halt_on_error=0:suppressions=$supp/ubsan.supp"
  export TSAN_OPTIONS="log_path=$logs/tsan:halt_on_error=0:second_deadlock_stack=1:suppressions=$supp/tsan.supp"
  set +e
  (cd "$build_dir" && ctest --output-on-failure --parallel "$test_jobs" --timeout 1800 "$@") 2>&1 | tee "$build_dir/ctest.log"
  rc=${PIPESTATUS[0]}
  set -e
  unset ASAN_OPTIONS LSAN_OPTIONS UBSAN_OPTIONS TSAN_OPTIONS
  done_at=$(date +%s)

  reports=$(find "$logs" -type f | wc -l)
  failed=$(grep -E '^[0-9]+% tests passed' "$build_dir/ctest.log" | tail -1 || true)
  line="$kind: build $((built - start)) s, tests $((done_at - built)) s; ${failed:-no ctest summary}; $reports sanitizer report file(s)"
  if [ "$rc" -ne 0 ] || [ "$reports" -gt 0 ]; then
    status=1
    line="$line  FAILED"
  fi
  report+=("$line")
  if [ "$reports" -gt 0 ]; then
    echo "== $kind sanitizer reports (in $logs):"
    # One line per distinct finding: the SUMMARY lines, deduplicated.
    grep -h 'SUMMARY:' "$logs"/* | sort | uniq -c | sort -rn | head -40
  fi
done

echo
printf '%s\n' "${report[@]}"
exit $status
