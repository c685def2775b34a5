#!/usr/bin/env bash
# Interop tests: tlspair (the command-line tool, examples/cli) against TLS stacks written
# elsewhere: OpenSSL (s_server, s_client) and GnuTLS (gnutls-serv, gnutls-cli), on
# 127.0.0.1 with ephemeral ports and the TEST-ONLY PKI of tests/pki.
#
#   interop.sh [--peer openssl|gnutls]... [--only REGEX] [--keep] TLSPAIR PKI_DIR
#
# Prints one line per case and a matrix at the end; exit 0 when every case passed, 1 if
# one failed, 77 (skip) when no peer's programs are installed (Debian packages openssl
# and gnutls-bin; a peer that is missing is left out). Linux only: ports are found
# through /proc.
set -u
here=$(cd "$(dirname "$0")" && pwd)
CASE_TIMEOUT=${INTEROP_CASE_TIMEOUT:-40}   # seconds, hard bound per case

peers=() only="" keep=0
while [ $# -gt 0 ]; do
    case $1 in
        --peer) peers+=("$2"); shift 2 ;;
        --only) only=$2; shift 2 ;;
        --keep) keep=1; shift ;;
        --) shift; break ;;
        -*) echo "interop: unknown option $1" >&2; exit 2 ;;
        *) break ;;
    esac
done
if [ $# -ne 2 ]; then
    echo "usage: interop.sh [--peer openssl|gnutls]... [--only REGEX] [--keep] TLSPAIR PKI_DIR" >&2
    exit 2
fi
[ ${#peers[@]} -gt 0 ] || peers=(openssl gnutls)

export TLSPAIR PKI DATA_BIN DATA_TXT
TLSPAIR=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
PKI=$(cd "$2" && pwd)
[ -x "$TLSPAIR" ] || { echo "interop: $TLSPAIR is not a program" >&2; exit 2; }

# What each peer needs. A peer whose programs are missing is left out; with none left
# the run is skipped (exit 77): that, and nothing else, skips.
present=()
for p in "${peers[@]}"; do
    case $p in
        openssl) need=(openssl) ;;
        gnutls) need=(gnutls-serv gnutls-cli) ;;
        *) echo "interop: unknown peer $p" >&2; exit 2 ;;
    esac
    missing=
    for prog in "${need[@]}"; do
        command -v "$prog" > /dev/null 2>&1 || missing="$missing $prog"
    done
    if [ -n "$missing" ]; then
        echo "interop: SKIP $p:$missing not installed (Debian packages openssl, gnutls-bin)"
    else
        present+=("$p")
    fi
