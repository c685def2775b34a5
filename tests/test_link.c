/*
 * The link layer over the serial line simulator, without TLS: byte streams both ways on
 * clean and faulty lines, the send window and the peer's credit, duplicates, in-order
 * delivery, retransmission backoff, the dead-link deadline, and the upper wait() waking
 * for retransmissions. Virtual time on the test port's clock.
 */
#include <stdlib.h>

#include "tlsp_linepair.h"
#include "tlsp_pair.h"
#include "tlsp_port_test.h"
#include "tlsp_test.h"

#define BAUD 115200u

typedef struct stream {
    size_t bytes, sent, got, wrong;
    uint32_t seed;
} stream;

static tlsp_link_config small_config(void)
{
    tlsp_link_config c;

    tlsp_link_config_init(&c, BAUD);
    /* The frame and window counts below are worked out for 256-byte frames and windows
     * of 8, not for whatever the defaults are. */
    c.frame_payload = 256;
    c.tx_window = 8;
    c.rx_window = 8;
    return c;
}

static void idle(tlsp_linepair *lp)
{
    uint64_t t[2] = { tlsp_link_next_timer(&lp->link[0]), tlsp_link_next_timer(&lp->link[1]) };

    tlsp_port_test_set_millis(tlsp_linesim_idle_until(&lp->sim, t, 2, 1000));
}

/* Send what the window takes and read what arrived; 1 if a byte moved. */
static int move(const tlsp_transport *from, const tlsp_transport *to, stream *s, int reading)
{
    uint8_t buf[1024];
    int moved = 0;
    int n;

    if (s->sent < s->bytes) {
        size_t len = s->bytes - s->sent, i;
        if (len > sizeof(buf)) {
            len = sizeof(buf);
        }
        for (i = 0; i < len; i++) {
            buf[i] = tlsp_pair_data_byte(s->seed, s->sent + i);
        }
        n = from->send(from->ctx, buf, len);
        if (n > 0) {
            s->sent += (size_t) n;
            moved = 1;
        }
    }
    while (reading && (n = to->recv(to->ctx, buf, sizeof(buf))) > 0) {
        size_t i;
        for (i = 0; i < (size_t) n; i++) {
            if (s->got + i >= s->bytes || buf[i] != tlsp_pair_data_byte(s->seed, s->got + i)) {
                s->wrong++;
            }
        }
        s->got += (size_t) n;
        moved = 1;
    }
    return moved;
}

/* Both streams until done or max_ms of virtual time. 0 when complete. */
static int run(tlsp_linepair *lp, stream *ab, stream *ba, uint64_t max_ms)
{
    uint64_t end = tlsp_port_millis() + max_ms;

    while (ab->got < ab->bytes || ba->got < ba->bytes) {
        int progress = move(&lp->up[0], &lp->up[1], ab, 1);
        progress |= move(&lp->up[1], &lp->up[0], ba, 1);
        if (tlsp_link_error(&lp->link[0]) != 0 || tlsp_link_error(&lp->link[1]) != 0) {
            printf("  link failed at %llu ms: A %d, B %d\n", (unsigned long long) tlsp_port_millis(),
                   tlsp_link_error(&lp->link[0]), tlsp_link_error(&lp->link[1]));
            return -1;
        }
        if (tlsp_port_millis() >= end) {
            return TLSP_ERR_TIMEOUT;
        }
        if (!progress) {
            idle(lp);
        }
    }
    /* Let the last acknowledgements arrive. */
    for (;;) {
        (void) tlsp_link_poll(&lp->link[0]);
        (void) tlsp_link_poll(&lp->link[1]);
        if ((tlsp_link_idle(&lp->link[0]) && tlsp_link_idle(&lp->link[1])) ||
            tlsp_port_millis() >= end) {
            break;
        }
        idle(lp);
    }
    return 0;
}

/* The simulator itself: pacing at baud/10 bytes per second of virtual time, overruns
 * when the receiver does not read, and faults that repeat exactly with the same seed. */
