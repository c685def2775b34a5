/*
 * Full TLS over the simulated 115200-baud line, in virtual time.
 *
 * With the link layer: at bit error rates of 1e-5, 1e-4 and 1e-3 (and byte drop rates
 * of the same order), a full TLS 1.3 ECDHE-ECDSA handshake and 256 KiB each way
 * complete, and every byte the applications read is the byte written.
 * Without it: the same faults end in a clean TLS failure on both ends (a record that
 * fails its integrity check, the peer's alert, or a deadline) - never wrong plaintext,
 * never a hang. Fixed seeds: every run sees the same faults.
 */
#include "tlsp_linepair.h"
#include "tlspair/tlsp_drive.h"
#include "tlsp_pair.h"
#include "tlsp_port_test.h"
#include "tlsp_test.h"

#define BAUD 115200u
#define BULK (256u * 1024u)

typedef struct fault_case {
    const char *name;
    double ber;
    double drop;
    uint16_t frame_payload;  /* the link's frame size for this line quality */
    uint64_t seed;
} fault_case;

static const fault_case cases[] = {
    { "BER 1e-5, drop 1e-5", 1e-5, 1e-5, 256, 101 },
    { "BER 1e-4, drop 1e-4", 1e-4, 1e-4, 256, 102 },
    /* At 1e-3 a 256-byte frame arrives intact only one time in ten: smaller frames. */
    { "BER 1e-3, drop 1e-3", 1e-3, 1e-3, 64, 103 },
};

static tlsp_pair *new_engines(void)
{
    tlsp_pair_opts o = { TLSP_PAIR_CERT, TLSP_TLS1_3, TLSP_TLS1_3, 0, 0, 0 };
    tlsp_pair *p = tlsp_pair_alloc(&o);

    if (p == NULL) {
        return NULL;
    }
    /* Deadlines in virtual time: generous for a slow line, but they must fire on a
     * line that corrupts TLS, so that nothing waits forever. */
    if (tlsp_pair_configure(p) != 0 ||
        tlsp_config_set_timeouts(&p->client_cfg, 120000, 20000) != 0 ||
        tlsp_config_set_timeouts(&p->server_cfg, 120000, 20000) != 0 ||
        tlsp_pair_start(p) != 0) {
        tlsp_pair_free(p);
        return NULL;
    }
    return p;
}

static void set_faults(tlsp_linepair *lp, const fault_case *fc)
{
    tlsp_linesim_faults f = { 0 };

    f.bit_error_rate = fc->ber;
    f.drop_rate = fc->drop;
    tlsp_linesim_set_faults(&lp->sim, TLSP_LINESIM_A, &f);
    tlsp_linesim_set_faults(&lp->sim, TLSP_LINESIM_B, &f);
}

static uint64_t faults_seen(const tlsp_linepair *lp)
{
    uint64_t n = 0;
    int i;

    for (i = 0; i < 2; i++) {
        const tlsp_linesim_stats *s = tlsp_linesim_get_stats(&lp->sim, (tlsp_linesim_end) i);
        n += s->bits_flipped + s->bytes_dropped + s->overruns;
    }
    return n;
}

static void run_with_link(const fault_case *fc)
{
    tlsp_pair *p = new_engines();
    tlsp_link_config lc;
    tlsp_linepair lp;
    tlsp_linepair_result res;
    uint64_t t0;
    int ea, eb;

    REQUIRE(p != NULL);
    tlsp_link_config_init(&lc, BAUD);
    lc.frame_payload = fc->frame_payload;
    REQUIRE_EQ(tlsp_linepair_init(&lp, BAUD, &lc, fc->seed), 0);
    set_faults(&lp, fc);
    t0 = tlsp_port_millis();
    CHECK_EQ(tlsp_linepair_handshake(&lp, &p->client, &p->server, 120000, &ea, &eb), 0);
    CHECK_EQ(ea, 0);
    CHECK_EQ(eb, 0);
    printf("  %s, link: handshake %llu ms;", fc->name, (unsigned long long) (tlsp_port_millis() - t0));
    CHECK_EQ(tlsp_linepair_transfer(&lp, &p->client, &p->server, BULK, BULK, 4096, 1200000, &res), 0);
    CHECK_EQ(res.received[1], BULK);
    CHECK_EQ(res.received[0], BULK);
    CHECK_EQ(res.mismatches, 0);
    CHECK(faults_seen(&lp) > 0);
    printf(" 256 KiB each way in %llu ms; %llu faults on the line, %llu CRC errors, "
           "%llu retransmissions\n",
           (unsigned long long) res.ms, (unsigned long long) faults_seen(&lp),
           (unsigned long long) tlsp_link_get_stats(&lp.link[0])->crc_errors +
               (unsigned long long) tlsp_link_get_stats(&lp.link[1])->crc_errors,
           (unsigned long long) tlsp_link_get_stats(&lp.link[0])->retransmissions +
               (unsigned long long) tlsp_link_get_stats(&lp.link[1])->retransmissions);
    tlsp_linepair_free(&lp);
    tlsp_pair_free(p);
}

