/*
 * Test port: reproducible "entropy" and a hand-driven clock. Never link this into a
 * product: see tlsp_port_test.h.
 */
#include "tlsp_port_test.h"

#include <stddef.h>

#define TEST_START_MILLIS   1000u
#define TEST_START_WALLTIME 1767225600 /* 2026-01-01T00:00:00Z */

static uint64_t rng_state = 1;
static int entropy_fails;
static uint64_t now_millis = TEST_START_MILLIS;
static int64_t wall_seconds = TEST_START_WALLTIME;

/* splitmix64: tiny, well-mixed and fully determined by the seed, which is all a test
 * needs from it. */
static uint64_t next_random(void)
{
    uint64_t z = (rng_state += 0x9E3779B97F4A7C15ull);

    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

void tlsp_port_test_seed(uint64_t seed)
{
    rng_state = seed;
}

void tlsp_port_test_fail_entropy(int fail)
{
    entropy_fails = fail;
}

void tlsp_port_test_set_millis(uint64_t ms)
{
    if (ms >= now_millis) {
        now_millis = ms;
    }
}

void tlsp_port_test_advance_millis(uint64_t ms)
{
    now_millis += ms;
}

void tlsp_port_test_set_wall_time(int64_t seconds)
{
    wall_seconds = seconds;
}

int tlsp_port_entropy(uint8_t *buf, size_t len)
{
    size_t i;

    if (entropy_fails) {
        return -1;
    }
    for (i = 0; i < len; i += 8) {
        uint64_t r = next_random();
        size_t k;
        for (k = 0; k < 8 && i + k < len; k++) {
            buf[i + k] = (uint8_t) (r >> (8 * k));
        }
    }
    return 0;
}

uint64_t tlsp_port_millis(void)
{
    return now_millis;
}

int64_t tlsp_port_wall_time(void)
{
    return wall_seconds;
}