static void test_linesim_pacing_overrun_and_seeds(void)
{
    static uint8_t data[8192];
    tlsp_linesim_faults f = { 1e-3, 1e-3, 1e-3, 1e-3, 1e-4, 8 };
    tlsp_linesim_stats first = { 0 };
    tlsp_transport a, b;
    uint8_t got[4096];
    int pass;

    for (pass = 0; pass < 2; pass++) {
        tlsp_linesim sim;
        size_t landed = 0;
        int n;
        REQUIRE_EQ(tlsp_linesim_init(&sim, 9600, 4096, 8192, 42), 0);
        tlsp_linesim_transport(&sim, TLSP_LINESIM_A, &a);
        tlsp_linesim_transport(&sim, TLSP_LINESIM_B, &b);
        /* Pacing: 960 bytes/s; after 1 s about 960 bytes landed, not more. */
        CHECK_EQ(a.send(a.ctx, data, 2000), 2000);
        CHECK_EQ(b.recv(b.ctx, got, sizeof(got)), TLSP_WANT_READ);
        tlsp_port_test_advance_millis(1000);
        n = b.recv(b.ctx, got, sizeof(got));
        CHECK_EQ(n, 960);
        /* The FIFO is finite: send takes what fits, then would block. */
        CHECK_EQ(a.send(a.ctx, data, sizeof(data)), 4096 - (2000 - 960));
        CHECK_EQ(a.send(a.ctx, data, 1), TLSP_WANT_WRITE);
        /* Nobody reads for 10 s: 8192 bytes fit in the receive buffer, the rest overrun. */
        tlsp_port_test_advance_millis(10000);
        CHECK_EQ(tlsp_linesim_get_stats(&sim, TLSP_LINESIM_A)->overruns, 0);
        while ((n = b.recv(b.ctx, got, sizeof(got))) > 0) {
            landed += (size_t) n;
        }
        CHECK_EQ(landed, 4096);
        /* Faults, reproducibly. */
        tlsp_linesim_set_faults(&sim, TLSP_LINESIM_A, &f);
        {
            size_t sent = 0;
            while (sent < 100000) {
                n = a.send(a.ctx, data, sizeof(data));
                if (n > 0) {
                    sent += (size_t) n;
                }
                tlsp_port_test_advance_millis(1000);
                while (b.recv(b.ctx, got, sizeof(got)) > 0) {
                }
            }
        }
        if (pass == 0) {
            first = *tlsp_linesim_get_stats(&sim, TLSP_LINESIM_A);
            CHECK(first.bits_flipped > 0 && first.bytes_dropped > 0 && first.bytes_inserted > 0 &&
                  first.bytes_duplicated > 0 && first.burst_bytes > 0);
        } else {
            const tlsp_linesim_stats *s = tlsp_linesim_get_stats(&sim, TLSP_LINESIM_A);
            CHECK_EQ(s->bits_flipped, first.bits_flipped);
            CHECK_EQ(s->bytes_dropped, first.bytes_dropped);
            CHECK_EQ(s->bytes_inserted, first.bytes_inserted);
            CHECK_EQ(s->burst_bytes, first.burst_bytes);
        }
        tlsp_linesim_free(&sim);
    }
}

/* Overrun: a receiver that stops reading loses what does not fit. */
static void test_linesim_overrun(void)
{
    static uint8_t data[4096];
    tlsp_linesim sim;
    tlsp_transport a, b;
    uint8_t got[4096];
    size_t landed = 0;
    int n;

    REQUIRE_EQ(tlsp_linesim_init(&sim, 115200, 4096, 1000, 1), 0);
    tlsp_linesim_transport(&sim, TLSP_LINESIM_A, &a);
    tlsp_linesim_transport(&sim, TLSP_LINESIM_B, &b);
    CHECK_EQ(a.send(a.ctx, data, 3000), 3000);
    tlsp_port_test_advance_millis(1000);
    while ((n = b.recv(b.ctx, got, sizeof(got))) > 0) {
        landed += (size_t) n;
    }
    CHECK_EQ(landed, 1000);
    CHECK_EQ(tlsp_linesim_get_stats(&sim, TLSP_LINESIM_A)->overruns, 2000);
    tlsp_linesim_free(&sim);
}

