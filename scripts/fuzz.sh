#!/usr/bin/env bash
# Fuzzing with libFuzzer (clang; the host-fuzz preset: -fsanitize=fuzzer,address,undefined,
# mbedTLS built with the same instrumentation). Targets and their input formats:
# tests/fuzz/ (fuzz_<target>.c); committed seeds: tests/fuzz/corpus/<target>/.
#
#   scripts/fuzz.sh --ci [SECONDS]             every target SECONDS each (default 60, or
#                                              $TLSP_FUZZ_SECONDS), from a scratch copy of
#                                              the committed corpus; fails on any crash,
#                                              leak, timeout or out-of-memory
#   scripts/fuzz.sh --long MINUTES [target...] long runs (all targets by default) on a
#                                              corpus kept in build/host-fuzz/fuzz/corpus/,
#                                              seeded from the committed one; a summary table
#   scripts/fuzz.sh --seed-coverage            coverage of the committed seeds against an
#                                              empty corpus, per target (no fuzzing)
#   scripts/fuzz.sh --record                   rewrite tests/fuzz/corpus/ with
#                                              record_seeds (after a change to what the
#                                              engine sends; ctest's fuzz_seeds says when);
#                                              regress-* files (inputs that found a bug) stay
#
# The committed corpus is never modified by --ci or --long. Crash inputs land in
# build/host-fuzz/fuzz/<target>/ (crash-*, leak-*, timeout-*, oom-*); reproduce one with
#   build/host-fuzz/tests/fuzz/fuzz_<target> <file>
# and, outside the fuzz build, with the replay program of any host build, e.g.
#   build/host-debug/tests/fuzz/fuzz_<target> <file>
#
# Output per target: executions, exec/s, cov: (edges) and ft: (features) as libFuzzer
# counts them. Logs: build/host-fuzz/fuzz/<target>/log.
#
# An input that runs longer than TLSP_FUZZ_TIMEOUT seconds (default 10; every input
# takes well under 1 s) is reported as a hang. libFuzzer measures wall time: on a
# machine shared with other work (e.g. a long run under nice) give it more.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
JOBS="$(nproc 2>/dev/null || echo 2)"
MBEDTLS_ARG=(${TLSP_MBEDTLS_DIR:+-DTLSP_MBEDTLS_DIR="$TLSP_MBEDTLS_DIR"})
BUILD="$ROOT/build/host-fuzz"
WORK="$BUILD/fuzz"
CORPUS="$ROOT/tests/fuzz/corpus"
TARGETS=(engine_client engine_server session config link link_framing cli_args)

usage() { sed -n '2,27p' "$0" | sed 's/^# \{0,1\}//'; }

# Longest input per target: room above the largest seed, small enough to stay fast.
max_len() {
    case "$1" in
        engine_client|engine_server|config) echo 8192 ;;
        cli_args) echo 1024 ;;
        *) echo 4096 ;;
    esac
}

build() {
    echo "== fuzz: build (host-fuzz preset)" >&2
    cd "$ROOT"
    cmake --preset host-fuzz "${MBEDTLS_ARG[@]}" >/dev/null
    cmake --build --preset host-fuzz -j"$JOBS" >/dev/null
}

# Last libFuzzer status line's value of a field (cov:, ft:) in a log.
field() {
    grep -E "^#[0-9]+.*$2 [0-9]+" "$1" | tail -n 1 | sed -E "s/.*$2 ([0-9]+).*/\1/"
}

stat() {
    sed -n "s/^stat::$2: *\([0-9]*\).*/\1/p" "$1" | tail -n 1
}

