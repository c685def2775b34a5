/* The Cortex-M port's logic and the mbedTLS hooks only the Cortex-M profiles compile, on
 * the host, from the very sources the firmware builds:
 *   - the wall clock (port/cortex-m/tlsp_cortexm_wall_clock.h): the date set plus the
 *     seconds counted since, across the 32-bit carries it makes to avoid 64-bit division;
 *   - the date conversion (mbedtls_platform_gmtime_r() in core/src/tlsp_mbedtls_platform.c,
 *     MBEDTLS_PLATFORM_GMTIME_R_ALT), against the C library's gmtime_r() and timegm();
 *   - the snprintf mbedTLS formats certificate names with (tlsp_mbedtls_snprintf(),
 *     MBEDTLS_PLATFORM_SNPRINTF_MACRO), against the C library's snprintf();
 *   - the TRNG entropy path (port/cortex-m/tlsp_port_cortexm_entropy.c): a failing board
 *     source reaches mbedTLS's entropy module as a failure.
 * The NV-seed entropy path is test_port_cortexm_nv_seed.c. */
#define _DEFAULT_SOURCE   /* timegm(), gmtime_r() */

#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "mbedtls/entropy.h"
#include "mbedtls/platform_time.h"
#include "mbedtls/platform_util.h"
#include "tlsp_cortexm_wall_clock.h"
#include "tlsp_port_cortexm.h"
#include "tlsp_test.h"

/* ---- The port's clocks, as tlsp_port_cortexm.c runs them, over a fake SysTick count ---- */

static uint64_t fake_ms;
static tlsp_cortexm_wall_clock fake_clock = TLSP_CORTEXM_WALL_CLOCK_UNKNOWN;

uint64_t tlsp_port_millis(void)
{
    return fake_ms;
}

int64_t tlsp_port_wall_time(void)
{
    return tlsp_cortexm_wall_clock_read(&fake_clock, fake_ms);
}

/* tlsp_mbedtls_platform.c, compiled here with the Cortex-M hooks on. */
mbedtls_time_t tlsp_mbedtls_time(mbedtls_time_t *out);
int mbedtls_hardware_poll(void *data, unsigned char *output, size_t len, size_t *olen);

/* ---- Wall clock ------------------------------------------------------------------------ */

#define DATE_2024 1718000000   /* 2024-06-10 06:13:20 UTC */

static void test_wall_clock_unknown_until_set_and_after_forget(void)
{
    tlsp_cortexm_wall_clock c = TLSP_CORTEXM_WALL_CLOCK_UNKNOWN;

    CHECK_EQ(tlsp_cortexm_wall_clock_read(&c, 0), -1);
    CHECK_EQ(tlsp_cortexm_wall_clock_read(&c, 123456789), -1);
    tlsp_cortexm_wall_clock_set(&c, DATE_2024, 5000);
    CHECK_EQ(tlsp_cortexm_wall_clock_read(&c, 5000), DATE_2024);
    tlsp_cortexm_wall_clock_set(&c, -1, 6000);
    CHECK_EQ(tlsp_cortexm_wall_clock_read(&c, 7000), -1);
    /* 0 is a date (1970-01-01), not "unknown". */
    tlsp_cortexm_wall_clock_set(&c, 0, 6000);
    CHECK_EQ(tlsp_cortexm_wall_clock_read(&c, 8999), 2);
}

static void test_wall_clock_counts_whole_seconds(void)
{
    tlsp_cortexm_wall_clock c = TLSP_CORTEXM_WALL_CLOCK_UNKNOWN;

    tlsp_cortexm_wall_clock_set(&c, DATE_2024, 777);
    CHECK_EQ(tlsp_cortexm_wall_clock_read(&c, 777), DATE_2024);
    CHECK_EQ(tlsp_cortexm_wall_clock_read(&c, 777 + 999), DATE_2024);
    CHECK_EQ(tlsp_cortexm_wall_clock_read(&c, 777 + 1000), DATE_2024 + 1);
    CHECK_EQ(tlsp_cortexm_wall_clock_read(&c, 777 + 61999), DATE_2024 + 61);
    /* Setting again starts from the new date at the new count. */
    tlsp_cortexm_wall_clock_set(&c, DATE_2024 + 100000, 90000);
    CHECK_EQ(tlsp_cortexm_wall_clock_read(&c, 90000), DATE_2024 + 100000);
    CHECK_EQ(tlsp_cortexm_wall_clock_read(&c, 91500), DATE_2024 + 100001);
}

