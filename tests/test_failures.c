/*
 * Failures that are not about certificates: wrong or unknown PSK, nothing in common,
 * silent peers and deadlines, truncation versus a clean close, out of memory and a
 * broken entropy source. Each must end in a clean, sticky error on the side(s) that can
 * know about it, and never hang.
 */
#include <stdlib.h>
#include <string.h>

#include "tlsp_pair.h"
#include "tlsp_port_test.h"
#include "tlsp_test.h"
#include "tlsp_test_pki.h"
#include "tlspair/tlsp_drive.h"
#include "tlspair/tlsp_heap.h"

#define ALERT_HANDSHAKE_FAILURE 40
#define ALERT_PROTOCOL_VERSION  70

static const uint8_t other_key[32] = {
    0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f, 0x10,
    0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18, 0x19, 0x1a, 0x1b, 0x1c, 0x1d, 0x1e, 0x1f, 0x20,
};
static const uint8_t other_identity[] = "someone-else";

static const char *vname(tlsp_version v)
{
    return v == TLSP_TLS1_3 ? "TLSv1.3" : "TLSv1.2";
}

/* ---- Helpers ------------------------------------------------------------------------- */

static void check_sticky(tlsp_engine *e, int code)
{
    uint8_t buf[16];

    CHECK_EQ(tlsp_engine_error(e), code);
    CHECK_EQ(tlsp_handshake(e), code);
    CHECK_EQ(tlsp_read(e, buf, sizeof(buf)), code);
    CHECK_EQ(tlsp_read(e, buf, sizeof(buf)), code);
    CHECK_EQ(tlsp_write(e, (const uint8_t *) "x", 1), code);
    CHECK_EQ(tlsp_poll(e), code);
    CHECK(tlsp_status(e) & TLSP_STATUS_FAILED);
}

static int is_failure(int ret)
{
    return ret < 0 && ret != TLSP_WANT_READ && ret != TLSP_WANT_WRITE && ret != TLSP_ERR_CLOSED;
}

/* Replace one side's config with a fresh one of the same role and versions. */
static int fresh_cfg(tlsp_config *cfg, tlsp_role role, tlsp_version min, tlsp_version max)
{
    int ret;

    tlsp_config_free(cfg);
    ret = tlsp_config_init(cfg, role);
    if (ret == 0) {
        ret = tlsp_config_set_versions(cfg, min, max);
    }
    return ret;
}

/* Take up to cap bytes in flight from `from` off the link (they never arrive). */
static size_t take_in_flight(tlsp_pair *p, tlsp_link_side from, uint8_t *buf, size_t cap)
{
    tlsp_queue *q = from == TLSP_LINK_A ? &p->link.to_b : &p->link.to_a;

    return tlsp_queue_read(q, buf, cap);
}

static int step_one(tlsp_pair *p, tlsp_link_side side, int *progress)
{
    tlsp_transport t;

    tlsp_memory_link_transport(&p->link, side, &t);
    return tlsp_drive_step(side == TLSP_LINK_A ? &p->client : &p->server, &t, progress);
}

/* ---- PSK ----------------------------------------------------------------------------- */

/* The client's PSK differs from the server's in key or identity. */
static void psk_mismatch(tlsp_version v, const uint8_t *id, size_t id_len,
                         const uint8_t *key, size_t key_len)
{
    tlsp_pair_opts o = { TLSP_PAIR_PSK, v, v, 0, 0, 0 };
    tlsp_pair *p = tlsp_pair_alloc(&o);
    tlsp_pair_failure f;

    REQUIRE(p != NULL);
    REQUIRE_EQ(tlsp_pair_configure(p), 0);
    REQUIRE_EQ(fresh_cfg(&p->client_cfg, TLSP_CLIENT, v, v), 0);
    REQUIRE_EQ(tlsp_config_set_psk(&p->client_cfg, id, id_len, key, key_len), 0);
    REQUIRE_EQ(tlsp_pair_start(p), 0);

    tlsp_pair_fail_handshake(p, &f);
    CHECK(is_failure(f.ret) && f.ret != TLSP_ERR_TIMEOUT);
    CHECK(tlsp_pair_alerted_once(p, &f));
    printf("  %s: client %d (mbedtls -0x%x, alert %d), server %d (mbedtls -0x%x, alert %d)\n",
           vname(v), tlsp_engine_error(&p->client), -tlsp_engine_mbedtls_error(&p->client),
           tlsp_engine_alert_received(&p->client), tlsp_engine_error(&p->server),
           -tlsp_engine_mbedtls_error(&p->server), tlsp_engine_alert_received(&p->server));
    check_sticky(&p->client, TLSP_ERR_PSK);
    check_sticky(&p->server, TLSP_ERR_PSK);
    tlsp_pair_free(p);
}