# run_target TARGET SECONDS CORPUS_DIR: fuzz, then print one summary row; returns nonzero
# on any finding.
run_target() {
    local t="$1" seconds="$2" corpus="$3"
    local dir="$WORK/$t" log rc=0 crashes
    log="$dir/log"
    mkdir -p "$dir"
    rm -f "$dir"/crash-* "$dir"/leak-* "$dir"/timeout-* "$dir"/oom-*
    "$BUILD/tests/fuzz/fuzz_$t" "$corpus" \
        -max_total_time="$seconds" -max_len="$(max_len "$t")" -timeout="${TLSP_FUZZ_TIMEOUT:-10}" -rss_limit_mb=2048 \
        -print_final_stats=1 -artifact_prefix="$dir/" >"$log" 2>&1 || rc=$?
    crashes=$(find "$dir" -maxdepth 1 \( -name 'crash-*' -o -name 'leak-*' -o -name 'timeout-*' -o -name 'oom-*' \) | wc -l)
    printf '%-14s %12s %8s %7s %8s %8s\n' "$t" "$(stat "$log" number_of_executed_units)" \
        "$(stat "$log" average_exec_per_sec)" "$(field "$log" cov:)" "$(field "$log" ft:)" "$crashes"
    if [ "$rc" -ne 0 ] || [ "$crashes" -ne 0 ]; then
        echo "fuzz: $t: FAILED (exit $rc); log $log; inputs:" >&2
        find "$dir" -maxdepth 1 \( -name 'crash-*' -o -name 'leak-*' -o -name 'timeout-*' -o -name 'oom-*' \) >&2
        grep -E "^(==[0-9]+==ERROR|SUMMARY|.*invariant failed)" "$log" | head -n 5 >&2 || true
        return 1
    fi
}

header() {
    printf '%-14s %12s %8s %7s %8s %8s\n' target execs exec/s cov ft crashes
}

run_all() {
    local seconds="$1" keep="$2"
    shift 2
    local failed=0 t corpus
    header
    for t in "$@"; do
        [ -d "$CORPUS/$t" ] || { echo "fuzz: no target $t (${TARGETS[*]})" >&2; exit 2; }
        if [ "$keep" = 1 ]; then
            corpus="$WORK/corpus/$t"       # grows from run to run
        else
            corpus="$WORK/$t/scratch"      # thrown away
            rm -rf "$corpus"
        fi
        mkdir -p "$corpus"
        cp -n "$CORPUS/$t"/* "$corpus"/ 2>/dev/null || true
        run_target "$t" "$seconds" "$corpus" || failed=1
    done
    return "$failed"
}

# Coverage the seeds reach before any mutation (libFuzzer's INITED line, -runs=0),
# against an empty corpus (libFuzzer then runs one empty input).
seed_coverage() {
    local t empty="$WORK/empty"
    rm -rf "$empty" && mkdir -p "$empty"
    printf '%-14s %6s %10s %10s %9s %9s\n' target seeds cov-seeds cov-empty ft-seeds ft-empty
    for t in "${TARGETS[@]}"; do
        local s e
        s=$("$BUILD/tests/fuzz/fuzz_$t" -runs=0 "$CORPUS/$t" 2>&1 | grep INITED)
        e=$("$BUILD/tests/fuzz/fuzz_$t" -runs=0 "$empty" 2>&1 | grep INITED)
        printf '%-14s %6s %10s %10s %9s %9s\n' "$t" "$(find "$CORPUS/$t" -type f | wc -l)" \
            "$(sed -E 's/.*cov: ([0-9]+).*/\1/' <<<"$s")" "$(sed -E 's/.*cov: ([0-9]+).*/\1/' <<<"$e")" \
            "$(sed -E 's/.*ft: ([0-9]+).*/\1/' <<<"$s")" "$(sed -E 's/.*ft: ([0-9]+).*/\1/' <<<"$e")"
    done
}

mode="${1:-}"
[ $# -gt 0 ] && shift
case "$mode" in
    --ci)
        seconds="${1:-${TLSP_FUZZ_SECONDS:-60}}"
        build
        echo "== fuzz: every target for ${seconds} s from the committed corpus" >&2
        if run_all "$seconds" 0 "${TARGETS[@]}"; then
            echo "fuzz: PASS" >&2
        else
            echo "fuzz: FAIL" >&2
            exit 1
        fi
        ;;
    --long)
        [ $# -ge 1 ] || { usage >&2; exit 2; }
        minutes="$1"
        shift
        [ $# -gt 0 ] || set -- "${TARGETS[@]}"
        build
        echo "== fuzz: $* for ${minutes} min each (corpus kept in $WORK/corpus)" >&2
        run_all "$((minutes * 60))" 1 "$@"
        ;;
    --seed-coverage)
        build
        seed_coverage
        ;;
    --record)
        build
        # Recorded seeds are replaced; regress-* files (crash inputs of fixed bugs) stay.
        find "$CORPUS" -type f ! -name 'regress-*' -delete 2>/dev/null || true
        "$BUILD/tests/fuzz/tlspair-record-seeds" "$CORPUS"
        ;;
    -h|--help)
        usage
        ;;
    *)
        usage >&2
        exit 2
        ;;
esac
