#!/usr/bin/env bash
# Firmware capture end to end: two emulated boards running FW_CAPTURE images (preset
# mps2-an386-ecdsa-capture) talk TLS over their UARTs; each streams its pcap and key log
# over its console; tlspair-console2pcap turns each console log into files; tshark must
# dissect and decrypt them (tshark_check.sh), and the decrypted application data must be
# the boards' test stream (fw-stream gen). A console line corrupted or removed on purpose
# must make the tool fail.
#
#   tests/capture/capture_firmware.sh SERVER.elf CLIENT.elf CONSOLE2PCAP FW_STREAM 1.2|1.3
#
# Exit 77 (skipped) when the firmware images are not built (scripts/test.sh builds them
# first); tshark missing is a FAILURE. TLSP_TEST_WRAPPER, when set, is a command that runs
# tlspair-console2pcap (valgrind ...).
set -euo pipefail

SERVER=$1
CLIENT=$2
TOOL=$3
FWSTREAM=$4
VERSION=$5
HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"

fail() {
    echo "capture_firmware: FAIL: $*" >&2
    exit 1
}

command -v tshark > /dev/null || fail "tshark is not installed (Debian package tshark)"
if [ ! -f "$SERVER" ] || [ ! -f "$CLIENT" ]; then
    echo "capture_firmware: SKIP: $SERVER or $CLIENT not built (cmake --preset mps2-an386-ecdsa-capture)" >&2
    exit 77
fi

tmp=$(mktemp -d /tmp/tlsp-capfw.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

TLSP_QEMU_OUT="$tmp" "$ROOT/scripts/qemu-two-boards.sh" "$SERVER" "$CLIENT" > "$tmp/boards.log" 2>&1 ||
    { cat "$tmp/boards.log" >&2; fail "the boards failed"; }
grep -q "qemu-two-boards: PASS" "$tmp/boards.log" || { cat "$tmp/boards.log" >&2; fail "no PASS from the boards"; }
grep -q "WARNING: key log on" "$tmp/client.console" || fail "the client printed no key log WARNING"
# The handshake trace, printed by each board through its console function (TLSP_TRACE).
for want in "client:-> ClientHello (" "client:<- ServerHello (" "client:<- Certificate (" \
            "client:-> Finished (" "client:handshake done" \
            "server:<- ClientHello (" "server:-> ServerHello (" "server:<- Finished ("; do
    board=${want%%:*}
    grep -qF "tlspair-fw: trace: ${want#*:}" "$tmp/$board.console" ||
        fail "no trace line '${want#*:}' on the $board's console"
done

export WIRESHARK_CONFIG_DIR="$tmp/wsconf" HOME="$tmp/wsconf"
mkdir -p "$WIRESHARK_CONFIG_DIR"
# The first 64 bytes of each board's test stream, as hex.
"$FWSTREAM" gen client > "$tmp/client.stream" 2>/dev/null || fail "fw-stream gen client"
"$FWSTREAM" gen server > "$tmp/server.stream" 2>/dev/null || fail "fw-stream gen server"
od -An -v -tx1 -N64 "$tmp/client.stream" | tr -d ' \n' > "$tmp/client.expect"
od -An -v -tx1 -N64 "$tmp/server.stream" | tr -d ' \n' > "$tmp/server.expect"
[ "$(wc -c < "$tmp/client.expect")" = 128 ] || fail "fw-stream gen gave no stream"

for board in client server; do
    # shellcheck disable=SC2086  # TLSP_TEST_WRAPPER is a list of words (valgrind ...)
    ${TLSP_TEST_WRAPPER:-} "$TOOL" "$tmp/$board.console" "$tmp/$board.pcap" "$tmp/$board.keys" 2> "$tmp/$board.tool.log" ||
        { cat "$tmp/$board.tool.log" >&2; fail "tlspair-console2pcap on the $board's console"; }
    [ "$(stat -c %a "$tmp/$board.keys")" = 600 ] || fail "the key log file is not private (0600)"
    "$HERE/tshark_check.sh" "$tmp/$board.pcap" "$tmp/$board.keys" "$VERSION" || fail "the $board's capture"
    # The decrypted data, each direction: the first 64 bytes are the boards' test stream.
    tshark -n -r "$tmp/$board.pcap" -o "tls.keylog_file:$tmp/$board.keys" -q -z follow,tls,raw,0 \
        2>/dev/null > "$tmp/$board.follow"
    # follow raw: node 0's chunks at the start of a line, node 1's after a tab; which
    # node is the server (192.0.2.2:443) the header says.
    # (No "| head" in these pipelines: with pipefail its early exit would fail them.)
    plain=$(grep -E '^[0-9a-f]+$' "$tmp/$board.follow" | tr -d '\n' || true)
    tabbed=$(grep -E $'^\t[0-9a-f]+$' "$tmp/$board.follow" | tr -d '\t\n' || true)
    plain=${plain:0:128}
    tabbed=${tabbed:0:128}
    if grep -q '^Node 0: 192.0.2.2:443' "$tmp/$board.follow"; then
        server_hex=$plain client_hex=$tabbed
    else
        client_hex=$plain server_hex=$tabbed
    fi
    [ "$client_hex" = "$(cat "$tmp/client.expect")" ] ||
        fail "$board capture: the client's decrypted data is not its test stream ($client_hex)"
    [ "$server_hex" = "$(cat "$tmp/server.expect")" ] ||
        fail "$board capture: the server's decrypted data is not its test stream ($server_hex)"
done

# A garbled console line is detected, not used: one hex digit changed, then a line lost.
line=$(grep -n '^TLSPCAP 5 ' "$tmp/client.console" | cut -d: -f1)
[ -n "$line" ] || fail "no TLSPCAP line 5 in the client's console"
# One hex digit of the payload changed into another hex digit: only the CRC can tell.
awk -v n="$line" 'NR == n { c = substr($0, 21, 1); $0 = substr($0, 1, 20) (c == "0" ? "1" : "0") substr($0, 22) } { print }' \
    "$tmp/client.console" > "$tmp/garbled.console"
sed "${line}d" "$tmp/client.console" > "$tmp/lost.console"
for c in garbled lost; do
    rc=0
    # shellcheck disable=SC2086
    ${TLSP_TEST_WRAPPER:-} "$TOOL" "$tmp/$c.console" "$tmp/$c.pcap" 2> "$tmp/$c.log" || rc=$?
    [ "$rc" = 1 ] || fail "tlspair-console2pcap accepted a $c line (exit $rc)"
    grep -q ":$line: " "$tmp/$c.log" || [ "$c" = lost ] || fail "the $c line was not named ($(cat "$tmp/$c.log"))"
done

echo "capture_firmware: PASS (TLS $VERSION, both boards' captures decrypted)"