static void wrong_psk_key(tlsp_version v)
{
    psk_mismatch(v, tlsp_pair_psk_identity, tlsp_pair_psk_identity_len, other_key, sizeof(other_key));
}

static void unknown_psk_identity(tlsp_version v)
{
    psk_mismatch(v, other_identity, sizeof(other_identity) - 1, tlsp_pair_psk_key,
                 tlsp_pair_psk_key_len);
}

static void test_wrong_psk_key_tls12(void) { wrong_psk_key(TLSP_TLS1_2); }
static void test_wrong_psk_key_tls13(void) { wrong_psk_key(TLSP_TLS1_3); }
static void test_unknown_psk_identity_tls12(void) { unknown_psk_identity(TLSP_TLS1_2); }
static void test_unknown_psk_identity_tls13(void) { unknown_psk_identity(TLSP_TLS1_3); }

/* ---- Nothing in common --------------------------------------------------------------- */

static tlsp_pair *cert_pair_versions(tlsp_version cmin, tlsp_version cmax,
                                     tlsp_version smin, tlsp_version smax)
{
    tlsp_pair *p = tlsp_pair_alloc(NULL);

    if (p == NULL) {
        return NULL;
    }
    if (tlsp_pair_configure(p) != 0 ||
        tlsp_config_set_versions(&p->client_cfg, cmin, cmax) != 0 ||
        tlsp_config_set_versions(&p->server_cfg, smin, smax) != 0) {
        tlsp_pair_free(p);
        return NULL;
    }
    return p;
}

/* Both sides fail with NEGOTIATION when their version ranges do not overlap. */
static void run_version_mismatch(tlsp_version client, tlsp_version server)
{
    tlsp_pair *p = cert_pair_versions(client, client, server, server);
    tlsp_pair_failure f;

    REQUIRE(p != NULL);
    REQUIRE_EQ(tlsp_pair_start(p), 0);
    tlsp_pair_fail_handshake(p, &f);
    CHECK(is_failure(f.ret));
    CHECK(tlsp_pair_alerted_once(p, &f));
    printf("  client %d (mbedtls -0x%x, alert %d), server %d (mbedtls -0x%x, alert %d)\n",
           tlsp_engine_error(&p->client), -tlsp_engine_mbedtls_error(&p->client),
           tlsp_engine_alert_received(&p->client), tlsp_engine_error(&p->server),
           -tlsp_engine_mbedtls_error(&p->server), tlsp_engine_alert_received(&p->server));
    check_sticky(&p->client, TLSP_ERR_NEGOTIATION);
    check_sticky(&p->server, TLSP_ERR_NEGOTIATION);
    tlsp_pair_free(p);
}

static void test_version_client13_server12(void) { run_version_mismatch(TLSP_TLS1_3, TLSP_TLS1_2); }
static void test_version_client12_server13(void) { run_version_mismatch(TLSP_TLS1_2, TLSP_TLS1_3); }

static void no_common_suite(tlsp_version v, const char *client_suite, const char *server_suite)
{
    tlsp_pair *p = cert_pair_versions(v, v, v, v);
    tlsp_pair_failure f;

    REQUIRE(p != NULL);
    REQUIRE_EQ(tlsp_config_set_ciphersuites(&p->client_cfg, client_suite), 0);
    REQUIRE_EQ(tlsp_config_set_ciphersuites(&p->server_cfg, server_suite), 0);
    REQUIRE_EQ(tlsp_pair_start(p), 0);
    tlsp_pair_fail_handshake(p, &f);
    CHECK(is_failure(f.ret));
    CHECK(tlsp_pair_alerted_once(p, &f));
    printf("  %s: client %d (mbedtls -0x%x, alert %d), server %d (mbedtls -0x%x, alert %d)\n",
           vname(v), tlsp_engine_error(&p->client), -tlsp_engine_mbedtls_error(&p->client),
           tlsp_engine_alert_received(&p->client), tlsp_engine_error(&p->server),
           -tlsp_engine_mbedtls_error(&p->server), tlsp_engine_alert_received(&p->server));
    /* The server finds nothing in common; the client hears handshake_failure before any
     * ServerHello, which can only mean its ClientHello was refused as a whole. */
    check_sticky(&p->server, TLSP_ERR_NEGOTIATION);
    check_sticky(&p->client, TLSP_ERR_NEGOTIATION);
    CHECK_EQ(tlsp_engine_alert_received(&p->client), ALERT_HANDSHAKE_FAILURE);
    CHECK_EQ(tlsp_engine_alert_received(&p->server), -1);
    tlsp_pair_free(p);
}

