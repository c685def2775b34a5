#!/usr/bin/env bash
# Dissect a capture with tshark and the key log, and check it reads as a whole, decrypted
# TLS connection:
#
#   tests/capture/tshark_check.sh PCAP KEYLOG 1.2|1.3 TEXT...
#
#   - tshark must be installed (Debian package tshark): without it this FAILS, it never
#     skips; it runs with an empty private configuration directory and explicit -o
#     options, so the user's Wireshark profile cannot change the verdict;
#   - no malformed packets (HTTP, which tshark tries on port 443, is off: the tests'
#     plaintext is not HTTP), no TCP analysis warnings (sequence, acknowledgement, window),
#     no bad IPv4 or TCP checksum (checked: tshark's checksum validation turned on);
#   - ClientHello and ServerHello in the clear, the negotiated version, and the messages
#     that only a decrypting dissector shows: Finished (both versions) and, on TLS 1.3,
#     EncryptedExtensions, Certificate, CertificateVerify;
#   - each TEXT appears in the decrypted application data (tshark's follow,tls stream).
# Prints "tshark_check: PASS" at the end, and the dissection of a failing check.
set -euo pipefail

PCAP=$1
KEYS=$2
VERSION=$3
shift 3

fail() {
    echo "tshark_check: FAIL: $*" >&2
    exit 1
}

command -v tshark > /dev/null || fail "tshark is not installed (Debian package tshark); this test needs it"
[ -s "$PCAP" ] || fail "no capture file $PCAP"
[ -s "$KEYS" ] || fail "no key log $KEYS"

conf=$(mktemp -d /tmp/tlsp-tshark.XXXXXX)
trap 'rm -rf "$conf"' EXIT
export WIRESHARK_CONFIG_DIR="$conf" HOME="$conf" XDG_CONFIG_HOME="$conf"

ts() {
    tshark -n -r "$PCAP" \
        -o "tls.keylog_file:$KEYS" \
        -o tls.desegment_ssl_records:TRUE \
        -o tls.desegment_ssl_application_data:TRUE \
        -o tcp.desegment_tcp_streams:TRUE \
        -o tcp.analyze_sequence_numbers:TRUE \
        -o ip.check_checksum:TRUE \
        -o tcp.check_checksum:TRUE \
        --disable-protocol http \
        "$@" 2> "$conf/stderr" || fail "tshark $*: $(cat "$conf/stderr")"
}

# Two tshark runs in all (each takes a second or more): the full dissection, read for
# every check below, and the decrypted stream.
ts -V > "$conf/verbose.txt"
show() {
    echo "---- tshark -V ($PCAP)" >&2
    cat "$conf/verbose.txt" >&2
}

count() {
    grep -cF -- "$1" "$conf/verbose.txt" || true
}

[ "$(count '[Malformed Packet')" = 0 ] || { show; fail "malformed packets"; }
[ "$(count 'Expert Info (Error')" = 0 ] || { show; fail "errors in the dissection"; }
[ "$(count '[TCP Analysis Flags]')" = 0 ] || { show; fail "TCP analysis warnings (sequence, acknowledgement, window)"; }
[ "$(count '[Checksum Status: Bad]')" = 0 ] || { show; fail "bad checksums"; }
[ "$(count '[Checksum Status: Good]')" -gt 0 ] || fail "tshark validated no checksum"

need() {
    grep -qF -- "$1" "$conf/verbose.txt" || { show; fail "the dissection lacks \"$1\""; }
}
need "Handshake Protocol: Client Hello"
need "Handshake Protocol: Server Hello"
need "Handshake Protocol: Finished"
if [ "$VERSION" = 1.3 ]; then
    need "Supported Version: TLS 1.3 (0x0304)"
    need "Handshake Protocol: Encrypted Extensions"
    need "Handshake Protocol: Certificate"
    need "Handshake Protocol: Certificate Verify"
else
    need "Cipher Suite: TLS_ECDHE"
    need "Handshake Protocol: Client Key Exchange"
    ! grep -qF "Supported Version: TLS 1.3 (0x0304)" "$conf/verbose.txt" || fail "TLS 1.3 negotiated, expected 1.2"
fi
# Both Finished messages, one from each side.
[ "$(count 'Handshake Type: Finished (20)')" -ge 2 ] || { show; fail "fewer than two decrypted Finished messages"; }

ts -q -z follow,tls,ascii,0 > "$conf/follow.txt"
for text in "$@"; do
    grep -qF -- "$text" "$conf/follow.txt" || {
        cat "$conf/follow.txt" >&2
        fail "the decrypted application data lacks \"$text\""
    }
done
echo "tshark_check: PASS ($PCAP: TLS $VERSION decrypted, $(count 'Record Layer: Application Data') application data records)"
