#!/usr/bin/env bash
# The tlspair command-line tool (examples/cli), end to end: real processes, real sockets,
# pseudo-terminals. One ctest entry per CASE:
#
#   tests/cli/cli_test.sh TLSPAIR PKI_DIR CASE
#
#   tcp      certificates and PSK, TLS 1.2 and 1.3, echo and full duplex both ways,
#            client certificates, --quiet, the server's loop and SIGTERM
#   unix     over a unix stream socket (PSK, certificates)
#   pty      over two pseudo-terminals linked by socat
#   resume   --sess-out then --sess-in: resumed; sealed; wrong seal key; TLS 1.2 and 1.3
#   exits    every exit code: usage, refused, missing device, truncation, wrong PSK,
#            untrusted CA, wrong hostname, expired certificate, silent peer (timeout)
#   trace    --trace: a TLS 1.3 handshake by message; an expired certificate's reason, both ends
#   help     --help exits 0 and names every option
#
# Synchronisation: servers write --ready-file once listening; the script waits for the
# file with a bounded loop. Data is compared byte for byte (cmp).
set -euo pipefail

T=$1
PKI=$2
CASE=$3
CA=$PKI/test-ca.crt.pem
SCERT=(--cert "$PKI/server.crt.pem" --key "$PKI/server.key.pem")
PSK=(--psk-identity cli-test --psk 00112233445566778899aabbccddeeff)

# shellcheck source=tests/support/cli_harness.sh
. "$(dirname "$0")/../support/cli_harness.sh"
harness_init "cli_test $CASE"

head -c 300000 /dev/urandom > "$tmp/big"
head -c 70001 /dev/urandom > "$tmp/other"

# start_server NAME ARGS...: tlspair server in the background with a ready file; sets
# SERVER_PID and READY (the file's content: the TCP port, or the path).
start_server() {
    local name=$1
    shift
    rm -f "$tmp/$name.ready"
    "$T" server --ready-file "$tmp/$name.ready" "$@" > "$tmp/$name.out" 2> "$tmp/$name.log" < "${SERVER_STDIN:-/dev/null}" &
    SERVER_PID=$!
    pids+=("$SERVER_PID")
    wait_for "[ -s '$tmp/$name.ready' ] || ! kill -0 $SERVER_PID 2>/dev/null"
    [ -s "$tmp/$name.ready" ] || fail "server $name did not start"
    READY=$(cat "$tmp/$name.ready")
}

# expect_status CODE WHAT: the last command's status, saved in $rc.
expect_status() {
    [ "$rc" -eq "$1" ] || fail "$2: exit status $rc, expected $1"
}

# run_client NAME ARGS... < input: status in $rc, stdout in NAME.out, stderr in NAME.log.
run_client() {
    local name=$1
    shift
    rc=0
    "$T" client "$@" > "$tmp/$name.out" 2> "$tmp/$name.log" || rc=$?
}

wait_server() {
    rc=0
    wait "$SERVER_PID" || rc=$?
}

# An echo round trip: the client's stdin comes back on its stdout, byte for byte.
echo_case() {
    local name=$1
    shift
    local server_args=() client_args=()
    while [ "$1" != "--" ]; do server_args+=("$1"); shift; done
    shift
    client_args=("$@")
    start_server "$name-server" --once --echo "${server_args[@]}"
    run_client "$name" "${client_args[@]//@READY@/$READY}" < "$tmp/big"
    expect_status 0 "$name: client"
    cmp -s "$tmp/big" "$tmp/$name.out" || fail "$name: echoed data differs"
    wait_server
    expect_status 0 "$name: server"
}

grep_log() {
    grep -q -- "$2" "$tmp/$1.log" || fail "$1: stderr lacks \"$2\""
}

