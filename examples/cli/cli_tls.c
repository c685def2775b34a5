/*
 * tlspair: from the command line to a tlsp_config. The library takes credentials from
 * memory only; this file reads them from files and wipes its copies.
 */
#define _GNU_SOURCE
#include "cli_tls.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mbedtls/platform_util.h"

#include "cli_report.h"

#define MAX_CREDENTIAL_FILE (1024u * 1024u)

int cli_hex_decode(const char *hex, uint8_t *out, size_t cap)
{
    size_t len = strlen(hex);
    size_t i;

    if (len == 0 || len % 2 != 0 || len / 2 > cap) {
        return -1;
    }
    for (i = 0; i < len; i++) {
        char ch = hex[i];
        int v;

        if (ch >= '0' && ch <= '9') {
            v = ch - '0';
        } else if (ch >= 'a' && ch <= 'f') {
            v = ch - 'a' + 10;
        } else if (ch >= 'A' && ch <= 'F') {
            v = ch - 'A' + 10;
        } else {
            return -1;
        }
        if (i % 2 == 0) {
            out[i / 2] = (uint8_t) (v << 4);
        } else {
            out[i / 2] |= (uint8_t) v;
        }
    }
    return (int) (len / 2);
}

uint8_t *cli_read_file(const char *path, size_t *len, size_t max_len)
{
    FILE *f = fopen(path, "rb");
    uint8_t *buf;
    size_t cap = 4096;
    size_t n = 0;

    if (f == NULL) {
        return NULL;
    }
    buf = malloc(cap + 1);
    while (buf != NULL) {
        size_t got = fread(buf + n, 1, cap - n, f);

        n += got;
        if (n < cap) {
            if (ferror(f)) {
                errno = EIO;
                break;
            }
            (void) fclose(f);   /* read-only: nothing to lose on close */
            buf[n] = '\0';
            *len = n;
            return buf;
        }
        if (cap >= max_len) {
            errno = EFBIG;
            break;
        }
        {
            uint8_t *bigger = malloc(cap * 2 + 1);

            if (bigger != NULL) {
                memcpy(bigger, buf, n);
            }
            mbedtls_platform_zeroize(buf, cap);
            free(buf);
            buf = bigger;
            cap *= 2;
        }
    }
    if (buf != NULL) {
        mbedtls_platform_zeroize(buf, cap);
        free(buf);
    }
    (void) fclose(f);
    return NULL;
}

/* PEM needs its NUL counted (mbedTLS's convention); DER must not have it. */
static size_t pem_or_der_len(const uint8_t *buf, size_t len)
{
    return strstr((const char *) buf, "-----BEGIN") != NULL ? len + 1 : len;
}

static void free_file(uint8_t *buf, size_t len)
{
    if (buf != NULL) {
        mbedtls_platform_zeroize(buf, len + 1);
        free(buf);
    }
}

static int fail(const char *what, const char *detail, int ret)
{
    fprintf(stderr, CLI_NAME ": error: %s: %s\n", what, detail);
    return ret;
}

static int tls_fail(const char *what, int code)
{
    return fail(what, tlsp_strerror(code),
                code == TLSP_ERR_NO_MEMORY || code == TLSP_ERR_ENTROPY ? CLI_EXIT_OTHER : CLI_EXIT_USAGE);
}

static int load_own_cert(tlsp_config *cfg, const cli_opts *o)
{
    size_t chain_len = 0;
    size_t key_len = 0;
    uint8_t *chain = cli_read_file(o->cert, &chain_len, MAX_CREDENTIAL_FILE);
    uint8_t *key;
    char what[600];
    int ret;

    if (chain == NULL) {
        snprintf(what, sizeof(what), "cannot read --cert %s", o->cert);
        return fail(what, strerror(errno), CLI_EXIT_USAGE);
    }
    key = cli_read_file(o->key, &key_len, MAX_CREDENTIAL_FILE);
    if (key == NULL) {
        snprintf(what, sizeof(what), "cannot read --key %s", o->key);
        ret = fail(what, strerror(errno), CLI_EXIT_USAGE);
        free_file(chain, chain_len);
        return ret;
    }
    ret = tlsp_config_set_own_cert(cfg, chain, pem_or_der_len(chain, chain_len), key,
                                   pem_or_der_len(key, key_len), o->key_password);
    free_file(chain, chain_len);
    free_file(key, key_len);
    if (ret != 0) {
        snprintf(what, sizeof(what), "--cert %s / --key %s", o->cert, o->key);
        return tls_fail(what, ret);
    }
    return 0;
}