static void test_config_and_memory(void)
{
    tlsp_link_config c = small_config();
    tlsp_transport raw = { 0 };
    tlsp_link l;
    tlsp_linesim sim;
    uint8_t *mem;
    tlsp_link_config d;
    size_t need = tlsp_link_memory_size(&c);

    CHECK_EQ(need, TLSP_LINK_MEMORY_SIZE(256, 8, 8));
    tlsp_link_config_init(&d, BAUD);   /* the documented defaults */
    CHECK_EQ(d.frame_payload, 384);
    CHECK_EQ(d.tx_window, 6);
    CHECK_EQ(d.rx_window, 6);
    CHECK_EQ(tlsp_link_memory_size(&d), TLSP_LINK_MEMORY_SIZE(384, 6, 6));
    CHECK_EQ(sizeof(tlsp_link_tx_slot), 16);
    REQUIRE_EQ(tlsp_linesim_init(&sim, BAUD, 64, 64, 1), 0);
    tlsp_linesim_transport(&sim, TLSP_LINESIM_A, &raw);
    mem = malloc(need + 1);
    REQUIRE(mem != NULL);
    /* Any alignment works; one byte less does not. */
    CHECK_EQ(tlsp_link_init(&l, &c, &raw, mem + 1, need), 0);
    CHECK_EQ(tlsp_link_init(&l, &c, &raw, mem, need - 1), TLSP_ERR_BAD_ARG);
    c.tx_window = 33;
    CHECK_EQ(tlsp_link_memory_size(&c), 0);
    c = small_config();
    c.baud = 0;
    CHECK_EQ(tlsp_link_memory_size(&c), 0);
    CHECK_EQ(tlsp_link_init(&l, &c, &raw, mem, need), TLSP_ERR_BAD_ARG);
    c = small_config();
    c.frame_payload = 8;
    CHECK_EQ(tlsp_link_memory_size(&c), 0);
    c = small_config();
    c.rto_initial_ms = 100;
    c.rto_max_ms = 99;
    CHECK_EQ(tlsp_link_memory_size(&c), 0);
    c = small_config();
    CHECK_EQ(tlsp_link_init(&l, &c, NULL, mem, need), TLSP_ERR_BAD_ARG);
    free(mem);
    tlsp_linesim_free(&sim);
}

static void test_clean_line_both_ways(void)
{
    tlsp_link_config c = small_config();
    tlsp_linepair lp;
    stream ab = { 64 * 1024, 0, 0, 0, 1 }, ba = { 64 * 1024, 0, 0, 0, 2 };
    const tlsp_link_stats *sa, *sb;
    uint64_t t0;
    double line_ms;

    REQUIRE_EQ(tlsp_linepair_init(&lp, BAUD, &c, 11), 0);
    t0 = tlsp_port_millis();
    CHECK_EQ(run(&lp, &ab, &ba, 60000), 0);
    CHECK_EQ(ab.got, ab.bytes);
    CHECK_EQ(ba.got, ba.bytes);
    CHECK_EQ(ab.wrong + ba.wrong, 0);
    sa = tlsp_link_get_stats(&lp.link[0]);
    sb = tlsp_link_get_stats(&lp.link[1]);
    CHECK_EQ(sa->retransmissions + sb->retransmissions, 0);
    CHECK_EQ(sa->crc_errors + sb->crc_errors + sa->bad_frames + sb->bad_frames, 0);
    CHECK_EQ(sa->bytes_delivered, ba.bytes);
    CHECK_EQ(sb->bytes_delivered, ab.bytes);
    /* Both directions busy: acknowledgements ride on data, few go alone. */
    CHECK(sa->acks_sent * 10 < sa->data_frames_sent);
    CHECK_EQ(sa->data_frames_sent, (64 * 1024) / 256);
    /* Each way the line carries the data plus a few percent. */
    line_ms = (double) ab.bytes * 10000.0 / BAUD;
    printf("  64 KiB each way: %llu ms (pure data %.0f ms), %llu line bytes A->B, %llu acks alone\n",
           (unsigned long long) (tlsp_port_millis() - t0), line_ms,
           (unsigned long long) sa->line_bytes_out, (unsigned long long) sa->acks_sent);
    CHECK((double) (tlsp_port_millis() - t0) < line_ms * 1.07);
    CHECK(sa->line_bytes_out < ab.bytes * 105 / 100);
    tlsp_linepair_free(&lp);
}