static void test_no_common_suite_tls12(void)
{
    no_common_suite(TLSP_TLS1_2, "TLS-ECDHE-ECDSA-WITH-AES-128-GCM-SHA256",
                    "TLS-ECDHE-ECDSA-WITH-CHACHA20-POLY1305-SHA256");
}

static void test_no_common_suite_tls13(void)
{
    no_common_suite(TLSP_TLS1_3, "TLS1-3-AES-128-GCM-SHA256", "TLS1-3-CHACHA20-POLY1305-SHA256");
}

/* ---- Deadlines ----------------------------------------------------------------------- */

/* The server never answers the ClientHello: the client times out at its deadline, not
 * before, and stays timed out. */
static void silent_server(tlsp_version v, tlsp_pair_auth auth)
{
    tlsp_pair_opts o = { auth, v, v, 0, 0, 0 };
    tlsp_pair *p = tlsp_pair_alloc(&o);
    size_t len = 0;
    int progress;
    int i;

    REQUIRE(p != NULL);
    REQUIRE_EQ(tlsp_pair_configure(p), 0);
    REQUIRE_EQ(tlsp_config_set_timeouts(&p->client_cfg, 5000, 0), 0);
    REQUIRE_EQ(tlsp_pair_start(p), 0);

    CHECK_EQ(tlsp_handshake(&p->client), TLSP_WANT_WRITE);
    for (i = 0; i < 4; i++) {
        CHECK_EQ(step_one(p, TLSP_LINK_A, &progress), 0);
    }
    CHECK(tlsp_memory_link_in_flight(&p->link, TLSP_LINK_A, &len) != NULL && len > 0);
    CHECK_EQ(tlsp_handshake(&p->client), TLSP_WANT_READ);

    tlsp_port_test_advance_millis(4999);
    CHECK_EQ(tlsp_handshake(&p->client), TLSP_WANT_READ);
    CHECK_EQ(tlsp_poll(&p->client), 0);
    CHECK_EQ(tlsp_engine_error(&p->client), 0);

    tlsp_port_test_advance_millis(1);
    CHECK_EQ(tlsp_poll(&p->client), TLSP_ERR_TIMEOUT);
    check_sticky(&p->client, TLSP_ERR_TIMEOUT);
    /* Even if the server wakes up now, the client stays failed. */
    tlsp_pair_settle_failure(p);
    CHECK_EQ(tlsp_engine_error(&p->client), TLSP_ERR_TIMEOUT);
    tlsp_pair_free(p);
}

/* Same, detected by tlsp_handshake() rather than tlsp_poll(). */
static void silent_server_handshake_call(tlsp_version v)
{
    tlsp_pair_opts o = { TLSP_PAIR_CERT, v, v, 0, 0, 0 };
    tlsp_pair *p = tlsp_pair_alloc(&o);
    int progress;

    REQUIRE(p != NULL);
    REQUIRE_EQ(tlsp_pair_configure(p), 0);
    REQUIRE_EQ(tlsp_config_set_timeouts(&p->client_cfg, 2000, 0), 0);
    REQUIRE_EQ(tlsp_pair_start(p), 0);
    CHECK_EQ(tlsp_handshake(&p->client), TLSP_WANT_WRITE);
    CHECK_EQ(step_one(p, TLSP_LINK_A, &progress), 0);
    tlsp_port_test_advance_millis(1999);
    CHECK_EQ(tlsp_handshake(&p->client), TLSP_WANT_READ);
    tlsp_port_test_advance_millis(1);
    CHECK_EQ(tlsp_handshake(&p->client), TLSP_ERR_TIMEOUT);
    check_sticky(&p->client, TLSP_ERR_TIMEOUT);
    tlsp_pair_free(p);
}

static void test_handshake_timeout_tls12(void) { silent_server(TLSP_TLS1_2, TLSP_PAIR_CERT); }
static void test_handshake_timeout_tls13(void) { silent_server(TLSP_TLS1_3, TLSP_PAIR_CERT); }
static void test_handshake_timeout_psk_tls12(void) { silent_server(TLSP_TLS1_2, TLSP_PAIR_PSK); }
static void test_handshake_timeout_psk_tls13(void) { silent_server(TLSP_TLS1_3, TLSP_PAIR_PSK); }
static void test_handshake_timeout_call_tls12(void) { silent_server_handshake_call(TLSP_TLS1_2); }
static void test_handshake_timeout_call_tls13(void) { silent_server_handshake_call(TLSP_TLS1_3); }

