/* The engine's net side and flow control: zero-copy and copying transfer paths, full
 * queues, record splitting, byte-at-a-time delivery, status flags, counters and reset. */
#include <stdlib.h>
#include <string.h>

#include "mbedtls/psa_util.h"
#include "mbedtls/ssl_ticket.h"

#include "tlsp_pair.h"
#include "tlsp_test.h"
#include "tlspair/tlsp_engine.h"

#define MAX_ROUNDS 100000u

static tlsp_pair *make_pair(tlsp_pair_auth auth, tlsp_version min, tlsp_version max,
                            size_t queue_size, size_t mtu)
{
    tlsp_pair_opts o;

    memset(&o, 0, sizeof(o));
    o.auth = auth;
    o.min_version = min;
    o.max_version = max;
    o.queue_size = queue_size;
    o.mtu = mtu;
    return tlsp_pair_new(&o);
}

static int is_want(int ret)
{
    return ret == TLSP_WANT_READ || ret == TLSP_WANT_WRITE;
}

/* The engine rule under test everywhere: a call never asks for input while output waits. */
static void check_want_rule(const tlsp_engine *e, int ret)
{
    if (ret == TLSP_WANT_READ) {
        CHECK(!(tlsp_status(e) & TLSP_STATUS_NET_OUT));
    }
}

/* After everything settled, each side's ciphertext counters match the other's. */
static void check_counters_match(const tlsp_engine *c, const tlsp_engine *s)
{
    tlsp_info ci, si;

    REQUIRE_EQ(tlsp_engine_info(c, &ci), 0);
    REQUIRE_EQ(tlsp_engine_info(s, &si), 0);
    CHECK_EQ(ci.counters.bytes_out, si.counters.bytes_in);
    CHECK_EQ(si.counters.bytes_out, ci.counters.bytes_in);
    CHECK_EQ(ci.counters.records_out, si.counters.records_in);
    CHECK_EQ(si.counters.records_out, ci.counters.records_in);
    CHECK_EQ(ci.counters.app_bytes_out, si.counters.app_bytes_in);
    CHECK_EQ(si.counters.app_bytes_out, ci.counters.app_bytes_in);
}

/* ---- Zero-copy net side --------------------------------------------------------------- */

/* Move ciphertext from one engine to the other with peek/consume and reserve/commit only.
 * `max_run` caps each copy, so runs are split in odd places. */
static size_t move_zero_copy(tlsp_engine *from, tlsp_engine *to, size_t max_run)
{
    size_t moved = 0;

    for (;;) {
        size_t out_len, in_len, n;
        const uint8_t *src = tlsp_net_out_peek(from, &out_len);
        uint8_t *dst;

        if (src == NULL) {
            CHECK_EQ(out_len, 0);
            break;
        }
        dst = tlsp_net_in_reserve(to, &in_len);
        if (dst == NULL) {
            CHECK_EQ(in_len, 0);
            break;
        }
        n = out_len < in_len ? out_len : in_len;
        if (n > max_run) {
            n = max_run;
        }
        memcpy(dst, src, n);
        CHECK_EQ(tlsp_net_in_commit(to, n), 0);
        CHECK_EQ(tlsp_net_out_consume(from, n), 0);
        moved += n;
    }
    return moved;
}

static int zero_copy_handshake(tlsp_engine *c, tlsp_engine *s, size_t max_run)
{
    unsigned rounds;

    for (rounds = 0; rounds < 1000; rounds++) {
        int rc = tlsp_handshake(c);
        int rs = tlsp_handshake(s);
        size_t moved;

        check_want_rule(c, rc);
        check_want_rule(s, rs);
        if ((rc != 0 && !is_want(rc)) || (rs != 0 && !is_want(rs))) {
            return rc != 0 && !is_want(rc) ? rc : rs;
        }
        moved = move_zero_copy(c, s, max_run);
        moved += move_zero_copy(s, c, max_run);
        if (rc == 0 && rs == 0 && moved == 0) {
            return 0;
        }
    }
    return TLSP_ERR_TIMEOUT;
}

/* Send `len` bytes from a to b with the zero-copy calls and read them back on b. */
static void zero_copy_transfer(tlsp_engine *a, tlsp_engine *b, size_t len, uint32_t seed,
                               size_t max_run)
{
    uint8_t *tx = malloc(len);
    uint8_t *rx = malloc(len);
    size_t sent = 0, got = 0, i;
    unsigned rounds;

    REQUIRE(tx != NULL && rx != NULL);
    for (i = 0; i < len; i++) {
        tx[i] = tlsp_pair_data_byte(seed, i);
    }
    for (rounds = 0; rounds < MAX_ROUNDS && got < len; rounds++) {
        int ret;
        if (sent < len) {
            ret = tlsp_write(a, tx + sent, len - sent);
            if (ret > 0) {
                sent += (size_t) ret;
            } else {
                CHECK_EQ(ret, TLSP_WANT_WRITE);
            }
        } else {
            /* Everything is accepted, but the tail of the last record may still wait in
             * mbedTLS for room in net_out: polling moves it on. */
            CHECK_EQ(tlsp_poll(a), 0);
        }
        (void) move_zero_copy(a, b, max_run);
        (void) move_zero_copy(b, a, max_run);
        ret = tlsp_read(b, rx + got, len - got);
        if (ret > 0) {
            got += (size_t) ret;
        } else {
            CHECK(is_want(ret));
            check_want_rule(b, ret);
        }
    }
    CHECK_EQ(sent, len);
    CHECK_EQ(got, len);
    CHECK(memcmp(tx, rx, len) == 0);
    free(tx);
    free(rx);
}

static void run_zero_copy(tlsp_pair_auth auth, tlsp_version v, size_t queue_size, size_t max_run)
{
    tlsp_pair *p = make_pair(auth, v, v, queue_size, 0);
    size_t used;

    REQUIRE(p != NULL);
    CHECK_EQ(zero_copy_handshake(&p->client, &p->server, max_run), 0);
    CHECK(tlsp_status(&p->client) & TLSP_STATUS_HANDSHAKE_DONE);
    CHECK(tlsp_status(&p->server) & TLSP_STATUS_HANDSHAKE_DONE);
    /* The memory link was never used: every byte went through the zero-copy calls. */
    (void) tlsp_memory_link_in_flight(&p->link, TLSP_LINK_A, &used);
    CHECK_EQ(used, 0);
    zero_copy_transfer(&p->client, &p->server, 40000, 1, max_run);
    zero_copy_transfer(&p->server, &p->client, 40000, 2, max_run);
    tlsp_pair_free(p);
}

