/* The driver loop (tlsp_drive.h) over a transport, single-threaded: the client's transport
 * wraps memory-link end A, and its wait() callback runs the server (end B) one step, so
 * the client's blocking-style drive calls really run to completion while the peer works. */
#include <stdlib.h>
#include <string.h>

#include "tlsp_pair.h"
#include "tlsp_port_test.h"
#include "tlsp_test.h"
#include "tlspair/tlsp_drive.h"
#include "tlspair/tlsp_memory_link.h"

#define MAX_WAITS 200000u

typedef struct test_transport {
    tlsp_pair *p;
    tlsp_transport inner;       /* link end A, the client's medium */
    tlsp_transport peer_t;      /* link end B, the server's */
    tlsp_transport t;           /* what the client's driver uses */
    int peer_active;            /* step the server from wait() */
    int peer_close_when_done;   /* 1: the server sends close_notify as its handshake ends */
    uint64_t advance_ms;        /* port clock moved on per wait() */
    unsigned waits;
    int fail_send, fail_recv;
    int peer_ret;               /* first failure the server reported, 0 if none */
    int peer_read_ret;          /* last non-data result of the server's tlsp_read */
    uint8_t *peer_rx;           /* what the server application read */
    size_t peer_rx_len, peer_rx_cap;
    const uint8_t *peer_tx;     /* what the server application sends */
    size_t peer_tx_len, peer_tx_off;
} test_transport;

static void peer_step(test_transport *tt)
{
    tlsp_engine *s = &tt->p->server;
    int ret = tlsp_drive_step(s, &tt->peer_t, NULL);

    if (ret != 0 && tt->peer_ret == 0) {
        tt->peer_ret = ret;
    }
    if (!(tlsp_status(s) & TLSP_STATUS_HANDSHAKE_DONE)) {
        return;
    }
    if (tt->peer_close_when_done == 1) {
        tt->peer_close_when_done = 2;
        (void) tlsp_close(s);
    }
    if (tt->peer_tx_off < tt->peer_tx_len) {
        ret = tlsp_write(s, tt->peer_tx + tt->peer_tx_off, tt->peer_tx_len - tt->peer_tx_off);
        if (ret > 0) {
            tt->peer_tx_off += (size_t) ret;
        }
    }
    for (;;) {
        uint8_t scratch[1];
        uint8_t *dst = tt->peer_rx_len < tt->peer_rx_cap ? tt->peer_rx + tt->peer_rx_len : scratch;
        size_t room = tt->peer_rx_len < tt->peer_rx_cap ? tt->peer_rx_cap - tt->peer_rx_len : 1;
        ret = tlsp_read(s, dst, room);
        if (ret <= 0) {
            tt->peer_read_ret = ret;
            break;
        }
        if (dst == scratch) {
            tt->peer_read_ret = -1000; /* more data than the test sent */
            break;
        }
        tt->peer_rx_len += (size_t) ret;
    }
    /* Push out what was just written. */
    ret = tlsp_drive_step(s, &tt->peer_t, NULL);
    if (ret != 0 && tt->peer_ret == 0) {
        tt->peer_ret = ret;
    }
}

static int tt_send(void *ctx, const uint8_t *buf, size_t len)
{
    test_transport *tt = ctx;

    if (tt->fail_send) {
        return TLSP_ERR_TRANSPORT;
    }
    return tt->inner.send(tt->inner.ctx, buf, len);
}

static int tt_recv(void *ctx, uint8_t *buf, size_t len)
{
    test_transport *tt = ctx;

    if (tt->fail_recv) {
        return TLSP_ERR_TRANSPORT;
    }
    return tt->inner.recv(tt->inner.ctx, buf, len);
}