static void read_timeout(tlsp_version v)
{
    tlsp_pair_opts o = { TLSP_PAIR_CERT, v, v, 0, 0, 0 };
    tlsp_pair *p = tlsp_pair_alloc(&o);
    uint8_t buf[64];
    int ret;

    REQUIRE(p != NULL);
    REQUIRE_EQ(tlsp_pair_configure(p), 0);
    REQUIRE_EQ(tlsp_config_set_timeouts(&p->client_cfg, 0, 5000), 0);
    REQUIRE_EQ(tlsp_pair_start(p), 0);
    REQUIRE_EQ(tlsp_pair_handshake(p), 0);
    (void) tlsp_pair_settle(p, 8); /* session tickets and the like */

    CHECK_EQ(tlsp_read(&p->client, buf, sizeof(buf)), TLSP_WANT_READ);
    tlsp_port_test_advance_millis(4000);
    CHECK_EQ(tlsp_read(&p->client, buf, sizeof(buf)), TLSP_WANT_READ);
    CHECK_EQ(tlsp_poll(&p->client), 0);

    CHECK_EQ(tlsp_write(&p->server, (const uint8_t *) "ping", 4), 4);
    CHECK_EQ(tlsp_pair_settle(p, 4), 0);
    ret = tlsp_read(&p->client, buf, sizeof(buf));
    CHECK_EQ(ret, 4);
    CHECK(ret == 4 && memcmp(buf, "ping", 4) == 0);

    /* A new wait starts now: 4999 ms is still fine, 5001 is not. */
    CHECK_EQ(tlsp_read(&p->client, buf, sizeof(buf)), TLSP_WANT_READ);
    tlsp_port_test_advance_millis(4999);
    CHECK_EQ(tlsp_read(&p->client, buf, sizeof(buf)), TLSP_WANT_READ);
    tlsp_port_test_advance_millis(2);
    CHECK_EQ(tlsp_read(&p->client, buf, sizeof(buf)), TLSP_ERR_TIMEOUT);
    CHECK_EQ(tlsp_read(&p->client, buf, sizeof(buf)), TLSP_ERR_TIMEOUT);
    CHECK_EQ(tlsp_write(&p->client, (const uint8_t *) "x", 1), TLSP_ERR_TIMEOUT);
    CHECK_EQ(tlsp_engine_error(&p->client), TLSP_ERR_TIMEOUT);
    /* The server has no read deadline: it is not affected. */
    CHECK_EQ(tlsp_engine_error(&p->server), 0);
    tlsp_pair_free(p);
}

static void test_read_timeout_tls12(void) { read_timeout(TLSP_TLS1_2); }
static void test_read_timeout_tls13(void) { read_timeout(TLSP_TLS1_3); }

/* ---- End of stream ------------------------------------------------------------------- */

/* Read everything available into out; returns the final non-positive code. */
static int read_all(tlsp_pair *p, uint8_t *out, size_t cap, size_t *got)
{
    int ret;
    unsigned idle = 0;

    *got = 0;
    for (;;) {
        int progress = 0;
        ret = tlsp_read(&p->client, out + *got, cap - *got);
        if (ret > 0) {
            *got += (size_t) ret;
            idle = 0;
            continue;
        }
        if (ret != TLSP_WANT_READ && ret != TLSP_WANT_WRITE) {
            return ret;
        }
        (void) tlsp_memory_pair_step(&p->client, &p->server, &p->link, &progress);
        idle = progress ? 0 : idle + 1;
        if (idle > 64) {
            return ret;
        }
    }
}

static void eof_without_close_notify(tlsp_version v)
{
    tlsp_pair *p = tlsp_pair_new_connected(v, TLSP_PAIR_CERT);
    uint8_t buf[64];
    size_t got;

    REQUIRE(p != NULL);
    CHECK_EQ(tlsp_write(&p->server, (const uint8_t *) "before-eof", 10), 10);
    (void) step_one(p, TLSP_LINK_B, NULL);
    tlsp_memory_link_shutdown(&p->link, TLSP_LINK_B);
    CHECK_EQ(read_all(p, buf, sizeof(buf), &got), TLSP_ERR_TRUNCATED);
    CHECK_EQ(got, 10);
    CHECK(got == 10 && memcmp(buf, "before-eof", 10) == 0);
    CHECK(tlsp_status(&p->client) & TLSP_STATUS_NET_EOF);
    CHECK(!(tlsp_status(&p->client) & TLSP_STATUS_PEER_CLOSED));
    check_sticky(&p->client, TLSP_ERR_TRUNCATED);
    tlsp_pair_free(p);
}

