/*
 * The only place tlspair reaches into mbedTLS internals. mbedTLS 3.6 has no public way to
 * (a) flush output it has already built, (b) ask whether such output exists, or (c) read
 * the description of a received fatal alert. tlspair needs (a) and (b) to hide the
 * "call mbedtls_ssl_write() again with the same arguments" rule and to make sure an alert
 * is never silently skipped (mbedtls_ssl_send_alert_message() only flushes when older
 * output is pending), and (c) to tell the user which alert the peer sent. It also needs
 * (d) to know whether mbedTLS alerted the peer itself when a handshake step failed: some
 * failures (a TLS 1.2 client that sends no certificate when one is required) leave the
 * peer waiting in silence, and the engine then sends the alert.
 * Session resumption adds (e) whether the handshake in progress is a resumption (mbedTLS
 * 3.6 keeps that only in its handshake parameters, library/ssl_misc.h, freed when the
 * handshake ends), and (f) the current session and its ticket fields, so that a session
 * can be saved more than once (mbedtls_ssl_get_session() exports each session once only)
 * and a TLS 1.3 ticket's age survives a reboot.
 * mbedtls_ssl_flush_output() is an exported, non-static library function; the fields are
 * stable across the 3.6 LTS branch.
 */
/* mbedTLS's private headers are written for library code, which sees the struct fields
 * under their plain names: so must this file, before anything includes mbedtls/ssl.h. */
#define MBEDTLS_ALLOW_PRIVATE_ACCESS

#include <string.h>

#include "tlsp_platform.h"

#include "ssl_misc.h"   /* mbedTLS's own internal header: struct mbedtls_ssl_handshake_params */

size_t tlsp_mbedtls_output_pending(const mbedtls_ssl_context *ssl)
{
    return ssl->MBEDTLS_PRIVATE(out_left);
}

int tlsp_mbedtls_flush(mbedtls_ssl_context *ssl)
{
    return mbedtls_ssl_flush_output(ssl);
}

int tlsp_mbedtls_last_alert(const mbedtls_ssl_context *ssl)
{
    const unsigned char *msg = ssl->MBEDTLS_PRIVATE(in_msg);

    if (msg == NULL || ssl->MBEDTLS_PRIVATE(in_msgtype) != MBEDTLS_SSL_MSG_ALERT) {
        return -1;
    }
    return msg[1];
}

int tlsp_mbedtls_cleartext_alert(const mbedtls_ssl_context *ssl)
{
    /* mbedTLS leaves a record that failed to decrypt in place, header included. An alert
     * record of exactly two bytes cannot be AEAD-protected (the tag alone is longer), so
     * it was sent in cleartext. */
    const unsigned char *hdr = ssl->MBEDTLS_PRIVATE(in_hdr);

    if (hdr == NULL || hdr[0] != MBEDTLS_SSL_MSG_ALERT || hdr[3] != 0 || hdr[4] != 2 ||
        hdr[5] != MBEDTLS_SSL_ALERT_LEVEL_FATAL) {
        return -1;
    }
    return hdr[6];
}

int tlsp_mbedtls_suite_chosen(const mbedtls_ssl_context *ssl)
{
    const mbedtls_ssl_session *s = ssl->MBEDTLS_PRIVATE(session_negotiate);

    return s != NULL && s->MBEDTLS_PRIVATE(ciphersuite) != 0;
}

int tlsp_mbedtls_alert_pended(const mbedtls_ssl_context *ssl, int reason)
{
    return ssl->MBEDTLS_PRIVATE(alert_reason) == reason ? ssl->MBEDTLS_PRIVATE(alert_type) : -1;
}

