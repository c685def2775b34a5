/*
 * The link layer's framing: CRC-32 against published check values, COBS against the
 * reference examples and round trips of every byte pattern, and the link's own
 * incremental decoder resynchronising after garbage on a byte pipe the test controls.
 */
#include <stdlib.h>

#include "tlsp_test.h"
#include "tlsp_port_test.h"
#include "tlspair/tlsp_link.h"
#include "tlspair/tlsp_queue.h"

static void test_crc32_vectors(void)
{
    static const uint8_t zeros[32] = { 0 };
    const char *fox = "The quick brown fox jumps over the lazy dog";

    CHECK_EQ(tlsp_link_crc32(0, (const uint8_t *) "123456789", 9), 0xcbf43926u);
    CHECK_EQ(tlsp_link_crc32(0, (const uint8_t *) "", 0), 0u);
    CHECK_EQ(tlsp_link_crc32(0, (const uint8_t *) "a", 1), 0xe8b7be43u);
    CHECK_EQ(tlsp_link_crc32(0, (const uint8_t *) "abc", 3), 0x352441c2u);
    CHECK_EQ(tlsp_link_crc32(0, (const uint8_t *) fox, strlen(fox)), 0x414fa339u);
    CHECK_EQ(tlsp_link_crc32(0, zeros, sizeof(zeros)), 0x190a55adu);
    /* Continuing over pieces gives the one-shot value. */
    CHECK_EQ(tlsp_link_crc32(tlsp_link_crc32(0, (const uint8_t *) "1234", 4),
                             (const uint8_t *) "56789", 5), 0xcbf43926u);
}

static void test_crc32_detects_every_single_and_double_bit_error(void)
{
    uint8_t msg[64];
    uint32_t good;
    size_t i, j;

    for (i = 0; i < sizeof(msg); i++) {
        msg[i] = (uint8_t) (i * 37u + 5u);
    }
    good = tlsp_link_crc32(0, msg, sizeof(msg));
    for (i = 0; i < sizeof(msg) * 8; i++) {
        msg[i / 8] ^= (uint8_t) (1u << (i % 8));
        CHECK(tlsp_link_crc32(0, msg, sizeof(msg)) != good);
        for (j = i + 1; j < sizeof(msg) * 8; j += 7) {
            msg[j / 8] ^= (uint8_t) (1u << (j % 8));
            if (tlsp_link_crc32(0, msg, sizeof(msg)) == good) {
                CHECK(!"double-bit error undetected");
            }
            msg[j / 8] ^= (uint8_t) (1u << (j % 8));
        }
        msg[i / 8] ^= (uint8_t) (1u << (i % 8));
    }
}

static void check_cobs(const uint8_t *in, size_t len, const uint8_t *want, size_t want_len)
{
    uint8_t out[600], back[600];
    size_t n = tlsp_link_cobs_encode(in, len, out);

    CHECK_EQ(n, want_len);
    CHECK(n == want_len && memcmp(out, want, n) == 0);
    CHECK_EQ(tlsp_link_cobs_decode(out, n, back), (long) len);
    CHECK(memcmp(back, in, len) == 0);
}

static void test_cobs_reference_examples(void)
{
    uint8_t in[300], want[300];
    size_t i;

    check_cobs((const uint8_t[]) { 0x00 }, 1, (const uint8_t[]) { 0x01, 0x01 }, 2);
    check_cobs((const uint8_t[]) { 0x00, 0x00 }, 2, (const uint8_t[]) { 0x01, 0x01, 0x01 }, 3);
    check_cobs((const uint8_t[]) { 0x00, 0x11, 0x00 }, 3,
               (const uint8_t[]) { 0x01, 0x02, 0x11, 0x01 }, 4);
    check_cobs((const uint8_t[]) { 0x11, 0x22, 0x00, 0x33 }, 4,
               (const uint8_t[]) { 0x03, 0x11, 0x22, 0x02, 0x33 }, 5);
    check_cobs((const uint8_t[]) { 0x11, 0x22, 0x33, 0x44 }, 4,
               (const uint8_t[]) { 0x05, 0x11, 0x22, 0x33, 0x44 }, 5);
    check_cobs((const uint8_t[]) { 0x11, 0x00, 0x00, 0x00 }, 4,
               (const uint8_t[]) { 0x02, 0x11, 0x01, 0x01, 0x01 }, 5);
    /* 01..FE: one full block, no trailing code byte. */
    for (i = 0; i < 254; i++) {
        in[i] = (uint8_t) (i + 1);
        want[i + 1] = (uint8_t) (i + 1);
    }
    want[0] = 0xff;
    check_cobs(in, 254, want, 255);
    /* 00 01..FE */
    in[0] = 0;
    for (i = 0; i < 254; i++) {
        in[i + 1] = (uint8_t) (i + 1);
    }
    want[0] = 0x01;
    want[1] = 0xff;
    for (i = 0; i < 254; i++) {
        want[i + 2] = (uint8_t) (i + 1);
    }
    check_cobs(in, 255, want, 256);
    /* 01..FF: a full block, then a block holding FF. */
    for (i = 0; i < 255; i++) {
        in[i] = (uint8_t) (i + 1);
    }
    want[0] = 0xff;
    for (i = 0; i < 254; i++) {
        want[i + 1] = (uint8_t) (i + 1);
    }
    want[255] = 0x02;
    want[256] = 0xff;
    check_cobs(in, 255, want, 257);
    CHECK_EQ(tlsp_link_cobs_encode(in, 0, want), 1u);
    CHECK_EQ(want[0], 0x01);
}

