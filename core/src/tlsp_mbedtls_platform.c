/*
 * The functions mbedTLS calls into tlspair: its allocator (counted), its entropy source
 * (the port), and its clocks (the port). They are wired in at compile time by the
 * project's mbedTLS config (MBEDTLS_PLATFORM_CALLOC_MACRO, MBEDTLS_ENTROPY_HARDWARE_ALT,
 * MBEDTLS_PLATFORM_MS_TIME_ALT) and at run time by tlsp_platform_init() (the wall clock).
 *
 * Where the memory comes from depends on the config: the C library's heap on hosts, or,
 * when the config has MBEDTLS_MEMORY_BUFFER_ALLOC_C (the Cortex-M profiles), mbedTLS's
 * buffer allocator over the static arena given to tlsp_heap_use_arena(). Either way every
 * allocation passes through the same counting layer below.
 */
#include "tlsp_platform.h"

#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mbedtls/platform.h"
#include "mbedtls/platform_time.h"
#include "mbedtls/platform_util.h"
#include "mbedtls/entropy.h"
#if defined(MBEDTLS_MEMORY_BUFFER_ALLOC_C)
#include "mbedtls/memory_buffer_alloc.h"
#endif

#include "tlspair/tlsp_error.h"
#include "tlspair/tlsp_heap.h"
#include "tlspair/tlsp_port.h"

/* ---- Where blocks come from ---------------------------------------------------------- */

#if defined(MBEDTLS_MEMORY_BUFFER_ALLOC_C)

/* The counting layer below hands out blocks as aligned as the allocator's. */
_Static_assert(MBEDTLS_MEMORY_ALIGN_MULTIPLE % _Alignof(max_align_t) == 0,
               "the arena allocator must align blocks at least as malloc() does");

/* The arena allocator. mbedtls_memory_buffer_alloc_init() installs itself by calling
 * mbedtls_platform_set_calloc_free(); with the calloc/free macros in the config, mbedTLS
 * does not define that function, so tlspair does (the config header declares it) and
 * keeps the allocator here, underneath the counting layer. NULL until an arena is given:
 * allocations then fail (and tlsp_platform_init() refuses to start). */
static void *(*backend_calloc)(size_t count, size_t size);
static void (*backend_free)(void *ptr);
static const uint8_t *arena_base;

int mbedtls_platform_set_calloc_free(void *(*calloc_func)(size_t, size_t),
                                     void (*free_func)(void *))
{
    backend_calloc = calloc_func;
    backend_free = free_func;
    return 0;
}

#else

#define backend_calloc calloc
#define backend_free   free

#endif /* MBEDTLS_MEMORY_BUFFER_ALLOC_C */

/* ---- Counted heap ------------------------------------------------------------------- */

/* Each block carries its size in front so free() can count it. The header is as large as
 * the strictest alignment malloc guarantees, so the pointer handed out stays aligned. */
typedef union block_header {
    size_t size;
    /* cppcheck-suppress unusedStructMember ; never read: it is there for its alignment */
    max_align_t align;
} block_header;

static tlsp_heap_stats heap;
static size_t heap_limit;
static tlsp_heap_free_observer free_observer;
static void *free_observer_ctx;

#if defined(MBEDTLS_MEMORY_BUFFER_ALLOC_C)
/* The arena is used up to the end of its highest block (the allocator rounds every block
 * up to MBEDTLS_MEMORY_ALIGN_MULTIPLE): what a smaller arena would have needed to serve
 * the same allocations. */
static void note_arena_extent(const block_header *block, size_t total)
{
    size_t end;

    if (total % MBEDTLS_MEMORY_ALIGN_MULTIPLE != 0) {
        total += MBEDTLS_MEMORY_ALIGN_MULTIPLE - total % MBEDTLS_MEMORY_ALIGN_MULTIPLE;
    }
    end = (size_t) ((const uint8_t *) block - arena_base) + total;
    if (end > heap.arena_high_water) {
        heap.arena_high_water = end;
    }
}
#endif

void *tlsp_mbedtls_calloc(size_t count, size_t size)
{
    block_header *block;
    size_t bytes;

    if (count != 0 && size > (SIZE_MAX - sizeof(block_header)) / count) {
        heap.failures++;
        return NULL;
    }
    bytes = count * size;
    if (heap_limit != 0 && bytes > heap_limit - (heap.current < heap_limit ? heap.current : heap_limit)) {
        heap.failures++;
        return NULL;
    }
#if defined(MBEDTLS_MEMORY_BUFFER_ALLOC_C)
    if (backend_calloc == NULL) {
        heap.failures++;
        return NULL;
    }
#endif
    block = backend_calloc(1, sizeof(block_header) + bytes);
    if (block == NULL) {
        heap.failures++;
        return NULL;
    }
#if defined(MBEDTLS_MEMORY_BUFFER_ALLOC_C)
    note_arena_extent(block, sizeof(block_header) + bytes);
#endif
    block->size = bytes;
    heap.current += bytes;
    if (heap.current > heap.peak) {
        heap.peak = heap.current;
    }
    heap.allocations++;
    return block + 1;
}

