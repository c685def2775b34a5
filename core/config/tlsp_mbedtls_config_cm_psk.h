/**
 * \file tlsp_mbedtls_config_cm_psk.h
 * \brief mbedTLS 3.6 configuration for tlspair on Cortex-M: pre-shared keys only.
 *
 * The smallest profile: no public-key crypto, no certificates.
 *   - TLS 1.2 (TLS_PSK_WITH_AES_128_CCM) and TLS 1.3 (psk_ke mode, TLS_AES_128_CCM_SHA256),
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

#include "tlsp_mbedtls_config_cm_common.h"

#define MBEDTLS_CCM_C

#define MBEDTLS_SSL_TLS1_3_KEY_EXCHANGE_MODE_PSK_ENABLED
#define MBEDTLS_KEY_EXCHANGE_PSK_ENABLED
#define MBEDTLS_PSK_MAX_LEN 64                  /* tlsp_config_set_psk() accepts up to 64 bytes */

#define MBEDTLS_SSL_CIPHERSUITES                \
    MBEDTLS_TLS1_3_AES_128_CCM_SHA256,          \
    MBEDTLS_TLS_PSK_WITH_AES_128_CCM

#endif /* TLSP_MBEDTLS_CONFIG_CM_PSK_H */
