#!/usr/bin/env bash
#
# make-test-pki.sh - regenerate the tlspair TEST-ONLY PKI.
#
# Usage: scripts/make-test-pki.sh [OUTPUT_DIR]
#
# OUTPUT_DIR defaults to tests/pki/ (relative to the repository root).
# Requires only the openssl CLI (tested with OpenSSL 3.0 on Debian 12), plus
# coreutils, od and awk.
#
# Every key is ECDSA P-256 (prime256v1); every signature is ecdsa-with-SHA256.
# Keys are freshly generated on each run, so the output changes every time.
#
# Produced (all TEST ONLY - never use in production):
#   test-ca            self-signed root CA "tlspair Test CA"
#   server             serverAuth leaf, SANs tlspair-test-server, localhost, 127.0.0.1
#   client             clientAuth leaf
#   server-expired     like server, valid 2020-01-01 .. 2021-01-01
#   server-future      like server, valid 2040-01-01 .. 2045-01-01
#   server-wronghost   like server, CN/only SAN wrong-host.example
#   untrusted-ca       second self-signed root "tlspair Untrusted CA"
#   server-untrusted   like server, but issued by untrusted-ca
# Files: NAME.crt.pem, NAME.key.pem (unencrypted PKCS#8), server.crt.der,
# server.key.der (PKCS#8 DER), server-key-encrypted.pem (PKCS#8, PBES2
# AES-256-CBC / PBKDF2-HMAC-SHA256, password "tlspair-test"), README, and the
# C embedding tlsp_test_pki.c / tlsp_test_pki.h.
#
# Certificates are issued with "openssl ca" (OpenSSL 3.0's "x509" has no way
# to set explicit notBefore/notAfter dates) using a throwaway config in a
# temporary directory that is deleted on exit.

set -euo pipefail

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_ROOT=$(cd "$SCRIPT_DIR/.." && pwd)
OUT_DIR=${1:-"$REPO_ROOT/tests/pki"}

# Maximum byte count (excluding the NUL) emitted as a C string literal; longer
# PEM files are emitted as brace-initialised byte arrays, because ISO C99
# only guarantees 4095-character string literals (-Woverlength-strings).
# Overridable for testing the fallback path.
C_STRING_MAX=${TLSP_PKI_C_STRING_MAX:-4000}

KEY_PASSWORD='tlspair-test'

# Validity windows (GeneralizedTime input; OpenSSL encodes years < 2050 as
# UTCTime in the certificate, as RFC 5280 requires).
VALID_FROM=20240101000000Z
VALID_TO=20491231235959Z
EXPIRED_FROM=20200101000000Z
EXPIRED_TO=20210101000000Z
FUTURE_FROM=20400101000000Z
FUTURE_TO=20450101000000Z

SERVER_SAN='DNS:tlspair-test-server, DNS:localhost, IP:127.0.0.1'

die() { echo "make-test-pki: error: $*" >&2; exit 1; }

command -v openssl >/dev/null 2>&1 || die "openssl not found"
command -v od >/dev/null 2>&1 || die "od not found"
command -v awk >/dev/null 2>&1 || die "awk not found"

WORK=$(mktemp -d "${TMPDIR:-/tmp}/tlsp-pki.XXXXXX")
cleanup() { rm -rf "$WORK"; }
trap cleanup EXIT

STAGE="$WORK/out"
mkdir -p "$STAGE"

# --------------------------------------------------------------------------
# Throwaway "openssl ca" configuration and extension sections.
# --------------------------------------------------------------------------
cat >"$WORK/ext.cnf" <<EOF
[ v3_ca ]
basicConstraints       = critical, CA:TRUE
keyUsage               = critical, keyCertSign, cRLSign
subjectKeyIdentifier   = hash

[ v3_server ]
basicConstraints       = critical, CA:FALSE
keyUsage               = critical, digitalSignature
extendedKeyUsage       = serverAuth
subjectAltName         = $SERVER_SAN
subjectKeyIdentifier   = hash
authorityKeyIdentifier = keyid