/* The receiver stops reading: the sender fills its window and the receiver's, then
 * waits without failing (polls are answered) for longer than the dead-link deadline;
 * when reading resumes, everything arrives in order. */
static void test_window_and_credit(void)
{
    tlsp_link_config c = small_config();
    tlsp_linepair lp;
    stream ab = { 32 * 1024, 0, 0, 0, 3 }, none = { 0, 0, 0, 0, 4 };
    uint64_t end;
    size_t max_in_flight = 0;

    c.tx_window = 3;
    c.rx_window = 5;
    REQUIRE_EQ(tlsp_linepair_init(&lp, BAUD, &c, 12), 0);
    end = tlsp_port_millis() + 3u * lp.link[0].cfg.dead_ms;  /* the derived deadline */
    while (tlsp_port_millis() < end) {
        int progress = move(&lp.up[0], &lp.up[1], &ab, 0);
        size_t in_flight = (uint8_t) (lp.link[0].snd_next - lp.link[0].snd_una);
        (void) tlsp_link_poll(&lp.link[1]);
        if (in_flight > max_in_flight) {
            max_in_flight = in_flight;
        }
        if (!progress) {
            idle(&lp);
        }
    }
    CHECK_EQ(tlsp_link_error(&lp.link[0]), 0);
    CHECK_EQ(tlsp_link_error(&lp.link[1]), 0);
    CHECK(max_in_flight <= 3);
    /* Taken so far: the receiver's 5 frames and the sender's 3. */
    CHECK_EQ(ab.sent, (3 + 5) * 256u);
    CHECK_EQ(ab.got, 0);
    CHECK(tlsp_link_get_stats(&lp.link[0])->acks_sent > 0);  /* it polled */
    CHECK_EQ(run(&lp, &ab, &none, 60000), 0);
    CHECK_EQ(ab.got, ab.bytes);
    CHECK_EQ(ab.wrong, 0);
    tlsp_linepair_free(&lp);
}

/* Acknowledgements get lost: the sender retransmits frames that had arrived; the
 * receiver drops them as duplicates; every byte arrives exactly once, in order. */
static void test_duplicates_suppressed(void)
{
    tlsp_link_config c = small_config();
    tlsp_linesim_faults lossy_acks = { 0 };
    tlsp_linepair lp;
    stream ab = { 48 * 1024, 0, 0, 0, 5 }, none = { 0, 0, 0, 0, 6 };
    const tlsp_link_stats *sb;

    c.dead_ms = 120000; /* many acks in a row get lost here: not a dead line */
    REQUIRE_EQ(tlsp_linepair_init(&lp, BAUD, &c, 13), 0);
    lossy_acks.drop_rate = 0.05;  /* B->A: an ack frame is ~10 bytes: ~40% lost */
    tlsp_linesim_set_faults(&lp.sim, TLSP_LINESIM_B, &lossy_acks);
    CHECK_EQ(run(&lp, &ab, &none, 600000), 0);
    sb = tlsp_link_get_stats(&lp.link[1]);
    CHECK_EQ(ab.got, ab.bytes);
    CHECK_EQ(ab.wrong, 0);
    CHECK_EQ(sb->bytes_delivered, ab.bytes);
    CHECK(sb->duplicates > 0);
    CHECK(tlsp_link_get_stats(&lp.link[0])->retransmissions > 0);
    printf("  %llu duplicates dropped, %llu retransmissions\n", (unsigned long long) sb->duplicates,
           (unsigned long long) tlsp_link_get_stats(&lp.link[0])->retransmissions);
    tlsp_linepair_free(&lp);
}