/* Queues smaller than a handshake flight make peek/reserve wrap around many times. */
static void test_zero_copy_tls12_cert(void) { run_zero_copy(TLSP_PAIR_CERT, TLSP_TLS1_2, 777, 1000); }
static void test_zero_copy_tls13_cert(void) { run_zero_copy(TLSP_PAIR_CERT, TLSP_TLS1_3, 333, 97); }
static void test_zero_copy_tls13_psk(void) { run_zero_copy(TLSP_PAIR_PSK, TLSP_TLS1_3, 0, 1u << 20); }

/* Over-consuming or over-committing is refused and changes nothing. */
static void test_zero_copy_bounds(void)
{
    tlsp_pair *p = make_pair(TLSP_PAIR_CERT, TLSP_TLS1_3, TLSP_TLS1_3, 500, 0);
    size_t out_len, in_len, before;
    const uint8_t *src;
    uint8_t *dst;

    REQUIRE(p != NULL);
    CHECK_EQ(tlsp_handshake(&p->client), TLSP_WANT_WRITE);
    src = tlsp_net_out_peek(&p->client, &out_len);
    REQUIRE(src != NULL && out_len > 0);
    before = out_len;
    CHECK_EQ(tlsp_net_out_consume(&p->client, 100000), TLSP_ERR_BAD_ARG);
    CHECK(tlsp_net_out_peek(&p->client, &out_len) == src);
    CHECK_EQ(out_len, before);
    dst = tlsp_net_in_reserve(&p->server, &in_len);
    REQUIRE(dst != NULL);
    CHECK_EQ(in_len, 500);
    CHECK_EQ(tlsp_net_in_commit(&p->server, in_len + 1), TLSP_ERR_BAD_ARG);
    CHECK_EQ(tlsp_status(&p->server) & TLSP_STATUS_NET_IN_FULL, 0);
    (void) tlsp_net_in_reserve(&p->server, &in_len);
    CHECK_EQ(in_len, 500);
    CHECK_EQ(tlsp_net_in_commit(&p->server, 0), 0);
    CHECK_EQ(tlsp_net_out_consume(&p->client, 0), 0);
    tlsp_pair_free(p);
}

/* ---- Copying net side ------------------------------------------------------------------ */

/* Ciphertext drained from one engine and not yet accepted by the other. */
typedef struct stage {
    uint8_t buf[4096];
    size_t len;
    unsigned partial_feeds;
} stage;

static void move_copying(tlsp_engine *from, tlsp_engine *to, stage *st)
{
    int n;

    /* Drain into whatever room the stage has, so it can hold more than net_in takes. */
    n = tlsp_net_out_drain(from, st->buf + st->len, sizeof(st->buf) - st->len);
    REQUIRE(n >= 0);
    st->len += (size_t) n;
    if (st->len != 0) {
        n = tlsp_net_in_feed(to, st->buf, st->len);
        REQUIRE(n >= 0);
        if ((size_t) n < st->len) {
            /* Short only because net_in is full; the rest is fed again later. */
            st->partial_feeds++;
            CHECK(tlsp_status(to) & TLSP_STATUS_NET_IN_FULL);
            memmove(st->buf, st->buf + n, st->len - (size_t) n);
        }
        st->len -= (size_t) n;
    }
}

/* One direction of application data: what was written and what arrived. */
typedef struct flow {
    tlsp_engine *writer, *reader;
    uint32_t seed;
    size_t sent, got;
    uint8_t rx[30000];
} flow;

static void flow_write(flow *f)
{
    uint8_t chunk[5000];
    size_t n = sizeof(f->rx) - f->sent, i;
    int ret;

    if (n == 0) {
        CHECK_EQ(tlsp_poll(f->writer), 0);
        return;
    }
    if (n > sizeof(chunk)) {
        n = sizeof(chunk);
    }
    for (i = 0; i < n; i++) {
        chunk[i] = tlsp_pair_data_byte(f->seed, f->sent + i);
    }
    ret = tlsp_write(f->writer, chunk, n);
    if (ret > 0) {
        f->sent += (size_t) ret;
    } else {
        CHECK_EQ(ret, TLSP_WANT_WRITE);
    }
}

static void flow_read(flow *f)
{
    int ret;

    if (f->got == sizeof(f->rx)) {
        return;
    }
    ret = tlsp_read(f->reader, f->rx + f->got, sizeof(f->rx) - f->got);
    if (ret > 0) {
        f->got += (size_t) ret;
    } else {
        CHECK(is_want(ret));
    }
}

static int flow_intact(const flow *f)
{
    size_t i;

    for (i = 0; i < f->got; i++) {
        if (f->rx[i] != tlsp_pair_data_byte(f->seed, i)) {
            return 0;
        }
    }
    return f->got == sizeof(f->rx);
}