case_tcp() {
    echo_case tcp13 --tcp :0 "${SCERT[@]}" --tls1.3 -- --tcp localhost:@READY@ --ca "$CA"
    grep_log tcp13 "version    TLSv1.3"
    grep_log tcp13 "peer       CN=tlspair-test-server"
    grep_log tcp13 "resumed    no"
    grep_log tcp13 "closed cleanly: 300000 B sent, 300000 B received"
    grep_log tcp13-server "listening on 127.0.0.1:"

    echo_case tcp12 --tcp 127.0.0.1:0 "${SCERT[@]}" -- --tcp 127.0.0.1:@READY@ --ca "$CA" \
        --hostname tlspair-test-server --tls1.2 --ciphers TLS-ECDHE-ECDSA-WITH-AES-256-GCM-SHA384
    grep_log tcp12 "version    TLSv1.2"
    grep_log tcp12 "suite      TLS-ECDHE-ECDSA-WITH-AES-256-GCM-SHA384"

    echo_case tcppsk12 --tcp :0 "${PSK[@]}" --tls1.2 --record-size 1024 -- --tcp localhost:@READY@ "${PSK[@]}"
    grep_log tcppsk12 "peer       (none: pre-shared key)"
    echo_case tcppsk13 --tcp :0 "${PSK[@]}" -- --tcp localhost:@READY@ "${PSK[@]}" --tls1.3 --quiet
    [ ! -s "$tmp/tcppsk13.log" ] || fail "--quiet: stderr not empty"

    # Client certificates: required and given.
    echo_case tcpmutual --tcp :0 "${SCERT[@]}" --ca "$CA" --require-client-cert -- \
        --tcp localhost:@READY@ --ca "$CA" --cert "$PKI/client.crt.pem" --key "$PKI/client.key.pem"
    grep_log tcpmutual-server "peer       CN=tlspair-test-client"

    # Full duplex without --echo: each side's stdin arrives on the other's stdout. Each
    # side holds its stdin open until it has everything from the other (a side that
    # sees close_notify stops sending), then both close.
    mkfifo "$tmp/got_at_client" "$tmp/got_at_server"
    SERVER_STDIN=<(cat "$tmp/big"; read -r _ < "$tmp/got_at_server") \
        start_server duplex-server --tcp :0 "${SCERT[@]}" --once
    # The server's stdout is a file here: wait for it below instead.
    rc=0
    { cat "$tmp/other"; read -r _ < "$tmp/got_at_client"; } \
        | "$T" client --tcp "localhost:$READY" --ca "$CA" 2> "$tmp/duplex.log" \
        | { head -c 300000 > "$tmp/duplex.out"; echo > "$tmp/got_at_client"; cat > "$tmp/duplex.extra"; } &
    local client_pipe=$!
    wait_for "[ \$(stat -c %s '$tmp/duplex-server.out') -ge 70001 ]"
    echo > "$tmp/got_at_server"
    wait "$client_pipe" || fail "duplex: client pipeline failed"
    wait_server
    expect_status 0 "duplex: server"
    cmp -s "$tmp/big" "$tmp/duplex.out" || fail "duplex: server -> client data differs"
    cmp -s "$tmp/other" "$tmp/duplex-server.out" || fail "duplex: client -> server data differs"
    [ ! -s "$tmp/duplex.extra" ] || fail "duplex: extra bytes after the data"
    grep_log duplex "closed cleanly: 70001 B sent, 300000 B received"

    # Without --once the server serves one connection after another; SIGTERM ends it.
    start_server loop --tcp :0 "${PSK[@]}" --echo
    for i in 1 2 3; do
        run_client "loop$i" --tcp "localhost:$READY" "${PSK[@]}" < "$tmp/other"
        expect_status 0 "loop: client $i"
        cmp -s "$tmp/other" "$tmp/loop$i.out" || fail "loop: client $i data differs"
    done
    kill -TERM "$SERVER_PID"
    wait_server
    expect_status 143 "loop: server after SIGTERM"

    # SIGTERM also ends a server waiting for a silent client's handshake, long before the
    # 60 s handshake deadline.
    start_server stop --tcp :0 "${PSK[@]}" --timeout 60
    exec 5<> "/dev/tcp/127.0.0.1/$READY"
    local t0=$SECONDS
    kill -TERM "$SERVER_PID"
    wait_server
    exec 5<&-
    expect_status 143 "stop: server after SIGTERM"
    [ $((SECONDS - t0)) -le 10 ] || fail "stop: the server took $((SECONDS - t0)) s to stop"
}

