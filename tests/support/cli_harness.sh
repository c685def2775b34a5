# shellcheck shell=bash
# Process and file helpers for the scripts that drive the tlspair command-line tool
# (tests/cli/cli_test.sh, tests/capture/capture_cli.sh). Sourced, after `set -euo pipefail`.
#
#   harness_init NAME         a scratch directory $tmp (removed on exit, with every pid in
#                             $pids killed); NAME prefixes every failure message
#   fail TEXT...              report, print every $tmp/*.log, exit 1
#   require_command NAME      fail (never skip) when a tool the test needs is missing;
#                             scripts/test.sh installs them all (Debian package NAME)
#   wait_for CONDITION        poll a shell condition for up to 10 s, then fail
#   start_socat_ptys NAME     two linked pseudo-terminals, $tmp/pa and $tmp/pb; socat's
#                             pid goes into $pids and $SOCAT_PID, its log into
#                             $tmp/socat-NAME.log

harness_init() {
    HARNESS_NAME=$1
    tmp=$(mktemp -d "/tmp/tlsp-${1%% *}.XXXXXX")
    pids=()
    trap harness_cleanup EXIT
}

harness_cleanup() {
    local p
    for p in "${pids[@]}"; do
        kill "$p" 2>/dev/null || true
    done
    rm -rf "$tmp"
}

fail() {
    echo "$HARNESS_NAME: FAIL: $*" >&2
    local f
    for f in "$tmp"/*.log; do
        [ -e "$f" ] || continue
        echo "==== $(basename "$f")" >&2
        cat "$f" >&2
    done
    exit 1
}

require_command() {
    command -v "$1" > /dev/null || fail "$1 is not installed (Debian package $1)"
}

# Bounded wait for a condition (the other process reached a point), never a fixed sleep.
wait_for() {
    local _
    for _ in $(seq 400); do
        if eval "$1"; then
            return 0
        fi
        sleep 0.025
    done
    fail "timed out waiting for: $1"
}

start_socat_ptys() {
    rm -f "$tmp/pa" "$tmp/pb"
    socat pty,raw,echo=0,link="$tmp/pa" pty,raw,echo=0,link="$tmp/pb" 2> "$tmp/socat-$1.log" &
    SOCAT_PID=$!
    pids+=("$SOCAT_PID")
    wait_for "[ -e '$tmp/pa' ] && [ -e '$tmp/pb' ]"
}
