/*
 * A tiny snprintf replacement for the few lines tlspair itself writes (trace lines and
 * failure descriptions): no stdio, no locale, a few hundred bytes of code.
 */
#include "tlsp_text.h"

#include <limits.h>

void tlsp_text_init(tlsp_text *t, char *buf, size_t cap)
{
    t->buf = cap != 0 ? buf : NULL;
    t->cap = buf != NULL ? cap : 0;
    t->len = 0;
    if (t->cap != 0) {
        t->buf[0] = '\0';
    }
}

void tlsp_text_char(tlsp_text *t, char c)
{
    if (t->len + 1 < t->cap) {
        t->buf[t->len] = c;
    }
    t->len++;
}

void tlsp_text_str(tlsp_text *t, const char *s)
{
    if (s == NULL) {
        return;
    }
    while (*s != '\0') {
        tlsp_text_char(t, *s++);
    }
}

void tlsp_text_bytes(tlsp_text *t, const unsigned char *s, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++) {
        char c = '?';
        if (s[i] >= 0x20 && s[i] < 0x7f) {
            c = (char) s[i];
        }
        tlsp_text_char(t, c);
    }
}

void tlsp_text_uint_pad(tlsp_text *t, uint64_t v, unsigned width)
{
    char digits[20];
    unsigned n = 0;

    do {
        digits[n++] = (char) ('0' + (int) (v % 10u));
        v /= 10u;
    } while (v != 0 && n < sizeof(digits));
    while (width > n) {
        tlsp_text_char(t, '0');
        width--;
    }
    while (n > 0) {
        tlsp_text_char(t, digits[--n]);
    }
}

void tlsp_text_uint(tlsp_text *t, uint64_t v)
{
    tlsp_text_uint_pad(t, v, 1);
}

int tlsp_text_end(tlsp_text *t)
{
    if (t->cap != 0) {
        t->buf[t->len < t->cap ? t->len : t->cap - 1] = '\0';
    }
    return t->len > (size_t) INT_MAX ? INT_MAX : (int) t->len;
}