done
[ ${#present[@]} -gt 0 ] || exit 77
peers=("${present[@]}")
for prog in timeout mkfifo cmp base64 awk; do
    command -v "$prog" > /dev/null 2>&1 || { echo "interop: $prog is missing" >&2; exit 1; }
done
[ -r /proc/net/tcp ] || { echo "interop: needs Linux /proc/net/tcp to find ports" >&2; exit 1; }

work=$(mktemp -d "${TMPDIR:-/tmp}/tlspair-interop.XXXXXX")
case_group=
cleanup() {
    if [ -n "$case_group" ]; then
        kill -TERM -- "-$case_group" 2>/dev/null
    fi
    if [ $keep = 0 ]; then rm -rf "$work"; else echo "interop: kept $work"; fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

DATA_BIN=$work/data.bin
DATA_TXT=$work/data.txt
head -c 102400 /dev/urandom > "$DATA_BIN"
base64 "$DATA_BIN" > "$DATA_TXT"

# The cases: "NAME FUNCTION PEER VERSION [ARGS]" (functions in cases.sh).
list_cases() {
    for p in "${peers[@]}"; do
        for v in 12 13; do
            echo "client-$p-tls$v-ecdsa-echo client_echo $p $v cert"
            echo "client-$p-tls$v-psk-echo client_echo $p $v psk"
            [ $v = 12 ] && echo "client-$p-tls$v-ecdhe-psk-echo client_echo $p $v ecdhe-psk"
            echo "client-$p-tls$v-mutual-echo client_echo $p $v mutual"
            echo "client-$p-tls$v-no-client-cert client_nocert $p $v"
        done
        for v in 12 13; do
            for k in untrusted wronghost expired future; do
                echo "client-$p-tls$v-reject-$k client_reject $p $v $k"
            done
        done
        echo "client-$p-tls12-resume-ticket client_resume $p 12 ticket"
        echo "client-$p-tls12-resume-sessid client_resume $p 12 sessid"
        echo "client-$p-tls13-resume-ticket client_resume $p 13 ticket"
        for v in 12 13; do
            echo "server-$p-tls$v-ecdsa-echo server_echo $p $v cert"
            echo "server-$p-tls$v-psk-echo server_echo $p $v psk"
            [ $v = 12 ] && echo "server-$p-tls$v-ecdhe-psk-echo server_echo $p $v ecdhe-psk"
            echo "server-$p-tls$v-mutual-echo server_echo $p $v mutual"
            echo "server-$p-tls$v-no-client-cert server_nocert $p $v"
        done
        echo "server-$p-tls12-resume-ticket server_resume $p 12 ticket"
        echo "server-$p-tls12-resume-sessid server_resume $p 12 sessid"
        echo "server-$p-tls13-resume-ticket server_resume $p 13 ticket"
    done
}

names=() results=() details=()
failed=0
while read -r name fn args; do
    if [ -n "$only" ] && ! [[ $name =~ $only ]]; then
        continue
    fi
    dir=$work/$name
    mkdir -p "$dir"
    start=$(date +%s.%N)
    # timeout(1) leads a process group holding everything the case starts: killing the
    # group afterwards ends any server the case left running (or hung in).
    # shellcheck disable=SC2086
    timeout -k 2 "$CASE_TIMEOUT" bash "$here/run_case.sh" "$dir" "$fn" $args > "$dir/log" 2>&1 &
    case_group=$!
    wait "$case_group"
    rc=$?
    kill -TERM -- "-$case_group" 2>/dev/null
    case_group=
    secs=$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
    case $rc in
        0) result=PASS detail= ;;
        77) result=n/a detail=$(grep -m1 '^SKIP: ' "$dir/log" | cut -c7-) ;;
        124|137) result=FAIL detail="timed out after ${CASE_TIMEOUT}s" ;;
        *) result=FAIL detail=$(grep -m1 '^FAIL: ' "$dir/log" | cut -c7-) ;;
    esac
    [ -n "$detail" ] || [ $result != FAIL ] || detail="exit status $rc"
    printf '%-40s %s %5ss %s\n' "$name" "$result" "$secs" "$detail"
    if [ $result = FAIL ]; then
        failed=$((failed + 1))
        sed 's/^/    | /' "$dir/log"
    fi
    names+=("$name") results+=("$result") details+=("$detail")
done < <(list_cases)

# The matrix: one row per case, one column per peer ("client-openssl-tls12-x" is row
# "client tls12 x", column openssl); below it, why any cell is not PASS.
declare -A cell
rows=()
for i in "${!names[@]}"; do
    IFS=- read -r side peer rest <<< "${names[$i]}"
    row="$side ${rest/-/ }"
    [ -n "${cell[$row]+set}" ] || rows+=("$row")
    cell[$row]=1
    cell[$row/$peer]=${results[$i]}
done
echo
echo "interop matrix: our side = tlspair client|server; $(openssl version 2>/dev/null | cut -d' ' -f1-2)," \
     "$(gnutls-cli --version 2>/dev/null | head -n1)"
printf '| %-32s |' "case (our side, version, what)"
for p in "${peers[@]}"; do printf ' %-7s |' "$p"; done
echo
printf '|%s|' "----------------------------------"
for p in "${peers[@]}"; do printf '%s|' "---------"; done
echo
for row in "${rows[@]}"; do
    printf '| %-32s |' "$row"
    for p in "${peers[@]}"; do printf ' %-7s |' "${cell[$row/$p]:--}"; done
    echo
done
for i in "${!names[@]}"; do
    [ "${results[$i]}" = PASS ] || echo "  ${names[$i]}: ${results[$i]}: ${details[$i]}"
done
echo
echo "interop: ${#names[@]} cases, $failed failed"
[ ${#names[@]} -gt 0 ] || { echo "interop: no case matched" >&2; exit 1; }
[ $failed = 0 ]
