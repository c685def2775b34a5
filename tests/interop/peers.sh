# The command lines, ours and the peers' (sourced by run_case.sh). Each *_cmd function
# sets the array cmd=(...) for: version (12 or 13), then options:
#   --psk              the test PSK instead of certificates
#   --mutual           the client sends the test client certificate; the server demands
#                      one signed by the test CA
#   --cert NAME        server: tests/pki/NAME.crt.pem and .key.pem (default "server")
# and a few of each program's own. The caller adds redirections and runs "${cmd[@]}".
#
# Credentials: the TEST-ONLY PKI of tests/pki (ECDSA P-256) and this TEST-ONLY PSK.
PSK_ID=tlspair-interop
PSK_HEX=000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f
SESS_KEY=5a3c1192e740086bd12f779e03c855a45a3c1192e740086bd12f779e03c855a4
SERVER_NAME=tlspair-test-server     # in the test server certificate's subjectAltName

# Parse the shared options into opt_* (and leave the rest in extra=(...)).
parse_opts() {
    opt_psk=0 opt_mutual=0 opt_cert=server extra=()
    while [ $# -gt 0 ]; do
        case $1 in
            --psk) opt_psk=1 ;;
            --mutual) opt_mutual=1 ;;
            --cert) opt_cert=$2; shift ;;
            *) extra+=("$1") ;;
        esac
        shift
    done
}

# ---- our side: tlspair client|server (examples/cli) -----------------------------------

# our_server_cmd VER [opts] [tlspair server options...]: listens on 127.0.0.1, a free
# port written to ./ready. Add --echo, --once, --resumption as the case needs.
our_server_cmd() {
    _v=$1; shift
    parse_opts "$@"
    cmd=("$TLSPAIR" server --tcp 127.0.0.1:0 --ready-file ready "--tls1.${_v#1}" --timeout 10)
    if [ $opt_psk = 1 ]; then
        cmd+=(--psk-identity "$PSK_ID" --psk "$PSK_HEX")
    else
        cmd+=(--cert "$PKI/$opt_cert.crt.pem" --key "$PKI/$opt_cert.key.pem")
    fi
    [ $opt_mutual = 1 ] && cmd+=(--require-client-cert --ca "$PKI/test-ca.crt.pem")
    cmd+=("${extra[@]}")
}

# our_client_cmd VER PORT [opts] [tlspair client options...]: --ca and --hostname for
# the test server name unless --psk; --sess-in/--sess-out as the case needs.
our_client_cmd() {
    _v=$1 _port=$2; shift 2
    parse_opts "$@"
    cmd=("$TLSPAIR" client --tcp "127.0.0.1:$_port" "--tls1.${_v#1}" --timeout 10)
    if [ $opt_psk = 1 ]; then
        cmd+=(--psk-identity "$PSK_ID" --psk "$PSK_HEX")
    else
        cmd+=(--ca "$PKI/test-ca.crt.pem" --hostname "$SERVER_NAME")
    fi
    [ $opt_mutual = 1 ] && cmd+=(--cert "$PKI/client.crt.pem" --key "$PKI/client.key.pem")
    cmd+=("${extra[@]}")
}

# ---- OpenSSL 3.0: s_server, s_client ---------------------------------------------------

# openssl_server_cmd VER [opts] [s_server options, e.g. -naccept 2 -no_ticket -no_cache]
# s_server has no echo mode: the case loops its stdout (the client's data) back into
# its stdin through a FIFO (-quiet keeps everything else off stdout, and turns off the
# command letters it would otherwise read from stdin).
openssl_server_cmd() {
    _v=$1; shift
    parse_opts "$@"
    cmd=(openssl s_server -accept 127.0.0.1:0 -quiet "-tls1_${_v#1}")
    if [ $opt_psk = 1 ]; then
        # The PSK suites are in OpenSSL's DEFAULT list (GCM and ChaCha; CCM would need
        # -cipher): nothing to add. TLS 1.3 uses the key with TLS_AES_128_GCM_SHA256.
        cmd+=(-nocert -psk "$PSK_HEX" -psk_identity "$PSK_ID")
    else
        cmd+=(-cert "$PKI/$opt_cert.crt.pem" -key "$PKI/$opt_cert.key.pem")
    fi
    [ $opt_mutual = 1 ] && cmd+=(-Verify 1 -CAfile "$PKI/test-ca.crt.pem" -verify_return_error)
    cmd+=("${extra[@]}")
}