/* Gaps around the 32-bit limit of the division, read once or read along the way: the
 * carries the reader makes into its base must never change the answer. */
static void test_wall_clock_long_gaps(void)
{
    static const uint64_t gaps[] = {
        0, 999, 1000, UINT32_MAX - 1000u, UINT32_MAX - 1u, UINT32_MAX, (uint64_t) UINT32_MAX + 1u,
        (uint64_t) UINT32_MAX + 1000u, 4000000000u, 4000000999u, 8000000000u,
        8589934591u, 8589934592u, 10ull * 4294967296ull + 12345u,
        500ull * 86400000ull,                  /* 500 days without asking */
        100ull * 365ull * 86400000ull + 1u,    /* a century */
    };
    static const uint64_t starts[] = { 0, 12345, UINT32_MAX - 500u, 1ull << 40 };
    size_t g, s;

    for (s = 0; s < sizeof(starts) / sizeof(starts[0]); s++) {
        tlsp_cortexm_wall_clock along = TLSP_CORTEXM_WALL_CLOCK_UNKNOWN;

        tlsp_cortexm_wall_clock_set(&along, DATE_2024, starts[s]);
        for (g = 0; g < sizeof(gaps) / sizeof(gaps[0]); g++) {
            tlsp_cortexm_wall_clock once = TLSP_CORTEXM_WALL_CLOCK_UNKNOWN;
            int64_t want = DATE_2024 + (int64_t) (gaps[g] / 1000u);

            tlsp_cortexm_wall_clock_set(&once, DATE_2024, starts[s]);
            CHECK_EQ(tlsp_cortexm_wall_clock_read(&once, starts[s] + gaps[g]), want);
            CHECK_EQ(tlsp_cortexm_wall_clock_read(&along, starts[s] + gaps[g]), want);
            /* and a second read at the same count, after any carry */
            CHECK_EQ(tlsp_cortexm_wall_clock_read(&once, starts[s] + gaps[g]), want);
        }
    }
}

/* Many pseudo-random gaps up to 2^42 ms (139 years), each against 64-bit arithmetic. */
static void test_wall_clock_random_gaps(void)
{
    uint64_t x = 0x9E3779B97F4A7C15ull;
    int i;

    for (i = 0; i < 20000; i++) {
        tlsp_cortexm_wall_clock c = TLSP_CORTEXM_WALL_CLOCK_UNKNOWN;
        uint64_t start, gap;

        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        start = x >> 20;
        gap = (x * 0x2545F4914F6CDD1Dull) >> 22;
        tlsp_cortexm_wall_clock_set(&c, DATE_2024, start);
        CHECK_EQ(tlsp_cortexm_wall_clock_read(&c, start + gap), DATE_2024 + (int64_t) (gap / 1000u));
    }
}

/* ---- Date conversion -------------------------------------------------------------------- */

/* The conversion under test against the C library's, for one time_t. */
static int calendar_matches_libc(int64_t t)
{
    mbedtls_time_t tt = (mbedtls_time_t) t;
    time_t lt = (time_t) t;
    struct tm got;
    struct tm want;

    memset(&got, 0x55, sizeof(got));
    if (tlsp_test_cm_gmtime_r(&tt, &got) != &got || gmtime_r(&lt, &want) == NULL) {
        fprintf(stderr, "  t=%lld: no result\n", (long long) t);
        return 0;
    }
    if (got.tm_year != want.tm_year || got.tm_mon != want.tm_mon ||
        got.tm_mday != want.tm_mday || got.tm_hour != want.tm_hour ||
        got.tm_min != want.tm_min || got.tm_sec != want.tm_sec ||
        got.tm_wday != want.tm_wday || got.tm_yday != want.tm_yday || got.tm_isdst != 0) {
        fprintf(stderr, "  t=%lld: got %d-%02d-%02d %02d:%02d:%02d wday %d yday %d isdst %d, "
                        "libc %d-%02d-%02d %02d:%02d:%02d wday %d yday %d\n",
                (long long) t, got.tm_year + 1900, got.tm_mon + 1, got.tm_mday, got.tm_hour,
                got.tm_min, got.tm_sec, got.tm_wday, got.tm_yday, got.tm_isdst,
                want.tm_year + 1900, want.tm_mon + 1, want.tm_mday, want.tm_hour, want.tm_min,
                want.tm_sec, want.tm_wday, want.tm_yday);
        return 0;
    }
    /* and back: the calendar date names the same second */
    if ((int64_t) timegm(&got) != t) {
        fprintf(stderr, "  t=%lld: timegm() of the result is %lld\n", (long long) t,
                (long long) timegm(&got));
        return 0;
    }
    return 1;
}

