# The interop cases (sourced by run_case.sh). Each runs in its own directory, with the
# peer named first (openssl or gnutls) and the TLS version (12 or 13) second; it ends
# with status 0 (pass) or calls fail(). run_case.sh's caller bounds its time and kills
# whatever it leaves running.

# The data for echo cases: 100 KiB of random bytes, or the same as base64 text for
# gnutls-serv, whose echo cuts data at NUL bytes (it handles what it reads as strings).
echo_data() {
    if [ "$1" = gnutls ]; then echo "$DATA_TXT"; else echo "$DATA_BIN"; fi
}

# start_peer_server PEER VER [opts]: sets peer_pid and port.
start_peer_server() {
    _peer=$1; shift
    "${_peer}_server_cmd" "$@"
    note "${cmd[*]}"
    if [ "$_peer" = openssl ]; then
        # The echo loop: s_server's stdout (what the client sent) back into its stdin.
        # Opening the FIFO read-write first keeps either open from blocking.
        rm -f loop
        mkfifo loop
        "${cmd[@]}" <> loop > loop 2> peer-server.log &
    else
        "${cmd[@]}" < /dev/null > peer-server.log 2>&1 &
    fi
    peer_pid=$!
    wait_listen "$peer_pid"
}

# start_our_server VER [opts] [tlspair server options]: sets our_pid and port.
start_our_server() {
    our_server_cmd "$@"
    note "${cmd[*]}"
    rm -f ready
    "${cmd[@]}" < /dev/null > our-server.out 2> our-server.log &
    our_pid=$!
    wait_file ready "$our_pid"
    port=$(cat ready)
}

# ---- our client against the peer's server ------------------------------------------------

# Credentials for an echo case: cert (ECDHE-ECDSA with the test PKI), mutual (and the
# test client certificate), psk (TLS 1.2: plain PSK key exchange, AES-128-GCM) or
# ecdhe-psk (TLS 1.2: ECDHE-PSK, ChaCha20-Poly1305); TLS 1.3 takes psk (psk_dhe_ke).
# Sets both=() for both ends and ours=() for our side only (the suite pins the
# key exchange: OpenSSL and GnuTLS would each pick their own).
auth_opts() {
    ours=()
    case $1 in
        cert) both=() ;;
        mutual) both=(--mutual) ;;
        psk) both=(--psk)
             [ "$2" = 12 ] && ours=(--ciphers TLS-PSK-WITH-AES-128-GCM-SHA256) ;;
        ecdhe-psk) both=(--psk) ours=(--ciphers TLS-ECDHE-PSK-WITH-CHACHA20-POLY1305-SHA256) ;;
        *) fail "unknown credentials $1" ;;
    esac
    return 0
}

