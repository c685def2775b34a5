/*
 * Fast reconnect over the link layer (docs/link.md, "Reconnecting"), on the simulated
 * 115200-baud line in virtual time:
 *
 *   1. full handshake (certificates) with resumption enabled on both ends, data both
 *      ways, the client saves its session (tlsp_session_save);
 *   2. the link drops: the line is cut for longer than the link's dead_ms, or one end's
 *      link is restarted alone (a rebooted board). Both links fail (dead link: no
 *      acknowledgement within dead_ms), both engines report the transport failure;
 *   3. the line falls quiet, both ends start fresh links (tlsp_link_init), fresh engines
 *      (tlsp_engine_reset), the client loads the saved session;
 *   4. the handshake is abbreviated on both ends (tlsp_info.resumed), uses fewer bytes
 *      than the full one (both printed), and data flows again, byte-identical.
 *
 * TLS 1.2 resumes with a session ID (the server's cache), TLS 1.3 with a ticket; both
 * keep their resumption state in the server's config, which survives the reconnect.
 */
#include <stdlib.h>

#include "tlsp_linepair.h"
#include "tlsp_pair.h"
#include "tlsp_port_test.h"
#include "tlsp_test.h"
#include "tlspair/tlsp_port.h"
#include "tlspair/tlsp_session.h"

#define BAUD 115200u
#define DATA (8u * 1024u)
#define BLOB_MAX 4096u
/* Silence before the links restart: longer than any frame (a 256-byte frame is 23 ms at
 * 115200 baud) plus the UART buffers, so no frame of the old links is still arriving. */
#define QUIET_MS 100u

typedef enum { DROP_CUT_LINE, DROP_RESET_ONE_END } drop_kind;

typedef struct reconnect_case {
    const char *name;
    tlsp_version version;
    unsigned mechanism;      /* TLSP_RESUME_SESSION_ID or TLSP_RESUME_TICKETS */
    drop_kind drop;
} reconnect_case;

static tlsp_pair *new_engines(const reconnect_case *rc)
{
    tlsp_pair_opts o = { TLSP_PAIR_CERT, rc->version, rc->version, 0, 0, 0 };
    tlsp_pair *p = tlsp_pair_alloc(&o);

    if (p == NULL) {
        return NULL;
    }
    /* The read deadline is what makes an end with nothing to send notice a dead line
     * (its link has nothing outstanding, so it cannot time out); here both ends send. */
    if (tlsp_pair_configure(p) != 0 ||
        tlsp_config_enable_resumption(&p->client_cfg, rc->mechanism, 0, 0) != 0 ||
        tlsp_config_enable_resumption(&p->server_cfg, rc->mechanism, 3600, 0) != 0 ||
        tlsp_config_set_timeouts(&p->client_cfg, 60000, 60000) != 0 ||
        tlsp_config_set_timeouts(&p->server_cfg, 60000, 60000) != 0 ||
        tlsp_pair_start(p) != 0) {
        tlsp_pair_free(p);
        return NULL;
    }
    return p;
}

/* Both directions' handshake bytes as the server counts them: it finishes last (TLS 1.3:
 * after its NewSessionTicket), so its totals cover the whole exchange. */
static uint64_t handshake_bytes(tlsp_engine *server)
{
    tlsp_info si;

    if (tlsp_engine_info(server, &si) != 0) {
        return 0;
    }
    return si.handshake_bytes_in + si.handshake_bytes_out;
}

/* Line bytes both links wrote so far (frames, acks, retransmissions). */
static uint64_t line_bytes(const tlsp_linepair *lp)
{
    return tlsp_link_get_stats(&lp->link[0])->line_bytes_out +
           tlsp_link_get_stats(&lp->link[1])->line_bytes_out;
}

/* TLS 1.3 sends the ticket after the handshake: keep both ends running until the client
 * has it (the data exchange before usually got it there already). */