static void run_copying(tlsp_pair_auth auth, tlsp_version v)
{
    tlsp_pair *p = make_pair(auth, v, v, 256, 0);
    stage *up = calloc(1, sizeof(stage));
    stage *down = calloc(1, sizeof(stage));
    flow *fu = calloc(1, sizeof(flow));
    flow *fd = calloc(1, sizeof(flow));
    unsigned rounds;
    int rc = TLSP_WANT_WRITE, rs = TLSP_WANT_READ;

    REQUIRE(p != NULL && up != NULL && down != NULL && fu != NULL && fd != NULL);
    for (rounds = 0; rounds < MAX_ROUNDS; rounds++) {
        rc = tlsp_handshake(&p->client);
        rs = tlsp_handshake(&p->server);
        REQUIRE(rc == 0 || is_want(rc));
        REQUIRE(rs == 0 || is_want(rs));
        move_copying(&p->client, &p->server, up);
        move_copying(&p->server, &p->client, down);
        if (rc == 0 && rs == 0 && up->len == 0 && down->len == 0 &&
            !(tlsp_status(&p->client) & TLSP_STATUS_NET_OUT)) {
            break;
        }
    }
    CHECK_EQ(rc, 0);
    CHECK_EQ(rs, 0);

    fu->writer = &p->client;
    fu->reader = &p->server;
    fu->seed = 7;
    fd->writer = &p->server;
    fd->reader = &p->client;
    fd->seed = 8;
    for (rounds = 0; rounds < MAX_ROUNDS && (fu->got < sizeof(fu->rx) || fd->got < sizeof(fd->rx));
         rounds++) {
        flow_write(fu);
        flow_write(fd);
        move_copying(&p->client, &p->server, up);
        move_copying(&p->server, &p->client, down);
        /* Both read slowly, so net_in backs up and feeds come up short. */
        if (rounds % 4 == 0) {
            flow_read(fu);
        }
        if (rounds % 4 == 2) {
            flow_read(fd);
        }
    }
    CHECK(flow_intact(fu));
    CHECK(flow_intact(fd));
    /* The 256-byte net_in queues cannot take everything staged at once. */
    CHECK(up->partial_feeds > 0);
    CHECK(down->partial_feeds > 0);
    free(up);
    free(down);
    free(fu);
    free(fd);
    tlsp_pair_free(p);
}

static void test_copying_tls12(void) { run_copying(TLSP_PAIR_CERT, TLSP_TLS1_2); }
static void test_copying_tls13(void) { run_copying(TLSP_PAIR_CERT, TLSP_TLS1_3); }

/* ---- Flow control ------------------------------------------------------------------------ */

/* Read what the server has, up to `want` bytes in total, stepping the link. */
static size_t pump_and_read(tlsp_pair *p, uint8_t *rx, size_t got, size_t want)
{
    int ret;

    CHECK_EQ(tlsp_memory_pair_step(&p->client, &p->server, &p->link, NULL), 0);
    while (got < want) {
        ret = tlsp_read(&p->server, rx + got, want - got);
        if (ret <= 0) {
            CHECK(is_want(ret));
            break;
        }
        got += (size_t) ret;
    }
    return got;
}

static void run_full_net_out(tlsp_version v, size_t record_size)
{
    tlsp_pair_opts o;
    tlsp_pair *p;
    uint8_t tx[1000], rx[1000];
    size_t sent = 0, got = 0, i;
    unsigned rounds, wants = 0, calls = 0;
    int ret;

    memset(&o, 0, sizeof(o));
    o.min_version = o.max_version = v;
    o.queue_size = 64;
    p = tlsp_pair_alloc(&o);
    REQUIRE(p != NULL);
    REQUIRE_EQ(tlsp_pair_configure(p), 0);
    if (record_size != 0) {
        REQUIRE_EQ(tlsp_config_set_record_size(&p->client_cfg, record_size), 0);
    }
    REQUIRE_EQ(tlsp_pair_start(p), 0);
    REQUIRE_EQ(tlsp_pair_handshake(p), 0);
    REQUIRE_EQ(tlsp_pair_settle(p, 8), 0);

    for (i = 0; i < sizeof(tx); i++) {
        tx[i] = tlsp_pair_data_byte(99, i);
    }
    /* First write: one record is built, only 64 bytes of it fit in net_out. */
    ret = tlsp_write(&p->client, tx, sizeof(tx));
    REQUIRE(ret > 0);
    sent = (size_t) ret;
    calls++;
    CHECK(tlsp_status(&p->client) & TLSP_STATUS_NET_OUT);
    if (sent < sizeof(tx)) {
        /* The rest waits for room: nothing accepted, nothing lost. */
        CHECK(!(tlsp_status(&p->client) & TLSP_STATUS_APP_WRITABLE));
        CHECK_EQ(tlsp_write(&p->client, tx + sent, sizeof(tx) - sent), TLSP_WANT_WRITE);
        CHECK_EQ(tlsp_write(&p->client, tx + sent, sizeof(tx) - sent), TLSP_WANT_WRITE);
    }
    for (rounds = 0; rounds < MAX_ROUNDS && got < sizeof(rx); rounds++) {
        if (sent < sizeof(tx)) {
            ret = tlsp_write(&p->client, tx + sent, sizeof(tx) - sent);
            if (ret > 0) {
                CHECK((size_t) ret <= sizeof(tx) - sent);
                sent += (size_t) ret;
                calls++;
            } else {
                CHECK_EQ(ret, TLSP_WANT_WRITE);
                wants++;
            }
        }
        got = pump_and_read(p, rx, got, sizeof(rx));
    }
    CHECK_EQ(sent, sizeof(tx));
    CHECK_EQ(got, sizeof(rx));
    CHECK(memcmp(tx, rx, sizeof(tx)) == 0);
    if (record_size != 0) {
        CHECK(calls >= sizeof(tx) / record_size);
        CHECK(wants > 0);
    }
    CHECK(tlsp_status(&p->client) & TLSP_STATUS_APP_WRITABLE);
    /* Records that crossed 64-byte queues in pieces are still counted whole, once. */
    REQUIRE_EQ(tlsp_pair_settle(p, 8), 0);
    check_counters_match(&p->client, &p->server);
    tlsp_pair_free(p);
}

/* A transport that only peeks and consumes (no app-side call in between) must be able to
 * send everything TLSP_STATUS_NET_OUT announces, even when mbedTLS still holds the rest of
 * a record that did not fit in a 64-byte net_out. */