static void eof_without_close_notify_no_data(tlsp_version v)
{
    tlsp_pair *p = tlsp_pair_new_connected(v, TLSP_PAIR_PSK);
    uint8_t buf[64];

    REQUIRE(p != NULL);
    tlsp_memory_link_shutdown(&p->link, TLSP_LINK_B);
    (void) tlsp_pair_settle(p, 4);
    CHECK_EQ(tlsp_read(&p->client, buf, sizeof(buf)), TLSP_ERR_TRUNCATED);
    check_sticky(&p->client, TLSP_ERR_TRUNCATED);
    tlsp_pair_free(p);
}

static void clean_close(tlsp_version v)
{
    tlsp_pair *p = tlsp_pair_new_connected(v, TLSP_PAIR_CERT);
    uint8_t buf[64];
    size_t got;

    REQUIRE(p != NULL);
    CHECK_EQ(tlsp_write(&p->server, (const uint8_t *) "first,", 6), 6);
    CHECK_EQ(tlsp_write(&p->server, (const uint8_t *) "second", 6), 6);
    CHECK_EQ(tlsp_close(&p->server), 0);
    (void) step_one(p, TLSP_LINK_B, NULL);
    (void) step_one(p, TLSP_LINK_B, NULL);
    tlsp_memory_link_shutdown(&p->link, TLSP_LINK_B);
    CHECK_EQ(read_all(p, buf, sizeof(buf), &got), TLSP_ERR_CLOSED);
    CHECK_EQ(got, 12);
    CHECK(got == 12 && memcmp(buf, "first,second", 12) == 0);
    /* Repeatable, and not a failure. */
    CHECK_EQ(tlsp_read(&p->client, buf, sizeof(buf)), TLSP_ERR_CLOSED);
    CHECK_EQ(tlsp_read(&p->client, buf, sizeof(buf)), TLSP_ERR_CLOSED);
    CHECK_EQ(tlsp_engine_error(&p->client), 0);
    CHECK(tlsp_status(&p->client) & TLSP_STATUS_PEER_CLOSED);
    CHECK(!(tlsp_status(&p->client) & TLSP_STATUS_FAILED));
    tlsp_pair_free(p);
}

/* The transport ends in the middle of a record: the partial record is never delivered. */
static void eof_mid_record(tlsp_version v)
{
    tlsp_pair *p = tlsp_pair_new_connected(v, TLSP_PAIR_CERT);
    uint8_t msg[100];
    uint8_t rec[256];
    uint8_t buf[256];
    size_t n, i;
    tlsp_info info;

    REQUIRE(p != NULL);
    for (i = 0; i < sizeof(msg); i++) {
        msg[i] = (uint8_t) ('A' + i % 26);
    }
    CHECK_EQ(tlsp_write(&p->server, msg, sizeof(msg)), (int) sizeof(msg));
    (void) step_one(p, TLSP_LINK_B, NULL);
    n = take_in_flight(p, TLSP_LINK_B, rec, sizeof(rec));
    REQUIRE(n > sizeof(msg) && n < sizeof(rec));
    /* Deliver all but the last 10 bytes (the tag), then end the stream. */
    CHECK_EQ(tlsp_net_in_feed(&p->client, rec, n - 10), (int) (n - 10));
    tlsp_memory_link_shutdown(&p->link, TLSP_LINK_B);
    (void) tlsp_pair_settle(p, 4);

    memset(buf, 0xEE, sizeof(buf));
    CHECK_EQ(tlsp_read(&p->client, buf, sizeof(buf)), TLSP_ERR_TRUNCATED);
    for (i = 0; i < sizeof(buf) && buf[i] == 0xEE; i++) {
    }
    CHECK_EQ(i, sizeof(buf));
    CHECK_EQ(tlsp_engine_info(&p->client, &info), 0);
    CHECK_EQ(info.counters.app_bytes_in, 0);
    check_sticky(&p->client, TLSP_ERR_TRUNCATED);
    tlsp_pair_free(p);
}

static void test_eof_no_close_notify_tls12(void) { eof_without_close_notify(TLSP_TLS1_2); }
static void test_eof_no_close_notify_tls13(void) { eof_without_close_notify(TLSP_TLS1_3); }
static void test_eof_no_close_notify_empty_tls12(void) { eof_without_close_notify_no_data(TLSP_TLS1_2); }
static void test_eof_no_close_notify_empty_tls13(void) { eof_without_close_notify_no_data(TLSP_TLS1_3); }
static void test_clean_close_tls12(void) { clean_close(TLSP_TLS1_2); }
static void test_clean_close_tls13(void) { clean_close(TLSP_TLS1_3); }
static void test_eof_mid_record_tls12(void) { eof_mid_record(TLSP_TLS1_2); }
static void test_eof_mid_record_tls13(void) { eof_mid_record(TLSP_TLS1_3); }

