/*
 * NSS key log lines from mbedTLS's key export callback (tlsp_keylog.h). Compiled to a
 * stub that refuses without TLSP_KEYLOG, so that a build without it holds no code that
 * writes secrets out.
 */
#include "tlspair/tlsp_keylog.h"

#include "tlspair/tlsp_engine.h"
#include "tlsp_engine_internal.h"

#if defined(TLSP_KEYLOG)

#include <string.h>

#include "mbedtls/platform_util.h"

#define CLIENT_RANDOM_LEN ((size_t) 32)

/* The NSS label for an exported secret, NULL for those Wireshark has no use for. */
static const char *label_of(mbedtls_ssl_key_export_type type)
{
    switch (type) {
    case MBEDTLS_SSL_KEY_EXPORT_TLS12_MASTER_SECRET:
        return "CLIENT_RANDOM";
#if defined(MBEDTLS_SSL_PROTO_TLS1_3)
    case MBEDTLS_SSL_KEY_EXPORT_TLS1_3_CLIENT_EARLY_SECRET:
        return "CLIENT_EARLY_TRAFFIC_SECRET";
    case MBEDTLS_SSL_KEY_EXPORT_TLS1_3_EARLY_EXPORTER_SECRET:
        return "EARLY_EXPORTER_SECRET";
    case MBEDTLS_SSL_KEY_EXPORT_TLS1_3_CLIENT_HANDSHAKE_TRAFFIC_SECRET:
        return "CLIENT_HANDSHAKE_TRAFFIC_SECRET";
    case MBEDTLS_SSL_KEY_EXPORT_TLS1_3_SERVER_HANDSHAKE_TRAFFIC_SECRET:
        return "SERVER_HANDSHAKE_TRAFFIC_SECRET";
    case MBEDTLS_SSL_KEY_EXPORT_TLS1_3_CLIENT_APPLICATION_TRAFFIC_SECRET:
        return "CLIENT_TRAFFIC_SECRET_0";
    case MBEDTLS_SSL_KEY_EXPORT_TLS1_3_SERVER_APPLICATION_TRAFFIC_SECRET:
        return "SERVER_TRAFFIC_SECRET_0";
#endif
    default:
        return NULL;
    }
}

static size_t put_hex(char *out, const unsigned char *data, size_t len)
{
    static const char digits[] = "0123456789abcdef";
    size_t i;

    for (i = 0; i < len; i++) {
        out[2 * i] = digits[data[i] >> 4];
        out[2 * i + 1] = digits[data[i] & 0x0fu];
    }
    return 2 * len;
}

static void export_keys(void *ctx, mbedtls_ssl_key_export_type type,
                        const unsigned char *secret, size_t secret_len,
                        const unsigned char client_random[32],
                        const unsigned char server_random[32],
                        mbedtls_tls_prf_types prf)
{
    tlsp_engine *e = ctx;
    const char *label = label_of(type);
    char line[TLSP_KEYLOG_LINE_MAX];
    size_t label_len;
    size_t n;

    (void) server_random;
    (void) prf;
    if (e->keylog_fn == NULL || label == NULL) {
        return;
    }
    label_len = strlen(label);
    /* label, space, random, space, secret, newline, NUL */
    if (label_len + 2 * CLIENT_RANDOM_LEN + 2 * secret_len + 4 > sizeof(line)) {
        return;   /* cannot happen with TLS secrets (48 bytes at most) */
    }
    memcpy(line, label, label_len);
    n = label_len;
    line[n++] = ' ';
    n += put_hex(line + n, client_random, CLIENT_RANDOM_LEN);
    line[n++] = ' ';
    n += put_hex(line + n, secret, secret_len);
    line[n++] = '\n';
    line[n] = '\0';
    e->keylog_fn(e->keylog_ctx, line);
    mbedtls_platform_zeroize(line, sizeof(line));
}

int tlsp_keylog_enable(struct tlsp_engine *e, tlsp_keylog_fn fn, void *ctx)
{
    if (e == NULL || !(e->state & TLSP_ENG_INIT)) {
        return TLSP_ERR_BAD_ARG;
    }
    if (fn != NULL && (e->state & TLSP_ENG_HANDSHAKE_STARTED)) {
        return TLSP_ERR_STATE;
    }
    e->keylog_fn = fn;
    e->keylog_ctx = fn != NULL ? ctx : NULL;
    mbedtls_ssl_set_export_keys_cb(&e->ssl, fn != NULL ? export_keys : NULL, fn != NULL ? e : NULL);
    return 0;
}

int tlsp_keylog_available(void)
{
    return 1;
}

#else /* !TLSP_KEYLOG */

int tlsp_keylog_enable(struct tlsp_engine *e, tlsp_keylog_fn fn, void *ctx)
{
    (void) e;
    (void) fn;
    (void) ctx;
    return TLSP_ERR_CONFIG;
}

int tlsp_keylog_available(void)
{
    return 0;
}

#endif /* TLSP_KEYLOG */