/* The UTC second a calendar date names, from the C library (a reference, not the code
 * under test). */
static int64_t utc(int year, int month, int day, int hour, int min, int sec)
{
    struct tm tm;

    memset(&tm, 0, sizeof(tm));
    tm.tm_year = year - 1900;
    tm.tm_mon = month - 1;
    tm.tm_mday = day;
    tm.tm_hour = hour;
    tm.tm_min = min;
    tm.tm_sec = sec;
    return (int64_t) timegm(&tm);
}

static void check_date(int64_t t, int year, int month, int day, int hour, int min, int sec,
                       int wday, int yday)
{
    mbedtls_time_t tt = (mbedtls_time_t) t;
    struct tm got;

    REQUIRE(tlsp_test_cm_gmtime_r(&tt, &got) == &got);
    CHECK_EQ(got.tm_year + 1900, year);
    CHECK_EQ(got.tm_mon + 1, month);
    CHECK_EQ(got.tm_mday, day);
    CHECK_EQ(got.tm_hour, hour);
    CHECK_EQ(got.tm_min, min);
    CHECK_EQ(got.tm_sec, sec);
    CHECK_EQ(got.tm_wday, wday);
    CHECK_EQ(got.tm_yday, yday);
}

/* Known dates, written out (not only compared with the C library). */
static void test_calendar_known_dates(void)
{
    check_date(0, 1970, 1, 1, 0, 0, 0, 4, 0);                       /* a Thursday */
    check_date(-1, 1969, 12, 31, 23, 59, 59, 3, 364);
    check_date(951782400, 2000, 2, 29, 0, 0, 0, 2, 59);             /* 2000 is a leap year */
    check_date(978307199, 2000, 12, 31, 23, 59, 59, 0, 365);
    check_date(946684799, 1999, 12, 31, 23, 59, 59, 5, 364);
    check_date(INT32_MAX, 2038, 1, 19, 3, 14, 7, 2, 18);            /* the 32-bit time_t end */
    check_date((int64_t) INT32_MAX + 1, 2038, 1, 19, 3, 14, 8, 2, 18);
    check_date(4107542399, 2100, 2, 28, 23, 59, 59, 0, 58);         /* 2100 is not leap: */
    check_date(4107542400, 2100, 3, 1, 0, 0, 0, 1, 59);             /* March 1 follows */
    check_date(253402300799, 9999, 12, 31, 23, 59, 59, 5, 364);     /* X.509's latest date */
    check_date(-2208988800, 1900, 1, 1, 0, 0, 0, 1, 0);             /* 1900 is not leap */
    check_date(-62135596800, 1, 1, 1, 0, 0, 0, 1, 0);               /* 0001-01-01 */
}

/* Every day from 1900 to 2200, at a time of day that moves through the whole day, and
 * the first and last second of each. */
static void test_calendar_every_day_1900_to_2200(void)
{
    int64_t first = utc(1900, 1, 1, 0, 0, 0);
    int64_t last = utc(2200, 12, 31, 0, 0, 0);
    int64_t day;
    int bad = 0;

    for (day = first; day <= last && bad < 10; day += 86400) {
        int64_t into = (day / 86400 * 7919) % 86400;

        if (into < 0) {
            into += 86400;
        }
        bad += !calendar_matches_libc(day);
        bad += !calendar_matches_libc(day + into);
        bad += !calendar_matches_libc(day + 86399);
    }
    CHECK_EQ(bad, 0);
}