case_unix() {
    local sock=$tmp/tls.sock
    echo_case unixpsk --unix "$sock" "${PSK[@]}" --tls1.2 -- --unix "$sock" "${PSK[@]}"
    [ ! -e "$sock" ] || fail "unix: the server left its socket file"
    echo_case unixcert --unix "$sock" "${SCERT[@]}" -- --unix "$sock" --ca "$CA" --hostname localhost
    grep_log unixcert "version    TLSv1.3"
    grep_log unixcert-server "listening on $sock"
    # A stale socket file (a killed server) is replaced; another kind of file is not.
    start_server stale --unix "$sock" "${PSK[@]}" --echo
    kill -KILL "$SERVER_PID"
    wait_server
    [ -S "$sock" ] || fail "unix: no stale socket left by the killed server"
    echo_case unixstale --unix "$sock" "${PSK[@]}" -- --unix "$sock" "${PSK[@]}"
    : > "$tmp/plain"
    rc=0
    "$T" server --unix "$tmp/plain" "${PSK[@]}" 2> "$tmp/notsock.log" || rc=$?
    expect_status 3 "unix: listening on a regular file"
    grep_log notsock "not a socket"
}

case_pty() {
    require_command socat
    start_socat_ptys pty
    echo_case ptycert --serial "$tmp/pa" --baud 921600 --rtscts "${SCERT[@]}" -- \
        --serial "$tmp/pb" --baud 921600 --rtscts --ca "$CA" --hostname tlspair-test-server
    grep_log ptycert "connected to $tmp/pb"
    grep_log ptycert "version    TLSv1.3"
    echo_case ptypsk --serial "$tmp/pa" --baud 9600 "${PSK[@]}" --tls1.2 --record-size 512 -- \
        --serial "$tmp/pb" --baud 9600 "${PSK[@]}"
    grep_log ptypsk "version    TLSv1.2"
}

case_resume() {
    local v key=000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f
    for v in 1.3 1.2; do
        start_server "resume$v" --tcp :0 "${SCERT[@]}" --resumption --echo
        local c=(--tcp "localhost:$READY" --ca "$CA" "--tls$v")
        run_client "first$v" "${c[@]}" --sess-out "$tmp/s$v" < "$tmp/other"
        expect_status 0 "resume $v: first client"
        grep_log "first$v" "resumed    no"
        [ -s "$tmp/s$v" ] || fail "resume $v: no session file"
        [ "$(stat -c %a "$tmp/s$v")" = 600 ] || fail "resume $v: session file not mode 600"
        run_client "second$v" "${c[@]}" --sess-in "$tmp/s$v" < "$tmp/other"
        expect_status 0 "resume $v: second client"
        grep_log "second$v" "resumed    yes"
        cmp -s "$tmp/other" "$tmp/second$v.out" || fail "resume $v: data differs"

        # Sealed: resumes with the key; with another key a warning and a full handshake.
        run_client "sealout$v" "${c[@]}" --sess-out "$tmp/sealed$v" --sess-key "$key" < /dev/null
        expect_status 0 "resume $v: sealed save"
        run_client "sealin$v" "${c[@]}" --sess-in "$tmp/sealed$v" --sess-key "$key" < /dev/null
        expect_status 0 "resume $v: sealed load"
        grep_log "sealin$v" "resumed    yes"
        run_client "plainread$v" "${c[@]}" --sess-in "$tmp/sealed$v" < /dev/null
        expect_status 0 "resume $v: sealed file read without the key"
        grep_log "plainread$v" "resumed    no"
        run_client "wrongkey$v" "${c[@]}" --sess-in "$tmp/sealed$v" --sess-key "${key/00/ff}" < /dev/null
        expect_status 0 "resume $v: wrong seal key"
        grep_log "wrongkey$v" "warning: session in .* not usable"
        grep_log "wrongkey$v" "resumed    no"
        # A missing file: a warning and a full handshake, not a failure.
        run_client "missing$v" "${c[@]}" --sess-in "$tmp/nothing" < /dev/null
        expect_status 0 "resume $v: missing session file"
        grep_log "missing$v" "resumed    no"
        kill -TERM "$SERVER_PID"
        wait_server
    done
    # A server without --resumption issues nothing: the client says so, and succeeds.
    start_server noresume --tcp :0 "${SCERT[@]}" --once
    run_client noticket --tcp "localhost:$READY" --ca "$CA" --sess-out "$tmp/none" < /dev/null
    expect_status 0 "resume: server without resumption"
    grep_log noticket "no session saved"
    [ ! -e "$tmp/none" ] || fail "resume: a session file without a ticket"
    wait_server
}

expect_client_exit() {
    local code=$1 name=$2
    shift 2
    run_client "$name" "$@" < /dev/null
    expect_status "$code" "$name"
    grep_log "$name" "tlspair: \(usage \)\?error: "
    [ ! -s "$tmp/$name.out" ] || fail "$name: output on stdout"
}