/* Every fault at once, both ways: drops, flips, insertions, duplicated bytes, bursts. */
static void test_all_faults_both_ways(void)
{
    tlsp_link_config c = small_config();
    tlsp_linesim_faults f = { 1e-4, 1e-4, 1e-4, 1e-4, 2e-5, 12 };
    tlsp_linepair lp;
    stream ab = { 128 * 1024, 0, 0, 0, 7 }, ba = { 128 * 1024, 0, 0, 0, 8 };
    const tlsp_link_stats *sa, *sb;

    REQUIRE_EQ(tlsp_linepair_init(&lp, BAUD, &c, 14), 0);
    tlsp_linesim_set_faults(&lp.sim, TLSP_LINESIM_A, &f);
    tlsp_linesim_set_faults(&lp.sim, TLSP_LINESIM_B, &f);
    CHECK_EQ(run(&lp, &ab, &ba, 600000), 0);
    CHECK_EQ(ab.got, ab.bytes);
    CHECK_EQ(ba.got, ba.bytes);
    CHECK_EQ(ab.wrong + ba.wrong, 0);
    sa = tlsp_link_get_stats(&lp.link[0]);
    sb = tlsp_link_get_stats(&lp.link[1]);
    CHECK(sb->crc_errors + sb->bad_frames > 0);
    CHECK(sb->garbage_bytes > 0);
    CHECK(sa->retransmissions > 0);
    printf("  A->B: %llu frames, %llu retransmitted, B saw %llu CRC errors, %llu bad frames, "
           "%llu garbage bytes\n",
           (unsigned long long) sa->data_frames_sent, (unsigned long long) sa->retransmissions,
           (unsigned long long) sb->crc_errors, (unsigned long long) sb->bad_frames,
           (unsigned long long) sb->garbage_bytes);
    tlsp_linepair_free(&lp);
}

/* The line goes dead with data outstanding: retransmissions come after rto, 2 rto,
 * 4 rto... capped at rto_max; the link fails with TLSP_ERR_TIMEOUT within dead_ms (plus
 * a margin) of the last progress, and the upper transport reports TLSP_ERR_TRANSPORT. */