# openssl_client_cmd VER PORT [opts] [s_client options, e.g. -quiet -reconnect -sess_out F]
openssl_client_cmd() {
    _v=$1 _port=$2; shift 2
    parse_opts "$@"
    cmd=(openssl s_client -connect "127.0.0.1:$_port" "-tls1_${_v#1}" -nocommands)
    if [ $opt_psk = 1 ]; then
        cmd+=(-psk "$PSK_HEX" -psk_identity "$PSK_ID")
    else
        cmd+=(-CAfile "$PKI/test-ca.crt.pem" -servername "$SERVER_NAME"
              -verify_hostname "$SERVER_NAME" -verify_return_error)
    fi
    [ $opt_mutual = 1 ] && cmd+=(-cert "$PKI/client.crt.pem" -key "$PKI/client.key.pem")
    cmd+=("${extra[@]}")
}

# ---- GnuTLS 3.7: gnutls-serv, gnutls-cli ------------------------------------------------

# GnuTLS priority string for one version; PSK key exchanges are off by default.
gnutls_priority() {
    _p="NORMAL:-VERS-ALL:+VERS-TLS1.${1#1}"
    [ "$2" = 1 ] && _p="$_p:+ECDHE-PSK:+PSK"
    echo "$_p$3"
}

# gnutls_server_cmd VER [opts] [gnutls-serv options, e.g. --noticket --nodb]
# --echo sends back what it reads, but as C strings: data with NUL bytes is cut, so the
# gnutls cases echo text (base64). It listens on every interface (no address option),
# IPv4 and IPv6 on two different free ports; the cases take the IPv4 one.
gnutls_server_cmd() {
    _v=$1; shift
    parse_opts "$@"
    cmd=(gnutls-serv -p 0 --echo)
    if [ $opt_psk = 1 ]; then
        printf '%s:%s\n' "$PSK_ID" "$PSK_HEX" > psk-passwd
        cmd+=(--pskpasswd psk-passwd)
    else
        cmd+=(--x509certfile "$PKI/$opt_cert.crt.pem" --x509keyfile "$PKI/$opt_cert.key.pem")
    fi
    if [ $opt_mutual = 1 ]; then
        cmd+=(--require-client-cert --verify-client-cert --x509cafile "$PKI/test-ca.crt.pem")
    else
        cmd+=(--disable-client-cert)
    fi
    cmd+=(--priority "$(gnutls_priority "$_v" $opt_psk)" "${extra[@]}")
}

# gnutls_client_cmd VER PORT [opts] [--priority-suffix S] [gnutls-cli options]
# Its messages go to ./gnutls-cli.log (--logfile); stdout is the data only.
gnutls_client_cmd() {
    _v=$1 _port=$2; shift 2
    parse_opts "$@"
    _suffix=
    if [ "${extra[0]}" = --priority-suffix ]; then
        _suffix=${extra[1]}
        extra=("${extra[@]:2}")
    fi
    cmd=(gnutls-cli -p "$_port" --logfile gnutls-cli.log
         --priority "$(gnutls_priority "$_v" $opt_psk "$_suffix")")
    if [ $opt_psk = 1 ]; then
        cmd+=(--pskusername "$PSK_ID" --pskkey "$PSK_HEX")
    else
        cmd+=(--x509cafile "$PKI/test-ca.crt.pem" --sni-hostname "$SERVER_NAME"
              --verify-hostname "$SERVER_NAME")
    fi
    [ $opt_mutual = 1 ] && cmd+=(--x509certfile "$PKI/client.crt.pem" --x509keyfile "$PKI/client.key.pem")
    cmd+=("${extra[@]}" 127.0.0.1)
}