static void run_peek_only_drain(tlsp_version v)
{
    tlsp_pair *p = make_pair(TLSP_PAIR_CERT, v, v, 64, 0);
    uint8_t tx[1000], rx[1000];
    size_t drained = 0, got = 0, i;
    unsigned rounds;
    int ret;

    REQUIRE(p != NULL);
    REQUIRE_EQ(tlsp_pair_handshake(p), 0);
    REQUIRE_EQ(tlsp_pair_settle(p, 8), 0);
    for (i = 0; i < sizeof(tx); i++) {
        tx[i] = tlsp_pair_data_byte(7, i);
    }
    ret = tlsp_write(&p->client, tx, sizeof(tx));
    REQUIRE_EQ(ret, (int) sizeof(tx));       /* one record, most of it still inside mbedTLS */
    for (rounds = 0; rounds < 1000 && (tlsp_status(&p->client) & TLSP_STATUS_NET_OUT); rounds++) {
        size_t len;
        const uint8_t *out = tlsp_net_out_peek(&p->client, &len);
        REQUIRE(out != NULL && len > 0);      /* announced output is always peekable */
        /* Hand it straight to the server, as a DMA-to-DMA transport would. */
        REQUIRE_EQ(tlsp_net_in_feed(&p->server, out, len), (int) len);
        REQUIRE_EQ(tlsp_net_out_consume(&p->client, len), 0);
        drained += len;
        while ((ret = tlsp_read(&p->server, rx + got, sizeof(rx) - got)) > 0) {
            got += (size_t) ret;
        }
        CHECK(ret == TLSP_WANT_READ || got == sizeof(rx));
    }
    CHECK(drained > 64);
    CHECK_EQ(got, sizeof(rx));
    CHECK(memcmp(tx, rx, sizeof(tx)) == 0);
    tlsp_pair_free(p);
}

static void test_peek_only_drain_tls12(void) { run_peek_only_drain(TLSP_TLS1_2); }
static void test_peek_only_drain_tls13(void) { run_peek_only_drain(TLSP_TLS1_3); }

/* TLS 1.3 servers send NewSessionTicket after the handshake. A client whose application
 * only writes (never reads) must still consume the tickets, and a reader must never see
 * mbedTLS's "received a ticket" signal as an error. The server's ticket keys are set up on
 * its mbedTLS config directly: tlsp_config gains ticket issuing with resumption. */
static void test_tls13_tickets_processed_without_reading(void)
{
    tlsp_pair_opts o;
    tlsp_pair *p;
    mbedtls_ssl_ticket_context ticket;
    tlsp_info ci, si;
    const uint8_t msg[] = "written, never read";
    uint8_t rx[64];
    size_t got = 0;
    unsigned rounds;
    int ret;

    memset(&o, 0, sizeof(o));
    o.min_version = o.max_version = TLSP_TLS1_3;
    p = tlsp_pair_alloc(&o);
    REQUIRE(p != NULL);
    mbedtls_ssl_ticket_init(&ticket);
    REQUIRE_EQ(tlsp_pair_configure(p), 0);
    REQUIRE_EQ(mbedtls_ssl_ticket_setup(&ticket, mbedtls_psa_get_random, MBEDTLS_PSA_RANDOM_STATE,
                                        MBEDTLS_CIPHER_AES_256_GCM, 86400), 0);
    mbedtls_ssl_conf_session_tickets_cb(&p->server_cfg.ssl, mbedtls_ssl_ticket_write,
                                        mbedtls_ssl_ticket_parse, &ticket);
    /* A server only issues tickets when both ends allow the PSK key exchange modes
     * (RFC 8446 4.2.9); certificate-only tlsp configs do not allow them yet. */
    mbedtls_ssl_conf_tls13_key_exchange_modes(&p->client_cfg.ssl,
                                              MBEDTLS_SSL_TLS1_3_KEY_EXCHANGE_MODE_ALL);
    mbedtls_ssl_conf_tls13_key_exchange_modes(&p->server_cfg.ssl,
                                              MBEDTLS_SSL_TLS1_3_KEY_EXCHANGE_MODE_ALL);
    /* Ask mbedTLS to signal each ticket (MBEDTLS_ERR_SSL_RECEIVED_NEW_SESSION_TICKET):
     * the engine must absorb that signal, not pass it on. */
    mbedtls_ssl_conf_tls13_enable_signal_new_session_tickets(
        &p->client_cfg.ssl, MBEDTLS_SSL_TLS1_3_SIGNAL_NEW_SESSION_TICKETS_ENABLED);
    REQUIRE_EQ(tlsp_pair_start(p), 0);
    REQUIRE_EQ(tlsp_pair_handshake(p), 0);

    /* The client only writes; the pair steps call tlsp_poll(), never tlsp_read(). */
    CHECK_EQ(tlsp_write(&p->client, msg, sizeof(msg)), (int) sizeof(msg));
    for (rounds = 0; rounds < 64 && got < sizeof(msg); rounds++) {
        CHECK_EQ(tlsp_memory_pair_step(&p->client, &p->server, &p->link, NULL), 0);
        ret = tlsp_read(&p->server, rx + got, sizeof(rx) - got);
        if (ret > 0) {
            got += (size_t) ret;
        } else {
            CHECK(ret == TLSP_WANT_READ || ret == TLSP_WANT_WRITE);
        }
    }
    CHECK_EQ(got, sizeof(msg));
    CHECK(memcmp(rx, msg, sizeof(msg)) == 0);
    REQUIRE_EQ(tlsp_pair_settle(p, 8), 0);
    CHECK_EQ(tlsp_engine_info(&p->client, &ci), 0);
    CHECK_EQ(tlsp_engine_info(&p->server, &si), 0);
    /* mbedTLS's server writes its tickets before it reports the handshake done, and the
     * client is done before they arrive: the difference is the tickets... */
    CHECK(si.handshake_bytes_out > ci.handshake_bytes_in);
    /* ...and the client consumed every byte of them without being asked to read. */
    CHECK_EQ(ci.counters.bytes_in, si.counters.bytes_out);
    CHECK_EQ(ci.counters.records_in, si.counters.records_out);
    CHECK_EQ(ci.counters.app_bytes_in, 0);
    CHECK(!(tlsp_status(&p->client) & TLSP_STATUS_APP_READABLE));
    /* mbedTLS keeps an announced ticket in its buffer and returns WANT_READ; the engine
     * must finish it rather than wait for the network, or the next write trips on it. */
    CHECK(!mbedtls_ssl_check_pending(&p->client.ssl));
    CHECK_EQ(tlsp_write(&p->client, msg, sizeof(msg)), (int) sizeof(msg));
    got = 0;
    for (rounds = 0; rounds < 64 && got < sizeof(msg); rounds++) {
        CHECK_EQ(tlsp_memory_pair_step(&p->client, &p->server, &p->link, NULL), 0);
        ret = tlsp_read(&p->server, rx + got, sizeof(rx) - got);
        if (ret > 0) {
            got += (size_t) ret;
        }
    }
    CHECK_EQ(got, sizeof(msg));
    /* A read now has nothing to return and no error to report. */
    CHECK_EQ(tlsp_read(&p->client, rx, sizeof(rx)), TLSP_WANT_READ);
    CHECK_EQ(tlsp_engine_error(&p->client), 0);
    /* And the client did store a ticket it could resume with. */
    {
        mbedtls_ssl_session saved;
        mbedtls_ssl_session_init(&saved);
        CHECK_EQ(mbedtls_ssl_get_session(&p->client.ssl, &saved), 0);
        mbedtls_ssl_session_free(&saved);
    }
    CHECK_EQ(tlsp_engine_error(&p->client), 0);
    tlsp_pair_free(p);
    mbedtls_ssl_ticket_free(&ticket);
}

