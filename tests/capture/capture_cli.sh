#!/usr/bin/env bash
# tlspair --pcap / --keylog over a serial line: client and server on two pseudo-terminals
# linked by socat, each writing its own capture and key log, each checked with tshark
# (tshark_check.sh): TLS 1.3 and TLS 1.2 decrypted, the echoed text found in both.
#
#   tests/capture/capture_cli.sh TLSPAIR PKI_DIR
#
# socat and tshark are required: without them this FAILS (it does not skip).
# TLSP_TEST_WRAPPER, when set, is a command that runs each tlspair (valgrind ...).
set -euo pipefail

T=$1
PKI=$2
HERE="$(cd "$(dirname "$0")" && pwd)"
CA=$PKI/test-ca.crt.pem
SCERT=(--cert "$PKI/server.crt.pem" --key "$PKI/server.key.pem")

# shellcheck source=tests/support/cli_harness.sh
. "$HERE/../support/cli_harness.sh"
harness_init capture_cli

require_command socat
require_command tshark

{
    echo "tlspair capture over a serial line: hello"
    for i in $(seq -w 0 199); do echo "serial-capture-line-$i"; done
} > "$tmp/input"

# run_case NAME TLS_OPTION: one connection over fresh ptys, both sides captured.
run_case() {
    local name=$1 tls=$2
    start_socat_ptys "$name"

    # shellcheck disable=SC2086  # TLSP_TEST_WRAPPER is a list of words (valgrind ...)
    ${TLSP_TEST_WRAPPER:-} "$T" server --serial "$tmp/pa" --baud 115200 "${SCERT[@]}" "$tls" --once --echo \
        --ready-file "$tmp/$name.ready" --pcap "$tmp/$name-server.pcap" --keylog "$tmp/$name-server.keys" \
        > /dev/null 2> "$tmp/$name-server.log" < /dev/null &
    local server_pid=$!
    pids+=("$server_pid")
    wait_for "[ -s '$tmp/$name.ready' ] || ! kill -0 $server_pid 2>/dev/null"
    [ -s "$tmp/$name.ready" ] || fail "$name: the server did not start"

    local rc=0
    # shellcheck disable=SC2086
    ${TLSP_TEST_WRAPPER:-} "$T" client --serial "$tmp/pb" --baud 115200 --ca "$CA" --hostname tlspair-test-server "$tls" \
        --pcap "$tmp/$name-client.pcap" --keylog "$tmp/$name-client.keys" \
        < "$tmp/input" > "$tmp/$name.out" 2> "$tmp/$name-client.log" || rc=$?
    [ "$rc" = 0 ] || fail "$name: client exit status $rc"
    rc=0
    wait "$server_pid" || rc=$?
    [ "$rc" = 0 ] || fail "$name: server exit status $rc"
    kill "$SOCAT_PID" 2>/dev/null || true
    cmp -s "$tmp/input" "$tmp/$name.out" || fail "$name: the echo differs from the input"
    local side
    for side in client server; do
        grep -q "WARNING: --keylog writes this connection's TLS secrets" "$tmp/$name-$side.log" ||
            fail "$name: the $side printed no key log WARNING"
        [ "$(stat -c %a "$tmp/$name-$side.keys")" = 600 ] || fail "$name: the $side's key log is not private (0600)"
        "$HERE/tshark_check.sh" "$tmp/$name-$side.pcap" "$tmp/$name-$side.keys" "${tls#--tls}" \
            "tlspair capture over a serial line: hello" "serial-capture-line-000" "serial-capture-line-199" \
            || fail "$name: the $side's capture"
    done
}

run_case tls13 --tls1.3
run_case tls12 --tls1.2

# A server capture holds one connection: without --once it is refused (usage, exit 2).
rc=0
"$T" server --serial "$tmp/pa" "${SCERT[@]}" --pcap "$tmp/x.pcap" 2> "$tmp/noonce.log" || rc=$?
[ "$rc" = 2 ] || fail "--pcap on a server without --once: exit $rc, expected 2"
grep -q -- "--pcap holds one connection" "$tmp/noonce.log" || fail "--pcap without --once: no reason given"

echo "capture_cli: PASS"
