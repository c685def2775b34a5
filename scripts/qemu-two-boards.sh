#!/usr/bin/env bash
# Run two emulated MPS2 boards whose UART1s are wired together, and check both firmwares
# succeed: board B (the TLS server) first, listening on a unix socket, then board A (the
# TLS client) connected to it. Consoles (UART0) go to files.
#
#   scripts/qemu-two-boards.sh ELF_SERVER ELF_CLIENT
#
# Exit status 0 only if both boards exit 0 (semihosting) within the time bound and both
# consoles carry the firmware's summary. On failure both consoles are printed.
#
# Environment:
#   TLSP_QEMU            qemu-system-arm binary (default: from PATH)
#   TLSP_QEMU_MACHINE    board model (default mps2-an386; mps2-an385 for Cortex-M3 images)
#   TLSP_QEMU_TIMEOUT    seconds for the whole run (default 120)
#   TLSP_QEMU_CLIENT_ARGS / TLSP_QEMU_SERVER_ARGS
#                        extra QEMU options per board, e.g. "-icount shift=0"
#   TLSP_QEMU_OUT        keep the consoles in this directory (default: a temporary one)
#   TLSP_QEMU_QUIET=1    on success print only the result line, not the summaries
set -euo pipefail

if [ $# -ne 2 ]; then
    echo "usage: $0 ELF_SERVER ELF_CLIENT" >&2
    exit 2
fi
ELF_SERVER=$1
ELF_CLIENT=$2
QEMU=${TLSP_QEMU:-qemu-system-arm}
MACHINE=${TLSP_QEMU_MACHINE:-mps2-an386}
LIMIT=${TLSP_QEMU_TIMEOUT:-120}
for f in "$ELF_SERVER" "$ELF_CLIENT"; do
    [ -f "$f" ] || { echo "qemu-two-boards: no such firmware: $f" >&2; exit 2; }
done
command -v "$QEMU" >/dev/null 2>&1 || { echo "qemu-two-boards: $QEMU not found (apt-get install qemu-system-arm)" >&2; exit 2; }

# The socket lives in a short private directory (unix socket paths are limited to 107 bytes).
RUN=$(mktemp -d /tmp/tlsp-qemu.XXXXXX)
OUT=${TLSP_QEMU_OUT:-$RUN}
mkdir -p "$OUT"
SOCK=$RUN/link.sock
CON_S=$OUT/server.console
CON_C=$OUT/client.console
# QEMU's own messages (e.g. "nic lan9118.0 has no peer": the boards' unused Ethernet) go
# to *.qemu.log next to the consoles, shown on failure.
: >"$CON_S"
: >"$CON_C"
PID_S=
PID_C=
cleanup() {
    [ -n "$PID_C" ] && kill "$PID_C" 2>/dev/null || true
    [ -n "$PID_S" ] && kill "$PID_S" 2>/dev/null || true
    rm -rf "$RUN"
}
trap cleanup EXIT
# shellcheck source=scripts/qemu-common.sh
. "$(dirname "$0")/qemu-common.sh"

COMMON=(-M "$MACHINE" -display none -monitor none -nodefaults
        -semihosting-config enable=on,target=native)
START=$(date +%s)

# Board B: the server. wait=off: it runs at once; it only speaks after hearing the client.
# shellcheck disable=SC2086
timeout --kill-after=5 "$LIMIT" "$QEMU" "${COMMON[@]}" ${TLSP_QEMU_SERVER_ARGS:-} \
    -chardev "socket,id=link,path=$SOCK,server=on,wait=off" \
    -serial "file:$CON_S" -serial chardev:link -kernel "$ELF_SERVER" 2>"$OUT/server.qemu.log" &
PID_S=$!

for _ in $(seq 100); do
    [ -S "$SOCK" ] && break
    kill -0 "$PID_S" 2>/dev/null || break
    sleep 0.05
done
if [ ! -S "$SOCK" ]; then
    echo "qemu-two-boards: board B never opened $SOCK" >&2
    wait "$PID_S" || true
    PID_S=
    cat "$CON_S" "$OUT/server.qemu.log" >&2
    exit 1
fi

# Board A: the client, connected to board B's socket.
# shellcheck disable=SC2086
timeout --kill-after=5 "$LIMIT" "$QEMU" "${COMMON[@]}" ${TLSP_QEMU_CLIENT_ARGS:-} \
    -chardev "socket,id=link,path=$SOCK" \
    -serial "file:$CON_C" -serial chardev:link -kernel "$ELF_CLIENT" 2>"$OUT/client.qemu.log" &
PID_C=$!

RC_C=0
wait "$PID_C" || RC_C=$?
PID_C=
# The server lingers after its last bytes and exits by itself; do not wait forever.
linger_then_stop "$PID_S" "qemu-two-boards: board B (server)"
RC_S=$LINGER_RC
PID_S=
ELAPSED=$(( $(date +%s) - START ))

ok=1
[ "$RC_S" -eq 0 ] || ok=0
[ "$RC_C" -eq 0 ] || ok=0
grep -q "RESULT PASS" "$CON_S" || ok=0
grep -q "RESULT PASS" "$CON_C" || ok=0
grep -q "SUMMARY" "$CON_S" || ok=0
grep -q "SUMMARY" "$CON_C" || ok=0

if [ "$ok" -eq 1 ]; then
    if [ "${TLSP_QEMU_QUIET:-0}" != 1 ]; then
        echo "---- board B (server) $(basename "$ELF_SERVER")"
        sed -n '/SUMMARY/,$p' "$CON_S"
        echo "---- board A (client) $(basename "$ELF_CLIENT")"
        sed -n '/SUMMARY/,$p' "$CON_C"
    fi
    echo "qemu-two-boards: PASS in ${ELAPSED} s"
    exit 0
fi
echo "qemu-two-boards: FAIL after ${ELAPSED} s: server exit $RC_S, client exit $RC_C (124 = time bound hit)" >&2
echo "==== board B (server) console: $(basename "$ELF_SERVER")" >&2
cat "$CON_S" >&2
echo "==== board B (server) QEMU messages" >&2
cat "$OUT/server.qemu.log" >&2
echo "==== board A (client) console: $(basename "$ELF_CLIENT")" >&2
cat "$CON_C" >&2
echo "==== board A (client) QEMU messages" >&2
cat "$OUT/client.qemu.log" >&2
exit 1