case_exits() {
    local cert_client=(--ca "$CA")

    # 2: usage errors, before anything touches the network.
    rc=0; "$T" 2> "$tmp/noargs.log" || rc=$?; expect_status 2 "no arguments"
    expect_client_exit 2 notransport --ca "$CA"
    expect_client_exit 2 unknownopt --tcp localhost:1 --bogus
    expect_client_exit 2 noca --tcp localhost:1
    grep_log noca "needs --ca"
    expect_client_exit 2 nohostname --tcp 127.0.0.1:1 --ca "$CA"
    grep_log nohostname "hostname"
    expect_client_exit 2 badpsk --tcp localhost:1 --psk-identity x --psk 12z4
    expect_client_exit 2 badca --tcp localhost:1 --ca "$tmp/no-such-ca.pem"
    expect_client_exit 2 bothversions --tcp localhost:1 --ca "$CA" --tls1.2 --tls1.3
    expect_client_exit 2 badciphers --tcp localhost:1 --ca "$CA" --ciphers NOT-A-SUITE
    rc=0; "$T" server --tcp :0 2> "$tmp/nocred.log" || rc=$?; expect_status 2 "server without credentials"
    rc=0; "$T" server --tcp :0 --cert "$PKI/server-key-encrypted.pem" --key "$PKI/server-key-encrypted.pem" \
        2> "$tmp/keypw.log" || rc=$?
    expect_status 2 "server with an encrypted key and no password"

    # 3: transport. A port that was just freed by a server we stopped.
    start_server freed --tcp :0 "${PSK[@]}"
    kill -TERM "$SERVER_PID"; wait_server
    expect_client_exit 3 refused --tcp "127.0.0.1:$READY" "${PSK[@]}"
    grep_log refused "refused"
    expect_client_exit 3 resolve --tcp no-such-host.invalid:443 "${cert_client[@]}"
    expect_client_exit 3 nodevice --serial "$tmp/no-such-tty" "${PSK[@]}"
    expect_client_exit 3 notatty --serial /dev/null "${PSK[@]}"
    expect_client_exit 3 badbaud --serial /dev/null --baud 12345 "${PSK[@]}"
    grep_log badbaud "12345"
    expect_client_exit 3 nosocket --unix "$tmp/no-such-socket" "${PSK[@]}"

    # 4: TLS. A wrong PSK (both ends fail); a peer that hangs up without close_notify.
    start_server wrongpsk-server --tcp :0 "${PSK[@]}" --once
    expect_client_exit 4 wrongpsk --tcp "localhost:$READY" --psk-identity cli-test --psk 00112233
    wait_server; expect_status 4 "wrong PSK: server"
    require_command socat
    socat UNIX-LISTEN:"$tmp/hangup.sock" /dev/null 2> "$tmp/socat-hangup.log" &
    pids+=("$!")
    expect_client_exit 4 truncated --unix "$tmp/hangup.sock" "${PSK[@]}" --connect-retry 10

    # 5: certificates.
    SCERT=(--cert "$PKI/server-untrusted.crt.pem" --key "$PKI/server-untrusted.key.pem") \
        start_server untrusted-server --tcp :0 --once --cert "$PKI/server-untrusted.crt.pem" \
        --key "$PKI/server-untrusted.key.pem"
    expect_client_exit 5 untrusted --tcp "localhost:$READY" --ca "$CA"
    grep_log untrusted "not signed by a trusted CA"
    wait_server; expect_status 5 "untrusted: the server, told by an alert"
    grep_log untrusted-server "rejected our certificate"
    start_server wronghost-server --tcp :0 --once "${SCERT[@]}"
    expect_client_exit 5 wronghost --tcp "127.0.0.1:$READY" --ca "$CA" --hostname other.example
    grep_log wronghost "not issued for \"other.example\""
    wait_server
    start_server expired-server --tcp :0 --once --cert "$PKI/server-expired.crt.pem" --key "$PKI/server-expired.key.pem"
    expect_client_exit 5 expired --tcp "localhost:$READY" --ca "$CA"
    grep_log expired "expired"
    wait_server
    # A client without the certificate a server requires: the server says 5. The client
    # cannot tell: mbedTLS's server answers TLS 1.2 with a plain handshake_failure alert
    # (4), and in TLS 1.3 the client's handshake is done before the server looks, and
    # the alert then fails to decrypt at the client (a bad record, 4).
    start_server needcert-server --tcp :0 --once "${SCERT[@]}" --ca "$CA" --require-client-cert
    expect_client_exit 4 nocert --tcp "localhost:$READY" --ca "$CA" --tls1.2
    grep_log nocert "alert 40"
    wait_server; expect_status 5 "client certificate required: the server"
    start_server needcert13-server --tcp :0 --once "${SCERT[@]}" --ca "$CA" --require-client-cert
    run_client nocert13 --tcp "localhost:$READY" --ca "$CA" --tls1.3 < /dev/null
    [ "$rc" -ne 0 ] || fail "nocert13: the client succeeded"
    wait_server; expect_status 5 "client certificate required (TLS 1.3): the server"

    # 6: a silent peer (a pty nobody answers on) and the handshake deadline.
    start_socat_ptys silent
    local t0=$SECONDS
    expect_client_exit 6 silent --serial "$tmp/pa" "${PSK[@]}" --timeout 1
    [ $((SECONDS - t0)) -le 10 ] || fail "silent: took $((SECONDS - t0)) s for a 1 s deadline"
    grep_log silent "timed out\|deadline"
}