static void test_full_net_out_tls12(void) { run_full_net_out(TLSP_TLS1_2, 0); }
static void test_full_net_out_tls13(void) { run_full_net_out(TLSP_TLS1_3, 0); }
static void test_full_net_out_small_records(void)
{
    run_full_net_out(TLSP_TLS1_2, 100);
    run_full_net_out(TLSP_TLS1_3, 64);
}

/* close_notify queued behind a record that does not fit net_out yet: close waits for
 * room (WANT_WRITE) instead of dropping the alert, and the peer gets data, then the end. */
static void run_close_behind_data(tlsp_version v)
{
    tlsp_pair *p = make_pair(TLSP_PAIR_CERT, v, v, 64, 0);
    uint8_t tx[1000], rx[1000];
    size_t got = 0;
    unsigned rounds, wants = 0;
    int ret = TLSP_WANT_WRITE;

    REQUIRE(p != NULL);
    REQUIRE_EQ(tlsp_pair_handshake(p), 0);
    REQUIRE_EQ(tlsp_pair_settle(p, 8), 0);
    memset(tx, 0x4d, sizeof(tx));
    REQUIRE_EQ(tlsp_write(&p->client, tx, sizeof(tx)), (int) sizeof(tx));
    for (rounds = 0; rounds < 10000 && ret != 0; rounds++) {
        ret = tlsp_close(&p->client);
        if (ret == TLSP_WANT_WRITE) {
            wants++;
            CHECK(!(tlsp_status(&p->client) & TLSP_STATUS_LOCAL_CLOSED));
            got = pump_and_read(p, rx, got, sizeof(rx));
        } else {
            CHECK_EQ(ret, 0);
        }
    }
    CHECK(wants > 0);
    CHECK(tlsp_status(&p->client) & TLSP_STATUS_LOCAL_CLOSED);
    for (rounds = 0; rounds < 10000 && got < sizeof(rx); rounds++) {
        got = pump_and_read(p, rx, got, sizeof(rx));
    }
    CHECK_EQ(got, sizeof(rx));
    CHECK(memcmp(tx, rx, sizeof(tx)) == 0);
    for (rounds = 0; rounds < 10000; rounds++) {
        ret = tlsp_read(&p->server, rx, sizeof(rx));
        if (!is_want(ret)) {
            break;
        }
        (void) tlsp_memory_pair_step(&p->client, &p->server, &p->link, NULL);
    }
    CHECK_EQ(ret, TLSP_ERR_CLOSED);
    CHECK_EQ(tlsp_engine_error(&p->server), 0);
    tlsp_pair_free(p);
}

static void test_close_behind_data_tls12(void) { run_close_behind_data(TLSP_TLS1_2); }
static void test_close_behind_data_tls13(void) { run_close_behind_data(TLSP_TLS1_3); }

/* A write bigger than a record is split; each accepted byte arrives once. */
static void run_big_write(tlsp_version v)
{
    const size_t total = 100u * 1024u;
    tlsp_pair *p = make_pair(TLSP_PAIR_CERT, v, v, 0, 0);
    uint8_t *tx = malloc(total);
    uint8_t *rx = malloc(total);
    size_t sent = 0, got = 0, i;
    unsigned rounds, calls = 0;
    tlsp_info ci, si;

    REQUIRE(p != NULL && tx != NULL && rx != NULL);
    REQUIRE_EQ(tlsp_pair_handshake(p), 0);
    REQUIRE_EQ(tlsp_pair_settle(p, 8), 0);
    CHECK_EQ(tlsp_engine_info(&p->client, &ci), 0);
    for (i = 0; i < total; i++) {
        tx[i] = tlsp_pair_data_byte(3, i);
    }
    for (rounds = 0; rounds < MAX_ROUNDS && got < total; rounds++) {
        if (sent < total) {
            int ret = tlsp_write(&p->client, tx + sent, total - sent);
            if (ret > 0) {
                CHECK(ret <= 16384);
                sent += (size_t) ret;
                calls++;
            } else {
                CHECK_EQ(ret, TLSP_WANT_WRITE);
            }
        }
        got = pump_and_read(p, rx, got, total);
    }
    CHECK_EQ(sent, total);
    CHECK_EQ(got, total);
    CHECK(memcmp(tx, rx, total) == 0);
    CHECK(calls >= 7);
    {
        tlsp_info after;
        CHECK_EQ(tlsp_engine_info(&p->client, &after), 0);
        CHECK(after.counters.records_out - ci.counters.records_out >= 7);
        CHECK_EQ(after.counters.app_bytes_out, total);
        CHECK_EQ(tlsp_engine_info(&p->server, &si), 0);
        CHECK_EQ(si.counters.app_bytes_in, total);
    }
    free(tx);
    free(rx);
    tlsp_pair_free(p);
}

static void test_big_write_tls12(void) { run_big_write(TLSP_TLS1_2); }
static void test_big_write_tls13(void) { run_big_write(TLSP_TLS1_3); }

/* ---- Byte-at-a-time delivery ----------------------------------------------------------- */

