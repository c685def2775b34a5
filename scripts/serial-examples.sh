#!/usr/bin/env bash
# Run the serial examples against each other over two pseudo-terminals that socat links
# like a null-modem cable: the server on one end, then the client on the other.
#
#   scripts/serial-examples.sh SERVER CLIENT [ARGS...]     (ARGS go to both: --baud N ...)
#
# Exit status 0 only if both exit 0 within the time bound; 77 (ctest: skipped) when socat
# is not installed (apt-get install socat). TLSP_TEST_WRAPPER, when set, is a command that
# runs both programs (valgrind ...: the host-valgrind test preset).
set -euo pipefail

if [ $# -lt 2 ]; then
    echo "usage: $0 SERVER CLIENT [ARGS...]" >&2
    exit 2
fi
SERVER=$1
CLIENT=$2
shift 2
if ! command -v socat > /dev/null; then
    echo "serial-examples: SKIP: socat is not installed" >&2
    exit 77
fi

dir=$(mktemp -d)
socat_pid=
server_pid=
cleanup() {
    [ -n "$server_pid" ] && kill "$server_pid" 2> /dev/null || true
    [ -n "$socat_pid" ] && kill "$socat_pid" 2> /dev/null || true
    rm -rf "$dir"
}
trap cleanup EXIT

# Waits (bounded) until a condition holds: the other program has reached a given point.
wait_for() {
    local i
    for i in $(seq 200); do
        if eval "$1"; then
            return 0
        fi
        sleep 0.05
    done
    echo "serial-examples: FAIL: timed out waiting for: $1" >&2
    return 1
}

socat pty,raw,echo=0,link="$dir/a" pty,raw,echo=0,link="$dir/b" 2> "$dir/socat.log" &
socat_pid=$!
wait_for "[ -e '$dir/a' ] && [ -e '$dir/b' ]"

${TLSP_TEST_WRAPPER:-} "$SERVER" "$dir/a" --timeout 20 "$@" > "$dir/server.log" 2>&1 &
server_pid=$!
# The line keeps nothing for a program that is not listening yet: start the client once
# the server has the device open.
wait_for "grep -q 'waiting for a client' '$dir/server.log'"

client_status=0
${TLSP_TEST_WRAPPER:-} "$CLIENT" "$dir/b" --timeout 20 "$@" || client_status=$?
server_status=0
wait "$server_pid" || server_status=$?
server_pid=
sed 's/^/server: /' "$dir/server.log"
if [ "$client_status" -ne 0 ] || [ "$server_status" -ne 0 ]; then
    echo "serial-examples: FAIL (client $client_status, server $server_status)" >&2
    exit 1
fi
echo "serial-examples: PASS"
