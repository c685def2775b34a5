#!/usr/bin/env bash
# The whole test suite: install what is missing, then build and run every ctest suite:
#   1. the MPS2 firmware in QEMU (four cross builds: one per mbedTLS profile, the
#      TLS 1.2-only PSK build without PSA, and the test-only capture build whose boards
#      stream a pcap and key log over their consoles; two boards over their wired UARTs);
#   2. the library for every Cortex-M CPU preset (cortex-m0plus, -m3, -m4f, -m33, -m7),
#      each with both mbedTLS profiles, through scripts/size-report.sh: all must build
#      (tlspair's warnings are errors), and the log gets their code sizes and the
#      firmware's;
#   3. the host suites twice: a debug build, and a build under AddressSanitizer +
#      UndefinedBehaviorSanitizer (these include host <-> board cases that use the
#      firmware built first);
#   4. static analysis of tlspair's own code, host and Cortex-M builds, with clang-tidy
#      and cppcheck (scripts/static-analysis.sh): any finding fails;
#   5. every libFuzzer target (tests/fuzz: engine client and server, saved sessions,
#      config parsing, the link layer and its framing, the CLI's argument parser) for
#      60 s each from the committed seed corpus, built with clang, ASan and UBSan
#      (scripts/fuzz.sh --ci; TLSP_FUZZ_SECONDS changes the time): any crash, leak,
#      hang or out-of-memory fails;
#   6. the host suites once more, every test program (and the example programs the
#      test scripts start) under valgrind memcheck, the host-valgrind presets: any memory
#      error or definite leak fails. QEMU runs as it is in the host <-> board cases; the
#      benchmark's smoke run is left out (see CMakePresets.json).
#
#   scripts/test.sh
#
# TLSP_MBEDTLS_DIR=/path/to/mbedtls-3.6.x uses an existing mbedTLS tree instead of fetching.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
JOBS="$(nproc 2>/dev/null || echo 2)"
MBEDTLS_ARG=(${TLSP_MBEDTLS_DIR:+-DTLSP_MBEDTLS_DIR="$TLSP_MBEDTLS_DIR"})

# The firmware needs the Arm cross compiler with newlib and QEMU to run it; the serial
# examples link two pseudo-terminals with socat; the interop tests talk to OpenSSL's and
# GnuTLS's command-line tools; tshark dissects and decrypts the capture tests' pcap
# files; then the analysers, clang with libFuzzer, and valgrind.
"$ROOT/scripts/install-deps.sh" gcc-arm-none-eabi libnewlib-arm-none-eabi qemu-system-arm socat \
    openssl gnutls-bin tshark clang-tidy cppcheck clang libclang-rt-14-dev valgrind
cd "$ROOT"  # presets are read from the current directory

run_suite() {
    local preset="$1"
    echo "== $preset: build" >&2
    cmake --preset "$preset" "${MBEDTLS_ARG[@]}" >/dev/null
    cmake --build --preset "$preset" -j"$JOBS" >/dev/null
    echo "== $preset: test" >&2
    ctest --preset "$preset" -j"$JOBS"
}

run_suite mps2-an386-ecdsa
run_suite mps2-an386-psk
run_suite mps2-an386-psk-tls12   # TLS 1.2 only: no PSA, tlspair's own DRBG
run_suite mps2-an386-ecdsa-capture   # console capture + key log images (docs/capture.md)
echo "== Cortex-M CPU presets x mbedTLS profiles: build, sizes" >&2
scripts/size-report.sh --jobs "$JOBS"
run_suite host-debug
run_suite host-asan
scripts/static-analysis.sh --jobs "$JOBS"
scripts/fuzz.sh --ci
run_suite host-valgrind