# What our summary must say for this version and credentials.
expect_summary() {   # LOG VER AUTH
    expect_grep "$1" "version +TLSv1\.${2#1}$" "version"
    case $2/$3 in
        12/psk) expect_grep "$1" "suite +TLS-PSK-WITH-AES-128-GCM-SHA256$" "suite" ;;
        12/ecdhe-psk) expect_grep "$1" "suite +TLS-ECDHE-PSK-WITH-CHACHA20-POLY1305-SHA256$" "suite" ;;
        12/*) expect_grep "$1" "suite +TLS-ECDHE-ECDSA-WITH-" "suite" ;;
        13/*) expect_grep "$1" "suite +TLS1-3-" "suite" ;;
    esac
}

# client_echo PEER VER AUTH: 100 KiB through the peer's echo server, byte for byte.
client_echo() {
    _peer=$1 _v=$2 _auth=$3
    _data=$(echo_data "$_peer")
    auth_opts "$_auth" "$_v"
    _extra=()
    [ "$_peer" = openssl ] && _extra=(-naccept 1)
    start_peer_server "$_peer" "$_v" "${both[@]}" "${_extra[@]}"
    our_client_cmd "$_v" "$port" "${both[@]}" "${ours[@]}"
    note "${cmd[*]}"
    run_fed "$_data" out our-client.log
    note "our client exited: $rc"
    cat our-client.log
    expect_rc "$rc" 0 "our client"
    expect_same "$_data" out "echo"
    expect_summary our-client.log "$_v" "$_auth"
    if [ "$_auth" = mutual ]; then
        # The peer got our certificate and checked it against the test CA.
        if [ "$_peer" = openssl ]; then
            expect_grep peer-server.log "^depth=0 CN ?= ?tlspair-test-client" "s_server log"
        else
            expect_grep peer-server.log "Subject: CN=tlspair-test-client" "gnutls-serv log"
            expect_grep peer-server.log "The certificate is trusted" "gnutls-serv log"
        fi
    fi
    stop "$peer_pid"
}

# client_nocert PEER VER: the peer demands a client certificate and we have none.
client_nocert() {
    _peer=$1 _v=$2
    start_peer_server "$_peer" "$_v" --mutual
    our_client_cmd "$_v" "$port"
    note "${cmd[*]}"
    "${cmd[@]}" < /dev/null > out 2> our-client.log
    _rc=$?
    cat our-client.log
    [ $_rc = 4 ] || [ $_rc = 5 ] || fail "our client: exit status $_rc, expected 4 or 5 (TLS or certificate failure)"
    expect_grep our-client.log "^tlspair: error: .*alert" "our client's error line"
    stop "$peer_pid"
}

# client_reject PEER VER KIND: the peer's certificate is wrong and we say why (exit 5).
client_reject() {
    _peer=$1 _v=$2 _kind=$3
    case $_kind in
        untrusted) _why="not signed by a trusted CA" ;;
        wronghost) _why="not issued for \"$SERVER_NAME\"" ;;
        expired) _why="expired" ;;
        future) _why="not valid yet" ;;
        *) fail "unknown kind $_kind" ;;
    esac
    start_peer_server "$_peer" "$_v" --cert "server-$_kind"
    our_client_cmd "$_v" "$port"
    note "${cmd[*]}"
    "${cmd[@]}" < /dev/null > out 2> our-client.log
    _rc=$?
    cat our-client.log
    expect_rc "$_rc" 5 "our client"
    expect_grep our-client.log "^tlspair: error: .*certificate.*$_why" "our client's error line"
    [ -s out ] && fail "our client wrote data from a rejected server"
    stop "$peer_pid"
    # The peer heard why. Not checked with gnutls-serv on TLS 1.3: mbedTLS sends this
    # alert unencrypted (it switches to the handshake keys only for its own second
    # flight); OpenSSL reads it, GnuTLS answers "Decryption has failed".
    case $_peer/$_v in
        openssl/*) expect_grep peer-server.log "SSL alert number (42|45|46|48)$" "s_server log" ;;
        gnutls/12) expect_grep peer-server.log "A TLS fatal alert has been received" "gnutls-serv log" ;;
    esac
    return 0
}

# client_resume PEER VER ticket|sessid: save the session on a first connection, resume on
# a second: the summary says so and the handshake takes fewer bytes. The server is set
# up so that only the mechanism named can work.
client_resume() {
    _peer=$1 _v=$2 _mech=$3
    case $_peer/$_mech in
        openssl/ticket) _srv=(-naccept 2 -no_cache) ;;       # no session-ID cache
        openssl/sessid) _srv=(-naccept 2 -no_ticket) ;;
        gnutls/ticket) _srv=(--nodb) ;;                      # no session-ID database
        gnutls/sessid) _srv=(--noticket) ;;
    esac
    start_peer_server "$_peer" "$_v" "${_srv[@]}"
    our_client_cmd "$_v" "$port" --sess-out sess.bin --sess-key "$SESS_KEY"
    note "${cmd[*]}"
    "${cmd[@]}" < /dev/null > out1 2> our-client1.log
    _rc=$?
    cat our-client1.log
    expect_rc "$_rc" 0 "our client, first connection"
    [ -s sess.bin ] || fail "no session saved"
    expect_grep our-client1.log "resumed +no" "first summary"

    our_client_cmd "$_v" "$port" --sess-in sess.bin --sess-key "$SESS_KEY"
    note "${cmd[*]}"
    "${cmd[@]}" < /dev/null > out2 2> our-client2.log
    _rc=$?
    cat our-client2.log
    expect_rc "$_rc" 0 "our client, second connection"
    expect_grep our-client2.log "resumed +yes" "second summary"
    _full=$(handshake_bytes our-client1.log) _short=$(handshake_bytes our-client2.log)
    note "handshake bytes: full $_full, resumed $_short"
    if [ -z "$_full" ] || [ -z "$_short" ] || [ "$_short" -ge "$_full" ]; then
        fail "resumed handshake not smaller: $_short B vs $_full B"
    fi
    stop "$peer_pid"
}

# ---- the peer's client against our server --------------------------------------------------

# server_echo PEER VER AUTH: 100 KiB through our echo server, byte for byte; our
# server's --once status says both sides closed cleanly.
server_echo() {
    _peer=$1 _v=$2 _auth=$3
    _data=$(echo_data "$_peer")
    auth_opts "$_auth" "$_v"
    start_our_server "$_v" "${both[@]}" "${ours[@]}" --echo --once
    _extra=()
    [ "$_peer" = openssl ] && _extra=(-quiet -no_ign_eof)
    "${_peer}_client_cmd" "$_v" "$port" "${both[@]}" "${_extra[@]}"
    note "${cmd[*]}"
    run_fed "$_data" out peer-client.log
    note "$_peer client exited: $rc"
    wait "$our_pid"
    _src=$?
    cat our-server.log
    if [ "$_peer/$_v/$_auth/$rc" = gnutls/12/ecdhe-psk/139 ]; then
        # A GnuTLS bug, not ours: gnutls-cli 3.7 dies of SIGSEGV right after every TLS 1.2
        # ECDHE-PSK handshake, against gnutls-serv and openssl s_server as well.
        expect_summary our-server.log "$_v" "$_auth"
        skip "gnutls-cli crashed (SIGSEGV) after the handshake, as it does after any TLS 1.2 ECDHE-PSK handshake (GnuTLS 3.7 bug; our side completed it)"
    fi
    expect_rc "$rc" 0 "$_peer client"
    expect_rc "$_src" 0 "our server"
    expect_same "$_data" out "echo"
    expect_summary our-server.log "$_v" "$_auth"
    if [ "$_auth" = mutual ]; then
        expect_grep our-server.log "peer +CN=tlspair-test-client$" "our server's summary"
    fi
}

# server_nocert PEER VER: our server demands a client certificate, the peer has none.
server_nocert() {
    _peer=$1 _v=$2
    start_our_server "$_v" --mutual --echo --once
    _extra=()
    [ "$_peer" = openssl ] && _extra=(-quiet -no_ign_eof)
    "${_peer}_client_cmd" "$_v" "$port" "${_extra[@]}"
    note "${cmd[*]}"
    echo hello | "${cmd[@]}" > out 2> peer-client.log
    _rc=$?
    wait "$our_pid"
    _src=$?
    cat our-server.log
    note "$_peer client exit status $_rc"
    expect_rc "$_src" 5 "our server"
    expect_grep our-server.log "^tlspair: error: .*certificate" "our server's error line"
    [ -s out ] && fail "the peer got data without a client certificate"
    return 0
}

# server_resume PEER VER ticket|sessid: the peer reconnects with the session we issued
# and reports it resumed; so does our server's summary.
server_resume() {
    _peer=$1 _v=$2 _mech=$3
    start_our_server "$_v" --echo --resumption
    case $_peer/$_v/$_mech in
        openssl/12/*)
            # -reconnect: five more connections with the first one's session.
            _extra=(-reconnect)
            [ "$_mech" = sessid ] && _extra+=(-no_ticket)
            openssl_client_cmd "$_v" "$port" "${_extra[@]}"
            note "${cmd[*]}"
            "${cmd[@]}" < /dev/null > out 2> peer-client.log
            _rc=$?
            grep -E "^(New|Reused)," out
            expect_rc "$_rc" 0 "s_client"
            [ "$(grep -c "^Reused, TLSv1.2," out)" = 5 ] || fail "s_client did not report 5 reused sessions"
            _resumed=5
            ;;
        openssl/13/*)
            # -reconnect does not wait for TLS 1.3 tickets (they come after the
            # handshake), so every reconnect is "New": save and resume instead, keeping
            # the first connection open until its data came back (the ticket is before).
            openssl_client_cmd "$_v" "$port" -sess_out sess.pem -no_ign_eof
            note "${cmd[*]}"
            echo interop-ping > ping
            { cat ping; wait_grep out1 interop-ping; } | "${cmd[@]}" > out1 2> peer-client1.log
            _rc=$?
            grep -E "^(New|Reused)," out1
            expect_rc "$_rc" 0 "s_client, first connection"
            [ -s sess.pem ] || fail "s_client saved no session"
            openssl_client_cmd "$_v" "$port" -sess_in sess.pem
            note "${cmd[*]}"
            "${cmd[@]}" < /dev/null > out 2> peer-client.log
            _rc=$?
            grep -E "^(New|Reused)," out
            expect_rc "$_rc" 0 "s_client, second connection"
            expect_grep out "^Reused, TLSv1\.3," "s_client"
            _resumed=1
            ;;
        gnutls/*)
            _extra=(--resume)
            [ "$_v" = 13 ] && _extra+=(--waitresumption)
            [ "$_mech" = sessid ] && _extra=(--priority-suffix ":%NO_TICKETS" "${_extra[@]}")
            gnutls_client_cmd "$_v" "$port" "${_extra[@]}"
            note "${cmd[*]}"
            # --waitresumption waits for a ticket without a deadline: bound it here.
            timeout 10 "${cmd[@]}" < /dev/null > out 2> peer-client.log
            _rc=$?
            grep -E "Resume|resumed" gnutls-cli.log
            [ $_rc = 124 ] && fail "gnutls-cli still waiting for a session ticket after 10 s"
            expect_rc "$_rc" 0 "gnutls-cli"
            expect_grep gnutls-cli.log "^\*\*\* This is a resumed session" "gnutls-cli"
            _resumed=1
            ;;
    esac
    stop "$our_pid"
    cat our-server.log
    [ "$(grep -E -c "resumed +yes" our-server.log)" = "$_resumed" ] ||
        fail "our server did not report $_resumed resumed connection(s)"
}
