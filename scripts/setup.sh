#!/usr/bin/env bash
# Installs what taskmill needs on a fresh Debian machine (12 or 13), then builds and installs the
# Python package. Safe to run again: it only installs what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(cmake g++ pkg-config libspdlog-dev libfmt-dev nlohmann-json3-dev libhiredis-dev libsqlite3-dev
              libgtest-dev redis-server redis-tools ruby-sidekiq)
missing=()
for pkg in "${APT_PACKAGES[@]}"; do
  dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi

PYTHON=${PYTHON:-python3}
# Build tools for the extension, and the test runner.
"$PYTHON" -m pip install -q --disable-pip-version-check "scikit-build-core>=0.10" "pybind11>=2.12" ninja "cmake>=3.25" "pytest>=7"
echo "setup: building and installing taskmill"
"$PYTHON" -m pip install -q --disable-pip-version-check --no-build-isolation .
