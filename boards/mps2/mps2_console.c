/*
 * A small printf for the console: integers and strings only, so the firmware does not
 * pull in the C library's formatted output (and its floating-point support).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include "mps2_board.h"
#include "mps2_internal.h"

typedef struct spec {
    unsigned width;
    char pad;          /* ' ' or '0' */
    int left;          /* '-' flag */
} spec;

static void emit_padded(const char *s, size_t len, const spec *sp)
{
    size_t fill = sp->width > len ? sp->width - len : 0;
    size_t i;

    if (!sp->left) {
        /* Zero padding goes after a sign. */
        if (sp->pad == '0' && len > 0 && *s == '-') {
            mps2_console_putc(*s++);
            len--;
        }
        for (i = 0; i < fill; i++) {
            mps2_console_putc(sp->pad);
        }
    }
    for (i = 0; i < len; i++) {
        mps2_console_putc(s[i]);
    }
    if (sp->left) {
        for (i = 0; i < fill; i++) {
            mps2_console_putc(' ');
        }
    }
}

/* *v /= base, returning the remainder, for base <= 16, with 32-bit divisions only: a
 * 64-bit '/' would link libgcc's 700-byte __udivmoddi4 into every image just to print.
 * Long division in 32-, 16- and 16-bit steps; each partial dividend stays below
 * base * 2^16, so each 16-bit step's quotient fits in 16 bits. */
static unsigned divmod_small(unsigned long long *v, unsigned base)
{
    uint32_t hi = (uint32_t) (*v >> 32);
    uint32_t lo = (uint32_t) *v;
    uint32_t q_hi = hi / base;
    uint32_t r = hi % base;
    uint32_t part = (r << 16) | (lo >> 16);
    uint32_t q_mid = part / base;

    r = part % base;
    part = (r << 16) | (lo & 0xFFFFu);
    *v = ((unsigned long long) q_hi << 32) | (q_mid << 16) | (part / base);
    return part % base;
}

static void emit_number(unsigned long long v, int negative, unsigned base, int upper,
                        const spec *sp)
{
    char buf[24];
    char *p = buf + sizeof(buf);
    const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";

    do {
        *--p = digits[divmod_small(&v, base)];
    } while (v != 0);
    if (negative) {
        *--p = '-';
    }
    emit_padded(p, (size_t) (buf + sizeof(buf) - p), sp);
}

static size_t length_of(const char *s)
{
    size_t n = 0;

    while (s[n] != '\0') {
        n++;
    }
    return n;
}

void mps2_printf(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    /* clang-analyzer 14 loses va_start's effect on this loop and reports every va_arg
     * below as reading an uninitialised va_list: a false positive. */
    /* NOLINTBEGIN(clang-analyzer-valist.Uninitialized) */
    for (; *fmt != '\0'; fmt++) {
        spec sp = { 0, ' ', 0 };
        int longs = 0;
        int size_t_arg = 0;
        char c;

        if (*fmt != '%') {
            mps2_console_putc(*fmt);
            continue;
        }
        fmt++;
        for (;; fmt++) {
            if (*fmt == '0') {
                sp.pad = '0';
            } else if (*fmt == '-') {
                sp.left = 1;
            } else {
                break;
            }
        }
        /* cppcheck-suppress knownConditionTrueFalse ; cppcheck 2.10 false positive: '1'..'9' pass */
        while (*fmt >= '0' && *fmt <= '9') {
            sp.width = sp.width * 10u + (unsigned) (*fmt++ - '0');
        }
        while (*fmt == 'l') {
            longs++;
            fmt++;
        }
        if (*fmt == 'z') {
            size_t_arg = 1;
            fmt++;
        }
        c = *fmt;
        if (c == '\0') {
            break;
        }
        switch (c) {
        case 'd':
        case 'i': {
            long long v = longs >= 2 ? va_arg(ap, long long)
                        : longs == 1 ? va_arg(ap, long)
                        : size_t_arg ? (long long) va_arg(ap, size_t)
                        : va_arg(ap, int);
            unsigned long long mag = v < 0 ? 0ull - (unsigned long long) v : (unsigned long long) v;

            emit_number(mag, v < 0, 10, 0, &sp);
            break;
        }
        case 'u':
        case 'x':
        case 'X': {
            unsigned long long v = longs >= 2 ? va_arg(ap, unsigned long long)
                                 : longs == 1 ? va_arg(ap, unsigned long)
                                 /* size_t is unsigned on this ILP32 target: the same read */
                                 : size_t_arg ? va_arg(ap, size_t)  /* NOLINT(bugprone-branch-clone) */
                                 : va_arg(ap, unsigned);

            emit_number(v, 0, c == 'u' ? 10u : 16u, c == 'X', &sp);
            break;
        }
        case 'p':
            emit_number((uintptr_t) va_arg(ap, void *), 0, 16, 0, &sp);
            break;
        case 'c': {
            char ch = (char) va_arg(ap, int);

            emit_padded(&ch, 1, &sp);
            break;
        }
        case 's': {
            const char *s = va_arg(ap, const char *);

            if (s == NULL) {
                s = "(null)";
            }
            emit_padded(s, length_of(s), &sp);
            break;
        }
        default:
            mps2_console_putc(c);   /* "%%" and anything unknown */
            break;
        }
    }
    /* NOLINTEND(clang-analyzer-valist.Uninitialized) */
    va_end(ap);
}