static void run_bytewise(tlsp_pair_auth auth, tlsp_version v)
{
    tlsp_pair *p = make_pair(auth, v, v, 0, 1);
    tlsp_info ci;

    REQUIRE(p != NULL);
    CHECK_EQ(tlsp_pair_handshake(p), 0);
    CHECK_EQ(tlsp_engine_info(&p->client, &ci), 0);
    CHECK(strcmp(ci.version, v == TLSP_TLS1_3 ? "TLSv1.3" : "TLSv1.2") == 0);
    CHECK_EQ(tlsp_pair_transfer(p, 3000, 1000), 0);
    REQUIRE_EQ(tlsp_pair_settle(p, 8), 0);
    check_counters_match(&p->client, &p->server);
    tlsp_pair_free(p);
}

static void test_bytewise_tls12_cert(void) { run_bytewise(TLSP_PAIR_CERT, TLSP_TLS1_2); }
static void test_bytewise_tls13_cert(void) { run_bytewise(TLSP_PAIR_CERT, TLSP_TLS1_3); }
static void test_bytewise_tls12_psk(void) { run_bytewise(TLSP_PAIR_PSK, TLSP_TLS1_2); }
static void test_bytewise_tls13_psk(void) { run_bytewise(TLSP_PAIR_PSK, TLSP_TLS1_3); }

/* ---- Status flags and the WANT rule -------------------------------------------------------- */

static void run_status_flags(tlsp_version v)
{
    tlsp_pair *p = make_pair(TLSP_PAIR_CERT, v, v, 0, 0);
    tlsp_engine *c, *s;
    uint8_t buf[200];
    unsigned st;
    int ret;

    REQUIRE(p != NULL);
    c = &p->client;
    s = &p->server;
    st = tlsp_status(c);
    CHECK_EQ(st & (TLSP_STATUS_HANDSHAKE_DONE | TLSP_STATUS_APP_WRITABLE | TLSP_STATUS_NET_OUT), 0);

    /* ClientHello queued: the call says WANT_WRITE, not WANT_READ. */
    CHECK_EQ(tlsp_handshake(c), TLSP_WANT_WRITE);
    CHECK(tlsp_status(c) & TLSP_STATUS_NET_OUT);
    CHECK_EQ(tlsp_handshake(c), TLSP_WANT_WRITE);
    CHECK_EQ(move_zero_copy(c, s, SIZE_MAX) > 0, 1);
    CHECK(!(tlsp_status(c) & TLSP_STATUS_NET_OUT));
    CHECK_EQ(tlsp_handshake(c), TLSP_WANT_READ);
    CHECK(tlsp_status(c) & TLSP_STATUS_NEED_NET_IN);

    /* The server answers the ClientHello with a flight and then waits: WANT_WRITE first. */
    CHECK_EQ(tlsp_handshake(s), TLSP_WANT_WRITE);
    CHECK(tlsp_status(s) & TLSP_STATUS_NET_OUT);
    CHECK(!(tlsp_status(s) & TLSP_STATUS_HANDSHAKE_DONE));
    CHECK_EQ(move_zero_copy(s, c, SIZE_MAX) > 0, 1);
    CHECK(!(tlsp_status(c) & TLSP_STATUS_NEED_NET_IN));

    REQUIRE_EQ(zero_copy_handshake(c, s, SIZE_MAX), 0);
    st = tlsp_status(c);
    CHECK(st & TLSP_STATUS_HANDSHAKE_DONE);
    CHECK(st & TLSP_STATUS_APP_WRITABLE);
    CHECK_EQ(st & (TLSP_STATUS_APP_READABLE | TLSP_STATUS_PEER_CLOSED | TLSP_STATUS_LOCAL_CLOSED |
                   TLSP_STATUS_FAILED | TLSP_STATUS_NET_EOF | TLSP_STATUS_NET_OUT), 0);
    st = tlsp_status(s);
    CHECK(st & TLSP_STATUS_HANDSHAKE_DONE);
    CHECK(st & TLSP_STATUS_APP_WRITABLE);

    /* Decrypted but unread data shows as APP_READABLE until it is all read. */
    memset(buf, 0x61, sizeof(buf));
    CHECK_EQ(tlsp_write(c, buf, 100), 100);
    CHECK(tlsp_status(c) & TLSP_STATUS_NET_OUT);
    (void) move_zero_copy(c, s, SIZE_MAX);
    CHECK(!(tlsp_status(s) & TLSP_STATUS_APP_READABLE));
    CHECK_EQ(tlsp_poll(s), 0);
    CHECK(tlsp_status(s) & TLSP_STATUS_APP_READABLE);
    CHECK_EQ(tlsp_read(s, buf, 30), 30);
    CHECK(tlsp_status(s) & TLSP_STATUS_APP_READABLE);
    CHECK_EQ(tlsp_read(s, buf, sizeof(buf)), 70);
    CHECK(!(tlsp_status(s) & TLSP_STATUS_APP_READABLE));
    ret = tlsp_read(s, buf, sizeof(buf));
    CHECK_EQ(ret, TLSP_WANT_READ);
    CHECK(tlsp_status(s) & TLSP_STATUS_NEED_NET_IN);

    /* Client closes: LOCAL_CLOSED there, PEER_CLOSED on the server once it arrives. */
    CHECK_EQ(tlsp_close(c), 0);
    st = tlsp_status(c);
    CHECK(st & TLSP_STATUS_LOCAL_CLOSED);
    CHECK(st & TLSP_STATUS_NET_OUT);
    CHECK(!(st & TLSP_STATUS_APP_WRITABLE));
    CHECK(!(st & TLSP_STATUS_PEER_CLOSED));
    (void) move_zero_copy(c, s, SIZE_MAX);
    (void) move_zero_copy(s, c, SIZE_MAX);
    CHECK_EQ(tlsp_poll(s), TLSP_ERR_CLOSED);
    st = tlsp_status(s);
    CHECK(st & TLSP_STATUS_PEER_CLOSED);
    CHECK(!(st & TLSP_STATUS_LOCAL_CLOSED));
    CHECK(!(st & TLSP_STATUS_FAILED));
    CHECK_EQ(tlsp_read(s, buf, sizeof(buf)), TLSP_ERR_CLOSED);
    /* The server may still send before closing its own side. */
    CHECK(st & TLSP_STATUS_APP_WRITABLE);
    CHECK_EQ(tlsp_write(s, buf, 10), 10);
    CHECK_EQ(tlsp_close(s), 0);
    CHECK(tlsp_status(s) & TLSP_STATUS_LOCAL_CLOSED);
    (void) move_zero_copy(s, c, SIZE_MAX);
    CHECK_EQ(tlsp_read(c, buf, sizeof(buf)), 10);
    CHECK_EQ(tlsp_read(c, buf, sizeof(buf)), TLSP_ERR_CLOSED);
    st = tlsp_status(c);
    CHECK(st & TLSP_STATUS_PEER_CLOSED);
    CHECK(st & TLSP_STATUS_LOCAL_CLOSED);
    CHECK(!(st & TLSP_STATUS_FAILED));
    CHECK_EQ(tlsp_engine_error(c), 0);
    CHECK_EQ(tlsp_engine_error(s), 0);

    /* EOF after close_notify is a clean end. */
    tlsp_net_in_eof(c);
    CHECK(tlsp_status(c) & TLSP_STATUS_NET_EOF);
    CHECK_EQ(tlsp_read(c, buf, sizeof(buf)), TLSP_ERR_CLOSED);
    tlsp_pair_free(p);
}

