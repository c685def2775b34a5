/*
 * The only place tlspair reaches into mbedTLS internals. mbedTLS 3.6 has no public way to
 * (a) flush output it has already built, (b) ask whether such output exists, or (c) read
 * the description of a received fatal alert. tlspair needs (a) and (b) to hide the
 * "call mbedtls_ssl_write() again with the same arguments" rule and to make sure an alert
 * is never silently skipped (mbedtls_ssl_send_alert_message() only flushes when older
 * output is pending), and (c) to tell the user which alert the peer sent.
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

int tlsp_mbedtls_last_alert(const mbedtls_ssl_context *ssl)
{
    const unsigned char *msg = ssl->MBEDTLS_PRIVATE(in_msg);

    if (msg == NULL || ssl->MBEDTLS_PRIVATE(in_msgtype) != MBEDTLS_SSL_MSG_ALERT) {
        return -1;
    }
    return msg[1];
}
