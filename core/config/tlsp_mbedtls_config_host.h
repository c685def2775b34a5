/**
 * \file tlsp_mbedtls_config_host.h
 * \brief mbedTLS 3.6 configuration for tlspair on a host (Linux) build.
 *
 * Used as MBEDTLS_CONFIG_FILE: it replaces mbedTLS's default configuration entirely, so
 * everything tlspair does not use is left out. What is in:
 *   - TLS 1.2 and TLS 1.3, client and server, stream transport only (no DTLS).
 *   - Key exchange: ECDHE-ECDSA (P-256, X25519), PSK and ECDHE-PSK on 1.2; the ephemeral,
 *     PSK and PSK-ephemeral modes on 1.3.
 *   - AEAD ciphers only: AES-128/256-GCM, AES-CCM, ChaCha20-Poly1305. CBC mode is compiled
 *     in only because encrypted PEM/PKCS#8 private keys need it; no CBC suite is ever
 *     offered (MBEDTLS_SSL_CIPHERSUITES below, and tlsp_config's own suite filter).
 *   - X.509 certificate parsing and verification, PEM and DER, password-protected keys.
 *   - Session resumption, used only when tlsp_config_enable_resumption() asks for it:
 *     session tickets (1.2 and 1.3) and a TLS 1.2 session-ID cache. No 0-RTT early data.
 *   - Extended master secret, max_fragment_length.
 *   - Platform hooks into tlspair: mbedTLS allocates through tlsp_mbedtls_calloc/free
 *     (so heap use is measured), gets entropy from the port (MBEDTLS_ENTROPY_HARDWARE_ALT),
 *     and reads time from the port clock (MBEDTLS_PLATFORM_MS_TIME_ALT, _TIME_ALT).
 */
#ifndef TLSP_MBEDTLS_CONFIG_HOST_H
#define TLSP_MBEDTLS_CONFIG_HOST_H

#include <stddef.h>

/* ---- Platform: memory, time and entropy come from tlspair ---------------------------- */
#define MBEDTLS_HAVE_ASM
#define MBEDTLS_HAVE_TIME
#define MBEDTLS_HAVE_TIME_DATE
#define MBEDTLS_PLATFORM_C
#define MBEDTLS_PLATFORM_MEMORY
#define MBEDTLS_PLATFORM_CALLOC_MACRO tlsp_mbedtls_calloc
#define MBEDTLS_PLATFORM_FREE_MACRO   tlsp_mbedtls_free
void *tlsp_mbedtls_calloc(size_t count, size_t size);
void tlsp_mbedtls_free(void *ptr);
#define MBEDTLS_PLATFORM_TIME_ALT      /* wall clock: tlsp_port_wall_time() */
#define MBEDTLS_PLATFORM_MS_TIME_ALT   /* monotonic: tlsp_port_millis() */
#define MBEDTLS_ENTROPY_HARDWARE_ALT   /* entropy: tlsp_port_entropy() */
#define MBEDTLS_NO_PLATFORM_ENTROPY    /* never read /dev/urandom behind the port's back */
#define MBEDTLS_ENTROPY_C
#define MBEDTLS_CTR_DRBG_C

/* ---- Crypto primitives ------------------------------------------------------------- */
#define MBEDTLS_AES_C
#define MBEDTLS_AESNI_C
#define MBEDTLS_GCM_C
#define MBEDTLS_CCM_C
#define MBEDTLS_CHACHA20_C
#define MBEDTLS_POLY1305_C
#define MBEDTLS_CHACHAPOLY_C
#define MBEDTLS_CIPHER_C
#define MBEDTLS_CIPHER_MODE_CBC        /* encrypted private keys only; see file comment */
#define MBEDTLS_MD_C
#define MBEDTLS_SHA224_C
#define MBEDTLS_SHA256_C
#define MBEDTLS_SHA384_C
#define MBEDTLS_SHA512_C
#define MBEDTLS_HKDF_C
#define MBEDTLS_BIGNUM_C
#define MBEDTLS_ECP_C
#define MBEDTLS_ECP_NIST_OPTIM
#define MBEDTLS_ECP_DP_SECP256R1_ENABLED
#define MBEDTLS_ECP_DP_SECP384R1_ENABLED  /* common in third-party CA chains */
#define MBEDTLS_ECP_DP_CURVE25519_ENABLED
#define MBEDTLS_ECDH_C
#define MBEDTLS_ECDSA_C
#define MBEDTLS_ECDSA_DETERMINISTIC
#define MBEDTLS_HMAC_DRBG_C               /* deterministic ECDSA */
#define MBEDTLS_PSA_CRYPTO_C              /* TLS 1.3 runs on PSA */
#define MBEDTLS_USE_PSA_CRYPTO
/* Every TLS 1.3 connection holds a few PSA keys (ECDHE, traffic keys) at once; the static
 * key store (32 slots) ran out at about eight concurrent handshakes in a host server
 * (tests/test_socket.c, poll server). Hosts can grow it on the heap. */