static int round_trip(const uint8_t *in, size_t len)
{
    static uint8_t out[TLSP_LINK_COBS_MAX(5000)], back[5000];
    size_t n = tlsp_link_cobs_encode(in, len, out);
    size_t i;

    if (n > TLSP_LINK_COBS_MAX(len)) {
        return 0;
    }
    for (i = 0; i < n; i++) {
        if (out[i] == 0) {
            return 0;
        }
    }
    return tlsp_link_cobs_decode(out, n, back) == (long) len && memcmp(back, in, len) == 0;
}

static void test_cobs_round_trips_every_pattern(void)
{
    static uint8_t buf[5000];
    unsigned a, b, bad = 0;
    uint32_t seed;
    size_t len, i;

    for (a = 0; a < 256; a++) {
        buf[0] = (uint8_t) a;
        bad += !round_trip(buf, 1);
        for (b = 0; b < 256; b++) {
            buf[1] = (uint8_t) b;
            bad += !round_trip(buf, 2);
        }
    }
    /* Every length up to past four blocks: all zeros, no zeros, random, sparse zeros. */
    seed = 7u;
    for (len = 0; len <= 1100; len++) {
        memset(buf, 0, len);
        bad += !round_trip(buf, len);
        memset(buf, 0xa5, len);
        bad += !round_trip(buf, len);
        for (i = 0; i < len; i++) {
            seed = seed * 1103515245u + 12345u;   /* fixed test data, not randomness */
            buf[i] = (uint8_t) (seed >> 16);
        }
        bad += !round_trip(buf, len);
        for (i = 0; i < len; i++) {
            buf[i] = (i % 254u == 253u) ? 0 : (uint8_t) (i | 1u);
        }
        bad += !round_trip(buf, len);
    }
    bad += !round_trip(buf, 5000);
    CHECK_EQ(bad, 0);
}

static void test_cobs_decode_rejects_malformed(void)
{
    uint8_t out[8];

    CHECK_EQ(tlsp_link_cobs_decode((const uint8_t[]) { 0x03, 0x11 }, 2, out), -1);       /* short block */
    CHECK_EQ(tlsp_link_cobs_decode((const uint8_t[]) { 0x03, 0x11, 0x00 }, 3, out), -1); /* a zero */
    CHECK_EQ(tlsp_link_cobs_decode((const uint8_t[]) { 0x00 }, 1, out), -1);
}

/* ---- the link's decoder on a pipe the test writes garbage into ---------------------- */

typedef struct pipe_end {
    tlsp_queue *out, *in;
} pipe_end;

static int pipe_send(void *ctx, const uint8_t *buf, size_t len)
{
    pipe_end *p = ctx;
    size_t n = tlsp_queue_write(p->out, buf, len);
    return n == 0 ? TLSP_WANT_WRITE : (int) n;
}

static int pipe_recv(void *ctx, uint8_t *buf, size_t len)
{
    pipe_end *p = ctx;
    size_t n = tlsp_queue_read(p->in, buf, len);
    return n == 0 ? TLSP_WANT_READ : (int) n;
}