static int clean_failure(int code)
{
    switch (code) {
    case TLSP_ERR_BAD_RECORD:
    case TLSP_ERR_PEER_ALERT:
    case TLSP_ERR_TIMEOUT:
    case TLSP_ERR_HANDSHAKE:
    case TLSP_ERR_CERT_REJECTED:
        return 1;
    default:
        return 0;
    }
}

static void run_without_link(const fault_case *fc)
{
    tlsp_pair *p = new_engines();
    tlsp_linepair lp;
    tlsp_linepair_result res = { { 0, 0 }, { 0, 0 }, 0, { 0, 0 }, 0 };
    uint64_t t0;
    int ret, ea = 0, eb = 0;

    REQUIRE(p != NULL);
    REQUIRE_EQ(tlsp_linepair_init(&lp, BAUD, NULL, fc->seed), 0);
    set_faults(&lp, fc);
    t0 = tlsp_port_millis();
    ret = tlsp_linepair_handshake(&lp, &p->client, &p->server, 120000, &ea, &eb);
    if (ret == 0) {
        ret = tlsp_linepair_transfer(&lp, &p->client, &p->server, BULK, BULK, 4096, 1200000, &res);
        ea = res.err[0];
        eb = res.err[1];
    }
    printf("  %s, raw line: client %s / server %s after %llu ms, %zu + %zu bytes read, "
           "none wrong\n", fc->name, tlsp_strerror(ea), tlsp_strerror(eb),
           (unsigned long long) (tlsp_port_millis() - t0), res.received[0], res.received[1]);
    CHECK(ret != 0 && ret != -1);
    CHECK_EQ(res.mismatches, 0);
    CHECK(clean_failure(ea));
    CHECK(clean_failure(eb));
    if (!clean_failure(ea) || !clean_failure(eb)) {
        printf("  unexpected: client %d, server %d\n", ea, eb);
    }
    CHECK(faults_seen(&lp) > 0);
    tlsp_linepair_free(&lp);
    tlsp_pair_free(p);
}

static void test_link_ber_1e5(void) { run_with_link(&cases[0]); }
static void test_link_ber_1e4(void) { run_with_link(&cases[1]); }
static void test_link_ber_1e3(void) { run_with_link(&cases[2]); }
static void test_raw_ber_1e5(void) { run_without_link(&cases[0]); }
static void test_raw_ber_1e4(void) { run_without_link(&cases[1]); }
static void test_raw_ber_1e3(void) { run_without_link(&cases[2]); }

/* A clean line without the link: TLS alone works (the failures above are the faults'). */
static void test_raw_clean_line(void)
{
    tlsp_pair *p = new_engines();
    tlsp_linepair lp;
    tlsp_linepair_result res;

    REQUIRE(p != NULL);
    REQUIRE_EQ(tlsp_linepair_init(&lp, BAUD, NULL, 1), 0);
    CHECK_EQ(tlsp_linepair_handshake(&lp, &p->client, &p->server, 60000, NULL, NULL), 0);
    CHECK_EQ(tlsp_linepair_transfer(&lp, &p->client, &p->server, 64 * 1024, 64 * 1024, 4096,
                                    600000, &res), 0);
    CHECK_EQ(res.mismatches, 0);
    tlsp_linepair_free(&lp);
    tlsp_pair_free(p);
}

/* ---- tlsp_drive_* over the link, unchanged ------------------------------------------ */

/* The server runs inside the simulator's clock callback: whenever the client's driver
 * sleeps in wait(), the server gets to run and virtual time moves on, event by event. */
