/*
 * Writes a record through mbedTLS's own record layer (mbedtls_ssl_write_record() and the
 * out_msg fields of library/ssl_misc.h), the way mbedTLS writes its alerts and handshake
 * messages, but with whatever type and body the test asks for.
 */
#define MBEDTLS_ALLOW_PRIVATE_ACCESS

#include "tlsp_forge.h"

#include <string.h>

#include "ssl_misc.h" /* mbedtls_ssl_write_record(), out_msg */

int tlsp_forge_record(tlsp_engine *sender, uint8_t type, const uint8_t *body, size_t len)
{
    mbedtls_ssl_context *ssl = &sender->ssl;
    int ret;

    if (len > MBEDTLS_SSL_OUT_CONTENT_LEN || (len != 0 && body == NULL)) {
        return MBEDTLS_ERR_SSL_BAD_INPUT_DATA;
    }
    if (ssl->out_left != 0) {
        ret = mbedtls_ssl_flush_output(ssl);
        if (ret != 0) {
            return ret;
        }
    }
    ssl->out_msgtype = type;
    ssl->out_msglen = len;
    if (len != 0) {
        memcpy(ssl->out_msg, body, len);
    }
    return mbedtls_ssl_write_record(ssl, 1);
}