/* The server vanishes during the handshake: right after the ClientHello (nothing came
 * back), or half-way through its first flight. */
static void eof_in_handshake(tlsp_version v, int partial_flight)
{
    tlsp_pair_opts o = { TLSP_PAIR_CERT, v, v, 0, 0, 0 };
    tlsp_pair *p = tlsp_pair_new(&o);
    uint8_t flight[8192];
    int progress;
    int i;

    REQUIRE(p != NULL);
    CHECK_EQ(tlsp_handshake(&p->client), TLSP_WANT_WRITE);
    (void) step_one(p, TLSP_LINK_A, &progress);
    if (partial_flight) {
        size_t n;
        for (i = 0; i < 4; i++) {
            (void) step_one(p, TLSP_LINK_B, &progress);
        }
        n = take_in_flight(p, TLSP_LINK_B, flight, sizeof(flight));
        REQUIRE(n > 100);
        CHECK_EQ(tlsp_net_in_feed(&p->client, flight, n / 2), (int) (n / 2));
    }
    tlsp_memory_link_shutdown(&p->link, TLSP_LINK_B);
    for (i = 0; i < 64 && tlsp_engine_error(&p->client) == 0; i++) {
        (void) step_one(p, TLSP_LINK_A, &progress);
    }
    CHECK_EQ(tlsp_engine_error(&p->client), TLSP_ERR_TRUNCATED);
    check_sticky(&p->client, TLSP_ERR_TRUNCATED);
    tlsp_pair_free(p);
}

/* A close_notify before Finished abandons the handshake (found by fuzz_engine_server:
 * tlsp_handshake() returned the clean-end TLSP_ERR_CLOSED without failing the engine).
 * Both roles, as the first thing the peer sends: a failure, sticky, naming the alert. */
static void close_notify_in_handshake(tlsp_version v, int server)
{
    static const uint8_t close_notify[] = { 0x15, 0x03, 0x03, 0x00, 0x02, 0x01, 0x00 };
    tlsp_pair_opts o = { TLSP_PAIR_CERT, v, v, 0, 0, 0 };
    tlsp_pair *p = tlsp_pair_new(&o);
    tlsp_engine *e;
    uint8_t sink[4096];
    char text[256];

    REQUIRE(p != NULL);
    e = server ? &p->server : &p->client;
    if (!server) {
        CHECK_EQ(tlsp_handshake(e), TLSP_WANT_WRITE);
        CHECK(tlsp_net_out_drain(e, sink, sizeof(sink)) > 0);   /* the ClientHello */
    }
    CHECK_EQ(tlsp_net_in_feed(e, close_notify, sizeof(close_notify)), (int) sizeof(close_notify));
    CHECK_EQ(tlsp_handshake(e), TLSP_ERR_PEER_ALERT);
    CHECK_EQ(tlsp_engine_alert_received(e), 0);
    CHECK(tlsp_engine_describe_error(e, text, sizeof(text)) > 0);
    CHECK(strstr(text, "the peer aborted the connection with the alert close_notify (0)") != NULL);
    check_sticky(e, TLSP_ERR_PEER_ALERT);
    CHECK(!(tlsp_status(e) & TLSP_STATUS_PEER_CLOSED));
    tlsp_pair_free(p);
}

static void test_close_notify_in_handshake_client_tls12(void) { close_notify_in_handshake(TLSP_TLS1_2, 0); }
static void test_close_notify_in_handshake_client_tls13(void) { close_notify_in_handshake(TLSP_TLS1_3, 0); }
static void test_close_notify_in_handshake_server_tls12(void) { close_notify_in_handshake(TLSP_TLS1_2, 1); }
static void test_close_notify_in_handshake_server_tls13(void) { close_notify_in_handshake(TLSP_TLS1_3, 1); }

static void test_eof_in_handshake_tls12(void) { eof_in_handshake(TLSP_TLS1_2, 0); }
static void test_eof_in_handshake_tls13(void) { eof_in_handshake(TLSP_TLS1_3, 0); }
static void test_eof_mid_flight_tls12(void) { eof_in_handshake(TLSP_TLS1_2, 1); }
static void test_eof_mid_flight_tls13(void) { eof_in_handshake(TLSP_TLS1_3, 1); }

/* ---- Out of memory ------------------------------------------------------------------- */

static size_t heap_current(void)
{
    tlsp_heap_stats st;

    tlsp_heap_get_stats(&st);
    return st.current;
}