static int tt_wait(void *ctx, unsigned events, uint32_t timeout_ms)
{
    test_transport *tt = ctx;

    CHECK(timeout_ms > 0);
    if (++tt->waits > MAX_WAITS) {
        return TLSP_ERR_TRANSPORT; /* a runaway loop: fail the test instead of hanging */
    }
    tlsp_port_test_advance_millis(tt->advance_ms);
    if (tt->peer_active) {
        peer_step(tt);
    }
    return (int) events;
}

static test_transport *tt_new(tlsp_version v, tlsp_pair_auth auth, size_t mtu, uint32_t hs_timeout,
                              uint32_t read_timeout)
{
    test_transport *tt = calloc(1, sizeof(*tt));
    tlsp_pair_opts o;

    if (tt == NULL) {
        return NULL;
    }
    memset(&o, 0, sizeof(o));
    o.auth = auth;
    o.min_version = o.max_version = v;
    o.mtu = mtu;
    tt->p = tlsp_pair_alloc(&o);
    if (tt->p == NULL || tlsp_pair_configure(tt->p) != 0 ||
        (hs_timeout != 0 && tlsp_config_set_timeouts(&tt->p->client_cfg, hs_timeout, read_timeout) != 0) ||
        tlsp_pair_start(tt->p) != 0) {
        tlsp_pair_free(tt->p);
        free(tt);
        return NULL;
    }
    tlsp_memory_link_transport(&tt->p->link, TLSP_LINK_A, &tt->inner);
    tlsp_memory_link_transport(&tt->p->link, TLSP_LINK_B, &tt->peer_t);
    tt->t.send = tt_send;
    tt->t.recv = tt_recv;
    tt->t.wait = tt_wait;
    tt->t.ctx = tt;
    tt->peer_active = 1;
    tt->advance_ms = 1;
    return tt;
}

static void tt_free(test_transport *tt)
{
    if (tt != NULL) {
        tlsp_pair_free(tt->p);
        free(tt->peer_rx);
        free(tt);
    }
}

/* Step the server alone until it has read everything the client sent (one byte per step
 * on a 1-byte link), then a few more steps for its answers. */
static void peer_settle(test_transport *tt)
{
    unsigned i;
    size_t pending = 1;

    for (i = 0; i < 100000 && pending != 0; i++) {
        peer_step(tt);
        (void) tlsp_memory_link_in_flight(&tt->p->link, TLSP_LINK_A, &pending);
    }
    for (i = 0; i < 16; i++) {
        peer_step(tt);
    }
}

/* Both sides complete the handshake through the driver. */
static int handshake(test_transport *tt)
{
    int ret = tlsp_drive_handshake(&tt->p->client, &tt->t, 60000);

    if (ret == 0) {
        /* The client may finish first (TLS 1.3): let the server read its last flight. */
        peer_settle(tt);
        if (!(tlsp_status(&tt->p->server) & TLSP_STATUS_HANDSHAKE_DONE)) {
            return TLSP_ERR_HANDSHAKE;
        }
    }
    return ret;
}

static void run_handshake(tlsp_version v, tlsp_pair_auth auth, size_t mtu)
{
    test_transport *tt = tt_new(v, auth, mtu, 0, 0);

    REQUIRE(tt != NULL);
    CHECK_EQ(handshake(tt), 0);
    CHECK(tlsp_status(&tt->p->client) & TLSP_STATUS_HANDSHAKE_DONE);
    /* drive_handshake returns only once the client's last flight left net_out. */
    CHECK(!(tlsp_status(&tt->p->client) & TLSP_STATUS_NET_OUT));
    CHECK(tt->waits > 0);
    CHECK_EQ(tt->peer_ret, 0);
    tt_free(tt);
}

static void test_handshake_tls12(void) { run_handshake(TLSP_TLS1_2, TLSP_PAIR_CERT, 0); }

/* The handshake completes and the peer's close_notify arrives in the same pass (a TLS 1.2
 * server that closes at once sends it right behind its Finished): the handshake succeeded,
 * and the close is the next read's news. */
