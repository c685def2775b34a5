#!/usr/bin/env bash
# Static analysis of tlspair's own C code (core/, port/, transport/, examples/, tests/,
# boards/; never third_party/mbedtls), with clang-tidy and cppcheck. Any finding fails.
#
#   scripts/static-analysis.sh [--host-only] [--jobs N]
#
# What is analysed, from the compile databases CMake exports (CMAKE_EXPORT_COMPILE_COMMANDS):
#   host   build/host-debug: every host file (library, POSIX port, test port, transports,
#          examples, tests; the Cortex-M hooks that tests/port_cortexm builds on the host);
#   cross  build/mps2-an386-ecdsa, -psk, -psk-tls12, -ecdsa-capture: the Cortex-M builds of the library
#          with each mbedTLS profile (the arena allocator, the Cortex-M port, the UART
#          transport and its CMSDK driver, boards/mps2, the firmware). clang-tidy parses
#          them as --target=arm-none-eabi against the cross compiler's newlib headers;
#          cppcheck as a 32-bit platform.
# The presets are only configured here (no build needed); --host-only skips the cross part
# (no Arm compiler needed).
#
# Configuration, each exception with its reason:
#   .clang-tidy (top), tests/.clang-tidy, examples/.clang-tidy   clang-tidy checks
#   scripts/cppcheck/suppressions.txt                            cppcheck suppressions
#   scripts/cppcheck/*.h               macros cppcheck needs (it reads no system headers):
#                                      for mbedTLS's headers, and the host's and the
#                                      Cortex-M builds' #if branches
#   NOLINT(check) / cppcheck-suppress comments in the code, each with a reason next to it.
#
# Needs clang-tidy (14) and cppcheck (2.10), Debian's clang-tidy and cppcheck packages
# (scripts/install-deps.sh installs them from scripts/test.sh). Logs: build/static-analysis/.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
JOBS="$(nproc 2>/dev/null || echo 2)"
CROSS=1
MBEDTLS_ARG=(${TLSP_MBEDTLS_DIR:+-DTLSP_MBEDTLS_DIR="$TLSP_MBEDTLS_DIR"})

while [ $# -gt 0 ]; do
    case "$1" in
        --host-only) CROSS=0 ;;
        --jobs) JOBS="$2"; shift ;;
        -h|--help) sed -n '2,27p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "static-analysis.sh: unknown option $1" >&2; exit 2 ;;
    esac
    shift
done

for tool in clang-tidy cppcheck; do
    command -v "$tool" >/dev/null 2>&1 || {
        echo "static-analysis: $tool not found (scripts/install-deps.sh clang-tidy cppcheck)" >&2
        exit 1
    }
done

OUT="$ROOT/build/static-analysis"
mkdir -p "$OUT"
cd "$ROOT"   # presets are read from the current directory
OUR_DIRS="core|port|transport|examples|tests|boards"
failed=0

# Our files in a compile database, once each (a file built twice, with different
# definitions, is analysed with every command clang-tidy finds for it).
our_files() {
    sed -n 's/^ *"file": "\(.*\)",\{0,1\}$/\1/p' "$1/compile_commands.json" |
        grep -E "^$ROOT/($OUR_DIRS)/" | sort -u
}

# clang-tidy over one build: the nearest .clang-tidy applies to each file.
run_clang_tidy() {
    local name="$1" build="$2"
    shift 2
    local log="$OUT/clang-tidy-$name.log"
    echo "== static analysis: clang-tidy, $name ($(our_files "$build" | wc -l) files)" >&2
    # One file per clang-tidy process: clang-tidy 14's valist checker carries state from
    # one file to the next in a process (a false "uninitialized va_list" in
    # examples/cli/cli_session.c whenever cli_report.c came first in the same batch).
    if our_files "$build" |
        xargs -P "$JOBS" -n 1 clang-tidy -p "$build" --quiet \
            --header-filter="^$ROOT/($OUR_DIRS)/" "$@" >"$log" 2>&1; then
        return 0
    fi
    # Show the findings with their explanation, without clang's per-file counters.
    grep -vE '^[0-9]+ (warning|error)s? (and [0-9]+ (warning|error)s? )?generated\.$|^Suppressed [0-9]+ warnings|^Use -header-filter|^Error while processing' \
        "$log" >&2 || true
    echo "static-analysis: clang-tidy found problems in $name (log: $log)" >&2
    failed=1
}

# cppcheck over one build. It ignores -isystem in a compile database, through which CMake
# passes mbedTLS's include directories: a copy of the database names them with -I.
run_cppcheck() {
    local name="$1" build="$2"
    shift 2
    local db="$OUT/cppcheck-$name"
    local filters=()
    local dir
    mkdir -p "$db/cache"
    sed 's/-isystem /-I/g' "$build/compile_commands.json" >"$db/compile_commands.json"
    for dir in ${OUR_DIRS//|/ }; do
        filters+=(--file-filter="$ROOT/$dir/*")
    done
    echo "== static analysis: cppcheck, $name" >&2
    if ! cppcheck --project="$db/compile_commands.json" "${filters[@]}" \
            --cppcheck-build-dir="$db/cache" -j "$JOBS" --quiet \
            --std=c11 --enable=warning,style,performance,portability,missingInclude \
            --include="$ROOT/scripts/cppcheck/platform.h" \
            --suppressions-list="$ROOT/scripts/cppcheck/suppressions.txt" --inline-suppr \
            --template='{file}:{line}: {severity}: {message} [{id}]' \
            --error-exitcode=1 "$@" 2>"$OUT/cppcheck-$name.log"; then
        cat "$OUT/cppcheck-$name.log" >&2
        echo "static-analysis: cppcheck found problems in $name (log: $OUT/cppcheck-$name.log)" >&2
        failed=1
    fi
}

configure() {
    cmake --preset "$1" "${MBEDTLS_ARG[@]}" >"$OUT/configure-$1.log" 2>&1 || {
        cat "$OUT/configure-$1.log" >&2
        exit 1
    }
}

# ---- host ------------------------------------------------------------------------------
configure host-debug
run_clang_tidy host build/host-debug
run_cppcheck host build/host-debug --platform=unix64 --library=posix \
    --include="$ROOT/scripts/cppcheck/linux.h"

# ---- Cortex-M --------------------------------------------------------------------------
if [ "$CROSS" = 1 ]; then
    command -v arm-none-eabi-gcc >/dev/null 2>&1 || {
        echo "static-analysis: arm-none-eabi-gcc not found (or use --host-only)" >&2
        exit 1
    }
    # newlib's headers, where the cross compiler finds them: clang needs them as sysroot.
    sysroot="$(cd "$(dirname "$(arm-none-eabi-gcc -print-file-name=libc.a)")/.." && pwd)"
    for preset in mps2-an386-ecdsa mps2-an386-psk mps2-an386-psk-tls12 mps2-an386-ecdsa-capture; do
        configure "$preset"
        # The GCC-only options in the database (-flto=auto -fno-fat-lto-objects) mean
        # nothing to clang's parser: not findings.
        run_clang_tidy "$preset" "build/$preset" \
            --extra-arg=--target=arm-none-eabi --extra-arg=--sysroot="$sysroot" \
            --extra-arg=-Wno-ignored-optimization-argument \
            --extra-arg=-Wno-unused-command-line-argument
        run_cppcheck "$preset" "build/$preset" --platform=unix32 \
            --include="$ROOT/scripts/cppcheck/cortex-m4f.h"
    done
fi

if [ "$failed" != 0 ]; then
    exit 1
fi
echo "static-analysis: no findings (clang-tidy, cppcheck)" >&2
