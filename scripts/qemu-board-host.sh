#!/usr/bin/env bash
# Run one emulated MPS2 board with its UART1 exposed as a unix socket, and a host program
# that talks to it: the board (a TLS server firmware) first, listening, then
#   HOST_PROGRAM --socket SOCKET [ARGS...]
# Its console (UART0) goes to a file.
#
#   scripts/qemu-board-host.sh ELF_SERVER HOST_PROGRAM [ARGS...]
#
# Exit status 0 only if both the host program and the board exit 0 within the time bound
# and both print their summary ("RESULT PASS"). On failure the console is printed.
# Exit status 77 (ctest: skipped) if ELF_SERVER does not exist: the firmware is built in a
# separate cross build (docs/firmware.md).
#
# Environment: TLSP_QEMU, TLSP_QEMU_MACHINE, TLSP_QEMU_TIMEOUT, TLSP_QEMU_OUT as for
# scripts/qemu-two-boards.sh; TLSP_TEST_WRAPPER, when set, is a command that runs the host
# program (valgrind ...: the host-valgrind test preset; QEMU itself runs as it is).
set -euo pipefail

if [ $# -lt 2 ]; then
    echo "usage: $0 ELF_SERVER HOST_PROGRAM [ARGS...]" >&2
    exit 2
fi
ELF_SERVER=$1
shift
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

# The host program retries until the socket exists; it gets the same time bound.
RC_H=0
# shellcheck disable=SC2086  # TLSP_TEST_WRAPPER is a command line (valgrind ...)
timeout --kill-after=5 "$LIMIT" ${TLSP_TEST_WRAPPER:-} "$@" --socket "$SOCK" >"$OUT/host.log" 2>&1 || RC_H=$?

linger_then_stop "$PID_B" "qemu-board-host: the board"
RC_B=$LINGER_RC
PID_B=
ELAPSED=$(( $(date +%s) - START ))

ok=1
[ "$RC_B" -eq 0 ] || ok=0
[ "$RC_H" -eq 0 ] || ok=0
grep -q "RESULT PASS" "$CON" || ok=0
grep -q "RESULT PASS" "$OUT/host.log" || ok=0
if [ "$ok" -eq 1 ]; then
    echo "---- board $(basename "$ELF_SERVER")"
    sed -n '/SUMMARY/,$p' "$CON"
    echo "---- host $(basename "$1")"
    sed -n '/SUMMARY/,$p' "$OUT/host.log"
    echo "qemu-board-host: PASS in ${ELAPSED} s"
    exit 0
fi
echo "qemu-board-host: FAIL after ${ELAPSED} s: board exit $RC_B, host exit $RC_H (124 = time bound hit)" >&2
echo "==== board console: $(basename "$ELF_SERVER")" >&2
cat "$CON" >&2
echo "==== board QEMU messages" >&2
cat "$OUT/board.qemu.log" >&2
echo "==== host program: $*" >&2
cat "$OUT/host.log" >&2
exit 1
