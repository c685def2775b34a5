/*
 * Fuzz target: the link layer's framing primitives directly. COBS decoding of arbitrary
 * bytes (in place and not), COBS round trips, and CRC-32 continuation.
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz_engine.h"
#include "fuzz_target.h"
#include "tlspair/tlsp_link.h"

/* Encode, check the encoding, decode it back. */
static void round_trip(const uint8_t *data, size_t size)
{
    size_t max = TLSP_LINK_COBS_MAX(size);
    uint8_t *enc = malloc(max);
    uint8_t *dec = malloc(max);
    size_t n;
    long d;

    FZ_ASSERT(enc != NULL && dec != NULL);
    n = tlsp_link_cobs_encode(data, size, enc);
    FZ_ASSERT(n >= 1 && n <= max);
    FZ_ASSERT(memchr(enc, 0, n) == NULL);            /* 0x00 only ever delimits */
    d = tlsp_link_cobs_decode(enc, n, dec);
    FZ_ASSERT(d >= 0 && (size_t) d == size);
    FZ_ASSERT(size == 0 || memcmp(dec, data, size) == 0);
    free(enc);
    free(dec);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    uint8_t *in_place = malloc(size > 0 ? size : 1u);
    uint8_t *out = malloc(size > 0 ? size : 1u);
    long a, b;
    size_t cut;

    FZ_ASSERT(in_place != NULL && out != NULL);
    if (size > 0) {
        memcpy(in_place, data, size);
    }
    /* Arbitrary line bytes: decode into a buffer exactly as large as the input (the
     * documented minimum), and in place; both must agree. */
    a = tlsp_link_cobs_decode(data, size, out);
    b = tlsp_link_cobs_decode(in_place, size, in_place);
    FZ_ASSERT(a == b);
    FZ_ASSERT(a >= -1 && a <= (long) size);
    if (a >= 0) {
        FZ_ASSERT(a == 0 || memcmp(out, in_place, (size_t) a) == 0);
        FZ_ASSERT(memchr(data, 0, size) == NULL);    /* a 0x00 inside never decodes */
        round_trip(out, (size_t) a);
    }
    round_trip(data, size);
    /* CRC over two parts continues to the CRC over the whole. */
    cut = size > 0 ? data[0] % (size + 1) : 0;
    FZ_ASSERT(tlsp_link_crc32(tlsp_link_crc32(0, data, cut), data + cut, size - cut) ==
              tlsp_link_crc32(0, data, size));
    free(in_place);
    free(out);
    return 0;
}