static void test_backoff_and_dead_link(void)
{
    tlsp_link_config c = small_config();
    tlsp_linesim_faults dead = { 0 };
    tlsp_linepair lp;
    stream ab = { 4096, 0, 0, 0, 9 }, none = { 0, 0, 0, 0, 10 };
    uint64_t last_ms, dead_at = 0, cut_at;
    uint64_t times[64];
    unsigned n_times = 0, i;
    uint64_t seen_timeouts = 0;
    uint8_t byte;
    int ret;

    c.rto_initial_ms = 100;
    c.rto_max_ms = 1000;
    c.dead_ms = 6000;
    REQUIRE_EQ(tlsp_linepair_init(&lp, BAUD, &c, 15), 0);
    /* A little traffic first, so the link is up. */
    ab.bytes = 1024;
    REQUIRE_EQ(run(&lp, &ab, &none, 10000), 0);
    dead.drop_rate = 1.0;
    tlsp_linesim_set_faults(&lp.sim, TLSP_LINESIM_A, &dead);
    cut_at = tlsp_port_millis();
    REQUIRE(lp.up[0].send(lp.up[0].ctx, (const uint8_t *) "lost", 4) == 4);
    last_ms = tlsp_port_millis();
    while (tlsp_port_millis() < cut_at + 60000) {
        ret = lp.up[0].recv(lp.up[0].ctx, &byte, 1);
        (void) tlsp_link_poll(&lp.link[1]);
        if (tlsp_link_get_stats(&lp.link[0])->timeouts != seen_timeouts && n_times < 64) {
            seen_timeouts = tlsp_link_get_stats(&lp.link[0])->timeouts;
            times[n_times++] = tlsp_port_millis();
        }
        if (ret != TLSP_WANT_READ) {
            CHECK_EQ(ret, TLSP_ERR_TRANSPORT);
            dead_at = tlsp_port_millis();
            break;
        }
        idle(&lp);
    }
    CHECK_EQ(tlsp_link_error(&lp.link[0]), TLSP_ERR_TIMEOUT);
    REQUIRE(dead_at != 0);
    /* Within the deadline plus a margin of the frame going out, never before. */
    CHECK(dead_at - last_ms >= c.dead_ms);
    CHECK(dead_at - last_ms <= c.dead_ms + 50);
    /* Sticky, through every entry point. */
    CHECK_EQ(lp.up[0].send(lp.up[0].ctx, &byte, 1), TLSP_ERR_TRANSPORT);
    CHECK_EQ(lp.up[0].wait(lp.up[0].ctx, TLSP_IO_READABLE, 10), TLSP_ERR_TRANSPORT);
    CHECK_EQ(tlsp_link_poll(&lp.link[0]), TLSP_ERR_TIMEOUT);
    /* Backoff: 100, 200, 400, 800, then 1000 ms each (within the clock's 1 ms steps,
     * plus the frame's own time on the line for the first). */
    REQUIRE(n_times >= 6);
    {
        uint64_t expect = 100;
        uint64_t prev = last_ms;
        for (i = 0; i < n_times; i++) {
            uint64_t gap = times[i] - prev;
            CHECK(gap >= expect && gap <= expect + 2);
            if (gap < expect || gap > expect + 2) {
                printf("  retransmission %u after %llu ms, expected %llu\n", i,
                       (unsigned long long) gap, (unsigned long long) expect);
            }
            prev = times[i];
            expect = expect * 2 > 1000 ? 1000 : expect * 2;
        }
    }
    CHECK_EQ(ab.wrong, 0);
    tlsp_linepair_free(&lp);
}

/* The clock callback of the simulator moves virtual time inside wait(). */
static void advance_clock(void *arg, uint64_t to_ms)
{
    (void) arg;
    tlsp_port_test_set_millis(to_ms);
}

/* A caller that sleeps in the upper wait() with a long timeout is woken in time for the
 * retransmission, and the retransmission happens inside that wait. */
static void test_wait_wakes_for_retransmission(void)
{
    tlsp_link_config c = small_config();
    tlsp_linesim_faults dead = { 0 };
    tlsp_linepair lp;
    uint64_t sent_at, woke_at;
    int r;

    c.rto_initial_ms = 300;
    REQUIRE_EQ(tlsp_linepair_init(&lp, BAUD, &c, 16), 0);
    tlsp_linesim_set_clock(&lp.sim, advance_clock, NULL);
    dead.drop_rate = 1.0;
    tlsp_linesim_set_faults(&lp.sim, TLSP_LINESIM_A, &dead);
    REQUIRE(lp.up[0].send(lp.up[0].ctx, (const uint8_t *) "x", 1) == 1);
    sent_at = tlsp_port_millis();
    r = lp.up[0].wait(lp.up[0].ctx, TLSP_IO_READABLE, 10000);
    woke_at = tlsp_port_millis();
    CHECK_EQ(r, 0);  /* nothing readable: a wake-up for the timer */
    CHECK(woke_at - sent_at >= 300 && woke_at - sent_at <= 301);
    CHECK_EQ(tlsp_link_get_stats(&lp.link[0])->retransmissions, 1);
    tlsp_linepair_free(&lp);
}

int main(void)
{
    RUN_TEST(test_linesim_pacing_overrun_and_seeds);
    RUN_TEST(test_linesim_overrun);
    RUN_TEST(test_config_and_memory);
    RUN_TEST(test_clean_line_both_ways);
    RUN_TEST(test_window_and_credit);
    RUN_TEST(test_duplicates_suppressed);
    RUN_TEST(test_all_faults_both_ways);
    RUN_TEST(test_backoff_and_dead_link);
    RUN_TEST(test_wait_wakes_for_retransmission);
    return tlsp_test_finish("link");
}