[ v3_server_wronghost ]
basicConstraints       = critical, CA:FALSE
keyUsage               = critical, digitalSignature
extendedKeyUsage       = serverAuth
subjectAltName         = DNS:wrong-host.example
subjectKeyIdentifier   = hash
authorityKeyIdentifier = keyid

[ v3_client ]
basicConstraints       = critical, CA:FALSE
keyUsage               = critical, digitalSignature
extendedKeyUsage       = clientAuth
subjectKeyIdentifier   = hash
authorityKeyIdentifier = keyid
EOF

# make_ca_db CA_NAME -> writes $WORK/ca-CA_NAME/ca.cnf
make_ca_db() {
    local d="$WORK/ca-$1"
    mkdir -p "$d/newcerts"
    : >"$d/index.txt"
    echo 01 >"$d/serial"   # required by the config; -rand_serial ignores it
    cat >"$d/ca.cnf" <<EOF
[ ca ]
default_ca = CA_default

[ CA_default ]
dir            = $d
database       = \$dir/index.txt
new_certs_dir  = \$dir/newcerts
serial         = \$dir/serial
default_md     = sha256
policy         = policy_cn
unique_subject = no
copy_extensions = none
email_in_dn    = no
preserve       = no

[ policy_cn ]
commonName     = supplied

[ req ]
distinguished_name = req_dn
prompt             = no

[ req_dn ]
CN = placeholder
EOF
}

# genkey NAME -> $STAGE/NAME.key.pem (unencrypted PKCS#8, P-256 named curve)
genkey() {
    openssl genpkey -algorithm EC \
        -pkeyopt ec_paramgen_curve:P-256 \
        -pkeyopt ec_param_enc:named_curve \
        -out "$STAGE/$1.key.pem" 2>/dev/null
}

# mkcsr NAME CN
mkcsr() {
    openssl req -new -sha256 -key "$STAGE/$1.key.pem" -subj "/CN=$2" \
        -config "$WORK/ca-test-ca/ca.cnf" -out "$WORK/$1.csr.pem"
}

# issue CA_NAME NAME EXT_SECTION START END [selfsign]
issue() {
    local ca=$1 name=$2 ext=$3 start=$4 end=$5 mode=${6:-}
    local cnf="$WORK/ca-$ca/ca.cnf"
    local args=(ca -batch -notext -rand_serial -config "$cnf" -md sha256
                -extfile "$WORK/ext.cnf" -extensions "$ext"
                -startdate "$start" -enddate "$end"
                -keyfile "$STAGE/$ca.key.pem"
                -in "$WORK/$name.csr.pem" -out "$WORK/$name.crt.tmp")
    if [ "$mode" = selfsign ]; then
        args+=(-selfsign)
    else
        args+=(-cert "$STAGE/$ca.crt.pem")
    fi
    openssl "${args[@]}" 2>"$WORK/$name.ca.log" \
        || { cat "$WORK/$name.ca.log" >&2; die "openssl ca failed for $name"; }
    # Normalise to a bare PEM certificate.
    openssl x509 -in "$WORK/$name.crt.tmp" -out "$STAGE/$name.crt.pem"
}

# new_root NAME CN
new_root() {
    make_ca_db "$1"
    genkey "$1"
    mkcsr "$1" "$2"
    issue "$1" "$1" v3_ca "$VALID_FROM" "$VALID_TO" selfsign
}

# new_leaf CA_NAME NAME CN EXT START END
new_leaf() {
    genkey "$2"
    mkcsr "$2" "$3"
    issue "$1" "$2" "$4" "$5" "$6"
}

echo "make-test-pki: generating into $OUT_DIR"

new_root test-ca      "tlspair Test CA"
new_root untrusted-ca "tlspair Untrusted CA"

new_leaf test-ca      server           tlspair-test-server v3_server           "$VALID_FROM"   "$VALID_TO"
new_leaf test-ca      client           tlspair-test-client v3_client           "$VALID_FROM"   "$VALID_TO"
new_leaf test-ca      server-expired   tlspair-test-server v3_server           "$EXPIRED_FROM" "$EXPIRED_TO"
new_leaf test-ca      server-future    tlspair-test-server v3_server           "$FUTURE_FROM"  "$FUTURE_TO"
new_leaf test-ca      server-wronghost wrong-host.example  v3_server_wronghost "$VALID_FROM"   "$VALID_TO"
new_leaf untrusted-ca server-untrusted tlspair-test-server v3_server           "$VALID_FROM"   "$VALID_TO"