static void test_status_flags_tls12(void) { run_status_flags(TLSP_TLS1_2); }
static void test_status_flags_tls13(void) { run_status_flags(TLSP_TLS1_3); }

static void test_net_in_full_flag(void)
{
    tlsp_pair *p = make_pair(TLSP_PAIR_CERT, TLSP_TLS1_3, TLSP_TLS1_3, 64, 0);
    uint8_t junk[100];
    int n;

    REQUIRE(p != NULL);
    CHECK(!(tlsp_status(&p->server) & TLSP_STATUS_NET_IN_FULL));
    memset(junk, 0x16, sizeof(junk));
    n = tlsp_net_in_feed(&p->server, junk, sizeof(junk));
    CHECK_EQ(n, 64);
    CHECK(tlsp_status(&p->server) & TLSP_STATUS_NET_IN_FULL);
    CHECK_EQ(tlsp_net_in_feed(&p->server, junk, sizeof(junk)), 0);
    tlsp_pair_free(p);
}

/* ---- Work without tlsp_read -------------------------------------------------------------- */

/* The server sends data and closes; the client only polls. Polling must surface the data
 * (APP_READABLE) without consuming it, and the close once the data is read. */
static void run_poll_only(tlsp_version v)
{
    tlsp_pair *p = make_pair(TLSP_PAIR_CERT, v, v, 0, 0);
    const char msg[] = "status report 42";
    uint8_t buf[64];
    int ret;

    REQUIRE(p != NULL);
    REQUIRE_EQ(tlsp_pair_handshake(p), 0);
    REQUIRE_EQ(tlsp_write(&p->server, (const uint8_t *) msg, sizeof(msg)), (int) sizeof(msg));
    REQUIRE_EQ(tlsp_close(&p->server), 0);
    (void) move_zero_copy(&p->server, &p->client, SIZE_MAX);
    (void) move_zero_copy(&p->client, &p->server, SIZE_MAX);

    CHECK(!(tlsp_status(&p->client) & TLSP_STATUS_APP_READABLE));
    CHECK_EQ(tlsp_poll(&p->client), 0);
    CHECK(tlsp_status(&p->client) & TLSP_STATUS_APP_READABLE);
    /* Polling again does not skip past the unread data to the close_notify. */
    CHECK_EQ(tlsp_poll(&p->client), 0);
    CHECK(tlsp_status(&p->client) & TLSP_STATUS_APP_READABLE);
    CHECK(!(tlsp_status(&p->client) & TLSP_STATUS_PEER_CLOSED));

    ret = tlsp_read(&p->client, buf, sizeof(buf));
    CHECK_EQ(ret, (int) sizeof(msg));
    CHECK(memcmp(buf, msg, sizeof(msg)) == 0);
    CHECK_EQ(tlsp_poll(&p->client), TLSP_ERR_CLOSED);
    CHECK(tlsp_status(&p->client) & TLSP_STATUS_PEER_CLOSED);
    CHECK_EQ(tlsp_poll(&p->client), TLSP_ERR_CLOSED);
    CHECK_EQ(tlsp_read(&p->client, buf, sizeof(buf)), TLSP_ERR_CLOSED);
    CHECK_EQ(tlsp_engine_error(&p->client), 0);
    tlsp_pair_free(p);
}

static void test_poll_only_tls12(void) { run_poll_only(TLSP_TLS1_2); }
static void test_poll_only_tls13(void) { run_poll_only(TLSP_TLS1_3); }

/* ---- Counters ------------------------------------------------------------------------------- */

static void run_counters(tlsp_pair_auth auth, tlsp_version v)
{
    const size_t bytes = 50000;
    tlsp_pair *p = make_pair(auth, v, v, 0, 0);
    tlsp_info ci, si;

    REQUIRE(p != NULL);
    CHECK_EQ(tlsp_engine_info(&p->client, &ci), 0);
    CHECK(strcmp(ci.version, "none") == 0);
    CHECK(strcmp(ci.ciphersuite, "none") == 0);
    CHECK_EQ(ci.counters.bytes_out, 0);
    REQUIRE_EQ(tlsp_pair_handshake(p), 0);
    REQUIRE_EQ(tlsp_pair_transfer(p, bytes, 3000), 0);
    REQUIRE_EQ(tlsp_pair_settle(p, 8), 0);
    REQUIRE_EQ(tlsp_engine_info(&p->client, &ci), 0);
    REQUIRE_EQ(tlsp_engine_info(&p->server, &si), 0);

    CHECK_EQ(ci.counters.bytes_out, si.counters.bytes_in);
    CHECK_EQ(si.counters.bytes_out, ci.counters.bytes_in);
    CHECK_EQ(ci.counters.records_out, si.counters.records_in);
    CHECK_EQ(si.counters.records_out, ci.counters.records_in);
    CHECK(ci.counters.records_out > 0 && ci.counters.records_in > 0);
    /* 50000 bytes need at least 4 records of 16 KiB, plus the handshake's. */
    CHECK(ci.counters.records_out >= 4 + 1);
    /* Ciphertext is the plaintext plus framing. */
    CHECK(ci.counters.bytes_out >= bytes + 5 * ci.counters.records_out);
    CHECK_EQ(ci.counters.app_bytes_out, bytes);
    CHECK_EQ(ci.counters.app_bytes_in, bytes);
    CHECK_EQ(si.counters.app_bytes_out, bytes);
    CHECK_EQ(si.counters.app_bytes_in, bytes);

    CHECK(ci.handshake_bytes_in > 0 && ci.handshake_bytes_out > 0);
    CHECK(si.handshake_bytes_in > 0 && si.handshake_bytes_out > 0);
    CHECK(ci.handshake_bytes_out <= ci.counters.bytes_out);
    CHECK(ci.handshake_bytes_in <= ci.counters.bytes_in);
    /* The client's last flight is what completes the server's handshake. */
    CHECK_EQ(ci.handshake_bytes_out, si.handshake_bytes_in);
    if (auth == TLSP_PAIR_CERT) {
        /* A certificate handshake carries the chain: well over a few hundred bytes. */
        CHECK(ci.handshake_bytes_in > 400);
    }
    tlsp_pair_free(p);
}

