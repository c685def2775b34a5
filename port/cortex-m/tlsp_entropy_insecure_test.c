/*
 * !!! TEST ONLY. NOT RANDOM. NEVER LINK INTO A REAL DEVICE. !!!
 *
 * A tlsp_board_entropy() for emulated boards without a TRNG (QEMU's MPS2 boards), so that
 * firmware can run TLS in tests at all. Its output is a splitmix64 stream seeded from a
 * build-time constant and the SysTick counter: anyone with the firmware image can predict
 * it, and with it every key, nonce and secret the TLS stack derives. A device running it
 * has no security whatsoever.
 *
 * It compiles only when the build defines TLSP_INSECURE_TEST_ENTROPY, which CMake does for
 * the target tlspair_port_cortexm_insecure_entropy, built only with the option
 * -DTLSP_INSECURE_TEST_ENTROPY=ON (with a loud warning).
 */
#if !defined(TLSP_INSECURE_TEST_ENTROPY)
#error "tlsp_entropy_insecure_test.c is a PREDICTABLE test-only entropy source. Give the board a real tlsp_board_entropy() (a TRNG) or use TLSP_ENTROPY_NV_SEED; for emulator tests only, configure with -DTLSP_INSECURE_TEST_ENTROPY=ON."
#endif

#include <stddef.h>
#include <stdint.h>

#include "tlsp_port_cortexm.h"

/* A different constant per build can be given with -DTLSP_INSECURE_TEST_ENTROPY_SEED=...;
 * it changes nothing about the (absent) security. */
#if !defined(TLSP_INSECURE_TEST_ENTROPY_SEED)
#define TLSP_INSECURE_TEST_ENTROPY_SEED 0x746C737061697221ull   /* "tlspair!" */
#endif

#define SYST_CVR (*(volatile uint32_t *) 0xE000E018u)

static uint64_t state;
static int seeded;

/* splitmix64 (Steele, Lea, Flood 2014): a well-mixed stream, not a cryptographic one. */
static uint64_t splitmix64_next(void)
{
    uint64_t z = (state += 0x9E3779B97F4A7C15ull);

    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

int tlsp_board_entropy(uint8_t *buf, size_t len)
{
    size_t i;

    if (!seeded) {
        state = (uint64_t) TLSP_INSECURE_TEST_ENTROPY_SEED;
        seeded = 1;
    }
    /* Fold in the SysTick phase and the millisecond count at each call, so that two
     * emulated boards, or two runs under a varying clock, drift apart. */
    state ^= ((uint64_t) SYST_CVR << 32) ^ tlsp_port_millis();
    for (i = 0; i < len; i += 8) {
        uint64_t r = splitmix64_next();
        size_t n = len - i < 8 ? len - i : 8;
        size_t k;

        /* cppcheck-suppress knownConditionTrueFalse ; cppcheck 2.10 false positive: n > 0 */
        for (k = 0; k < n; k++) {
            buf[i + k] = (uint8_t) (r >> (8 * k));
        }
    }
    return 0;
}