# DER copies of the server certificate and key (key as PKCS#8 DER).
openssl x509 -in "$STAGE/server.crt.pem" -outform DER -out "$STAGE/server.crt.der"
openssl pkcs8 -topk8 -nocrypt -in "$STAGE/server.key.pem" -outform DER -out "$STAGE/server.key.der"

# Password-protected server key: PKCS#8 / PBES2, PBKDF2-HMAC-SHA256, AES-256-CBC.
openssl pkcs8 -topk8 -in "$STAGE/server.key.pem" \
    -v2 aes-256-cbc -v2prf hmacWithSHA256 \
    -passout "pass:$KEY_PASSWORD" -out "$STAGE/server-key-encrypted.pem"

# --------------------------------------------------------------------------
# Self-checks (time-independent: -attime pins the verification time).
# --------------------------------------------------------------------------
t_2030=$(date -u -d 2030-06-01 +%s)
t_2042=$(date -u -d 2042-06-01 +%s)

expect_ok() {   # expect_ok DESCRIPTION openssl-args...
    local what=$1; shift
    openssl "$@" >"$WORK/check.log" 2>&1 \
        || { cat "$WORK/check.log" >&2; die "self-check failed: $what"; }
}
expect_fail() { # expect_fail DESCRIPTION EXPECTED_TEXT openssl-args...
    local what=$1 pat=$2; shift 2
    if openssl "$@" >"$WORK/check.log" 2>&1; then
        die "self-check unexpectedly passed: $what"
    fi
    grep -q "$pat" "$WORK/check.log" \
        || { cat "$WORK/check.log" >&2; die "self-check: $what: expected '$pat'"; }
}

CA="$STAGE/test-ca.crt.pem"
for n in server client server-wronghost; do
    expect_ok "$n chains to test-ca" verify -attime "$t_2030" -CAfile "$CA" "$STAGE/$n.crt.pem"
done
expect_ok "server hostname" verify -attime "$t_2030" -CAfile "$CA" \
    -verify_hostname tlspair-test-server -purpose sslserver "$STAGE/server.crt.pem"
expect_ok "server localhost" verify -attime "$t_2030" -CAfile "$CA" \
    -verify_hostname localhost "$STAGE/server.crt.pem"
expect_ok "server 127.0.0.1" verify -attime "$t_2030" -CAfile "$CA" \
    -verify_ip 127.0.0.1 "$STAGE/server.crt.pem"
expect_ok "client purpose" verify -attime "$t_2030" -CAfile "$CA" \
    -purpose sslclient "$STAGE/client.crt.pem"
expect_fail "wronghost hostname" "hostname mismatch" verify -attime "$t_2030" \
    -CAfile "$CA" -verify_hostname tlspair-test-server "$STAGE/server-wronghost.crt.pem"
expect_fail "server-expired" "certificate has expired" verify -attime "$t_2030" \
    -CAfile "$CA" "$STAGE/server-expired.crt.pem"
# (The CA itself only starts in 2024, so just check the signature chain.)
expect_ok "server-expired chain ignoring time" verify -no_check_time \
    -CAfile "$CA" "$STAGE/server-expired.crt.pem"
expect_fail "server-future" "certificate is not yet valid" verify -attime "$t_2030" \
    -CAfile "$CA" "$STAGE/server-future.crt.pem"
expect_ok "server-future inside its window" verify -attime "$t_2042" \
    -CAfile "$CA" "$STAGE/server-future.crt.pem"
expect_fail "server-untrusted vs test-ca" "unable to get local issuer certificate" \
    verify -attime "$t_2030" -CAfile "$CA" "$STAGE/server-untrusted.crt.pem"
expect_ok "server-untrusted vs untrusted-ca" verify -attime "$t_2030" \
    -CAfile "$STAGE/untrusted-ca.crt.pem" "$STAGE/server-untrusted.crt.pem"