size_t tlsp_mbedtls_block_size(const void *ptr)
{
    return ((const block_header *) ptr - 1)->size;
}

void tlsp_mbedtls_free(void *ptr)
{
    block_header *block;

    if (ptr == NULL) {
        return;
    }
    block = (block_header *) ptr - 1;
    heap.current -= block->size;
    if (free_observer != NULL) {
        free_observer(ptr, block->size, 0, free_observer_ctx);
    }
    /* mbedTLS wipes most secrets itself before freeing; this catches what it does not
     * (its TLS 1.3 key schedule frees an exported copy of the PSK unwiped) and makes
     * use-after-free bugs loud. */
    mbedtls_platform_zeroize(ptr, block->size);
    if (free_observer != NULL) {
        free_observer(ptr, block->size, 1, free_observer_ctx);
    }
    mbedtls_platform_zeroize(block, sizeof(block_header));
    backend_free(block);
}

/* Not const: on arena builds mbedTLS's allocator writes into the arena. */
int tlsp_heap_use_arena(uint8_t *arena, size_t size)  /* NOLINT(readability-non-const-parameter) */
{
#if defined(MBEDTLS_MEMORY_BUFFER_ALLOC_C)
    if (arena == NULL || size < TLSP_HEAP_ARENA_MIN) {
        return TLSP_ERR_BAD_ARG;
    }
    /* Once mbedTLS holds blocks (PSA keeps its state for the life of the program), the
     * arena cannot be swapped. */
    if (arena_base != NULL) {
        return TLSP_ERR_STATE;
    }
    mbedtls_memory_buffer_alloc_init(arena, size);   /* calls mbedtls_platform_set_calloc_free() */
    if (backend_calloc == NULL) {
        return TLSP_ERR_INTERNAL;
    }
    arena_base = arena;
    heap.arena_size = size;
    return 0;
#else
    (void) arena;
    (void) size;
    return TLSP_ERR_STATE;   /* this build allocates from the C library's heap */
#endif
}

void tlsp_heap_get_stats(tlsp_heap_stats *stats)
{
    if (stats != NULL) {
        *stats = heap;
    }
}

void tlsp_heap_reset_peak(void)
{
    heap.peak = heap.current;
}

void tlsp_heap_set_limit(size_t limit)
{
    heap_limit = limit;
}

void tlsp_heap_observe_frees(tlsp_heap_free_observer observer, void *ctx)
{
    free_observer = observer;
    free_observer_ctx = ctx;
}

/* ---- Entropy and clocks ------------------------------------------------------------- */

#if defined(MBEDTLS_ENTROPY_HARDWARE_ALT)
/* (Builds with MBEDTLS_ENTROPY_NV_SEED instead draw from the seed the port's board hooks
 * keep; see tlsp_mbedtls_config_cm_common.h.) */
int mbedtls_hardware_poll(void *data, unsigned char *output, size_t len, size_t *olen);

int mbedtls_hardware_poll(void *data, unsigned char *output, size_t len, size_t *olen)
{
    (void) data;
    *olen = 0;
    if (tlsp_port_entropy(output, len) != 0) {
        return MBEDTLS_ERR_ENTROPY_SOURCE_FAILED;
    }
    *olen = len;
    return 0;
}
#endif

mbedtls_ms_time_t mbedtls_ms_time(void)
{
    return (mbedtls_ms_time_t) tlsp_port_millis();
}

mbedtls_time_t tlsp_mbedtls_time(mbedtls_time_t *out)
{
    int64_t now = tlsp_port_wall_time();
    /* Unknown date: report the epoch, so every certificate is "not yet valid" and
     * verification fails closed rather than accepting an expired certificate. */
    mbedtls_time_t t = (mbedtls_time_t) (now < 0 ? 0 : now);

    if (out != NULL) {
        *out = t;
    }
    return t;
}

#if defined(MBEDTLS_PLATFORM_GMTIME_R_ALT)
/* UTC calendar date of a time_t, for certificate validity checks. Bare-metal C libraries
 * offer gmtime(), which is not reentrant and, on newlib, allocates its result (pulling in
 * malloc and stdio). This is the days-to-civil conversion from H. Hinnant's "chrono-
 * compatible low-level date algorithms", exact for the proleptic Gregorian calendar. */
struct tm *mbedtls_platform_gmtime_r(const mbedtls_time_t *tt, struct tm *tm_buf)
{
    int64_t t = (int64_t) *tt;
    int64_t days64 = t / 86400;
    int32_t secs = (int32_t) (t % 86400);
    int32_t days, z, era, doe, yoe, doy, mp, day, month, year;
    int leap;