int tlsp_mbedtls_handshake_resumed(const mbedtls_ssl_context *ssl)
{
    const mbedtls_ssl_handshake_params *hs = ssl->MBEDTLS_PRIVATE(handshake);

    if (hs == NULL || !hs->resume) {
        return 0;
    }
#if defined(MBEDTLS_SSL_PROTO_TLS1_3) && defined(MBEDTLS_SSL_CLI_C) && \
    defined(MBEDTLS_SSL_TLS1_3_KEY_EXCHANGE_MODE_SOME_PSK_ENABLED)
    /* A TLS 1.3 client sets resume when a ticket is loaded, before the server answered:
     * the ticket was accepted only if the server chose a PSK mode with the ticket, which
     * the client always offers first (identity 0; an external PSK comes after it). */
    if (ssl->MBEDTLS_PRIVATE(conf)->MBEDTLS_PRIVATE(endpoint) == MBEDTLS_SSL_IS_CLIENT &&
        ssl->MBEDTLS_PRIVATE(tls_version) == MBEDTLS_SSL_VERSION_TLS1_3) {
        return (hs->key_exchange_mode & MBEDTLS_SSL_TLS1_3_KEY_EXCHANGE_MODE_PSK_ALL) != 0 &&
               hs->selected_identity == 0;
    }
#endif
    /* TLS 1.2 client: cleared on a ServerHello that did not resume. Servers: set only
     * when a ticket or a cached session was accepted. */
    return 1;
}

int tlsp_mbedtls_handshake_finished(const mbedtls_ssl_context *ssl)
{
    return ssl->MBEDTLS_PRIVATE(state) == MBEDTLS_SSL_HANDSHAKE_OVER;
}

const mbedtls_ssl_session *tlsp_mbedtls_current_session(const mbedtls_ssl_context *ssl)
{
    return ssl->MBEDTLS_PRIVATE(session);
}

int tlsp_mbedtls_session_is_tls13(const mbedtls_ssl_session *s)
{
    return s->MBEDTLS_PRIVATE(tls_version) == MBEDTLS_SSL_VERSION_TLS1_3;
}

int tlsp_mbedtls_session_fits_config(const mbedtls_ssl_session *s, const mbedtls_ssl_config *conf)
{
    mbedtls_ssl_protocol_version v = s->MBEDTLS_PRIVATE(tls_version);

    return v >= conf->MBEDTLS_PRIVATE(min_tls_version) && v <= conf->MBEDTLS_PRIVATE(max_tls_version);
}

int tlsp_mbedtls_session_hostname_ok(const mbedtls_ssl_session *s)
{
#if defined(MBEDTLS_SSL_PROTO_TLS1_3) && defined(MBEDTLS_SSL_SESSION_TICKETS) && \
    defined(MBEDTLS_SSL_SERVER_NAME_INDICATION) && defined(MBEDTLS_SSL_CLI_C)
    const char *name = s->MBEDTLS_PRIVATE(hostname);

    if (name != NULL) {
        return memchr(name, '\0', tlsp_mbedtls_block_size(name)) != NULL;
    }
#else
    (void) s;
#endif
    return 1;
}

int tlsp_mbedtls_session_has_ticket(const mbedtls_ssl_session *s)
{
#if defined(MBEDTLS_SSL_SESSION_TICKETS) && defined(MBEDTLS_SSL_CLI_C)
    return s->MBEDTLS_PRIVATE(ticket) != NULL && s->MBEDTLS_PRIVATE(ticket_len) != 0;
#else
    (void) s;
    return 0;
#endif
}

#if defined(MBEDTLS_SSL_PROTO_TLS1_3) && defined(MBEDTLS_SSL_SESSION_TICKETS) && \
    defined(MBEDTLS_HAVE_TIME) && defined(MBEDTLS_SSL_CLI_C)
#define HAVE_TICKET_AGE 1
#endif

int64_t tlsp_mbedtls_ticket_age_ms(const mbedtls_ssl_session *s)
{
#if defined(HAVE_TICKET_AGE)
    if (tlsp_mbedtls_session_is_tls13(s) && tlsp_mbedtls_session_has_ticket(s)) {
        return (int64_t) (mbedtls_ms_time() - s->MBEDTLS_PRIVATE(ticket_reception_time));
    }
#else
    (void) s;
#endif
    return 0;
}

void tlsp_mbedtls_set_ticket_age_ms(mbedtls_ssl_session *s, int64_t age_ms)
{
#if defined(HAVE_TICKET_AGE)
    if (tlsp_mbedtls_session_is_tls13(s) && tlsp_mbedtls_session_has_ticket(s)) {
        s->MBEDTLS_PRIVATE(ticket_reception_time) = mbedtls_ms_time() - (mbedtls_ms_time_t) age_ms;
    }
#else
    (void) s;
    (void) age_ms;
#endif
}