for n in test-ca untrusted-ca server client server-expired server-future \
         server-wronghost server-untrusted; do
    openssl x509 -in "$STAGE/$n.crt.pem" -noout -text >"$WORK/check.log"
    grep -q "Signature Algorithm: ecdsa-with-SHA256" "$WORK/check.log" \
        || die "self-check: $n not ecdsa-with-SHA256"
    grep -q "ASN1 OID: prime256v1" "$WORK/check.log" \
        || die "self-check: $n key not prime256v1"
    openssl pkey -in "$STAGE/$n.key.pem" -pubout -out "$WORK/k.pub"
    openssl x509 -in "$STAGE/$n.crt.pem" -noout -pubkey >"$WORK/c.pub"
    cmp -s "$WORK/k.pub" "$WORK/c.pub" || die "self-check: $n key/cert mismatch"
done
expect_ok "encrypted key password" pkey -in "$STAGE/server-key-encrypted.pem" \
    -passin "pass:$KEY_PASSWORD" -noout

# --------------------------------------------------------------------------
# README
# --------------------------------------------------------------------------
cat >"$STAGE/README" <<'EOF'
tlspair TEST PKI -- TEST-ONLY KEYS AND CERTIFICATES
===================================================

!!! Every private key in this directory is PUBLIC (committed to git). !!!
!!! These files are for the tlspair test suite only.                 !!!
!!! NEVER use any of them in production or on any real device.      !!!

Regenerate everything (new keys every run) with:

    scripts/make-test-pki.sh            # writes into tests/pki/
    scripts/make-test-pki.sh OUTDIR     # or into another directory

All keys are ECDSA P-256 (prime256v1); all signatures ecdsa-with-SHA256.
Keys (*.key.pem) are unencrypted PKCS#8 PEM.

  test-ca            self-signed root, CN "tlspair Test CA",
                     valid 2024-01-01 .. 2049-12-31
  server             CN tlspair-test-server, SAN DNS:tlspair-test-server,
                     DNS:localhost, IP:127.0.0.1, EKU serverAuth,
                     issued by test-ca, valid 2024-01-01 .. 2049-12-31
  client             CN tlspair-test-client, EKU clientAuth, issued by test-ca,
                     valid 2024-01-01 .. 2049-12-31
  server-expired     as server, valid 2020-01-01 .. 2021-01-01 (expired)
  server-future      as server, valid 2040-01-01 .. 2045-01-01 (not yet valid)
  server-wronghost   as server, but CN and only SAN DNS:wrong-host.example
  untrusted-ca       second self-signed root, CN "tlspair Untrusted CA"
  server-untrusted   as server, but issued by untrusted-ca

  server.crt.der / server.key.der   DER copies of the server cert / key (PKCS#8)
  server-key-encrypted.pem          server key as encrypted PKCS#8
                                    (PBES2, PBKDF2-HMAC-SHA256, AES-256-CBC),
                                    password: tlspair-test

  tlsp_test_pki.c / tlsp_test_pki.h the above embedded as C arrays
                                    (see the header for symbol names)

Do not edit these files by hand; they are generated by the script.
EOF

# --------------------------------------------------------------------------
# C embedding
# --------------------------------------------------------------------------
# cident FILE -> tlsp_test_<file with '-' and '.' turned into '_'>
cident() { local s=${1//-/_}; echo "tlsp_test_${s//./_}"; }

describe() {
    case $1 in
        test-ca.crt.pem)          echo "Test root CA certificate (CN \"tlspair Test CA\"), 2024-01-01..2049-12-31." ;;
        test-ca.key.pem)          echo "Test root CA private key (P-256, PKCS#8)." ;;
        server.crt.pem)           echo "Server cert, CN tlspair-test-server, SAN tlspair-test-server/localhost/127.0.0.1, serverAuth, by test-ca." ;;
        server.key.pem)           echo "Server private key (P-256, unencrypted PKCS#8)." ;;
        server-key-encrypted.pem) echo "Server private key, encrypted PKCS#8 (AES-256-CBC), password tlsp_test_key_password." ;;
        client.crt.pem)           echo "Client cert, CN tlspair-test-client, clientAuth, by test-ca." ;;
        client.key.pem)           echo "Client private key (P-256, PKCS#8)." ;;
        server-expired.crt.pem)   echo "Server cert (normal SANs), valid 2020-01-01..2021-01-01: expired." ;;
        server-expired.key.pem)   echo "Private key for server-expired." ;;
        server-future.crt.pem)    echo "Server cert (normal SANs), valid 2040-01-01..2045-01-01: not yet valid." ;;
        server-future.key.pem)    echo "Private key for server-future." ;;
        server-wronghost.crt.pem) echo "Server cert by test-ca, CN/only SAN DNS:wrong-host.example: hostname mismatch." ;;
        server-wronghost.key.pem) echo "Private key for server-wronghost." ;;
        untrusted-ca.crt.pem)     echo "Second self-signed root (CN \"tlspair Untrusted CA\"), not trusted by tests." ;;
        untrusted-ca.key.pem)     echo "Private key of untrusted-ca." ;;
        server-untrusted.crt.pem) echo "Server cert (normal SANs) issued by untrusted-ca: fails against test-ca." ;;
        server-untrusted.key.pem) echo "Private key for server-untrusted." ;;
        server.crt.der)           echo "Server certificate, DER (same as server.crt.pem)." ;;
        server.key.der)           echo "Server private key, PKCS#8 DER (same as server.key.pem)." ;;
        *)                        echo "$1" ;;
    esac
}