static void test_link_resyncs_after_garbage(void)
{
    static uint8_t qa[8192], qb[8192];
    static uint8_t mem_a[TLSP_LINK_MEMORY_SIZE(64, 4, 4)], mem_b[TLSP_LINK_MEMORY_SIZE(64, 4, 4)];
    static const uint8_t garbage[] = { 0x00, 0x17, 0x00, 0x00, 0x42, 0x99, 0xff, 0x03, 0x01, 0x02,
                                       0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b, 0x00 };
    tlsp_queue a_to_b, b_to_a;
    pipe_end ea = { &a_to_b, &b_to_a }, eb = { &b_to_a, &a_to_b };
    tlsp_transport la = { pipe_send, pipe_recv, NULL, &ea }, lb = { pipe_send, pipe_recv, NULL, &eb };
    tlsp_link a, b;
    tlsp_transport ua, ub;
    tlsp_link_config cfg;
    uint8_t got[200];
    size_t have = 0;
    int round;

    REQUIRE_EQ(tlsp_queue_init(&a_to_b, qa, sizeof(qa)), 0);
    REQUIRE_EQ(tlsp_queue_init(&b_to_a, qb, sizeof(qb)), 0);
    tlsp_link_config_init(&cfg, 115200);
    cfg.frame_payload = 64;
    cfg.tx_window = cfg.rx_window = 4;
    REQUIRE_EQ(tlsp_link_init(&a, &cfg, &la, mem_a, sizeof(mem_a)), 0);
    REQUIRE_EQ(tlsp_link_init(&b, &cfg, &lb, mem_b, sizeof(mem_b)), 0);
    tlsp_link_transport(&a, &ua);
    tlsp_link_transport(&b, &ub);

    /* Garbage before the first frame, then between each frame and the next. */
    tlsp_queue_write(&a_to_b, garbage, sizeof(garbage));
    for (round = 0; round < 200 && have < 100; round++) {
        int n;
        if (round < 10) {
            CHECK_EQ(ua.send(ua.ctx, (const uint8_t *) "0123456789", 10), 10);
        }
        n = ub.recv(ub.ctx, got + have, sizeof(got) - have);
        if (n > 0) {
            have += (size_t) n;
        }
        (void) tlsp_link_poll(&a);
        /* A frame ends at its delimiter: garbage after it (ending in 0x00) is one bad
         * frame of its own, and the next frame starts clean. */
        if (tlsp_queue_used(&a_to_b) == 0 && round % 3 == 0) {
            tlsp_queue_write(&a_to_b, garbage + 4, 10);
            tlsp_queue_write(&a_to_b, (const uint8_t[]) { 0 }, 1);
        }
        tlsp_port_test_advance_millis(50);
    }
    REQUIRE_EQ(have, 100);
    CHECK(memcmp(got, "0123456789012345678901234567890123456789", 40) == 0);
    CHECK(tlsp_link_get_stats(&b)->garbage_bytes > 0);
    CHECK(tlsp_link_get_stats(&b)->crc_errors + tlsp_link_get_stats(&b)->bad_frames > 0);
    CHECK_EQ(tlsp_link_error(&a), 0);
    CHECK_EQ(tlsp_link_error(&b), 0);
}

/* Every single-byte corruption of a frame on the wire is caught; none is delivered. */
static void test_link_rejects_every_corrupted_byte(void)
{
    static uint8_t qa[1024], qb[1024];
    static uint8_t mem_a[TLSP_LINK_MEMORY_SIZE(32, 1, 1)], mem_b[TLSP_LINK_MEMORY_SIZE(32, 1, 1)];
    tlsp_link_config cfg;
    uint8_t wire[256];
    size_t wire_len, pos;
    unsigned delivered_wrong = 0, flips = 0;

    tlsp_link_config_init(&cfg, 115200);
    cfg.frame_payload = 32;
    cfg.tx_window = cfg.rx_window = 1;
    {
        /* Capture one data frame as the line sees it. */
        tlsp_queue a_to_b, b_to_a;
        pipe_end ea = { &a_to_b, &b_to_a };
        tlsp_transport la = { pipe_send, pipe_recv, NULL, &ea }, ua;
        tlsp_link a;
        tlsp_queue_init(&a_to_b, qa, sizeof(qa));
        tlsp_queue_init(&b_to_a, qb, sizeof(qb));
        REQUIRE_EQ(tlsp_link_init(&a, &cfg, &la, mem_a, sizeof(mem_a)), 0);
        tlsp_link_transport(&a, &ua);
        REQUIRE_EQ(ua.send(ua.ctx, (const uint8_t *) "attack at dawn, not at dusk!", 28), 28);
        wire_len = tlsp_queue_read(&a_to_b, wire, sizeof(wire));
        REQUIRE(wire_len > 28);
    }
    for (pos = 0; pos < wire_len; pos++) {
        unsigned bit;
        for (bit = 0; bit < 8; bit++) {
            tlsp_queue a_to_b, b_to_a;
            pipe_end eb = { &b_to_a, &a_to_b };
            tlsp_transport lb = { pipe_send, pipe_recv, NULL, &eb }, ub;
            tlsp_link b;
            uint8_t got[64];
            int n;
            tlsp_queue_init(&a_to_b, qa, sizeof(qa));
            tlsp_queue_init(&b_to_a, qb, sizeof(qb));
            REQUIRE_EQ(tlsp_link_init(&b, &cfg, &lb, mem_b, sizeof(mem_b)), 0);
            tlsp_link_transport(&b, &ub);
            wire[pos] ^= (uint8_t) (1u << bit);
            tlsp_queue_write(&a_to_b, wire, wire_len);
            wire[pos] ^= (uint8_t) (1u << bit);
            n = ub.recv(ub.ctx, got, sizeof(got));
            flips++;
            if (n != TLSP_WANT_READ) {
                delivered_wrong++;
            }
        }
    }
    CHECK_EQ(delivered_wrong, 0);
    CHECK_EQ(flips, wire_len * 8);
}

int main(void)
{
    RUN_TEST(test_crc32_vectors);
    RUN_TEST(test_crc32_detects_every_single_and_double_bit_error);
    RUN_TEST(test_cobs_reference_examples);
    RUN_TEST(test_cobs_round_trips_every_pattern);
    RUN_TEST(test_cobs_decode_rejects_malformed);
    RUN_TEST(test_link_resyncs_after_garbage);
    RUN_TEST(test_link_rejects_every_corrupted_byte);
    return tlsp_test_finish("link_framing");
}
