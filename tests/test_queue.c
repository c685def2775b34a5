/* Unit tests of tlsp_queue: the byte ring both halves of the BIO pair are built on. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tlspair/tlsp_queue.h"
#include "tlsp_test.h"

static void fill_pattern(uint8_t *p, size_t n, uint8_t start)
{
    size_t i;

    for (i = 0; i < n; i++) {
        p[i] = (uint8_t) (start + i);
    }
}

static void test_init_bad_args(void)
{
    tlsp_queue q;
    uint8_t buf[8];

    CHECK_EQ(tlsp_queue_init(NULL, buf, sizeof(buf)), TLSP_ERR_BAD_ARG);
    CHECK_EQ(tlsp_queue_init(&q, NULL, sizeof(buf)), TLSP_ERR_BAD_ARG);
    CHECK_EQ(tlsp_queue_init(&q, buf, 0), TLSP_ERR_BAD_ARG);
    CHECK_EQ(tlsp_queue_init(&q, buf, SIZE_MAX / 2 + 1), TLSP_ERR_BAD_ARG);
    CHECK_EQ(tlsp_queue_init(&q, buf, SIZE_MAX), TLSP_ERR_BAD_ARG);
    /* The upper bound itself is valid: indices still fit in [0, 2*size). Only the
     * counters are read, the storage is never touched. */
    CHECK_EQ(tlsp_queue_init(&q, buf, SIZE_MAX / 2), 0);
    CHECK_EQ(tlsp_queue_used(&q), 0);
    CHECK_EQ(tlsp_queue_free(&q) == SIZE_MAX / 2, 1);

    CHECK_EQ(tlsp_queue_init(&q, buf, 1), 0);
    CHECK_EQ(tlsp_queue_used(&q), 0);
    CHECK_EQ(tlsp_queue_free(&q), 1);
}

static void test_empty_queue(void)
{
    tlsp_queue q;
    uint8_t buf[5];
    uint8_t out[5];
    size_t len = 99;

    REQUIRE_EQ(tlsp_queue_init(&q, buf, sizeof(buf)), 0);
    CHECK(tlsp_queue_peek(&q, &len) == NULL);
    CHECK_EQ(len, 0);
    CHECK_EQ(tlsp_queue_read(&q, out, sizeof(out)), 0);
    /* Consuming from an empty queue is clamped to nothing. */
    tlsp_queue_consume(&q, 3);
    CHECK_EQ(tlsp_queue_used(&q), 0);
    CHECK_EQ(tlsp_queue_free(&q), 5);
    CHECK(tlsp_queue_reserve(&q, &len) == buf);
    CHECK_EQ(len, 5);
}

/* The ring uses every byte of its storage: a full ring differs from an empty one. */
static void test_fill_to_capacity(void)
{
    tlsp_queue q;
    uint8_t buf[16];
    uint8_t in[16], out[16];
    uint8_t extra = 0xEE;
    size_t len = 99;

    REQUIRE_EQ(tlsp_queue_init(&q, buf, sizeof(buf)), 0);
    fill_pattern(in, sizeof(in), 1);
    CHECK_EQ(tlsp_queue_write(&q, in, sizeof(in)), 16);
    CHECK_EQ(tlsp_queue_used(&q), 16);
    CHECK_EQ(tlsp_queue_free(&q), 0);
    CHECK(tlsp_queue_reserve(&q, &len) == NULL);
    CHECK_EQ(len, 0);
    CHECK_EQ(tlsp_queue_write(&q, &extra, 1), 0);
    CHECK_EQ(tlsp_queue_used(&q), 16);

    CHECK(tlsp_queue_peek(&q, &len) == buf);
    CHECK_EQ(len, 16);
    CHECK_EQ(tlsp_queue_read(&q, out, sizeof(out)), 16);
    CHECK(memcmp(in, out, sizeof(in)) == 0);
    CHECK_EQ(tlsp_queue_used(&q), 0);
    CHECK_EQ(tlsp_queue_free(&q), 16);

    /* Full again after a full cycle, now with the indices in the second lap. */
    CHECK_EQ(tlsp_queue_write(&q, in, sizeof(in)), 16);
    CHECK_EQ(tlsp_queue_free(&q), 0);
    CHECK_EQ(tlsp_queue_read(&q, out, sizeof(out)), 16);
    CHECK(memcmp(in, out, sizeof(in)) == 0);
}

