/**
 * \file tlsp_mbedtls_config_cm_ecdsa.h
 * \brief mbedTLS 3.6 configuration for tlspair on Cortex-M: ECDHE-ECDSA on P-256 with
 *        X.509 certificates.
 *
 *   - TLS 1.2 (TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256) and TLS 1.3 (ephemeral mode,
 *     TLS_AES_128_GCM_SHA256 with secp256r1 and ecdsa_secp256r1_sha256), client and
 *     server, server and client certificates.
 *   - AES-128-GCM: the one suite every TLS 1.3 peer must implement (RFC 8446 9.1), so the
 *     board can talk to any server, not only to tlspair.
 *   - Certificates: X.509 v3, PEM or DER, ECDSA P-256 keys signed with SHA-256, chains up
 *     to MBEDTLS_X509_MAX_INTERMEDIATE_CA deep. Not supported: RSA, other curves,
 *     encrypted private keys (no CBC), compressed points.
 *   - No PSK: tlsp_config_set_psk() returns TLSP_ERR_CONFIG.
 *
 * Platform hooks, the arena, entropy and record sizes: tlsp_mbedtls_config_cm_common.h.
 */
#ifndef TLSP_MBEDTLS_CONFIG_CM_ECDSA_H
#define TLSP_MBEDTLS_CONFIG_CM_ECDSA_H

#include "tlsp_mbedtls_config_cm_common.h"

/* ---- AEAD ---------------------------------------------------------------------------- */
#define MBEDTLS_GCM_C

/* ---- Elliptic curves ------------------------------------------------------------------ */
#define MBEDTLS_BIGNUM_C
#define MBEDTLS_ECP_C
#define MBEDTLS_ECP_DP_SECP256R1_ENABLED
#define MBEDTLS_ECP_NIST_OPTIM            /* fast P-256 reduction: see docs/cortex-m.md */
#define MBEDTLS_ECDH_C
#define MBEDTLS_ECDSA_C
#define MBEDTLS_ECDSA_DETERMINISTIC       /* signatures never depend on the RNG (RFC 6979) */
#define MBEDTLS_ECP_WINDOW_SIZE 2         /* smaller point tables than the default 4: the
                                             arena needs 3 KB less, for 10 % more compute */

/* ---- Keys and certificates ------------------------------------------------------------ */
#define MBEDTLS_HAVE_TIME_DATE            /* validity dates, from tlsp_port_wall_time() */
#define MBEDTLS_PLATFORM_GMTIME_R_ALT     /* tlspair's date conversion: mbedTLS would fall
                                             back to gmtime(), which on newlib drags in
                                             malloc and stdio */
#define MBEDTLS_ASN1_PARSE_C
#define MBEDTLS_ASN1_WRITE_C              /* ECDSA signatures are DER-encoded */
#define MBEDTLS_OID_C
#define MBEDTLS_BASE64_C
#define MBEDTLS_PEM_PARSE_C
#define MBEDTLS_PK_C
#define MBEDTLS_PK_PARSE_C
#define MBEDTLS_X509_USE_C
#define MBEDTLS_X509_CRT_PARSE_C
#define MBEDTLS_X509_REMOVE_INFO          /* no printable descriptions: OID names stay out */
/* mbedTLS formats certificate names (tlsp_engine_info()'s peer_subject) and OIDs with
 * snprintf; tlspair's small one covers those formats and keeps the C library's printf
 * family, and the malloc newlib puts behind it, out of the firmware (about 3 KB). */
#define MBEDTLS_PLATFORM_SNPRINTF_MACRO tlsp_mbedtls_snprintf
int tlsp_mbedtls_snprintf(char *s, size_t n, const char *format, ...);

/* ---- TLS ------------------------------------------------------------------------------ */
#define MBEDTLS_SSL_TLS1_3_KEY_EXCHANGE_MODE_EPHEMERAL_ENABLED
#define MBEDTLS_KEY_EXCHANGE_ECDHE_ECDSA_ENABLED
#if defined(TLSP_RECORD_PROFILE_INTEROP)
/* Virtual-hosted servers need the name in the ClientHello; between two tlspair ends it
 * would only cost bytes (the certificate's name is checked either way). */
#define MBEDTLS_SSL_SERVER_NAME_INDICATION
#endif

#define MBEDTLS_SSL_CIPHERSUITES                                  \
    MBEDTLS_TLS1_3_AES_128_GCM_SHA256,                            \
    MBEDTLS_TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256

#endif /* TLSP_MBEDTLS_CONFIG_CM_ECDSA_H */
