#!/usr/bin/env bash
# Installs the Debian 12 packages rime builds and tests with. Idempotent: installs only what is missing.
set -euo pipefail
packages=(
  build-essential cmake ninja-build ccache pkg-config git curl ca-certificates openssl
  libboost1.81-dev libnghttp2-dev libssl-dev rapidjson-dev libexpat1-dev
  libspdlog-dev libfmt-dev libcli11-dev libtomlplusplus-dev catch2 libsqlite3-dev zlib1g-dev
)
if [ "${RIME_TEST_DEPS:-0}" = 1 ]; then
  packages+=(nghttp2-client nghttp2-server python3-boto3 python3-pytest python3-requests awscli wrk nginx-light procps)
fi
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  sudo_cmd=""
  [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