static void test_handshake_then_peer_close(void)
{
    test_transport *tt = tt_new(TLSP_TLS1_2, TLSP_PAIR_CERT, 0, 0, 0);
    uint8_t buf[16];

    REQUIRE(tt != NULL);
    tt->peer_close_when_done = 1;
    CHECK_EQ(tlsp_drive_handshake(&tt->p->client, &tt->t, 5000), 0);
    CHECK(tlsp_status(&tt->p->client) & TLSP_STATUS_HANDSHAKE_DONE);
    CHECK_EQ(tt->peer_close_when_done, 2);
    CHECK_EQ(tlsp_drive_read(&tt->p->client, &tt->t, buf, sizeof(buf), 5000), TLSP_ERR_CLOSED);
    tt_free(tt);
}
static void test_handshake_tls13(void) { run_handshake(TLSP_TLS1_3, TLSP_PAIR_CERT, 0); }
static void test_handshake_tls13_psk_bytewise(void) { run_handshake(TLSP_TLS1_3, TLSP_PAIR_PSK, 1); }

static void run_write(tlsp_version v, size_t total, size_t mtu)
{
    test_transport *tt = tt_new(v, TLSP_PAIR_CERT, mtu, 0, 0);
    uint8_t *tx = malloc(total);
    size_t i;
    unsigned rounds;

    REQUIRE(tt != NULL && tx != NULL);
    tt->peer_rx = malloc(total);
    tt->peer_rx_cap = total;
    REQUIRE(tt->peer_rx != NULL);
    REQUIRE_EQ(handshake(tt), 0);
    for (i = 0; i < total; i++) {
        tx[i] = tlsp_pair_data_byte(11, i);
    }
    CHECK_EQ(tlsp_drive_write(&tt->p->client, &tt->t, tx, total, 60000), 0);
    CHECK(!(tlsp_status(&tt->p->client) & TLSP_STATUS_NET_OUT));
    /* Everything is in the link now; the server catches up. */
    for (rounds = 0; rounds < 100000 && tt->peer_rx_len < total; rounds++) {
        peer_step(tt);
    }
    CHECK_EQ(tt->peer_rx_len, total);
    CHECK(memcmp(tt->peer_rx, tx, total) == 0);
    CHECK_EQ(tt->peer_ret, 0);
    free(tx);
    tt_free(tt);
}

/* 200 KiB is more than the 64 KiB link holds: the write only completes because wait()
 * lets the server drain it. */
static void test_write_200k_tls12(void) { run_write(TLSP_TLS1_2, 200u * 1024u, 0); }
static void test_write_200k_tls13(void) { run_write(TLSP_TLS1_3, 200u * 1024u, 0); }
static void test_write_bytewise(void) { run_write(TLSP_TLS1_3, 5000, 1); }

static void run_read_exact(tlsp_version v, size_t total)
{
    test_transport *tt = tt_new(v, TLSP_PAIR_CERT, 0, 0, 0);
    uint8_t *tx = malloc(total);
    uint8_t *rx = malloc(total);
    size_t i, got = 12345;

    REQUIRE(tt != NULL && tx != NULL && rx != NULL);
    REQUIRE_EQ(handshake(tt), 0);
    for (i = 0; i < total; i++) {
        tx[i] = tlsp_pair_data_byte(21, i);
    }
    tt->peer_tx = tx;
    tt->peer_tx_len = total;
    CHECK_EQ(tlsp_drive_read_exact(&tt->p->client, &tt->t, rx, total, &got, 60000), 0);
    CHECK_EQ(got, total);
    CHECK(memcmp(rx, tx, total) == 0);
    CHECK_EQ(tt->peer_tx_off, total);
    free(tx);
    free(rx);
    tt_free(tt);
}

static void test_read_exact_100k_tls12(void) { run_read_exact(TLSP_TLS1_2, 100u * 1024u); }
static void test_read_exact_100k_tls13(void) { run_read_exact(TLSP_TLS1_3, 100u * 1024u); }