/* Stored bytes that wrap around the end of the storage come out as two contiguous runs. */
static void test_wrap_peek_consume(void)
{
    tlsp_queue q;
    uint8_t buf[10];
    uint8_t in[10], out[10];
    const uint8_t *p;
    size_t len;

    REQUIRE_EQ(tlsp_queue_init(&q, buf, sizeof(buf)), 0);
    fill_pattern(in, sizeof(in), 0x40);
    CHECK_EQ(tlsp_queue_write(&q, in, 7), 7);
    CHECK_EQ(tlsp_queue_read(&q, out, 7), 7);
    CHECK_EQ(tlsp_queue_used(&q), 0);

    CHECK_EQ(tlsp_queue_write(&q, in, 6), 6);
    CHECK_EQ(tlsp_queue_used(&q), 6);
    CHECK_EQ(tlsp_queue_free(&q), 4);

    p = tlsp_queue_peek(&q, &len);
    CHECK(p == buf + 7);
    REQUIRE_EQ(len, 3);
    CHECK(memcmp(p, in, 3) == 0);
    tlsp_queue_consume(&q, 3);
    CHECK_EQ(tlsp_queue_used(&q), 3);

    p = tlsp_queue_peek(&q, &len);
    CHECK(p == buf);
    REQUIRE_EQ(len, 3);
    CHECK(memcmp(p, in + 3, 3) == 0);

    /* A partial consume inside the second run leaves the rest in place. */
    tlsp_queue_consume(&q, 1);
    p = tlsp_queue_peek(&q, &len);
    CHECK(p == buf + 1);
    CHECK_EQ(len, 2);
    tlsp_queue_consume(&q, 2);
    CHECK(tlsp_queue_peek(&q, &len) == NULL);
    CHECK_EQ(len, 0);
}

/* Free space that wraps is offered as two contiguous runs too. */
static void test_wrap_reserve_commit(void)
{
    tlsp_queue q;
    uint8_t buf[10];
    uint8_t in[10], out[10];
    uint8_t *w;
    size_t len;

    REQUIRE_EQ(tlsp_queue_init(&q, buf, sizeof(buf)), 0);
    fill_pattern(in, sizeof(in), 0x10);
    CHECK_EQ(tlsp_queue_write(&q, in, 7), 7);
    CHECK_EQ(tlsp_queue_read(&q, out, 5), 5);
    CHECK_EQ(tlsp_queue_used(&q), 2);

    w = tlsp_queue_reserve(&q, &len);
    CHECK(w == buf + 7);
    REQUIRE_EQ(len, 3);
    memset(w, 0xA1, len);
    tlsp_queue_commit(&q, 3);
    CHECK_EQ(tlsp_queue_used(&q), 5);

    w = tlsp_queue_reserve(&q, &len);
    CHECK(w == buf);
    REQUIRE_EQ(len, 5);
    memset(w, 0xB2, len);
    tlsp_queue_commit(&q, 5);
    CHECK_EQ(tlsp_queue_used(&q), 10);
    CHECK_EQ(tlsp_queue_free(&q), 0);
    CHECK(tlsp_queue_reserve(&q, &len) == NULL);
    CHECK_EQ(len, 0);

    /* Order is preserved across the wrap: 2 old bytes, 3 from run one, 5 from run two. */
    CHECK_EQ(tlsp_queue_read(&q, out, sizeof(out)), 10);
    CHECK_EQ(out[0], in[5]);
    CHECK_EQ(out[1], in[6]);
    CHECK_EQ(out[2], 0xA1);
    CHECK_EQ(out[4], 0xA1);
    CHECK_EQ(out[5], 0xB2);
    CHECK_EQ(out[9], 0xB2);
}

