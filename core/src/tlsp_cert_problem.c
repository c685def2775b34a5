/*
 * What a failed certificate verification was about, noted while mbedTLS verifies: the
 * verdict (TLSP_CERT_* flags) says "expired", the description wants "expired on
 * 2021-01-01 00:00:00" and "issuer 'CN=tlspair Untrusted CA'", and mbedTLS frees the
 * peer's chain when the handshake fails. The verify callback sees each certificate of the
 * chain with its flags, root first, leaf last.
 */
#include <string.h>

#include "mbedtls/oid.h"
#include "mbedtls/x509_crt.h"

#include "tlspair/tlsp_engine.h"
#include "tlsp_engine_internal.h"

#if defined(MBEDTLS_X509_CRT_PARSE_C)

#define SAN_DNS_TAG (MBEDTLS_ASN1_CONTEXT_SPECIFIC | MBEDTLS_X509_SAN_DNS_NAME)
#define SAN_IP_TAG  (MBEDTLS_ASN1_CONTEXT_SPECIFIC | MBEDTLS_X509_SAN_IP_ADDRESS)

static char printable(unsigned char c)
{
    if (c >= 0x20 && c < 0x7f) {
        return (char) c;
    }
    return '?';
}

/* Append src (n bytes, printable ASCII only) to the NUL-terminated dst of size cap. */
static void append(char *dst, size_t cap, const unsigned char *src, size_t n)
{
    size_t len = strlen(dst);
    size_t i;

    for (i = 0; i < n && len + 1 < cap; i++) {
        dst[len++] = printable(src[i]);
    }
    dst[len] = '\0';
}

static void append_str(char *dst, size_t cap, const char *s)
{
    append(dst, cap, (const unsigned char *) s, strlen(s));
}

static void append_uint(char *dst, size_t cap, unsigned v)
{
    char digits[4];
    size_t n = 0;

    do {
        digits[sizeof(digits) - 1 - n] = (char) ('0' + (int) (v % 10u));
        v /= 10u;
        n++;
    } while (v != 0 && n < sizeof(digits));
    append(dst, cap, (const unsigned char *) digits + sizeof(digits) - n, n);
}

static void copy_cn(char *dst, size_t cap, const mbedtls_x509_name *name)
{
    dst[0] = '\0';
    for (; name != NULL; name = name->next) {
        if (MBEDTLS_OID_CMP(MBEDTLS_OID_AT_CN, &name->oid) == 0) {
            append(dst, cap, name->val.p, name->val.len);
            return;
        }
    }
}

/* The names a hostname is checked against: DNS and IP SANs, else the CN (RFC 6125). */
static void copy_names(char *dst, size_t cap, const mbedtls_x509_crt *crt)
{
    const mbedtls_x509_sequence *san;

    dst[0] = '\0';
    for (san = &crt->subject_alt_names; san != NULL && san->buf.p != NULL; san = san->next) {
        if (san->buf.tag != SAN_DNS_TAG && !(san->buf.tag == SAN_IP_TAG && san->buf.len == 4)) {
            continue;
        }
        if (dst[0] != '\0') {
            append_str(dst, cap, ", ");
        }
        if (san->buf.tag == SAN_DNS_TAG) {
            append(dst, cap, san->buf.p, san->buf.len);
        } else {
            size_t i;
            for (i = 0; i < 4; i++) {
                append_uint(dst, cap, san->buf.p[i]);
                if (i < 3) {
                    append_str(dst, cap, ".");
                }
            }
        }
    }
    if (dst[0] == '\0') {
        copy_cn(dst, cap, &crt->subject);
    }
}

static void copy_date(tlsp_cert_date *d, const mbedtls_x509_time *t)
{
    d->year = (uint16_t) t->year;
    d->mon = (uint8_t) t->mon;
    d->day = (uint8_t) t->day;
    d->hour = (uint8_t) t->hour;
    d->min = (uint8_t) t->min;
    d->sec = (uint8_t) t->sec;
}

/* flags is not const: mbedtls_ssl_set_verify()'s callback type. */
/* cppcheck-suppress constParameter ; the type mbedtls_ssl_set_verify() requires */
int tlsp_note_cert_problem(void *ctx, mbedtls_x509_crt *crt, int depth, uint32_t *flags)  /* NOLINT(readability-non-const-parameter) */
{
    tlsp_engine *e = ctx;
    tlsp_cert_problem *p = &e->cert_problem;

    if (depth == 0) {
        copy_names(p->leaf_names, sizeof(p->leaf_names), crt);
    }
    if (*flags != 0 && !p->noted) {
        p->noted = 1;
        p->depth = (uint8_t) (depth > 255 ? 255 : depth);
        copy_cn(p->subject_cn, sizeof(p->subject_cn), &crt->subject);
        if (mbedtls_x509_dn_gets(p->issuer, sizeof(p->issuer), &crt->issuer) < 0) {
            p->issuer[0] = '\0';
        }
        copy_date(&p->not_before, &crt->valid_from);
        copy_date(&p->not_after, &crt->valid_to);
    }
    return 0;
}

#endif /* MBEDTLS_X509_CRT_PARSE_C */