/* Month ends and leap days over four centuries either side of 2000, and around 2038. */
static void test_calendar_month_ends(void)
{
    int year, month;
    int bad = 0;

    for (year = 1600; year <= 2400 && bad < 10; year++) {
        for (month = 1; month <= 12; month++) {
            int64_t next = month == 12 ? utc(year + 1, 1, 1, 0, 0, 0) : utc(year, month + 1, 1, 0, 0, 0);

            bad += !calendar_matches_libc(next - 1);   /* the last second of the month */
            bad += !calendar_matches_libc(next);
        }
    }
    for (year = 2036; year <= 2040; year++) {
        bad += !calendar_matches_libc(utc(year, 1, 19, 3, 14, 7));
        bad += !calendar_matches_libc(utc(year, 1, 19, 3, 14, 8));
    }
    CHECK_EQ(bad, 0);
}

/* Pseudo-random seconds over +-35000 years, far past any certificate. */
static void test_calendar_random_far_dates(void)
{
    uint64_t x = 0xD1B54A32D192ED03ull;
    int i;
    int bad = 0;

    for (i = 0; i < 100000 && bad < 10; i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        bad += !calendar_matches_libc((int64_t) (x >> 23) - ((int64_t) 1 << 40));
    }
    CHECK_EQ(bad, 0);
}

/* Beyond +-5 million years the conversion refuses rather than overflow. */
static void test_calendar_out_of_range(void)
{
    mbedtls_time_t tt;
    struct tm got;

    tt = (mbedtls_time_t) 2000000000 * 86400;
    CHECK(tlsp_test_cm_gmtime_r(&tt, &got) == &got);
    CHECK(calendar_matches_libc((int64_t) tt + 86399));
    tt = (mbedtls_time_t) 2000000001 * 86400;
    CHECK(tlsp_test_cm_gmtime_r(&tt, &got) == NULL);
    tt = (mbedtls_time_t) -2000000000 * 86400;
    CHECK(tlsp_test_cm_gmtime_r(&tt, &got) == &got);
    CHECK(calendar_matches_libc((int64_t) tt));
    tt = (mbedtls_time_t) -2000000000 * 86400 - 1;
    CHECK(tlsp_test_cm_gmtime_r(&tt, &got) == NULL);
    tt = (mbedtls_time_t) INT64_MAX;
    CHECK(tlsp_test_cm_gmtime_r(&tt, &got) == NULL);
    tt = (mbedtls_time_t) INT64_MIN;
    CHECK(tlsp_test_cm_gmtime_r(&tt, &got) == NULL);
}

/* What mbedTLS checks certificates with: the port's date, through tlsp_mbedtls_time(), to
 * a calendar date. Unknown date: the epoch, so every certificate is "not yet valid". */
static void test_calendar_of_port_time(void)
{
    mbedtls_time_t now;

    fake_ms = 100;
    tlsp_cortexm_wall_clock_set(&fake_clock, -1, fake_ms);
    CHECK_EQ(tlsp_mbedtls_time(NULL), 0);
    tlsp_cortexm_wall_clock_set(&fake_clock, INT32_MAX, fake_ms);
    fake_ms += 2500;
    CHECK_EQ(tlsp_mbedtls_time(&now), (int64_t) INT32_MAX + 2);
    check_date((int64_t) now, 2038, 1, 19, 3, 14, 9, 2, 18);
    tlsp_cortexm_wall_clock_set(&fake_clock, -1, fake_ms);
}

/* ---- snprintf -------------------------------------------------------------------------- */

/* tlsp_mbedtls_snprintf() must print exactly what the C library prints, into every buffer
 * size from none to more than enough, return the same length, and write nothing past n. */
