#!/usr/bin/env bash
# Builds rime and runs the whole test suite: Catch2 unit tests and the end-to-end tests (real
# clients against the real binaries), all through CTest. Installs what the tests need first.
# Usage: scripts/test.sh [build-dir]
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir="${1:-build}"
RIME_TEST_DEPS=1 bash scripts/install-deps.sh
if [ -f package-lock.json ]; then
  npm ci --no-audit --no-fund --loglevel=error
fi
bash scripts/build.sh "$build_dir"
cd "$build_dir"
ctest --output-on-failure --parallel "$(nproc)" --timeout 900