PEM_FILES=(
    test-ca.crt.pem test-ca.key.pem
    server.crt.pem server.key.pem server-key-encrypted.pem
    client.crt.pem client.key.pem
    server-expired.crt.pem server-expired.key.pem
    server-future.crt.pem server-future.key.pem
    server-wronghost.crt.pem server-wronghost.key.pem
    untrusted-ca.crt.pem untrusted-ca.key.pem
    server-untrusted.crt.pem server-untrusted.key.pem
)
DER_FILES=(server.crt.der server.key.der)

# emit_c_array MODE IDENT FILE
#   MODE=pem: const char IDENT[] holding the file plus a terminating NUL,
#             as concatenated string literals (or a byte list if too long).
#   MODE=der: const unsigned char IDENT[] holding the file bytes.
emit_c_array() {
    local mode=$1 ident=$2 file=$3 size
    size=$(wc -c <"$file")
    size=${size//[[:space:]]/}
    [ "$size" -gt 0 ] || die "empty file $file"
    od -An -v -tu1 "$file" | awk -v mode="$mode" -v ident="$ident" \
        -v size="$size" -v strmax="$C_STRING_MAX" '
    BEGIN {
        aslit = (mode == "pem" && size <= strmax)
        if (aslit)              printf "const char %s[] =", ident
        else if (mode == "pem") printf "const char %s[] = {", ident
        else                    printf "const unsigned char %s[] = {", ident
        if (aslit) printf "\n    \""
        n = 0; cur = ""
    }
    {
        for (i = 1; i <= NF; i++) {
            b = $i + 0
            if (aslit) {
                if (b == 10)                         { printf "\\n\""; n++; if (n < size) printf "\n    \""; continue }
                else if (b == 34)  s = "\\\""
                else if (b == 92)  s = "\\\\"
                else if (b == 63)  s = "\\?"
                else if (b >= 32 && b <= 126) s = sprintf("%c", b)
                else               s = sprintf("\\%03o", b)
                printf "%s", s
                n++
                if (n == size) printf "\""
            } else {
                if (n % 12 == 0) printf "\n    "
                else printf " "
                printf "0x%02x,", b
                n++
            }
        }
    }
    END {
        if (n != size) { print "size mismatch" > "/dev/stderr"; exit 1 }
        if (aslit) printf ";\n"
        else if (mode == "pem") printf "\n    0x00\n};\n"
        else printf "\n};\n"
    }'
}

C_OUT="$STAGE/tlsp_test_pki.c"
H_OUT="$STAGE/tlsp_test_pki.h"

{
    cat <<'EOF'
/*
 * tlsp_test_pki.h - TEST-ONLY certificates and keys for the tlspair tests.
 *
 * GENERATED by scripts/make-test-pki.sh -- DO NOT EDIT; re-run the script.
 *
 * !!! TEST ONLY. These private keys are public. Never use them, or anything
 * !!! derived from them, in production or on a real device.
 *
 * All keys are ECDSA P-256; all signatures ecdsa-with-SHA256. Keys are
 * PKCS#8. The same data lives as files in tests/pki/ (see README there).
 *
 * PEM objects: `const char tlsp_test_<file>_pem[]` is the PEM text as a
 * NUL-terminated string; `tlsp_test_<file>_pem_len` is sizeof the array,
 * i.e. strlen + 1 (the terminating NUL IS counted, as required by
 * mbedtls_x509_crt_parse() / mbedtls_pk_parse_key() for PEM input).
 *
 * DER objects: `const unsigned char tlsp_test_<file>_der[]` holds the raw
 * DER bytes (no terminator); `tlsp_test_<file>_der_len` is their length.
 *
 * <file> is the file name in tests/pki/ with '-' and '.' turned into '_'.
 *
EOF
    for f in "${PEM_FILES[@]}" "${DER_FILES[@]}"; do
        printf ' *   %-36s %s\n' "$(cident "$f")" "$(describe "$f")"
    done
    cat <<'EOF'
 *   tlsp_test_key_password               Password of
 *                                        tlsp_test_server_key_encrypted_pem
 *                                        ("tlspair-test", NUL-terminated).
 */
#ifndef TLSP_TEST_PKI_H
#define TLSP_TEST_PKI_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

EOF
    for f in "${PEM_FILES[@]}"; do
        id=$(cident "$f")
        printf '/* %s */\n' "$(describe "$f")"
        printf 'extern const char %s[];\n' "$id"
        printf 'extern const size_t %s_len;\n\n' "$id"
    done
    for f in "${DER_FILES[@]}"; do
        id=$(cident "$f")
        printf '/* %s */\n' "$(describe "$f")"
        printf 'extern const unsigned char %s[];\n' "$id"
        printf 'extern const size_t %s_len;\n\n' "$id"
    done
    cat <<'EOF'
/* Password for tlsp_test_server_key_encrypted_pem. */
extern const char tlsp_test_key_password[];

#ifdef __cplusplus
}
#endif

#endif /* TLSP_TEST_PKI_H */
EOF
} >"$H_OUT"

