/*
 * Internal: building a line of text into a caller buffer without stdio (Cortex-M builds
 * have none). Like snprintf, it counts everything it was asked to write, stores what
 * fits and always NUL-terminates, so callers can report the length they needed.
 */
#ifndef TLSP_TEXT_H
#define TLSP_TEXT_H

#include <stddef.h>
#include <stdint.h>

typedef struct tlsp_text {
    char *buf;     /* NULL when cap is 0 */
    size_t cap;    /* bytes at buf, NUL included */
    size_t len;    /* characters asked for so far (may exceed cap - 1) */
} tlsp_text;

void tlsp_text_init(tlsp_text *t, char *buf, size_t cap);
void tlsp_text_char(tlsp_text *t, char c);
void tlsp_text_str(tlsp_text *t, const char *s);
/* At most n bytes of s, non-printable bytes as '?' (names taken from certificates). */
void tlsp_text_bytes(tlsp_text *t, const unsigned char *s, size_t n);
void tlsp_text_uint(tlsp_text *t, uint64_t v);
/* v as at least `width` digits, zero-padded (dates). */
void tlsp_text_uint_pad(tlsp_text *t, uint64_t v, unsigned width);
/* Terminate; returns the full length (clamped to INT_MAX). */
int tlsp_text_end(tlsp_text *t);

#endif /* TLSP_TEXT_H */
