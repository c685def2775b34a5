/* The Cortex-M port's NV-seed entropy (TLSP_ENTROPY_NV_SEED, for parts without a TRNG):
 * port/cortex-m/tlsp_port_cortexm_entropy.c between mbedTLS's own entropy module
 * (entropy.c and entropy_poll.c, compiled here with MBEDTLS_ENTROPY_NV_SEED as in the
 * Cortex-M profiles) and a fake board whose "flash" holds the seed.
 *
 * Checked: the seed is read, and replaced in flash before any entropy is handed out; the
 * next boot starts from the replaced seed; what comes out depends on the seed; a board
 * hook that fails, whatever it returns, makes entropy fail instead of running on a zero
 * or stale seed; the adapters keep mbedTLS's convention (length, or -1). */
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mbedtls/entropy.h"
#include "mbedtls/platform_time.h"
#include "tlsp_port_cortexm.h"
#include "tlsp_test.h"

#define SEED_LEN 32   /* MBEDTLS_ENTROPY_BLOCK_SIZE with SHA-256, as tlsp_port_cortexm.h says */

/* What the host's mbedTLS library takes from tlspair's platform glue (the host config:
 * its allocator and millisecond clock), which the entropy module's hashing links in.
 * The core's own glue would bring the test port's entropy, which this build replaces. */
mbedtls_ms_time_t mbedtls_ms_time(void)
{
    return 0;
}

void *tlsp_mbedtls_calloc(size_t count, size_t size)
{
    return calloc(count, size);
}

void tlsp_mbedtls_free(void *ptr)
{
    free(ptr);
}

/* ---- A fake board: the seed in "flash", and what the hooks were asked ------------------- */

static uint8_t flash_seed[SEED_LEN];
static int read_result;       /* what the hooks return: 0 works, anything else fails */
static int write_result;
static unsigned read_calls;
static unsigned write_calls;
static size_t bad_lengths;    /* calls with a length other than SEED_LEN */

int tlsp_board_nv_seed_read(uint8_t *buf, size_t len)
{
    read_calls++;
    if (len != SEED_LEN) {
        bad_lengths++;
        return -1;
    }
    if (read_result != 0) {
        return read_result;
    }
    memcpy(buf, flash_seed, len);
    return 0;
}

int tlsp_board_nv_seed_write(const uint8_t *buf, size_t len)
{
    write_calls++;
    if (len != SEED_LEN) {
        bad_lengths++;
        return -1;
    }
    if (write_result != 0) {
        return write_result;
    }
    memcpy(flash_seed, buf, len);
    return 0;
}

/* A device provisioned with a seed made from one byte value, hooks working. */
static void provision(uint8_t fill)
{
    size_t i;

    for (i = 0; i < SEED_LEN; i++) {
        flash_seed[i] = (uint8_t) (fill + i * 7u);
    }
    read_result = 0;
    write_result = 0;
    read_calls = 0;
    write_calls = 0;
    bad_lengths = 0;
}

/* One boot: a fresh entropy context (as psa_crypto_init() makes one) asked for 32 bytes,
 * as the DRBG's seeding asks. Returns mbedtls_entropy_func()'s result. */
static int boot_and_draw(unsigned char out[32])
{
    mbedtls_entropy_context ctx;
    int ret;

    mbedtls_entropy_init(&ctx);
    ret = mbedtls_entropy_func(&ctx, out, 32);
    mbedtls_entropy_free(&ctx);
    return ret;
}

static int all_equal(const unsigned char *buf, size_t len, unsigned char value)
{
    size_t i;

    for (i = 0; i < len; i++) {
        if (buf[i] != value) {
            return 0;
        }
    }
    return 1;
}

/* ---- Tests ----------------------------------------------------------------------------- */

static void test_seed_is_read_and_replaced_before_use(void)
{
    uint8_t before[SEED_LEN];
    unsigned char out[32];

    provision(0x11);
    memcpy(before, flash_seed, SEED_LEN);
    REQUIRE_EQ(MBEDTLS_ENTROPY_BLOCK_SIZE, SEED_LEN);
    CHECK_EQ(boot_and_draw(out), 0);
    CHECK(read_calls >= 1);
    CHECK_EQ(write_calls, 1);
    CHECK_EQ(bad_lengths, 0);
    CHECK(memcmp(flash_seed, before, SEED_LEN) != 0);   /* a new seed is stored */
    CHECK(memcmp(out, before, SEED_LEN) != 0);          /* output is not the seed ... */
    CHECK(memcmp(out, flash_seed, SEED_LEN) != 0);      /* ... nor the next seed */
    CHECK(!all_equal(out, sizeof(out), 0));
}

/* Every boot starts from the seed the last one stored: no output repeats. */
static void test_next_boot_uses_the_new_seed(void)
{
    unsigned char first[32];
    unsigned char second[32];
    uint8_t after_first[SEED_LEN];

    provision(0x22);
    REQUIRE_EQ(boot_and_draw(first), 0);
    memcpy(after_first, flash_seed, SEED_LEN);
    REQUIRE_EQ(boot_and_draw(second), 0);
    CHECK(memcmp(first, second, sizeof(first)) != 0);
    CHECK(memcmp(flash_seed, after_first, SEED_LEN) != 0);
    CHECK_EQ(write_calls, 2);
}