/* A clean end before the requested count: CLOSED, with the bytes that did come. */
static void test_read_exact_short(void)
{
    test_transport *tt = tt_new(TLSP_TLS1_3, TLSP_PAIR_CERT, 0, 0, 0);
    uint8_t tx[1000], rx[2000];
    size_t got = 0;

    REQUIRE(tt != NULL);
    REQUIRE_EQ(handshake(tt), 0);
    memset(tx, 0x77, sizeof(tx));
    REQUIRE_EQ(tlsp_write(&tt->p->server, tx, sizeof(tx)), (int) sizeof(tx));
    REQUIRE_EQ(tlsp_close(&tt->p->server), 0);
    peer_step(tt);
    CHECK_EQ(tlsp_drive_read_exact(&tt->p->client, &tt->t, rx, sizeof(rx), &got, 10000), TLSP_ERR_CLOSED);
    CHECK_EQ(got, sizeof(tx));
    CHECK(memcmp(rx, tx, sizeof(tx)) == 0);
    CHECK_EQ(tlsp_engine_error(&tt->p->client), 0);
    tt_free(tt);
}

static void run_close(tlsp_version v)
{
    test_transport *tt = tt_new(v, TLSP_PAIR_CERT, 0, 0, 0);
    uint8_t buf[16];

    REQUIRE(tt != NULL);
    REQUIRE_EQ(handshake(tt), 0);
    CHECK_EQ(tlsp_drive_close(&tt->p->client, &tt->t, 5000), 0);
    CHECK(tlsp_status(&tt->p->client) & TLSP_STATUS_LOCAL_CLOSED);
    CHECK(!(tlsp_status(&tt->p->client) & TLSP_STATUS_NET_OUT));
    /* The close_notify is on the wire; the server sees a clean end. */
    peer_settle(tt);
    CHECK_EQ(tt->peer_read_ret, TLSP_ERR_CLOSED);
    CHECK_EQ(tlsp_read(&tt->p->server, buf, sizeof(buf)), TLSP_ERR_CLOSED);
    CHECK(tlsp_status(&tt->p->server) & TLSP_STATUS_PEER_CLOSED);
    CHECK_EQ(tlsp_engine_error(&tt->p->server), 0);
    /* Closing again is harmless. */
    CHECK_EQ(tlsp_drive_close(&tt->p->client, &tt->t, 5000), 0);
    tt_free(tt);
}

static void test_close_tls12(void) { run_close(TLSP_TLS1_2); }
static void test_close_tls13(void) { run_close(TLSP_TLS1_3); }

/* ---- Deadlines ------------------------------------------------------------------------ */

/* A silent peer: the drive deadline ends the call in bounded time and, being the driver's
 * own deadline, leaves the engine usable for another attempt. */
static void test_drive_deadline(void)
{
    test_transport *tt = tt_new(TLSP_TLS1_3, TLSP_PAIR_CERT, 0, 0, 0);
    uint64_t start;

    REQUIRE(tt != NULL);
    tt->peer_active = 0;
    tt->advance_ms = 100;
    start = tlsp_port_millis();
    CHECK_EQ(tlsp_drive_handshake(&tt->p->client, &tt->t, 2000), TLSP_ERR_TIMEOUT);
    CHECK(tt->waits >= 15 && tt->waits <= 25);
    CHECK(tlsp_port_millis() - start >= 2000);
    CHECK(tlsp_port_millis() - start <= 2600);
    CHECK_EQ(tlsp_engine_error(&tt->p->client), 0);
    CHECK(!(tlsp_status(&tt->p->client) & TLSP_STATUS_FAILED));

    /* The peer comes alive: driving again completes the same handshake. */
    tt->peer_active = 1;
    tt->advance_ms = 1;
    CHECK_EQ(handshake(tt), 0);

    /* A silent peer after the handshake: drive_read times out the same way. */
    {
        uint8_t buf[16];
        tt->peer_active = 0;
        tt->advance_ms = 100;
        tt->waits = 0;
        CHECK_EQ(tlsp_drive_read(&tt->p->client, &tt->t, buf, sizeof(buf), 1000), TLSP_ERR_TIMEOUT);
        CHECK(tt->waits >= 8 && tt->waits <= 13);
        CHECK_EQ(tlsp_engine_error(&tt->p->client), 0);
    }
    tt_free(tt);
}

