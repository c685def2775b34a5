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
 * mbedtls_ssl_flush_output() is an exported, non-static library function; the fields are
 * stable across the 3.6 LTS branch.
 */
#include "tlsp_platform.h"

int mbedtls_ssl_flush_output(mbedtls_ssl_context *ssl);

size_t tlsp_mbedtls_output_pending(const mbedtls_ssl_context *ssl)
{
    return ssl->MBEDTLS_PRIVATE(out_left);
}

int tlsp_mbedtls_flush(mbedtls_ssl_context *ssl)
{
    return mbedtls_ssl_flush_output(ssl);
}

int tlsp_mbedtls_last_sent_was_alert(const mbedtls_ssl_context *ssl)
{
    return ssl->MBEDTLS_PRIVATE(out_msgtype) == MBEDTLS_SSL_MSG_ALERT;
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