#define MBEDTLS_PSA_KEY_STORE_DYNAMIC

/* ---- Keys and certificates --------------------------------------------------------- */
#define MBEDTLS_ASN1_PARSE_C
#define MBEDTLS_ASN1_WRITE_C
#define MBEDTLS_OID_C
#define MBEDTLS_BASE64_C
#define MBEDTLS_PEM_PARSE_C
#define MBEDTLS_PK_C
#define MBEDTLS_PK_PARSE_C
#define MBEDTLS_PKCS5_C                   /* PBES2-encrypted PKCS#8 keys */
#define MBEDTLS_X509_USE_C
#define MBEDTLS_X509_CRT_PARSE_C
#define MBEDTLS_ERROR_C                   /* mbedtls_strerror() for diagnostics on hosts */

/* ---- TLS --------------------------------------------------------------------------- */
#define MBEDTLS_SSL_TLS_C
#define MBEDTLS_SSL_CLI_C
#define MBEDTLS_SSL_SRV_C
#define MBEDTLS_SSL_PROTO_TLS1_2
#define MBEDTLS_SSL_PROTO_TLS1_3
#define MBEDTLS_SSL_TLS1_3_COMPATIBILITY_MODE   /* middlebox-safe on real networks */
#define MBEDTLS_SSL_TLS1_3_KEY_EXCHANGE_MODE_EPHEMERAL_ENABLED
#define MBEDTLS_SSL_TLS1_3_KEY_EXCHANGE_MODE_PSK_ENABLED
#define MBEDTLS_SSL_TLS1_3_KEY_EXCHANGE_MODE_PSK_EPHEMERAL_ENABLED
#define MBEDTLS_KEY_EXCHANGE_ECDHE_ECDSA_ENABLED
#define MBEDTLS_KEY_EXCHANGE_PSK_ENABLED
#define MBEDTLS_KEY_EXCHANGE_ECDHE_PSK_ENABLED
#define MBEDTLS_SSL_EXTENDED_MASTER_SECRET
#define MBEDTLS_SSL_SERVER_NAME_INDICATION
#define MBEDTLS_SSL_MAX_FRAGMENT_LENGTH
#define MBEDTLS_SSL_SESSION_TICKETS
#define MBEDTLS_SSL_TICKET_C
#define MBEDTLS_SSL_CACHE_C                     /* TLS 1.2 session-ID resumption (servers) */
#define MBEDTLS_SSL_KEEP_PEER_CERTIFICATE
#define MBEDTLS_SSL_ALL_ALERT_MESSAGES          /* the peer learns why we failed */
#define MBEDTLS_SSL_KEYING_MATERIAL_EXPORT

#define MBEDTLS_SSL_IN_CONTENT_LEN  16384
#define MBEDTLS_SSL_OUT_CONTENT_LEN 16384
#define MBEDTLS_PSK_MAX_LEN 64                  /* tlsp_config_set_psk() accepts up to 64 bytes */

/* AEAD only, strongest first. The runtime list in tlsp_config is the one that counts;
 * this is the compiled-in default so that nothing else can ever be offered. */
#define MBEDTLS_SSL_CIPHERSUITES                                      \
    MBEDTLS_TLS1_3_AES_128_GCM_SHA256,                                \
    MBEDTLS_TLS1_3_AES_256_GCM_SHA384,                                \
    MBEDTLS_TLS1_3_CHACHA20_POLY1305_SHA256,                          \
    MBEDTLS_TLS1_3_AES_128_CCM_SHA256,                                \
    MBEDTLS_TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,                  \
    MBEDTLS_TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,                  \
    MBEDTLS_TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,            \
    MBEDTLS_TLS_ECDHE_ECDSA_WITH_AES_128_CCM,                         \
    MBEDTLS_TLS_ECDHE_PSK_WITH_CHACHA20_POLY1305_SHA256,              \
    MBEDTLS_TLS_PSK_WITH_AES_128_GCM_SHA256,                          \
    MBEDTLS_TLS_PSK_WITH_AES_256_GCM_SHA384,                          \
    MBEDTLS_TLS_PSK_WITH_CHACHA20_POLY1305_SHA256,                    \
    MBEDTLS_TLS_PSK_WITH_AES_128_CCM

#endif /* TLSP_MBEDTLS_CONFIG_HOST_H */