typedef struct peer_ctx {
    tlsp_linepair *lp;
    tlsp_engine *server;
    size_t echoed;
    uint8_t pending[1024];   /* read from the client, not yet taken by tlsp_write() */
    size_t pending_len;
} peer_ctx;

static void run_server(peer_ctx *pc)
{
    int progress = 1;

    while (progress) {
        int n;
        progress = 0;
        (void) tlsp_drive_step(pc->server, &pc->lp->up[1], &progress);
        /* Echo what arrives. tlsp_write() may take only part (net_out full while the
         * link's window is): keep the rest and read nothing new until it is gone. */
        for (;;) {
            if (pc->pending_len > 0) {
                n = tlsp_write(pc->server, pc->pending, pc->pending_len);
                if (n <= 0) {
                    break;
                }
                pc->echoed += (size_t) n;
                pc->pending_len -= (size_t) n;
                memmove(pc->pending, pc->pending + n, pc->pending_len);
                progress = 1;
                continue;
            }
            n = tlsp_read(pc->server, pc->pending, sizeof(pc->pending));
            if (n <= 0) {
                break;
            }
            pc->pending_len = (size_t) n;
            progress = 1;
        }
    }
}

static void advance_with_server(void *arg, uint64_t to_ms)
{
    peer_ctx *pc = arg;

    for (;;) {
        uint64_t t = to_ms, e;
        run_server(pc);
        e = tlsp_linesim_next_event(&pc->lp->sim);
        if (e < t) {
            t = e;
        }
        e = tlsp_link_next_timer(&pc->lp->link[1]);
        if (e < t) {
            t = e;
        }
        if (t <= tlsp_port_millis()) {
            t = tlsp_port_millis() + 1;
        }
        tlsp_port_test_set_millis(t);
        if (t >= to_ms) {
            return;
        }
    }
}

static void test_drive_api_over_link(void)
{
    tlsp_pair *p = new_engines();
    tlsp_link_config lc;
    tlsp_linepair lp;
    peer_ctx pc;
    tlsp_linesim_faults f = { 1e-4, 1e-4, 0, 0, 0, 0 };
    static uint8_t out[20000], back[20000];
    size_t i, got = 0;
    int ret;

    REQUIRE(p != NULL);
    tlsp_link_config_init(&lc, BAUD);
    REQUIRE_EQ(tlsp_linepair_init(&lp, BAUD, &lc, 104), 0);
    tlsp_linesim_set_faults(&lp.sim, TLSP_LINESIM_A, &f);
    tlsp_linesim_set_faults(&lp.sim, TLSP_LINESIM_B, &f);
    pc.lp = &lp;
    pc.server = &p->server;
    pc.echoed = 0;
    pc.pending_len = 0;
    tlsp_linesim_set_clock(&lp.sim, advance_with_server, &pc);
    for (i = 0; i < sizeof(out); i++) {
        out[i] = tlsp_pair_data_byte(9, i);
    }
    CHECK_EQ(tlsp_drive_handshake(&p->client, &lp.up[0], 60000), 0);
    CHECK_EQ(tlsp_drive_write(&p->client, &lp.up[0], out, sizeof(out), 60000), 0);
    ret = tlsp_drive_read_exact(&p->client, &lp.up[0], back, sizeof(back), &got, 60000);
    CHECK_EQ(ret, 0);
    CHECK_EQ(got, sizeof(back));
    CHECK(memcmp(out, back, sizeof(out)) == 0);
    CHECK(tlsp_link_get_stats(&lp.link[0])->retransmissions +
          tlsp_link_get_stats(&lp.link[1])->retransmissions > 0);
    printf("  drive API: 20000 bytes echoed over a BER 1e-4 line, %llu + %llu retransmissions\n",
           (unsigned long long) tlsp_link_get_stats(&lp.link[0])->retransmissions,
           (unsigned long long) tlsp_link_get_stats(&lp.link[1])->retransmissions);
    tlsp_linepair_free(&lp);
    tlsp_pair_free(p);
}

int main(void)
{
    RUN_TEST(test_raw_clean_line);
    RUN_TEST(test_drive_api_over_link);
    RUN_TEST(test_link_ber_1e5);
    RUN_TEST(test_link_ber_1e4);
    RUN_TEST(test_link_ber_1e3);
    RUN_TEST(test_raw_ber_1e5);
    RUN_TEST(test_raw_ber_1e4);
    RUN_TEST(test_raw_ber_1e3);
    return tlsp_test_finish("link_tls");
}