static int load_ca(tlsp_config *cfg, const cli_opts *o)
{
    size_t len = 0;
    uint8_t *ca = cli_read_file(o->ca, &len, MAX_CREDENTIAL_FILE);
    char what[600];
    int ret;

    if (ca == NULL) {
        snprintf(what, sizeof(what), "cannot read --ca %s", o->ca);
        return fail(what, strerror(errno), CLI_EXIT_USAGE);
    }
    ret = tlsp_config_add_ca(cfg, ca, pem_or_der_len(ca, len));
    free_file(ca, len);
    if (ret != 0) {
        snprintf(what, sizeof(what), "--ca %s", o->ca);
        return tls_fail(what, ret);
    }
    return 0;
}

static int set_psk(tlsp_config *cfg, const cli_opts *o)
{
    uint8_t key[64];
    int key_len = cli_hex_decode(o->psk_hex, key, sizeof(key));
    int ret;

    if (key_len < 0) {
        return fail("--psk", "wants 1..64 bytes as hex digits (e.g. 5a3c1192e740086bd12f779e03c855a4)",
                    CLI_EXIT_USAGE);
    }
    ret = tlsp_config_set_psk(cfg, (const uint8_t *) o->psk_identity, strlen(o->psk_identity),
                              key, (size_t) key_len);
    mbedtls_platform_zeroize(key, sizeof(key));
    return ret != 0 ? tls_fail("--psk-identity / --psk", ret) : 0;
}

static int apply(tlsp_config *cfg, const cli_opts *o)
{
    int ret;

    if (o->tls12_only || o->tls13_only) {
        tlsp_version v = o->tls12_only ? TLSP_TLS1_2 : TLSP_TLS1_3;

        if ((ret = tlsp_config_set_versions(cfg, v, v)) != 0) {
            return tls_fail(o->tls12_only ? "--tls1.2" : "--tls1.3", ret);
        }
    }
    if (o->ciphers != NULL && tlsp_config_set_ciphersuites(cfg, o->ciphers) != 0) {
        return fail("--ciphers", "an unknown or non-AEAD suite name, or more than 16 names "
                                 "(names as mbedTLS spells them, colon-separated)", CLI_EXIT_USAGE);
    }
    if (o->record_size != 0 && (ret = tlsp_config_set_record_size(cfg, o->record_size)) != 0) {
        return tls_fail("--record-size", ret);
    }
    if ((ret = tlsp_config_set_timeouts(cfg, o->timeout_ms, 0)) != 0) {
        return tls_fail("--timeout", ret);
    }
    if (o->psk_hex != NULL && (ret = set_psk(cfg, o)) != 0) {
        return ret;
    }
    if (o->cert != NULL && (ret = load_own_cert(cfg, o)) != 0) {
        return ret;
    }
    if (o->ca != NULL && (ret = load_ca(cfg, o)) != 0) {
        return ret;
    }
    if (o->role == TLSP_CLIENT && o->hostname != NULL &&
        (ret = tlsp_config_set_hostname(cfg, o->hostname)) != 0) {
        return tls_fail("--hostname", ret);
    }
    if (o->require_client_cert && (ret = tlsp_config_require_client_cert(cfg)) != 0) {
        return tls_fail("--require-client-cert", ret);
    }
    if (o->resumption &&
        (ret = tlsp_config_enable_resumption(cfg, TLSP_RESUME_ALL, 3600, 0)) != 0) {
        return tls_fail("--resumption", ret);
    }
    if (o->trace != 0 && cli_report_enable_trace(cfg, o->trace) != 0) {
        return fail("--trace", "this tlspair was built without the trace (TLSP_TRACE=OFF)", CLI_EXIT_USAGE);
    }
    if ((o->sess_in != NULL || o->sess_out != NULL) &&
        (ret = tlsp_config_enable_resumption(cfg, TLSP_RESUME_ALL, 0, 0)) != 0) {
        return tls_fail("--sess-in / --sess-out", ret);
    }
    return 0;
}

int cli_tls_config(tlsp_config *cfg, const cli_opts *o)
{
    int ret = tlsp_config_init(cfg, o->role);

    if (ret != 0) {
        return fail("TLS setup", tlsp_strerror(ret), CLI_EXIT_OTHER);
    }
    ret = apply(cfg, o);
    if (ret != 0) {
        tlsp_config_free(cfg);
    }
    return ret;
}