{
    cat <<'EOF'
/*
 * tlsp_test_pki.c - TEST-ONLY certificates and keys for the tlspair tests.
 *
 * GENERATED by scripts/make-test-pki.sh -- DO NOT EDIT; re-run the script.
 * TEST ONLY: these private keys are public; never use them in production.
 * See tlsp_test_pki.h for a description of every symbol.
 */
#include "tlsp_test_pki.h"

EOF
    for f in "${PEM_FILES[@]}"; do
        id=$(cident "$f")
        printf '/* %s */\n' "$f"
        emit_c_array pem "$id" "$STAGE/$f"
        printf 'const size_t %s_len = sizeof(%s);\n\n' "$id" "$id"
    done
    for f in "${DER_FILES[@]}"; do
        id=$(cident "$f")
        printf '/* %s */\n' "$f"
        emit_c_array der "$id" "$STAGE/$f"
        printf 'const size_t %s_len = sizeof(%s);\n\n' "$id" "$id"
    done
    printf 'const char tlsp_test_key_password[] = "%s";\n' "$KEY_PASSWORD"
} >"$C_OUT"

# --------------------------------------------------------------------------
# Install into OUT_DIR (only after everything above succeeded).
# --------------------------------------------------------------------------
mkdir -p "$OUT_DIR"
for f in "${PEM_FILES[@]}" "${DER_FILES[@]}" README tlsp_test_pki.c tlsp_test_pki.h; do
    install -m 0644 "$STAGE/$f" "$OUT_DIR/$f"
done

echo "make-test-pki: done (TEST-ONLY keys; never use in production)"
