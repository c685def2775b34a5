/**
 * \file tlsp_mbedtls_config_cm_psk.h
 * \brief mbedTLS 3.6 configuration for tlspair on Cortex-M: pre-shared keys only.
 *
 * The smallest profile: no public-key crypto, no certificates.
 *   - TLS 1.2 (TLS_PSK_WITH_AES_128_CCM_8, or _CCM) and TLS 1.3 (psk_ke mode,
 *     TLS_AES_128_CCM_SHA256),
 *     client and server. Without (EC)DHE there is no forward secrecy: whoever later learns
 *     the PSK can decrypt recorded sessions. Use the ECDHE-ECDSA profile when that matters.
 *   - AES-128-CCM, the smallest AEAD here: it runs on the AES block function alone, where
 *     GCM adds its GHASH code and tables (see docs/cortex-m.md for the measured sizes).
 *     Both ends must allow CCM; OpenSSL, for one, enables no CCM suite for TLS 1.3 by
 *     default.
 *   - tlspair's config functions for certificates (tlsp_config_set_own_cert,
 *     tlsp_config_add_ca, tlsp_config_require_client_cert) return TLSP_ERR_CONFIG.
 *
 * Platform hooks, the arena, entropy and record sizes: tlsp_mbedtls_config_cm_common.h.
 */
#ifndef TLSP_MBEDTLS_CONFIG_CM_PSK_H
#define TLSP_MBEDTLS_CONFIG_CM_PSK_H

/* Small record buffers of 1 KiB each way, not the 2 KiB of the ECDHE-ECDSA profile: the
 * buffers are most of a PSK connection's RAM (6.1-6.5 KB per connection instead of
 * 9.2-9.6 KB), and the 21 to 29 bytes each record adds are 2-3 % of a full one. */
#define TLSP_MBEDTLS_PROFILE_SMALL_LEN 1024

#include "tlsp_mbedtls_config_cm_common.h"

#define MBEDTLS_CCM_C

#define MBEDTLS_SSL_TLS1_3_KEY_EXCHANGE_MODE_PSK_ENABLED
#define MBEDTLS_KEY_EXCHANGE_PSK_ENABLED
#define MBEDTLS_PSK_MAX_LEN 64                  /* tlsp_config_set_psk() accepts up to 64 bytes */

/* Preference order. TLS 1.2: CCM_8 first, the suite the IoT profile of TLS (RFC 7925)
 * makes mandatory: its 8-byte tag saves 8 bytes per record (16 in a handshake) on a slow
 * line. A forgery has a 2^-64 chance per attempt, and tlspair fails the connection on
 * the first bad record, so an attacker gets one attempt per connection. AES-128-CCM
 * (16-byte tag) stays for peers without CCM_8. TLS 1.3 keeps the full tag: IANA marks
 * TLS_AES_128_CCM_8_SHA256 as not recommended. */
#define MBEDTLS_SSL_CIPHERSUITES                \
    MBEDTLS_TLS1_3_AES_128_CCM_SHA256,          \
    MBEDTLS_TLS_PSK_WITH_AES_128_CCM_8,         \
    MBEDTLS_TLS_PSK_WITH_AES_128_CCM

#endif /* TLSP_MBEDTLS_CONFIG_CM_PSK_H */
