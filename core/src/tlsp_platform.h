/*
 * Internal: the hooks mbedTLS calls into tlspair (tlsp_mbedtls_platform.c), and the few
 * mbedTLS internals the engine needs (tlsp_mbedtls_internal.c).
 */
#ifndef TLSP_PLATFORM_H
#define TLSP_PLATFORM_H

#include <stddef.h>

#include "mbedtls/ssl.h"

/* Install the time hook and initialise PSA crypto (which seeds its random generator from
 * the port's entropy). Idempotent. Returns 0, TLSP_ERR_ENTROPY or TLSP_ERR_NO_MEMORY. */
int tlsp_platform_init(void);

/* Bytes mbedTLS still has to hand to f_send (a record built but not fully written). */
size_t tlsp_mbedtls_output_pending(const mbedtls_ssl_context *ssl);

/* Push that pending output into f_send. 0 when all of it went, or an mbedTLS code
 * (MBEDTLS_ERR_SSL_WANT_WRITE when net_out filled up). */
int tlsp_mbedtls_flush(mbedtls_ssl_context *ssl);

/* The description byte of the alert record mbedTLS just reported as
 * MBEDTLS_ERR_SSL_FATAL_ALERT_MESSAGE. */
int tlsp_mbedtls_last_alert(const mbedtls_ssl_context *ssl);

#endif /* TLSP_PLATFORM_H */