/* Engine init cannot get its record buffers. */
static void oom_engine_init(tlsp_version v)
{
    tlsp_pair_opts o = { TLSP_PAIR_CERT, v, v, 0, 0, 0 };
    tlsp_pair *p = tlsp_pair_alloc(&o);
    size_t before;

    REQUIRE(p != NULL);
    before = heap_current();
    REQUIRE_EQ(tlsp_pair_configure(p), 0);
    tlsp_heap_set_limit(heap_current() + 2000);
    CHECK_EQ(tlsp_pair_start(p), TLSP_ERR_NO_MEMORY);
    tlsp_heap_set_limit(0);
    tlsp_pair_free(p);
    CHECK_EQ(heap_current(), before);
}

/* Engines exist; the handshake cannot get what it needs. */
static void oom_handshake(tlsp_version v, tlsp_pair_auth auth)
{
    tlsp_pair_opts o = { auth, v, v, 0, 0, 0 };
    tlsp_pair *p;
    size_t before = heap_current();
    int ret;

    p = tlsp_pair_new(&o);
    REQUIRE(p != NULL);
    tlsp_heap_set_limit(heap_current() + 2000);
    ret = tlsp_pair_handshake(p);
    tlsp_pair_settle_failure(p);
    tlsp_heap_set_limit(0);
    CHECK(is_failure(ret));
    CHECK(tlsp_engine_error(&p->client) == TLSP_ERR_NO_MEMORY ||
          tlsp_engine_error(&p->server) == TLSP_ERR_NO_MEMORY);
    CHECK(!(tlsp_status(&p->client) & TLSP_STATUS_HANDSHAKE_DONE) ||
          !(tlsp_status(&p->server) & TLSP_STATUS_HANDSHAKE_DONE));
    tlsp_pair_free(p);
    CHECK_EQ(heap_current(), before);

    /* Without the limit the same setup works again. */
    p = tlsp_pair_new(&o);
    REQUIRE(p != NULL);
    CHECK_EQ(tlsp_pair_handshake(p), 0);
    CHECK_EQ(tlsp_pair_transfer(p, 2000, 1000), 0);
    tlsp_pair_free(p);
    CHECK_EQ(heap_current(), before);
}

/* Every limit from tight to generous: each handshake either completes or fails cleanly
 * with NO_MEMORY on a side (the other side may see an alert or just stop hearing), and
 * nothing leaks. */
static void oom_sweep(tlsp_version v)
{
    tlsp_pair_opts o = { TLSP_PAIR_CERT, v, v, 0, 0, 0 };
    size_t before = heap_current();
    size_t extra;
    unsigned ok = 0, failed = 0;

    for (extra = 0; extra <= 60000; extra += 1500) {
        tlsp_pair *p = tlsp_pair_new(&o);
        int ret;
        int ce, se;

        REQUIRE(p != NULL);
        tlsp_heap_set_limit(heap_current() + extra);
        ret = tlsp_pair_handshake(p);
        if (ret != 0) {
            tlsp_pair_settle_failure(p);
        }
        tlsp_heap_set_limit(0);
        ce = tlsp_engine_error(&p->client);
        se = tlsp_engine_error(&p->server);
        if (ret == 0) {
            ok++;
            CHECK_EQ(ce, 0);
            CHECK_EQ(se, 0);
        } else {
            failed++;
            if (ce != TLSP_ERR_NO_MEMORY && se != TLSP_ERR_NO_MEMORY) {
                fprintf(stderr, "  extra %zu: handshake %d, client %d (mbedtls -0x%x), server %d (mbedtls -0x%x)\n",
                        extra, ret, ce, -tlsp_engine_mbedtls_error(&p->client), se,
                        -tlsp_engine_mbedtls_error(&p->server));
            }
            CHECK(ce == TLSP_ERR_NO_MEMORY || se == TLSP_ERR_NO_MEMORY);
        }
        tlsp_pair_free(p);
        CHECK_EQ(heap_current(), before);
    }
    printf("  %s: %u limits completed, %u failed cleanly\n", vname(v), ok, failed);
    CHECK(failed > 0);
    CHECK(ok > 0);
}

static void test_oom_engine_init_tls12(void) { oom_engine_init(TLSP_TLS1_2); }
static void test_oom_engine_init_tls13(void) { oom_engine_init(TLSP_TLS1_3); }
static void test_oom_handshake_tls12(void) { oom_handshake(TLSP_TLS1_2, TLSP_PAIR_CERT); }
static void test_oom_handshake_tls13(void) { oom_handshake(TLSP_TLS1_3, TLSP_PAIR_CERT); }
static void test_oom_handshake_psk_tls12(void) { oom_handshake(TLSP_TLS1_2, TLSP_PAIR_PSK); }
static void test_oom_handshake_psk_tls13(void) { oom_handshake(TLSP_TLS1_3, TLSP_PAIR_PSK); }
static void test_oom_sweep_tls12(void) { oom_sweep(TLSP_TLS1_2); }
static void test_oom_sweep_tls13(void) { oom_sweep(TLSP_TLS1_3); }