/* The engine's own handshake deadline fires through the driver and is sticky. */
static void test_engine_handshake_deadline(void)
{
    test_transport *tt = tt_new(TLSP_TLS1_2, TLSP_PAIR_CERT, 0, 1000, 0);

    REQUIRE(tt != NULL);
    tt->peer_active = 0;
    tt->advance_ms = 100;
    CHECK_EQ(tlsp_drive_handshake(&tt->p->client, &tt->t, 60000), TLSP_ERR_TIMEOUT);
    CHECK(tt->waits >= 8 && tt->waits <= 13);
    CHECK_EQ(tlsp_engine_error(&tt->p->client), TLSP_ERR_TIMEOUT);
    CHECK_EQ(tlsp_handshake(&tt->p->client), TLSP_ERR_TIMEOUT);
    tt_free(tt);
}

/* The engine's read deadline: a connected but silent peer ends the read, sticky. */
static void test_engine_read_deadline(void)
{
    test_transport *tt = tt_new(TLSP_TLS1_3, TLSP_PAIR_CERT, 0, 30000, 500);
    uint8_t buf[16];

    REQUIRE(tt != NULL);
    REQUIRE_EQ(handshake(tt), 0);
    tt->advance_ms = 100;
    tt->waits = 0;
    CHECK_EQ(tlsp_drive_read(&tt->p->client, &tt->t, buf, sizeof(buf), 60000), TLSP_ERR_TIMEOUT);
    CHECK(tt->waits >= 4 && tt->waits <= 8);
    CHECK_EQ(tlsp_engine_error(&tt->p->client), TLSP_ERR_TIMEOUT);
    tt_free(tt);
}

/* ---- Transport failures and end of input --------------------------------------------------- */

static void test_send_failure(void)
{
    test_transport *tt = tt_new(TLSP_TLS1_3, TLSP_PAIR_CERT, 0, 0, 0);
    uint8_t data[3000];

    REQUIRE(tt != NULL);
    tt->fail_send = 1;
    CHECK_EQ(tlsp_drive_handshake(&tt->p->client, &tt->t, 5000), TLSP_ERR_TRANSPORT);
    tt_free(tt);

    tt = tt_new(TLSP_TLS1_2, TLSP_PAIR_CERT, 0, 0, 0);
    REQUIRE(tt != NULL);
    REQUIRE_EQ(handshake(tt), 0);
    tt->fail_send = 1;
    memset(data, 1, sizeof(data));
    CHECK_EQ(tlsp_drive_write(&tt->p->client, &tt->t, data, sizeof(data), 5000), TLSP_ERR_TRANSPORT);
    CHECK_EQ(tlsp_drive_close(&tt->p->client, &tt->t, 5000), TLSP_ERR_TRANSPORT);
    tt_free(tt);
}

static void test_recv_failure(void)
{
    test_transport *tt = tt_new(TLSP_TLS1_3, TLSP_PAIR_CERT, 0, 0, 0);
    uint8_t buf[16];

    REQUIRE(tt != NULL);
    REQUIRE_EQ(handshake(tt), 0);
    tt->fail_recv = 1;
    CHECK_EQ(tlsp_drive_read(&tt->p->client, &tt->t, buf, sizeof(buf), 5000), TLSP_ERR_TRANSPORT);
    tt_free(tt);
}