/* The copying calls store or return what fits and say how much. */
static void test_partial_write_read(void)
{
    tlsp_queue q;
    uint8_t buf[8];
    uint8_t in[12], out[20];

    REQUIRE_EQ(tlsp_queue_init(&q, buf, sizeof(buf)), 0);
    fill_pattern(in, sizeof(in), 0x70);
    CHECK_EQ(tlsp_queue_write(&q, in, 12), 8);
    CHECK_EQ(tlsp_queue_write(&q, in + 8, 4), 0);
    CHECK_EQ(tlsp_queue_read(&q, out, 3), 3);
    CHECK(memcmp(out, in, 3) == 0);
    /* The rest of the first write goes in where the read made room, wrapping. */
    CHECK_EQ(tlsp_queue_write(&q, in + 8, 4), 3);
    CHECK_EQ(tlsp_queue_used(&q), 8);
    memset(out, 0, sizeof(out));
    CHECK_EQ(tlsp_queue_read(&q, out, sizeof(out)), 8);
    CHECK(memcmp(out, in + 3, 8) == 0);
    CHECK_EQ(tlsp_queue_read(&q, out, sizeof(out)), 0);
    CHECK_EQ(tlsp_queue_write(&q, in, 0), 0);
    CHECK_EQ(tlsp_queue_used(&q), 0);
}

static void test_consume_commit_clamp(void)
{
    tlsp_queue q;
    uint8_t buf[8];
    uint8_t in[8], out[8];
    size_t len;

    REQUIRE_EQ(tlsp_queue_init(&q, buf, sizeof(buf)), 0);
    fill_pattern(in, sizeof(in), 0x30);
    CHECK_EQ(tlsp_queue_write(&q, in, 3), 3);
    tlsp_queue_consume(&q, 100);
    CHECK_EQ(tlsp_queue_used(&q), 0);
    CHECK_EQ(tlsp_queue_free(&q), 8);

    (void) tlsp_queue_reserve(&q, &len);
    tlsp_queue_commit(&q, 100);
    CHECK_EQ(tlsp_queue_used(&q), 8);
    CHECK_EQ(tlsp_queue_free(&q), 0);
    tlsp_queue_commit(&q, 1);
    CHECK_EQ(tlsp_queue_used(&q), 8);

    /* After clamping the ring still works normally. */
    tlsp_queue_consume(&q, SIZE_MAX);
    CHECK_EQ(tlsp_queue_used(&q), 0);
    CHECK_EQ(tlsp_queue_write(&q, in, 8), 8);
    CHECK_EQ(tlsp_queue_read(&q, out, 8), 8);
    CHECK(memcmp(in, out, 8) == 0);
}

static void test_clear(void)
{
    tlsp_queue q;
    uint8_t buf[6];
    uint8_t in[6], out[6];

    REQUIRE_EQ(tlsp_queue_init(&q, buf, sizeof(buf)), 0);
    fill_pattern(in, sizeof(in), 0x55);
    CHECK_EQ(tlsp_queue_write(&q, in, 4), 4);
    tlsp_queue_clear(&q);
    CHECK_EQ(tlsp_queue_used(&q), 0);
    CHECK_EQ(tlsp_queue_free(&q), 6);
    CHECK_EQ(tlsp_queue_write(&q, in, 6), 6);
    CHECK_EQ(tlsp_queue_read(&q, out, 6), 6);
    CHECK(memcmp(in, out, 6) == 0);
}

/* ---- Randomized comparison against a trivially correct model --------------------------- */

static uint64_t prng_state;

static uint32_t prng(void)
{
    /* xorshift64*: deterministic, so a failure replays exactly. */
    prng_state ^= prng_state >> 12;
    prng_state ^= prng_state << 25;
    prng_state ^= prng_state >> 27;
    return (uint32_t) ((prng_state * 2685821657736338717ull) >> 32);
}

static size_t rnd(size_t n)
{
    return n == 0 ? 0 : (size_t) prng() % n;
}

/* The model: a linear FIFO that shifts on every removal. Slow and obviously right. */
typedef struct model {
    uint8_t *data;
    size_t used, cap;
} model;

static void model_remove(model *m, size_t n)
{
    memmove(m->data, m->data + n, m->used - n);
    m->used -= n;
}

static int check_against_model(const tlsp_queue *q, const model *m)
{
    size_t len;
    const uint8_t *p;

    if (tlsp_queue_used(q) != m->used || tlsp_queue_free(q) != m->cap - m->used) {
        return 0;
    }
    p = tlsp_queue_peek(q, &len);
    if (m->used == 0) {
        return p == NULL && len == 0;
    }
    /* The first run is never empty and always matches the model's front. */
    return p != NULL && len >= 1 && len <= m->used && memcmp(p, m->data, len) == 0;
}

