#!/usr/bin/env bash
# Builds the libFuzzer targets (RIME_FUZZ=ON: clang, ASan + UBSan, in build-fuzz) and runs each
# for a while on its seed corpus (tests/fuzz/corpus/<target>/). Reports executions per target and
# any crash; crash inputs land in build-fuzz/artifacts/<target>/. New coverage-increasing inputs
# go to build-fuzz/corpus/<target>/ (the seeds are never modified).
#
# Usage: tests/fuzz/run.sh [seconds-per-target] [target...]     (default 60 s, every target)
# Environment: RIME_FUZZ_JOBS (build parallelism, default 1), RIME_FUZZ_BUILD (build dir),
# RIME_FUZZ_NO_BUILD=1 (run what is built; skips installing and building).
set -euo pipefail
cd "$(dirname "$0")/../.."
seconds="${1:-60}"
shift || true
build_dir="${RIME_FUZZ_BUILD:-build-fuzz}"

if [ "${RIME_FUZZ_NO_BUILD:-0}" != 1 ]; then
# clang with libFuzzer's runtime (Debian: clang + libclang-rt-<v>-dev), plus rime's own deps.
if ! command -v clang++ >/dev/null || ! clang++ -print-file-name=libclang_rt.fuzzer-x86_64.a 2>/dev/null | grep -q /; then
  sudo_cmd=""
  [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends clang libclang-rt-14-dev
fi
bash scripts/install-deps.sh

generator=()
command -v ninja >/dev/null && generator=(-G Ninja)
if [ ! -f "$build_dir/CMakeCache.txt" ]; then
  # -O1 with line tables and without NDEBUG: Boost's and RapidJSON's asserts stay on.
  CC=clang CXX=clang++ cmake -S . -B "$build_dir" "${generator[@]}" -DRIME_FUZZ=ON -DRIME_BUILD_TESTS=OFF \
    -DCMAKE_BUILD_TYPE=RelWithDebInfo "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O1 -gline-tables-only"
fi
cmake --build "$build_dir" --parallel "${RIME_FUZZ_JOBS:-1}" --target rime_fuzz_all
fi

targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  for exe in "$build_dir"/tests/fuzz/fuzz_*; do targets+=("$(basename "$exe" | sed 's/^fuzz_//')"); done
fi

export ASAN_OPTIONS="${ASAN_OPTIONS:-abort_on_error=1:detect_leaks=1:allocator_may_return_null=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1:suppressions=$PWD/tests/sanitizers/ubsan.supp}"
logs="$build_dir/logs"
mkdir -p "$logs"
summary=()
crashed=0
for t in "${targets[@]}"; do
  exe="$build_dir/tests/fuzz/fuzz_$t"
  [ -x "$exe" ] || { echo "no fuzz target '$t' ($exe)"; exit 2; }
  work="$build_dir/corpus/$t"
  art="$build_dir/artifacts/$t"
  mkdir -p "$work" "$art"
  seeds="tests/fuzz/corpus/$t"
  [ -d "$seeds" ] || seeds=""
  dict=()
  case "$t" in
    http1) dict=(-dict=tests/fuzz/dict/http1.dict) ;;
    admin_state|json_rpc|rest_json|sns_filter_policy) dict=(-dict=tests/fuzz/dict/json.dict) ;;
    rest_xml) dict=(-dict=tests/fuzz/dict/xml.dict) ;;
    query) dict=(-dict=tests/fuzz/dict/query.dict) ;;
  esac
  echo "== $t: ${seconds}s"
  stamp="$art/.run-start"
  touch "$stamp"
  set +e
  # -rss_limit_mb: the 2 GiB default is tight with ASan and several thousand stub services.
  "$exe" "${dict[@]}" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=3072 -max_len=65536 -print_final_stats=1 \
    -artifact_prefix="$art/" "$work" $seeds >"$logs/$t.log" 2>&1
  rc=$?
  set -e
  execs=$(grep -m1 '^stat::number_of_executed_units' "$logs/$t.log" | awk '{print $2}' || true)
  cov=$( (grep -E '^#[0-9]+' "$logs/$t.log" | tail -1 | grep -oE 'cov: [0-9]+' | awk '{print $2}') || true)
  found=$(find "$art" -type f -newer "$stamp" \( -name 'crash-*' -o -name 'leak-*' -o -name 'timeout-*' -o -name 'oom-*' \) | wc -l)
  status="ok"
  if [ $rc -ne 0 ] || [ "$found" -gt 0 ]; then
    status="CRASH (exit $rc; $found artifact(s) in $art; log $logs/$t.log)"
    crashed=1
    grep -m3 -E 'ERROR: |runtime error|fuzz invariant|deadly signal' "$logs/$t.log" | sed 's/^/    /' || true
  fi
  summary+=("$(printf '%-14s %10s execs  cov %-6s %s' "$t" "${execs:-?}" "${cov:-?}" "$status")")
done
echo
echo "target         executions        coverage  result"
printf '%s\n' "${summary[@]}"
exit $crashed