static int save_session(tlsp_linepair *lp, tlsp_pair *p, uint8_t *blob, size_t *len)
{
    unsigned rounds;

    for (rounds = 0; rounds < 10000u; rounds++) {
        uint8_t tmp[64];
        int ret = tlsp_session_save(&p->client, blob, BLOB_MAX, len);
        if (ret != TLSP_WANT_READ) {
            return ret;
        }
        (void) tlsp_read(&p->client, tmp, sizeof(tmp));
        ret = tlsp_linepair_step(lp, &p->client, &p->server);
        if (ret != 0) {
            return ret;
        }
    }
    return TLSP_ERR_TIMEOUT;
}

static void run_reconnect(const reconnect_case *rc)
{
    tlsp_pair *p = new_engines(rc);
    tlsp_link_config lc;
    tlsp_linepair lp;
    tlsp_linepair_result res;
    tlsp_linesim_faults cut = { 0 }, clean = { 0 };
    uint8_t *blob = malloc(BLOB_MAX);
    size_t blob_len = 0;
    uint64_t full_tls, full_line, resumed_tls, resumed_line, t_drop, t_saved, detect_ms;
    int64_t wall_saved;
    tlsp_info ci, si;
    int ret;

    REQUIRE(p != NULL);
    REQUIRE(blob != NULL);
    tlsp_link_config_init(&lc, BAUD);
    REQUIRE_EQ(tlsp_linepair_init(&lp, BAUD, &lc, 201), 0);

    /* 1. First connection: full handshake, data, save the session. */
    REQUIRE_EQ(tlsp_linepair_handshake(&lp, &p->client, &p->server, 60000, NULL, NULL), 0);
    full_line = line_bytes(&lp);
    CHECK_EQ(tlsp_linepair_transfer(&lp, &p->client, &p->server, DATA, DATA, 4096, 60000, &res), 0);
    CHECK_EQ(res.mismatches, 0);
    REQUIRE_EQ(save_session(&lp, p, blob, &blob_len), 0);
    t_saved = tlsp_port_millis();
    wall_saved = tlsp_port_wall_time();
    full_tls = handshake_bytes(&p->server);
    CHECK_EQ(tlsp_engine_info(&p->client, &ci), 0);
    CHECK_EQ(ci.resumed, 0);

    /* 2. The link drops while both ends are sending. */
    t_drop = tlsp_port_millis();
    if (rc->drop == DROP_CUT_LINE) {
        cut.drop_rate = 1.0;   /* every byte lost, both ways: a pulled cable */
        tlsp_linesim_set_faults(&lp.sim, TLSP_LINESIM_A, &cut);
        tlsp_linesim_set_faults(&lp.sim, TLSP_LINESIM_B, &cut);
    } else {
        /* The client's link restarts on its own: its sequence numbers are back at 0, the
         * server's link does not know, and the two reject each other's frames. */
        REQUIRE_EQ(tlsp_linepair_reset_link(&lp, TLSP_LINESIM_A), 0);
    }
    ret = tlsp_linepair_transfer(&lp, &p->client, &p->server, DATA, DATA, 4096, 120000, &res);
    detect_ms = tlsp_port_millis() - t_drop;
    CHECK_EQ(ret, TLSP_ERR_TRANSPORT);
    CHECK_EQ(res.mismatches, 0);
    CHECK_EQ(res.err[0], TLSP_ERR_TRANSPORT);
    CHECK_EQ(res.err[1], TLSP_ERR_TRANSPORT);
    CHECK_EQ(tlsp_link_error(&lp.link[0]), TLSP_ERR_TIMEOUT);
    CHECK_EQ(tlsp_link_error(&lp.link[1]), TLSP_ERR_TIMEOUT);
    /* Both noticed within the dead-link time (plus a backoff interval and a margin). */
    CHECK(detect_ms <= (uint64_t) lp.link[0].cfg.dead_ms + lp.link[0].cfg.rto_max_ms + 1000u);

    /* 3. The line comes back (or the peers just stop talking past each other): quiet,
     *    fresh links, fresh engines, the saved session. */
    tlsp_linesim_set_faults(&lp.sim, TLSP_LINESIM_A, &clean);
    tlsp_linesim_set_faults(&lp.sim, TLSP_LINESIM_B, &clean);
    REQUIRE_EQ(tlsp_linepair_restart_links(&lp, QUIET_MS, 60000), 0);
    CHECK_EQ(tlsp_link_error(&lp.link[0]), 0);
    CHECK_EQ(tlsp_link_error(&lp.link[1]), 0);
    REQUIRE_EQ(tlsp_engine_reset(&p->client), 0);
    REQUIRE_EQ(tlsp_engine_reset(&p->server), 0);
    /* The device's calendar moved on with the outage (the test port's wall clock does
     * not follow its millisecond clock by itself). A TLS 1.3 ticket's age is its age at
     * save plus the wall time since: without a date, an outage longer than mbedTLS's
     * 6 s ticket-age tolerance would end in a full handshake. */
    tlsp_port_test_set_wall_time(wall_saved + (int64_t) ((tlsp_port_millis() - t_saved) / 1000u));
    REQUIRE_EQ(tlsp_session_load(&p->client, blob, blob_len), 0);

    /* 4. Abbreviated handshake, then data again. */
    REQUIRE_EQ(tlsp_linepair_handshake(&lp, &p->client, &p->server, 60000, NULL, NULL), 0);
    resumed_line = line_bytes(&lp);
    CHECK_EQ(tlsp_linepair_transfer(&lp, &p->client, &p->server, DATA, DATA, 4096, 60000, &res), 0);
    CHECK_EQ(res.received[0], DATA);
    CHECK_EQ(res.received[1], DATA);
    CHECK_EQ(res.mismatches, 0);
    resumed_tls = handshake_bytes(&p->server);
    CHECK_EQ(tlsp_engine_info(&p->client, &ci), 0);
    CHECK_EQ(tlsp_engine_info(&p->server, &si), 0);
    CHECK_EQ(ci.resumed, 1);
    CHECK_EQ(si.resumed, 1);
    CHECK(resumed_tls < full_tls);
    CHECK(resumed_line < full_line);
    printf("  %s: link dead after %llu ms on both ends; TLS handshake bytes full %llu, "
           "resumed %llu (%.0f %%); line bytes %llu / %llu\n",
           rc->name, (unsigned long long) detect_ms, (unsigned long long) full_tls,
           (unsigned long long) resumed_tls, 100.0 * (double) resumed_tls / (double) full_tls,
           (unsigned long long) full_line, (unsigned long long) resumed_line);
    tlsp_linepair_free(&lp);
    tlsp_pair_free(p);
    free(blob);
}

static const reconnect_case tls12_cut = {
    "TLS 1.2 session ID, line cut", TLSP_TLS1_2, TLSP_RESUME_SESSION_ID, DROP_CUT_LINE
};
static const reconnect_case tls13_cut = {
    "TLS 1.3 ticket, line cut", TLSP_TLS1_3, TLSP_RESUME_TICKETS, DROP_CUT_LINE
};
static const reconnect_case tls13_reset = {
    "TLS 1.3 ticket, client link reset", TLSP_TLS1_3, TLSP_RESUME_TICKETS, DROP_RESET_ONE_END
};

static void test_tls12_session_id_after_cut(void) { run_reconnect(&tls12_cut); }
static void test_tls13_ticket_after_cut(void) { run_reconnect(&tls13_cut); }
static void test_tls13_ticket_after_one_end_reset(void) { run_reconnect(&tls13_reset); }

int main(void)
{
    RUN_TEST(test_tls12_session_id_after_cut);
    RUN_TEST(test_tls13_ticket_after_cut);
    RUN_TEST(test_tls13_ticket_after_one_end_reset);
    return tlsp_test_finish("link_reconnect");
}