/* EOF with no close_notify: data may have been cut off, never a clean end. */
static void run_eof_truncated(tlsp_version v)
{
    test_transport *tt = tt_new(v, TLSP_PAIR_CERT, 0, 0, 0);
    uint8_t tx[500], rx[600];
    size_t got = 0;

    REQUIRE(tt != NULL);
    REQUIRE_EQ(handshake(tt), 0);
    memset(tx, 0x33, sizeof(tx));
    REQUIRE_EQ(tlsp_write(&tt->p->server, tx, sizeof(tx)), (int) sizeof(tx));
    peer_step(tt);
    tt->peer_active = 0;
    tlsp_memory_link_shutdown(&tt->p->link, TLSP_LINK_B);
    /* What came before the EOF is still delivered, then the truncation is reported. */
    CHECK_EQ(tlsp_drive_read_exact(&tt->p->client, &tt->t, rx, sizeof(rx), &got, 5000), TLSP_ERR_TRUNCATED);
    CHECK_EQ(got, sizeof(tx));
    CHECK(tlsp_status(&tt->p->client) & TLSP_STATUS_NET_EOF);
    CHECK_EQ(tlsp_engine_error(&tt->p->client), TLSP_ERR_TRUNCATED);
    CHECK_EQ(tlsp_drive_read(&tt->p->client, &tt->t, rx, sizeof(rx), 5000), TLSP_ERR_TRUNCATED);
    tt_free(tt);
}

static void test_eof_truncated_tls12(void) { run_eof_truncated(TLSP_TLS1_2); }
static void test_eof_truncated_tls13(void) { run_eof_truncated(TLSP_TLS1_3); }

/* EOF after the peer's close_notify is the clean end it announced. */
static void run_eof_after_close(tlsp_version v)
{
    test_transport *tt = tt_new(v, TLSP_PAIR_CERT, 0, 0, 0);
    uint8_t buf[16];

    REQUIRE(tt != NULL);
    REQUIRE_EQ(handshake(tt), 0);
    REQUIRE_EQ(tlsp_close(&tt->p->server), 0);
    peer_step(tt);
    tt->peer_active = 0;
    tlsp_memory_link_shutdown(&tt->p->link, TLSP_LINK_B);
    CHECK_EQ(tlsp_drive_read(&tt->p->client, &tt->t, buf, sizeof(buf), 5000), TLSP_ERR_CLOSED);
    CHECK_EQ(tlsp_drive_read(&tt->p->client, &tt->t, buf, sizeof(buf), 5000), TLSP_ERR_CLOSED);
    CHECK(tlsp_status(&tt->p->client) & TLSP_STATUS_PEER_CLOSED);
    CHECK_EQ(tlsp_engine_error(&tt->p->client), 0);
    tt_free(tt);
}

static void test_eof_after_close_tls12(void) { run_eof_after_close(TLSP_TLS1_2); }
static void test_eof_after_close_tls13(void) { run_eof_after_close(TLSP_TLS1_3); }

/* The peer's end of input (no close_notify) arriving while a write or a close is being
 * sent does not fail that call: its bytes all reach the peer, and the next read reports
 * the truncation. */
static void run_eof_while_sending(tlsp_version v)
{
    test_transport *tt = tt_new(v, TLSP_PAIR_CERT, 0, 0, 0);
    uint8_t buf[16];
    int ret;

    REQUIRE(tt != NULL);
    REQUIRE_EQ(handshake(tt), 0);
    tt->peer_active = 0;
    tlsp_memory_link_shutdown(&tt->p->link, TLSP_LINK_B);
    CHECK_EQ(tlsp_drive_write(&tt->p->client, &tt->t, (const uint8_t *) "hello", 5, 5000), 0);
    CHECK_EQ(tlsp_engine_error(&tt->p->client), TLSP_ERR_TRUNCATED);
    CHECK_EQ(tlsp_drive_read(&tt->p->client, &tt->t, buf, sizeof(buf), 5000), TLSP_ERR_TRUNCATED);
    /* The server, whose sending side is shut, still got every byte. */
    (void) tlsp_drive_step(&tt->p->server, &tt->peer_t, NULL);
    ret = tlsp_read(&tt->p->server, buf, sizeof(buf));
    CHECK_EQ(ret, 5);
    CHECK(ret == 5 && memcmp(buf, "hello", 5) == 0);
    tt_free(tt);
}

