#!/usr/bin/env bash
# Run one emulated MPS2 board (a TLS server firmware) with its UART1 exposed as a unix
# socket, and the host side against it: the tlspair command-line tool as the TLS client,
# fed and checked by fw-stream (tests/firmware/fw_stream.c), which plays the client
# board's part of the session (examples/firmware/fw_session.h):
#
#   fw-stream gen client --hold DONE \
#     | tlspair client --unix SOCKET --connect-retry 10 $(fw-stream args AUTH) [ARGS...] \
#     | fw-stream check server --done DONE
#
#   scripts/qemu-board-host.sh ELF_SERVER FW_STREAM TLSPAIR AUTH [TLSPAIR_ARGS...]
#
# AUTH is the board's profile (psk or ecdsa): fw-stream knows its PSK, server name and
# record size. TLSPAIR_ARGS add the rest (--tls1.2, --ca FILE ...). The board's console
# (UART0) goes to a file.
#
# Exit status 0 only if the board and all three host programs exit 0 within the time
# bound, and both the board and fw-stream check print "RESULT PASS". On failure the
# console and the host logs are printed. Exit status 77 (ctest: skipped) if ELF_SERVER
# does not exist: the firmware is built in a separate cross build (docs/firmware.md).
#
# Environment: TLSP_QEMU, TLSP_QEMU_MACHINE, TLSP_QEMU_TIMEOUT, TLSP_QEMU_OUT as for
# scripts/qemu-two-boards.sh; TLSP_TEST_WRAPPER, when set, is a command that runs the host
# program (valgrind ...: the host-valgrind test preset; QEMU itself runs as it is).
set -euo pipefail

if [ $# -lt 4 ]; then
    echo "usage: $0 ELF_SERVER FW_STREAM TLSPAIR AUTH [TLSPAIR_ARGS...]" >&2
    exit 2
fi
ELF_SERVER=$1
FW_STREAM=$2
TLSPAIR=$3
AUTH=$4
shift 4
QEMU=${TLSP_QEMU:-qemu-system-arm}
MACHINE=${TLSP_QEMU_MACHINE:-mps2-an386}
LIMIT=${TLSP_QEMU_TIMEOUT:-120}
if [ ! -f "$ELF_SERVER" ]; then
    echo "qemu-board-host: SKIP: no firmware $ELF_SERVER (build the firmware presets first, see docs/firmware.md)" >&2
    exit 77
fi
command -v "$QEMU" >/dev/null 2>&1 || { echo "qemu-board-host: $QEMU not found (apt-get install qemu-system-arm)" >&2; exit 2; }

RUN=$(mktemp -d /tmp/tlsp-qemu.XXXXXX)
OUT=${TLSP_QEMU_OUT:-$RUN}
mkdir -p "$OUT"
SOCK=$RUN/link.sock
DONE=$RUN/done
mkfifo "$DONE"
CON=$OUT/board.console
: >"$CON"
PID_B=
cleanup() {
    [ -n "$PID_B" ] && kill "$PID_B" 2>/dev/null || true
    rm -rf "$RUN"
}
trap cleanup EXIT
# shellcheck source=scripts/qemu-common.sh
. "$(dirname "$0")/qemu-common.sh"
START=$(date +%s)

timeout --kill-after=5 "$LIMIT" "$QEMU" -M "$MACHINE" -display none -monitor none -nodefaults \
    -semihosting-config enable=on,target=native \
    -chardev "socket,id=link,path=$SOCK,server=on,wait=off" \
    -serial "file:$CON" -serial chardev:link -kernel "$ELF_SERVER" 2>"$OUT/board.qemu.log" &
PID_B=$!

# tlspair retries until the socket exists and listens; every host program gets the same
# time bound. PIPESTATUS keeps each one's exit status.
BOARD_ARGS=$("$FW_STREAM" args "$AUTH")
set +e
# shellcheck disable=SC2086  # BOARD_ARGS, TLSP_TEST_WRAPPER are lists of words
timeout --kill-after=5 "$LIMIT" ${TLSP_TEST_WRAPPER:-} "$FW_STREAM" gen client --hold "$DONE" 2>"$OUT/gen.log" \
    | timeout --kill-after=5 "$LIMIT" ${TLSP_TEST_WRAPPER:-} "$TLSPAIR" client --unix "$SOCK" \
          --connect-retry 10 $BOARD_ARGS "$@" 2>"$OUT/tlspair.log" \
    | timeout --kill-after=5 "$LIMIT" ${TLSP_TEST_WRAPPER:-} "$FW_STREAM" check server --done "$DONE" \
          >"$OUT/host.log" 2>&1
RCS=("${PIPESTATUS[@]}")
set -e
RC_G=${RCS[0]}
RC_H=${RCS[1]}
RC_C=${RCS[2]}

linger_then_stop "$PID_B" "qemu-board-host: the board"
RC_B=$LINGER_RC
PID_B=
ELAPSED=$(( $(date +%s) - START ))

ok=1
[ "$RC_B" -eq 0 ] || ok=0
[ "$RC_G" -eq 0 ] || ok=0
[ "$RC_H" -eq 0 ] || ok=0
[ "$RC_C" -eq 0 ] || ok=0
grep -q "RESULT PASS" "$CON" || ok=0
grep -q "RESULT PASS" "$OUT/host.log" || ok=0
if [ "$ok" -eq 1 ]; then
    echo "---- board $(basename "$ELF_SERVER")"
    sed -n '/SUMMARY/,$p' "$CON"
    echo "---- host: tlspair client $BOARD_ARGS $*"
    cat "$OUT/tlspair.log"
    cat "$OUT/host.log"
    echo "qemu-board-host: PASS in ${ELAPSED} s"
    exit 0
fi
echo "qemu-board-host: FAIL after ${ELAPSED} s: board exit $RC_B; fw-stream gen $RC_G, tlspair $RC_H, fw-stream check $RC_C (124 = time bound hit)" >&2
echo "==== board console: $(basename "$ELF_SERVER")" >&2
cat "$CON" >&2
echo "==== board QEMU messages" >&2
cat "$OUT/board.qemu.log" >&2
echo "==== tlspair client $BOARD_ARGS $*" >&2
cat "$OUT/tlspair.log" >&2
echo "==== fw-stream gen / check" >&2
cat "$OUT/gen.log" "$OUT/host.log" >&2
exit 1
