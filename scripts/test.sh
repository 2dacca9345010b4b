#!/usr/bin/env bash
# README command 2: install what is missing, build, run every test — then the whole suite once
# more in a build with AddressSanitizer + UndefinedBehaviorSanitizer (float-cast-overflow too),
# whose seeded mutation tests fuzz the project-file parser and the coordinate-TXT reader.
# This is what CI runs (.ci/run). SITEPLAN_SKIP_SANITIZE=1 skips the second pass.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh --test
bash scripts/build.sh
(cd build && ctest --output-on-failure -j"$(nproc)")
if [[ "${SITEPLAN_SKIP_SANITIZE:-0}" != 1 ]]; then
  echo "== the test suite under AddressSanitizer + UndefinedBehaviorSanitizer"
  cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSITEPLAN_SANITIZE=ON >/dev/null
  cmake --build build-asan -j"$(nproc)"
  # Leaks are not checked: GDAL and PROJ keep caches for the process, and siteplan leaves its
  # geometries to the operating system at exit on purpose (core/exit.hpp).
  export ASAN_OPTIONS=detect_leaks=0:abort_on_error=1:strict_string_checks=1
  export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
  (cd build-asan && ctest --output-on-failure -j"$(nproc)" -E '^format$')
fi