#define CHECK_LIKE_LIBC(...)                                                               \
    do {                                                                                   \
        char want_[160];                                                                   \
        int want_len_ = snprintf(want_, sizeof(want_), __VA_ARGS__);                       \
        size_t n_;                                                                         \
        REQUIRE(want_len_ >= 0 && (size_t) want_len_ < sizeof(want_));                     \
        for (n_ = 0; n_ <= (size_t) want_len_ + 2; n_++) {                                 \
            char got_[sizeof(want_) + 8];                                                  \
            char ref_[sizeof(want_) + 8];                                                  \
            int got_len_;                                                                  \
            memset(got_, '#', sizeof(got_));                                               \
            memset(ref_, '#', sizeof(ref_));                                               \
            got_len_ = tlsp_mbedtls_snprintf(got_, n_, __VA_ARGS__);                       \
            (void) snprintf(ref_, n_, __VA_ARGS__);                                        \
            CHECK_EQ(got_len_, want_len_);                                                 \
            if (memcmp(got_, ref_, sizeof(got_)) != 0) {                                   \
                fprintf(stderr, "%s:%d: n=%zu: got \"%.*s\", libc \"%.*s\"\n", __FILE__,   \
                        __LINE__, n_, (int) n_, got_, (int) n_, ref_);                     \
                tlsp_test_checks_failed++;                                                 \
            }                                                                              \
        }                                                                                  \
    } while (0)

/* The formats mbedTLS's name and serial formatting uses (x509.c: mbedtls_x509_dn_gets(),
 * mbedtls_x509_serial_gets(); oid.c), with the values they see. */
static void test_snprintf_mbedtls_formats(void)
{
    CHECK_LIKE_LIBC("%s=", "CN");
    CHECK_LIKE_LIBC("%s", "tlspair test server");
    CHECK_LIKE_LIBC("%s", "");
    CHECK_LIKE_LIBC(", ");
    CHECK_LIKE_LIBC(" + ");
    CHECK_LIKE_LIBC("=");
    CHECK_LIKE_LIBC("\?\?=");
    CHECK_LIKE_LIBC("%02X%s", 0x0Au, ":");
    CHECK_LIKE_LIBC("%02X%s", 0xFFu, "");
    CHECK_LIKE_LIBC("....");
    CHECK_LIKE_LIBC("%u.%u", 1u, 2u);
    CHECK_LIKE_LIBC(".%u", 840113549u);
    CHECK_LIKE_LIBC("%u.%u.%u.%u", 192u, 168u, 0u, 255u);
    CHECK_LIKE_LIBC("%c", 'x');
    CHECK_LIKE_LIBC("%s%c%s", "a", '\\', "b");
}

static void test_snprintf_widths_and_values(void)
{
    CHECK_LIKE_LIBC("%u", 0u);
    CHECK_LIKE_LIBC("%u", UINT_MAX);
    CHECK_LIKE_LIBC("%X", UINT_MAX);
    CHECK_LIKE_LIBC("%X", 0u);
    CHECK_LIKE_LIBC("%08X", 0xBEEFu);
    CHECK_LIKE_LIBC("%5u|%5X", 42u, 0xABu);
    CHECK_LIKE_LIBC("%05u", 123456u);   /* wider than the width: no padding, no cut */
    CHECK_LIKE_LIBC("%020u", UINT_MAX);
    CHECK_LIKE_LIBC("100%% of %s", "it");
    CHECK_LIKE_LIBC("%%");
    CHECK_LIKE_LIBC("plain text, no conversion");
}

/* No buffer at all: only the length, as C's snprintf(NULL, 0, ...). */
static void test_snprintf_length_only(void)
{
    CHECK_EQ(tlsp_mbedtls_snprintf(NULL, 0, "%s=%02X", "OU", 7u), 5);
}

/* A conversion it does not know: -1 and a terminated buffer, never a wrong string. */
static void test_snprintf_refuses_unknown_conversions(void)
{
    char buf[32];

    memset(buf, '#', sizeof(buf));
    CHECK_EQ(tlsp_mbedtls_snprintf(buf, sizeof(buf), "a%d", 5), -1);
    CHECK(memchr(buf, '\0', sizeof(buf)) != NULL);
    CHECK_EQ(tlsp_mbedtls_snprintf(buf, sizeof(buf), "%x", 5u), -1);
    CHECK_EQ(tlsp_mbedtls_snprintf(buf, sizeof(buf), "%lu", 5ul), -1);
    CHECK_EQ(tlsp_mbedtls_snprintf(buf, sizeof(buf), "%-5s", "a"), -1);
    CHECK_EQ(tlsp_mbedtls_snprintf(buf, sizeof(buf), "%p", (void *) buf), -1);
    CHECK_EQ(tlsp_mbedtls_snprintf(buf, sizeof(buf), "trailing %"), -1);
    CHECK_EQ(tlsp_mbedtls_snprintf(buf, sizeof(buf), "%s then %d", "ok", 1), -1);
}

