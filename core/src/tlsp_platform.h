/*
 * Internal: the hooks mbedTLS calls into tlspair (tlsp_mbedtls_platform.c), and the few
 * mbedTLS internals the engine needs (tlsp_mbedtls_internal.c).
 */
#ifndef TLSP_PLATFORM_H
#define TLSP_PLATFORM_H

#include <stddef.h>

#include "mbedtls/ssl.h"

/* Install the time hook and start the random generator (tlsp_rng_init()). Idempotent.
 * Returns 0, TLSP_ERR_STATE (an arena build without its arena), TLSP_ERR_ENTROPY or
 * TLSP_ERR_NO_MEMORY. */
int tlsp_platform_init(void);

/* Seed the random generator (tlsp_rng.c) from the port's entropy: PSA's where the build
 * has PSA, else tlspair's own HMAC_DRBG. Idempotent once it has succeeded; a failure
 * leaves nothing seeded and the next call tries again. Returns 0, TLSP_ERR_ENTROPY or
 * TLSP_ERR_NO_MEMORY. */
int tlsp_rng_init(void);

/* Bytes mbedTLS still has to hand to f_send (a record built but not fully written). */
size_t tlsp_mbedtls_output_pending(const mbedtls_ssl_context *ssl);

/* Push that pending output into f_send. 0 when all of it went, or an mbedTLS code
 * (MBEDTLS_ERR_SSL_WANT_WRITE when net_out filled up). */
int tlsp_mbedtls_flush(mbedtls_ssl_context *ssl);

/* 1 if the last record mbedTLS built for sending was an alert (it already told the peer
 * why it failed). */
int tlsp_mbedtls_last_sent_was_alert(const mbedtls_ssl_context *ssl);

/* The description byte of the alert record mbedTLS just reported as
 * MBEDTLS_ERR_SSL_FATAL_ALERT_MESSAGE. */
int tlsp_mbedtls_last_alert(const mbedtls_ssl_context *ssl);

/* The description byte of a fatal alert the peer sent in cleartext where mbedTLS expected
 * a protected record (it then reports MBEDTLS_ERR_SSL_INVALID_MAC), or -1. */
int tlsp_mbedtls_cleartext_alert(const mbedtls_ssl_context *ssl);

/* 1 once this handshake has chosen a cipher suite (a server: the ClientHello was
 * acceptable; a client: the ServerHello arrived). */
int tlsp_mbedtls_suite_chosen(const mbedtls_ssl_context *ssl);

/* The alert mbedTLS queued (MBEDTLS_SSL_PEND_FATAL_ALERT) along with the failure code
 * `reason`, or -1 if the last queued alert went with another code. */
int tlsp_mbedtls_alert_pended(const mbedtls_ssl_context *ssl, int reason);

/* mbedTLS's wall clock (mbedtls_time()): tlsp_port_wall_time(), or 0 (the epoch, so that
 * every certificate is "not yet valid") while the date is unknown. Installed by
 * tlsp_platform_init(); the Cortex-M configs also name it as the initial value
 * (MBEDTLS_PLATFORM_STD_TIME). */
mbedtls_time_t tlsp_mbedtls_time(mbedtls_time_t *out);

/* mbedTLS RNG callback on that generator (p_rng unused). A failure to allocate is reported
 * as MBEDTLS_ERR_SSL_ALLOC_FAILED, not as an entropy failure. */
int tlsp_mbedtls_random(void *p_rng, unsigned char *output, size_t len);

#endif /* TLSP_PLATFORM_H */
