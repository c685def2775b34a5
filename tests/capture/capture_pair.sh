#!/usr/bin/env bash
# capture-pair (a handshake and data over the memory link, captured on the client) and
# tshark_check.sh on what it wrote:
#
#   tests/capture/capture_pair.sh CAPTURE_PAIR 1.2|1.3
#
# TLSP_TEST_WRAPPER, when set, is a command that runs capture-pair (valgrind ...).
set -euo pipefail

HERE="$(cd "$(dirname "$0")" && pwd)"
tmp=$(mktemp -d /tmp/tlsp-cappair.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

# shellcheck disable=SC2086  # TLSP_TEST_WRAPPER is a list of words
${TLSP_TEST_WRAPPER:-} "$1" "$tmp" "$2"
"$HERE/tshark_check.sh" "$tmp/pair.pcap" "$tmp/pair.keys" "$2" \
    'tlspair capture test: hello from the client' \
    'tlspair capture test: hello from the server' \
    'capture-line-0000' 'capture-line-0299'