    if (secs < 0) {
        secs += 86400;
        days64 -= 1;
    }
    /* Dates within +-5 million years; from here on 32-bit arithmetic suffices. */
    if (days64 < -2000000000 || days64 > 2000000000) {
        return NULL;
    }
    days = (int32_t) days64;
    z = days + 719468;                      /* days since 0000-03-01 */
    era = (z >= 0 ? z : z - 146096) / 146097;
    doe = z - era * 146097;                 /* day of the 400-year era, [0, 146096] */
    yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;   /* [0, 399] */
    doy = doe - (365 * yoe + yoe / 4 - yoe / 100);                  /* from March 1 */
    mp = (5 * doy + 2) / 153;               /* month from March, [0, 11] */
    day = doy - (153 * mp + 2) / 5 + 1;     /* [1, 31] */
    month = mp < 10 ? mp + 3 : mp - 9;      /* [1, 12] */
    year = yoe + era * 400 + (month <= 2 ? 1 : 0);
    leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;

    memset(tm_buf, 0, sizeof(*tm_buf));
    tm_buf->tm_year = year - 1900;
    tm_buf->tm_mon = month - 1;
    tm_buf->tm_mday = day;
    tm_buf->tm_hour = secs / 3600;
    tm_buf->tm_min = secs % 3600 / 60;
    tm_buf->tm_sec = secs % 60;
    tm_buf->tm_yday = month <= 2 ? doy - 306 : doy + 59 + leap;     /* March 1 is day 59 (60) */
    tm_buf->tm_wday = (days % 7 + 11) % 7;                          /* 1970-01-01: Thursday */
    return tm_buf;
}
#endif

#if defined(MBEDTLS_PLATFORM_SNPRINTF_MACRO)
/* snprintf for mbedTLS on the Cortex-M builds (MBEDTLS_PLATFORM_SNPRINTF_MACRO). What
 * mbedTLS formats there (certificate names, OIDs) needs only %s, %c, %u and %X, with an
 * optional 0 flag and width, and %%. Anything else returns -1 instead of printing
 * something wrong; mbedTLS then reports the buffer as too small. */
static void put_char(char *s, size_t n, size_t *len, char c)
{
    if (*len + 1 < n) {
        s[*len] = c;
    }
    (*len)++;
}

int tlsp_mbedtls_snprintf(char *s, size_t n, const char *format, ...)
{
    static const char hex[] = "0123456789ABCDEF";
    const char *f;
    size_t len = 0;
    int ok = 1;
    va_list ap;

    va_start(ap, format);
    /* clang-analyzer 14 loses va_start's effect on this loop and reports every va_arg
     * below as reading an uninitialised va_list: a false positive. */
    /* NOLINTBEGIN(clang-analyzer-valist.Uninitialized) */
    for (f = format; *f != '\0' && ok; f++) {
        char digits[12];
        size_t ndigits = 0;
        size_t width = 0;
        char pad = ' ';

        if (*f != '%') {
            put_char(s, n, &len, *f);
            continue;
        }
        f++;
        if (*f == '0') {
            pad = '0';
            f++;
        }
        while (*f >= '0' && *f <= '9' && width < 64) {
            width = width * 10 + (size_t) (*f - '0');
            f++;
        }
        switch (*f) {
        case '%':
            put_char(s, n, &len, '%');
            break;
        case 'c':
            put_char(s, n, &len, (char) va_arg(ap, int));
            break;
        case 's': {
            const char *arg = va_arg(ap, const char *);

            while (*arg != '\0') {
                put_char(s, n, &len, *arg++);
            }
            break;
        }
        case 'u':
        case 'X': {
            unsigned value = va_arg(ap, unsigned);
            unsigned base = *f == 'X' ? 16u : 10u;

            do {
                digits[ndigits++] = hex[value % base];
                value /= base;
            } while (value != 0);
            for (; width > ndigits; width--) {
                put_char(s, n, &len, pad);
            }
            while (ndigits > 0) {
                put_char(s, n, &len, digits[--ndigits]);
            }
            break;
        }
        default:            /* a conversion this formatter does not know, or a lone '%' */
            ok = 0;
            break;
        }
        if (*f == '\0') {
            break;
        }
    }
    /* NOLINTEND(clang-analyzer-valist.Uninitialized) */
    va_end(ap);
    if (n > 0) {
        s[len < n ? len : n - 1] = '\0';
    }
    return ok && len <= INT_MAX ? (int) len : -1;
}
#endif

int tlsp_platform_init(void)
{
#if defined(MBEDTLS_MEMORY_BUFFER_ALLOC_C)
    /* Without an arena every mbedTLS allocation would fail, each somewhere else: refuse
     * here, once, with a code that names the cause. */
    if (arena_base == NULL) {
        return TLSP_ERR_STATE;
    }
#endif
    mbedtls_platform_set_time(tlsp_mbedtls_time);
    return tlsp_rng_init();
}
