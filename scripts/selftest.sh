#!/usr/bin/env bash
# The main job on a Linux host: install what is missing, build (release), and run the
# loopback self-test matrix. Exit status is the self-test's: 0 only if every row passed.
#
#   scripts/selftest.sh [selftest options, e.g. --quick]
#
# TLSP_MBEDTLS_DIR=/path/to/mbedtls-3.6.x uses an existing mbedTLS tree instead of fetching.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
BUILD="$ROOT/build/host-release"
JOBS="$(nproc 2>/dev/null || echo 2)"

"$ROOT/scripts/install-deps.sh"
cmake -S "$ROOT" -B "$BUILD" -DCMAKE_BUILD_TYPE=Release -DTLSP_BUILD_TESTS=OFF \
      ${TLSP_MBEDTLS_DIR:+-DTLSP_MBEDTLS_DIR="$TLSP_MBEDTLS_DIR"} >/dev/null
cmake --build "$BUILD" -j"$JOBS" --target tlspair-selftest >/dev/null
exec "$BUILD/examples/selftest/tlspair-selftest" "$@"