static void test_counters_tls12(void) { run_counters(TLSP_PAIR_CERT, TLSP_TLS1_2); }
static void test_counters_tls13(void) { run_counters(TLSP_PAIR_CERT, TLSP_TLS1_3); }
static void test_counters_tls13_psk(void) { run_counters(TLSP_PAIR_PSK, TLSP_TLS1_3); }

/* ---- Reset ----------------------------------------------------------------------------------- */

/* Step both ends until both close_notify alerts have been processed. */
static void settle_closed(tlsp_pair *p)
{
    unsigned i;

    for (i = 0; i < 64; i++) {
        int ret = tlsp_memory_pair_step(&p->client, &p->server, &p->link, NULL);
        CHECK(ret == 0 || ret == TLSP_ERR_CLOSED);
    }
}

static void run_reset(tlsp_version v)
{
    tlsp_pair *p = make_pair(TLSP_PAIR_CERT, v, v, 0, 0);
    size_t q, l;
    tlsp_info ci;
    int round;

    REQUIRE(p != NULL);
    q = p->opts.queue_size;
    l = p->opts.link_size;
    for (round = 0; round < 3; round++) {
        REQUIRE_EQ(tlsp_pair_handshake(p), 0);
        CHECK_EQ(tlsp_pair_transfer(p, 20000, 4000), 0);
        CHECK_EQ(tlsp_close(&p->client), 0);
        CHECK_EQ(tlsp_close(&p->server), 0);
        settle_closed(p);
        CHECK(tlsp_status(&p->client) & TLSP_STATUS_PEER_CLOSED);
        CHECK(tlsp_status(&p->server) & TLSP_STATUS_PEER_CLOSED);

        CHECK_EQ(tlsp_engine_reset(&p->client), 0);
        CHECK_EQ(tlsp_engine_reset(&p->server), 0);
        CHECK_EQ(tlsp_status(&p->client) & (TLSP_STATUS_HANDSHAKE_DONE | TLSP_STATUS_PEER_CLOSED |
                                            TLSP_STATUS_LOCAL_CLOSED | TLSP_STATUS_NET_OUT), 0);
        CHECK_EQ(tlsp_engine_info(&p->client, &ci), 0);
        CHECK(strcmp(ci.version, "none") == 0);
        CHECK_EQ(ci.counters.bytes_in, 0);
        CHECK_EQ(ci.counters.app_bytes_out, 0);
        /* A fresh medium for the new connection. */
        REQUIRE_EQ(tlsp_memory_link_init(&p->link, p->buffers + 4 * q, l, p->buffers + 4 * q + l, l, 0), 0);
    }
    REQUIRE_EQ(tlsp_pair_handshake(p), 0);
    CHECK_EQ(tlsp_engine_info(&p->client, &ci), 0);
    CHECK(strcmp(ci.version, v == TLSP_TLS1_3 ? "TLSv1.3" : "TLSv1.2") == 0);
    tlsp_pair_free(p);
}

static void test_reset_tls12(void) { run_reset(TLSP_TLS1_2); }
static void test_reset_tls13(void) { run_reset(TLSP_TLS1_3); }

int main(void)
{
    RUN_TEST(test_zero_copy_tls12_cert);
    RUN_TEST(test_zero_copy_tls13_cert);
    RUN_TEST(test_zero_copy_tls13_psk);
    RUN_TEST(test_zero_copy_bounds);
    RUN_TEST(test_copying_tls12);
    RUN_TEST(test_copying_tls13);
    RUN_TEST(test_tls13_tickets_processed_without_reading);
    RUN_TEST(test_peek_only_drain_tls12);
    RUN_TEST(test_peek_only_drain_tls13);
    RUN_TEST(test_full_net_out_tls12);
    RUN_TEST(test_full_net_out_tls13);
    RUN_TEST(test_full_net_out_small_records);
    RUN_TEST(test_close_behind_data_tls12);
    RUN_TEST(test_close_behind_data_tls13);
    RUN_TEST(test_big_write_tls12);
    RUN_TEST(test_big_write_tls13);
    RUN_TEST(test_bytewise_tls12_cert);
    RUN_TEST(test_bytewise_tls13_cert);
    RUN_TEST(test_bytewise_tls12_psk);
    RUN_TEST(test_bytewise_tls13_psk);
    RUN_TEST(test_status_flags_tls12);
    RUN_TEST(test_status_flags_tls13);
    RUN_TEST(test_net_in_full_flag);
    RUN_TEST(test_poll_only_tls12);
    RUN_TEST(test_poll_only_tls13);
    RUN_TEST(test_counters_tls12);
    RUN_TEST(test_counters_tls13);
    RUN_TEST(test_counters_tls13_psk);
    RUN_TEST(test_reset_tls12);
    RUN_TEST(test_reset_tls13);
    return tlsp_test_finish("engine_io");
}