static void run_random(size_t cap, uint64_t seed, unsigned ops)
{
    tlsp_queue q;
    model m;
    uint8_t *storage = malloc(cap);
    uint8_t *tmp = malloc(cap + 8);
    uint8_t next_byte = 0;
    unsigned i;
    int failures = 0;

    m.data = malloc(cap);
    m.used = 0;
    m.cap = cap;
    prng_state = seed;
    REQUIRE(storage != NULL && tmp != NULL && m.data != NULL);
    REQUIRE_EQ(tlsp_queue_init(&q, storage, cap), 0);

    for (i = 0; i < ops && failures == 0; i++) {
        unsigned op = (unsigned) rnd(100);
        size_t n = rnd(cap + 3);
        size_t k, got, len;

        if (op < 30) { /* copy in */
            for (k = 0; k < n; k++) {
                tmp[k] = next_byte++;
            }
            got = tlsp_queue_write(&q, tmp, n);
            k = n < m.cap - m.used ? n : m.cap - m.used;
            if (got != k) {
                failures++;
            }
            memcpy(m.data + m.used, tmp, got);
            m.used += got;
            next_byte = (uint8_t) (next_byte - (n - got)); /* unstored bytes are retried */
        } else if (op < 60) { /* copy out */
            got = tlsp_queue_read(&q, tmp, n);
            k = n < m.used ? n : m.used;
            if (got != k || memcmp(tmp, m.data, got) != 0) {
                failures++;
            }
            model_remove(&m, k);
        } else if (op < 78) { /* zero-copy out: consume part of (or beyond) the run */
            const uint8_t *p = tlsp_queue_peek(&q, &len);
            size_t take = rnd(len + 2);
            if ((p == NULL) != (m.used == 0) || len > m.used) {
                failures++;
            }
            tlsp_queue_consume(&q, take);
            model_remove(&m, take < m.used ? take : m.used);
        } else if (op < 96) { /* zero-copy in: commit part or all of the run */
            uint8_t *w = tlsp_queue_reserve(&q, &len);
            size_t put = rnd(len + 1);
            if ((w == NULL) != (m.used == m.cap) || len > m.cap - m.used) {
                failures++;
            }
            if (put > 0 && w != NULL) {
                for (k = 0; k < put; k++) {
                    w[k] = next_byte++;
                }
                memcpy(m.data + m.used, w, put);
            }
            tlsp_queue_commit(&q, put);
            m.used += put;
        } else if (op < 99) { /* commit beyond free() is clamped */
            size_t space = m.cap - m.used;
            uint8_t *w = tlsp_queue_reserve(&q, &len);
            if (w != NULL && len == space) {
                /* Only when the whole free space is one run can the model know the bytes. */
                for (k = 0; k < len; k++) {
                    w[k] = next_byte++;
                }
                memcpy(m.data + m.used, w, len);
                tlsp_queue_commit(&q, len + 1 + rnd(5));
                m.used += len;
            }
        } else {
            tlsp_queue_clear(&q);
            m.used = 0;
        }
        if (!check_against_model(&q, &m)) {
            failures++;
        }
    }
    if (failures != 0) {
        fprintf(stderr, "queue cap %zu: mismatch at op %u\n", cap, i);
    }
    CHECK_EQ(failures, 0);
    /* Drain at the end: everything left is still in order. */
    {
        size_t got = tlsp_queue_read(&q, tmp, cap);
        CHECK_EQ(got, m.used);
        CHECK(memcmp(tmp, m.data, got) == 0);
    }
    free(storage);
    free(tmp);
    free(m.data);
}

static void test_random_cap1(void) { run_random(1, 0x1111u, 100000); }
static void test_random_cap2(void) { run_random(2, 0x2222u, 100000); }
static void test_random_cap7(void) { run_random(7, 0x7777u, 100000); }
static void test_random_cap4096(void) { run_random(4096, 0x4096u, 100000); }

int main(void)
{
    RUN_TEST(test_init_bad_args);
    RUN_TEST(test_empty_queue);
    RUN_TEST(test_fill_to_capacity);
    RUN_TEST(test_wrap_peek_consume);
    RUN_TEST(test_wrap_reserve_commit);
    RUN_TEST(test_partial_write_read);
    RUN_TEST(test_consume_commit_clamp);
    RUN_TEST(test_clear);
    RUN_TEST(test_random_cap1);
    RUN_TEST(test_random_cap2);
    RUN_TEST(test_random_cap7);
    RUN_TEST(test_random_cap4096);
    return tlsp_test_finish("queue");
}