static void test_eof_while_writing_tls12(void) { run_eof_while_sending(TLSP_TLS1_2); }
static void test_eof_while_writing_tls13(void) { run_eof_while_sending(TLSP_TLS1_3); }

/* close_notify queued, then the peer's end of input arrives during the flush. */
static void test_eof_while_closing(void)
{
    test_transport *tt = tt_new(TLSP_TLS1_3, TLSP_PAIR_CERT, 0, 0, 0);
    uint8_t buf[16];

    REQUIRE(tt != NULL);
    REQUIRE_EQ(handshake(tt), 0);
    tt->peer_active = 0;
    REQUIRE_EQ(tlsp_close(&tt->p->client), 0);   /* queued, not yet sent */
    tlsp_memory_link_shutdown(&tt->p->link, TLSP_LINK_B);
    CHECK_EQ(tlsp_drive_close(&tt->p->client, &tt->t, 5000), 0);
    CHECK_EQ(tlsp_drive_read(&tt->p->client, &tt->t, buf, sizeof(buf), 5000), TLSP_ERR_TRUNCATED);
    (void) tlsp_drive_step(&tt->p->server, &tt->peer_t, NULL);
    CHECK_EQ(tlsp_read(&tt->p->server, buf, sizeof(buf)), TLSP_ERR_CLOSED);
    tt_free(tt);
}

/* EOF in the middle of the handshake is a truncation too, not a hang. */
static void test_eof_during_handshake(void)
{
    test_transport *tt = tt_new(TLSP_TLS1_3, TLSP_PAIR_CERT, 0, 0, 0);

    REQUIRE(tt != NULL);
    tt->peer_active = 0;
    tlsp_memory_link_shutdown(&tt->p->link, TLSP_LINK_B);
    CHECK_EQ(tlsp_drive_handshake(&tt->p->client, &tt->t, 5000), TLSP_ERR_TRUNCATED);
    CHECK(tt->waits < 100);
    tt_free(tt);
}

int main(void)
{
    RUN_TEST(test_handshake_tls12);
    RUN_TEST(test_handshake_then_peer_close);
    RUN_TEST(test_eof_while_writing_tls12);
    RUN_TEST(test_eof_while_writing_tls13);
    RUN_TEST(test_eof_while_closing);
    RUN_TEST(test_handshake_tls13);
    RUN_TEST(test_handshake_tls13_psk_bytewise);
    RUN_TEST(test_write_200k_tls12);
    RUN_TEST(test_write_200k_tls13);
    RUN_TEST(test_write_bytewise);
    RUN_TEST(test_read_exact_100k_tls12);
    RUN_TEST(test_read_exact_100k_tls13);
    RUN_TEST(test_read_exact_short);
    RUN_TEST(test_close_tls12);
    RUN_TEST(test_close_tls13);
    RUN_TEST(test_drive_deadline);
    RUN_TEST(test_engine_handshake_deadline);
    RUN_TEST(test_engine_read_deadline);
    RUN_TEST(test_send_failure);
    RUN_TEST(test_recv_failure);
    RUN_TEST(test_eof_truncated_tls12);
    RUN_TEST(test_eof_truncated_tls13);
    RUN_TEST(test_eof_after_close_tls12);
    RUN_TEST(test_eof_after_close_tls13);
    RUN_TEST(test_eof_during_handshake);
    return tlsp_test_finish("driver");
}
