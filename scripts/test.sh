#!/usr/bin/env bash
# Every test: C++ (GoogleTest via ctest) in a normal build and in sanitizer builds (ASan+UBSan,
# TSan), then the Python suite (pytest) against the installed package. Exits non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
PYTHON=${PYTHON:-python3}
JOBS=$(nproc)

build_and_test() {  # name, extra cmake arguments...
  local name=$1; shift
  echo "== C++ tests: $name"
  cmake -S . -B "build-$name" -G Ninja -DTASKMILL_BUILD_TESTS=ON -DTASKMILL_WERROR=ON "$@" >/dev/null
  cmake --build "build-$name" -j "$JOBS"
  ctest --test-dir "build-$name" --output-on-failure -j "$JOBS"
}

build_and_test release -DCMAKE_BUILD_TYPE=Release
ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
  build_and_test asan -DCMAKE_BUILD_TYPE=Debug -DTASKMILL_SANITIZE=address,undefined
TSAN_OPTIONS=halt_on_error=1 \
  build_and_test tsan -DCMAKE_BUILD_TYPE=Debug -DTASKMILL_SANITIZE=thread

echo "== Python tests"
# From outside the source tree, so `import taskmill` is the installed package.
cd tests/python && "$PYTHON" -m pytest -q -p no:cacheprovider .