/* ---- Entropy ------------------------------------------------------------------------- */

/* Must run first in this process: PSA seeds its generator once, on the first successful
 * tlsp_config_init(). While that has not happened a failing entropy source makes
 * config init fail with TLSP_ERR_ENTROPY; after it, init does not read entropy again
 * (returns 0 even while the source fails). */
static void test_entropy_failure_first_init(void)
{
    tlsp_config cfg;
    tlsp_pair *p;

    tlsp_port_test_fail_entropy(1);
    CHECK_EQ(tlsp_config_init(&cfg, TLSP_CLIENT), TLSP_ERR_ENTROPY);
    tlsp_config_free(&cfg); /* harmless on a failed init */
    CHECK_EQ(tlsp_config_init(&cfg, TLSP_SERVER), TLSP_ERR_ENTROPY);
    tlsp_config_free(&cfg);

    /* The source recovers: init works, and a connection can be made. */
    tlsp_port_test_fail_entropy(0);
    CHECK_EQ(tlsp_config_init(&cfg, TLSP_CLIENT), 0);
    tlsp_config_free(&cfg);

    /* Already seeded: a failing source no longer affects config init. */
    tlsp_port_test_fail_entropy(1);
    CHECK_EQ(tlsp_config_init(&cfg, TLSP_CLIENT), 0);
    tlsp_config_free(&cfg);
    tlsp_port_test_fail_entropy(0);

    p = tlsp_pair_new(NULL);
    REQUIRE(p != NULL);
    CHECK_EQ(tlsp_pair_handshake(p), 0);
    tlsp_pair_free(p);
}

int main(void)
{
    RUN_TEST(test_entropy_failure_first_init); /* first: needs an unseeded process */
    RUN_TEST(test_wrong_psk_key_tls12);
    RUN_TEST(test_wrong_psk_key_tls13);
    RUN_TEST(test_unknown_psk_identity_tls12);
    RUN_TEST(test_unknown_psk_identity_tls13);
    RUN_TEST(test_version_client13_server12);
    RUN_TEST(test_version_client12_server13);
    RUN_TEST(test_no_common_suite_tls12);
    RUN_TEST(test_no_common_suite_tls13);
    RUN_TEST(test_handshake_timeout_tls12);
    RUN_TEST(test_handshake_timeout_tls13);
    RUN_TEST(test_handshake_timeout_psk_tls12);
    RUN_TEST(test_handshake_timeout_psk_tls13);
    RUN_TEST(test_handshake_timeout_call_tls12);
    RUN_TEST(test_handshake_timeout_call_tls13);
    RUN_TEST(test_read_timeout_tls12);
    RUN_TEST(test_read_timeout_tls13);
    RUN_TEST(test_eof_no_close_notify_tls12);
    RUN_TEST(test_eof_no_close_notify_tls13);
    RUN_TEST(test_eof_no_close_notify_empty_tls12);
    RUN_TEST(test_eof_no_close_notify_empty_tls13);
    RUN_TEST(test_clean_close_tls12);
    RUN_TEST(test_clean_close_tls13);
    RUN_TEST(test_eof_mid_record_tls12);
    RUN_TEST(test_eof_mid_record_tls13);
    RUN_TEST(test_close_notify_in_handshake_client_tls12);
    RUN_TEST(test_close_notify_in_handshake_client_tls13);
    RUN_TEST(test_close_notify_in_handshake_server_tls12);
    RUN_TEST(test_close_notify_in_handshake_server_tls13);
    RUN_TEST(test_eof_in_handshake_tls12);
    RUN_TEST(test_eof_in_handshake_tls13);
    RUN_TEST(test_eof_mid_flight_tls12);
    RUN_TEST(test_eof_mid_flight_tls13);
    RUN_TEST(test_oom_engine_init_tls12);
    RUN_TEST(test_oom_engine_init_tls13);
    RUN_TEST(test_oom_handshake_tls12);
    RUN_TEST(test_oom_handshake_tls13);
    RUN_TEST(test_oom_handshake_psk_tls12);
    RUN_TEST(test_oom_handshake_psk_tls13);
    RUN_TEST(test_oom_sweep_tls12);
    RUN_TEST(test_oom_sweep_tls13);
    return tlsp_test_finish("failures");
}