/* The seed is the source: the same seed gives the same output, another seed another. */
static void test_output_comes_from_the_seed(void)
{
    unsigned char a1[32];
    unsigned char a2[32];
    unsigned char b[32];

    provision(0x33);
    REQUIRE_EQ(boot_and_draw(a1), 0);
    provision(0x33);
    REQUIRE_EQ(boot_and_draw(a2), 0);
    provision(0x34);
    REQUIRE_EQ(boot_and_draw(b), 0);
    CHECK(memcmp(a1, a2, sizeof(a1)) == 0);
    CHECK(memcmp(a1, b, sizeof(a1)) != 0);
}

/* A seed that cannot be read: entropy fails, nothing comes out, nothing is written. Any
 * nonzero result from the board counts, the positive ones too. */
static void test_read_failure_fails_entropy(void)
{
    static const int failures[] = { -1, 1, -7, 1000 };
    size_t i;

    for (i = 0; i < sizeof(failures) / sizeof(failures[0]); i++) {
        unsigned char out[32];
        uint8_t before[SEED_LEN];

        provision(0x44);
        memcpy(before, flash_seed, SEED_LEN);
        read_result = failures[i];
        memset(out, 0xEE, sizeof(out));
        CHECK_EQ(boot_and_draw(out), MBEDTLS_ERR_ENTROPY_SOURCE_FAILED);
        CHECK(all_equal(out, sizeof(out), 0xEE));
        CHECK_EQ(write_calls, 0);
        CHECK(memcmp(flash_seed, before, SEED_LEN) == 0);
    }
}

/* A new seed that cannot be stored: entropy fails rather than hand out output that the
 * next boot would repeat from the old seed. A later boot that can write works. */
static void test_write_failure_fails_entropy(void)
{
    static const int failures[] = { -1, 2 };
    size_t i;

    for (i = 0; i < sizeof(failures) / sizeof(failures[0]); i++) {
        unsigned char out[32];
        uint8_t before[SEED_LEN];

        provision(0x55);
        memcpy(before, flash_seed, SEED_LEN);
        write_result = failures[i];
        memset(out, 0xEE, sizeof(out));
        CHECK_EQ(boot_and_draw(out), MBEDTLS_ERR_ENTROPY_FILE_IO_ERROR);
        CHECK(all_equal(out, sizeof(out), 0xEE));
        CHECK_EQ(write_calls, 1);
        CHECK(memcmp(flash_seed, before, SEED_LEN) == 0);

        write_result = 0;
        CHECK_EQ(boot_and_draw(out), 0);
        CHECK(memcmp(flash_seed, before, SEED_LEN) != 0);
    }
}

/* The adapters themselves: mbedTLS's convention is the length on success, -1 on failure. */
static void test_adapters_keep_mbedtls_convention(void)
{
    unsigned char buf[SEED_LEN];

    provision(0x66);
    CHECK_EQ(tlsp_mbedtls_nv_seed_read(buf, SEED_LEN), SEED_LEN);
    CHECK(memcmp(buf, flash_seed, SEED_LEN) == 0);
    buf[0] ^= 0xFFu;
    CHECK_EQ(tlsp_mbedtls_nv_seed_write(buf, SEED_LEN), SEED_LEN);
    CHECK(memcmp(buf, flash_seed, SEED_LEN) == 0);
    read_result = 3;
    write_result = 3;
    CHECK_EQ(tlsp_mbedtls_nv_seed_read(buf, SEED_LEN), -1);
    CHECK_EQ(tlsp_mbedtls_nv_seed_write(buf, SEED_LEN), -1);
    /* A length an int cannot return is refused without asking the board. */
    provision(0x66);
    CHECK_EQ(tlsp_mbedtls_nv_seed_read(buf, (size_t) INT_MAX + 1u), -1);
    CHECK_EQ(tlsp_mbedtls_nv_seed_write(buf, (size_t) INT_MAX + 1u), -1);
    CHECK_EQ(read_calls, 0);
    CHECK_EQ(write_calls, 0);
}

/* NV-seed builds have no other source: the port's entropy call fails, untouched buffer. */
static void test_port_entropy_is_unavailable(void)
{
    uint8_t buf[16];

    memset(buf, 0xEE, sizeof(buf));
    CHECK_EQ(tlsp_port_entropy(buf, sizeof(buf)), -1);
    CHECK(all_equal(buf, sizeof(buf), 0xEE));
}

int main(void)
{
    RUN_TEST(test_seed_is_read_and_replaced_before_use);
    RUN_TEST(test_next_boot_uses_the_new_seed);
    RUN_TEST(test_output_comes_from_the_seed);
    RUN_TEST(test_read_failure_fails_entropy);
    RUN_TEST(test_write_failure_fails_entropy);
    RUN_TEST(test_adapters_keep_mbedtls_convention);
    RUN_TEST(test_port_entropy_is_unavailable);
    return tlsp_test_finish("port_cortexm_nv_seed");
}
