/*
 * Internal: the hooks mbedTLS calls into tlspair (tlsp_mbedtls_platform.c), and the few
 * mbedTLS internals the engine needs (tlsp_mbedtls_internal.c).
 */
#ifndef TLSP_PLATFORM_H
#define TLSP_PLATFORM_H

#include <stddef.h>
#include <stdint.h>

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

/* 1 while a handshake is under way that resumes a session (a server accepted a ticket or a
 * cached session ID; a client's offered session was accepted). Only meaningful before the
 * handshake's last step: mbedTLS frees the state it reads when the handshake ends. */
int tlsp_mbedtls_handshake_resumed(const mbedtls_ssl_context *ssl);

/* 1 when mbedTLS's handshake state is exactly HANDSHAKE_OVER (the condition that ends
 * mbedtls_ssl_handshake()'s loop). */
int tlsp_mbedtls_handshake_finished(const mbedtls_ssl_context *ssl);

/* The connection's current (established) session, or NULL before the first handshake. */
const mbedtls_ssl_session *tlsp_mbedtls_current_session(const mbedtls_ssl_context *ssl);

/* 1 for a TLS 1.3 session. */
int tlsp_mbedtls_session_is_tls13(const mbedtls_ssl_session *s);

/* 1 if the session's protocol version lies within the config's min..max: mbedTLS would
 * otherwise offer it anyway and steer the handshake to a version the caller excluded. */
int tlsp_mbedtls_session_fits_config(const mbedtls_ssl_session *s, const mbedtls_ssl_config *conf);

/* 1 if a loaded session's hostname (TLS 1.3 client sessions) is absent or a string that
 * ends inside its heap block. mbedTLS 3.6's session loader copies the saved name without
 * checking for the NUL the saver wrote (Mbed-TLS/mbedtls#10682), and
 * mbedtls_ssl_set_session() then runs strlen() on it: a corrupt plain blob would read past
 * the block. */
int tlsp_mbedtls_session_hostname_ok(const mbedtls_ssl_session *s);

/* Usable bytes of a block from tlsp_mbedtls_calloc() (mbedTLS allocates through it). */
size_t tlsp_mbedtls_block_size(const void *ptr);

/* 1 if the session holds a ticket from the server (a client's session). */
int tlsp_mbedtls_session_has_ticket(const mbedtls_ssl_session *s);

/* A TLS 1.3 client ticket's age now (ms, on the port's monotonic clock), 0 for other
 * sessions; and setting it, by moving the ticket's reception time (after a reboot the
 * stored monotonic stamp means nothing). */
int64_t tlsp_mbedtls_ticket_age_ms(const mbedtls_ssl_session *s);
void tlsp_mbedtls_set_ticket_age_ms(mbedtls_ssl_session *s, int64_t age_ms);

/* mbedTLS's wall clock (mbedtls_time()): tlsp_port_wall_time(), or 0 (the epoch, so that
 * every certificate is "not yet valid") while the date is unknown. Installed by
 * tlsp_platform_init(); the Cortex-M configs also name it as the initial value
 * (MBEDTLS_PLATFORM_STD_TIME), and so declare it too: this declaration is for the others. */
mbedtls_time_t tlsp_mbedtls_time(mbedtls_time_t *out);  /* NOLINT(readability-redundant-declaration) */

/* mbedTLS RNG callback on that generator (p_rng unused). A failure to allocate is reported
 * as MBEDTLS_ERR_SSL_ALLOC_FAILED, not as an entropy failure. */
int tlsp_mbedtls_random(void *p_rng, unsigned char *output, size_t len);

#endif /* TLSP_PLATFORM_H */