# --trace: a good TLS 1.3 handshake message by message, and a rejected certificate whose
# reason both ends print (the client in words with the date, the server from the alert).
case_trace() {
    echo_case trace13 --tcp :0 "${SCERT[@]}" --trace -- --tcp "localhost:@READY@" --ca "$CA" --tls1.3 --trace
    grep_log trace13 "tlspair: trace: -> ClientHello ("
    grep_log trace13 "tlspair: trace: <- ServerHello ("
    grep_log trace13 "tlspair: trace: negotiated TLSv1.3 "
    grep_log trace13 "tlspair: trace: <- EncryptedExtensions ("
    grep_log trace13 "tlspair: trace: <- Certificate ("
    grep_log trace13 "tlspair: trace: <- CertificateVerify ("
    grep_log trace13 "tlspair: trace: -> Finished (36 bytes)"
    grep_log trace13 "tlspair: trace: handshake done: TLSv1.3"
    grep_log trace13 "tlspair: trace: -> alert close_notify (0)"
    grep_log trace13-server "tlspair: trace: <- alert close_notify (0)"
    ! grep -q "trace: state " "$tmp/trace13.log" || fail "trace13: states shown without --trace-states"

    start_server traceexp-server --tcp :0 --once --trace --cert "$PKI/server-expired.crt.pem" \
        --key "$PKI/server-expired.key.pem"
    run_client traceexp --tcp "localhost:$READY" --ca "$CA" --trace-states < /dev/null
    expect_status 5 "traceexp: client"
    grep_log traceexp "tlspair: trace: state CLIENT_HELLO"
    grep_log traceexp "tlspair: trace: <- Certificate ("
    grep_log traceexp "tlspair: trace: -> alert certificate_expired (45)"
    grep_log traceexp "tlspair: trace: failed: certificate rejected: 'tlspair-test-server' expired (notAfter 2021-01-01 00:00:00)"
    grep_log traceexp "tlspair: reason: certificate rejected: .* expired (notAfter 2021-01-01 00:00:00): check the certificate's dates"
    wait_server; expect_status 5 "traceexp: server"
    grep_log traceexp-server "tlspair: trace: <- alert certificate_expired (45)"
    grep_log traceexp-server "tlspair: reason: the peer rejected our certificate (certificate_expired)"
}

case_help() {
    rc=0
    "$T" --help > "$tmp/help.txt" 2> "$tmp/help.log" || rc=$?
    expect_status 0 "--help"
    local opt
    for opt in --tcp --unix --serial --baud --rtscts --psk-identity --psk --cert --key \
               --key-password --ca --hostname --tls1.2 --tls1.3 --ciphers \
               --require-client-cert --timeout --record-size --echo --once --connect-retry \
               --resumption --sess-out --sess-in --sess-key --quiet --trace --trace-states \
               --ready-file /dev/ttyUSB0; do
        grep -q -- "$opt" "$tmp/help.txt" || fail "--help does not mention $opt"
    done
    rc=0; "$T" client --help > /dev/null || rc=$?; expect_status 0 "client --help"
    [ ! -s "$tmp/help.log" ] || fail "--help wrote to stderr"
}

"case_$CASE"
echo "cli_test $CASE: PASS"