/* ---- TRNG entropy ---------------------------------------------------------------------- */

static int board_result;
static unsigned board_calls;

int tlsp_board_entropy(uint8_t *buf, size_t len)
{
    size_t i;

    board_calls++;
    if (board_result != 0) {
        return board_result;
    }
    for (i = 0; i < len; i++) {
        buf[i] = (uint8_t) (0xA5u ^ (i * 29u) ^ board_calls);
    }
    return 0;
}

static void test_trng_entropy_reaches_mbedtls(void)
{
    unsigned char out[48];
    unsigned char zero[sizeof(out)];
    size_t olen = 0;

    board_result = 0;
    memset(out, 0, sizeof(out));
    memset(zero, 0, sizeof(zero));
    CHECK_EQ(tlsp_port_entropy(out, sizeof(out)), 0);
    CHECK(memcmp(out, zero, sizeof(out)) != 0);
    memset(out, 0, sizeof(out));
    CHECK_EQ(mbedtls_hardware_poll(NULL, out, sizeof(out), &olen), 0);
    CHECK_EQ(olen, sizeof(out));
    CHECK(memcmp(out, zero, sizeof(out)) != 0);
}

/* Any nonzero result from the board is a failure, reported up through mbedTLS: there is
 * no fallback to weaker randomness. */
static void test_trng_failure_is_reported(void)
{
    static const int failures[] = { 1, -1, -5, 42 };
    size_t i;

    for (i = 0; i < sizeof(failures) / sizeof(failures[0]); i++) {
        mbedtls_entropy_context ctx;
        unsigned char out[32];
        size_t olen = 99;

        board_result = failures[i];
        CHECK_EQ(tlsp_port_entropy(out, sizeof(out)), -1);
        CHECK_EQ(mbedtls_hardware_poll(NULL, out, sizeof(out), &olen), MBEDTLS_ERR_ENTROPY_SOURCE_FAILED);
        CHECK_EQ(olen, 0);
        /* and through mbedTLS's entropy module, whose only source this is */
        mbedtls_entropy_init(&ctx);
        CHECK_EQ(mbedtls_entropy_func(&ctx, out, sizeof(out)), MBEDTLS_ERR_ENTROPY_SOURCE_FAILED);
        mbedtls_entropy_free(&ctx);
    }
    board_result = 0;
    {
        mbedtls_entropy_context ctx;
        unsigned char out[32];

        mbedtls_entropy_init(&ctx);
        CHECK_EQ(mbedtls_entropy_func(&ctx, out, sizeof(out)), 0);
        mbedtls_entropy_free(&ctx);
    }
}

int main(void)
{
    RUN_TEST(test_wall_clock_unknown_until_set_and_after_forget);
    RUN_TEST(test_wall_clock_counts_whole_seconds);
    RUN_TEST(test_wall_clock_long_gaps);
    RUN_TEST(test_wall_clock_random_gaps);
    RUN_TEST(test_calendar_known_dates);
    RUN_TEST(test_calendar_every_day_1900_to_2200);
    RUN_TEST(test_calendar_month_ends);
    RUN_TEST(test_calendar_random_far_dates);
    RUN_TEST(test_calendar_out_of_range);
    RUN_TEST(test_calendar_of_port_time);
    RUN_TEST(test_snprintf_mbedtls_formats);
    RUN_TEST(test_snprintf_widths_and_values);
    RUN_TEST(test_snprintf_length_only);
    RUN_TEST(test_snprintf_refuses_unknown_conversions);
    RUN_TEST(test_trng_entropy_reaches_mbedtls);
    RUN_TEST(test_trng_failure_is_reported);
    return tlsp_test_finish("port_cortexm");
}
