/*
 * Integrity: bytes changed, cut, duplicated or invented on the wire. The receiver must
 * fail cleanly (a sticky error, never a plaintext byte from a bad record), its alert must
 * reach the sender, and nothing may crash, hang or complete a handshake it should not.
 */
#include <stdlib.h>
#include <string.h>

#include "tlsp_pair.h"
#include "tlsp_port_test.h"
#include "tlsp_test.h"
#include "tlspair/tlsp_drive.h"

#define ALERT_BAD_RECORD_MAC  20
#define ALERT_RECORD_OVERFLOW 22

#define REC_HANDSHAKE 22
#define REC_APP_DATA  23

static const char *vname(tlsp_version v)
{
    return v == TLSP_TLS1_3 ? "TLSv1.3" : "TLSv1.2";
}

static const char *aname(tlsp_pair_auth a)
{
    return a == TLSP_PAIR_PSK ? "PSK" : "cert";
}

/* ---- Helpers ------------------------------------------------------------------------- */

static int is_failure(int ret)
{
    return ret < 0 && ret != TLSP_WANT_READ && ret != TLSP_WANT_WRITE && ret != TLSP_ERR_CLOSED;
}

static int step_one(tlsp_pair *p, tlsp_link_side side)
{
    tlsp_transport t;
    int progress;

    tlsp_memory_link_transport(&p->link, side, &t);
    return tlsp_drive_step(side == TLSP_LINK_A ? &p->client : &p->server, &t, &progress);
}

static tlsp_queue *link_queue(tlsp_pair *p, tlsp_link_side from)
{
    return from == TLSP_LINK_A ? &p->link.to_b : &p->link.to_a;
}

/* The server writes msg and pushes it onto the link (not yet read by the client).
 * Returns the number of bytes in flight, all of them that record. */
static size_t server_sends(tlsp_pair *p, const char *msg)
{
    size_t len = 0;

    if (tlsp_write(&p->server, (const uint8_t *) msg, strlen(msg)) != (int) strlen(msg)) {
        return 0;
    }
    (void) step_one(p, TLSP_LINK_B);
    (void) tlsp_memory_link_in_flight(&p->link, TLSP_LINK_B, &len);
    return len;
}

static int untouched(const uint8_t *buf, size_t len)
{
    size_t i;

    for (i = 0; i < len; i++) {
        if (buf[i] != 0xEE) {
            return 0;
        }
    }
    return 1;
}

static uint64_t app_bytes_in(const tlsp_engine *e)
{
    tlsp_info info;

    return tlsp_engine_info(e, &info) == 0 ? info.counters.app_bytes_in : ~0ull;
}

/* The client has just failed on a bad record: it stays failed, delivered nothing of it,
 * and its alert (bad_record_mac unless told otherwise) fails the server. */
static void check_client_bad_record(tlsp_pair *p, uint64_t app_in_before, int alert)
{
    uint8_t buf[256];

    memset(buf, 0xEE, sizeof(buf));
    CHECK_EQ(tlsp_read(&p->client, buf, sizeof(buf)), TLSP_ERR_BAD_RECORD);
    CHECK_EQ(tlsp_read(&p->client, buf, sizeof(buf)), TLSP_ERR_BAD_RECORD);
    CHECK(untouched(buf, sizeof(buf)));
    CHECK_EQ(app_bytes_in(&p->client), app_in_before);
    CHECK_EQ(tlsp_write(&p->client, (const uint8_t *) "x", 1), TLSP_ERR_BAD_RECORD);
    CHECK_EQ(tlsp_poll(&p->client), TLSP_ERR_BAD_RECORD);
    CHECK_EQ(tlsp_engine_error(&p->client), TLSP_ERR_BAD_RECORD);

    tlsp_pair_settle_failure(p);
    CHECK_EQ(tlsp_engine_error(&p->server), TLSP_ERR_PEER_ALERT);
    CHECK_EQ(tlsp_engine_alert_received(&p->server), alert);
    CHECK_EQ(tlsp_write(&p->server, (const uint8_t *) "x", 1), TLSP_ERR_PEER_ALERT);
    CHECK_EQ(tlsp_read(&p->server, buf, sizeof(buf)), TLSP_ERR_PEER_ALERT);
}

/* ---- One flipped ciphertext byte ------------------------------------------------------- */

static void flipped_body_byte(tlsp_version v, tlsp_pair_auth auth)
{
    tlsp_pair *p = tlsp_pair_new_connected(v, auth);
    uint8_t buf[256];
    uint8_t *rec;
    size_t len;

    REQUIRE(p != NULL);
    len = server_sends(p, "attack at dawn, bring the good biscuits");
    REQUIRE(len > 5 + 39);
    rec = tlsp_memory_link_in_flight(&p->link, TLSP_LINK_B, &len);
    REQUIRE(rec != NULL && rec[0] == REC_APP_DATA);
    rec[5 + (len - 5) / 2] ^= 0x40;

    /* Deliver it and ask for data directly: tlsp_read() itself meets the bad record. */
    {
        uint8_t wire[512];
        size_t n = tlsp_queue_read(link_queue(p, TLSP_LINK_B), wire, sizeof(wire));
        REQUIRE(n == len);
        CHECK_EQ(tlsp_net_in_feed(&p->client, wire, n), (int) n);
    }
    memset(buf, 0xEE, sizeof(buf));
    CHECK_EQ(tlsp_read(&p->client, buf, sizeof(buf)), TLSP_ERR_BAD_RECORD);
    CHECK(untouched(buf, sizeof(buf)));
    CHECK(tlsp_status(&p->client) & TLSP_STATUS_NET_OUT); /* the alert is queued */
    check_client_bad_record(p, 0, ALERT_BAD_RECORD_MAC);
    tlsp_pair_free(p);
}

static void test_flip_body_tls12_cert(void) { flipped_body_byte(TLSP_TLS1_2, TLSP_PAIR_CERT); }
static void test_flip_body_tls13_cert(void) { flipped_body_byte(TLSP_TLS1_3, TLSP_PAIR_CERT); }
static void test_flip_body_tls12_psk(void) { flipped_body_byte(TLSP_TLS1_2, TLSP_PAIR_PSK); }
static void test_flip_body_tls13_psk(void) { flipped_body_byte(TLSP_TLS1_3, TLSP_PAIR_PSK); }

/* Every byte of the record body, one at a time (TLS 1.3: content type and padding are
 * inside the AEAD as well), is caught. */
static void flip_every_body_byte(tlsp_version v)
{
    size_t pos, len0;
    unsigned caught = 0;
    tlsp_pair *p0 = tlsp_pair_new_connected(v, TLSP_PAIR_PSK);

    REQUIRE(p0 != NULL);
    len0 = server_sends(p0, "0123456789");
    tlsp_pair_free(p0);
    REQUIRE(len0 > 15);
    for (pos = 5; pos < len0; pos++) {
        tlsp_pair *p = tlsp_pair_new_connected(v, TLSP_PAIR_PSK);
        uint8_t buf[64];
        uint8_t *rec;
        size_t len;
        int i;

        REQUIRE(p != NULL);
        len = server_sends(p, "0123456789");
        REQUIRE(len == len0);
        rec = tlsp_memory_link_in_flight(&p->link, TLSP_LINK_B, &len);
        REQUIRE(rec != NULL);
        rec[pos] ^= 0x01;
        for (i = 0; i < 4; i++) {
            (void) step_one(p, TLSP_LINK_A);
        }
        memset(buf, 0xEE, sizeof(buf));
        if (tlsp_read(&p->client, buf, sizeof(buf)) == TLSP_ERR_BAD_RECORD && untouched(buf, sizeof(buf))) {
            caught++;
        } else {
            fprintf(stderr, "  %s: flip at %zu not caught\n", vname(v), pos);
        }
        tlsp_pair_free(p);
    }
    CHECK_EQ(caught, len0 - 5);
}

static void test_flip_every_byte_tls12(void) { flip_every_body_byte(TLSP_TLS1_2); }
static void test_flip_every_byte_tls13(void) { flip_every_body_byte(TLSP_TLS1_3); }

/* ---- The record header's length field ---------------------------------------------- */

/* Shorter: the record ends early (its MAC no longer checks) and the rest is read as a
 * new record. Much longer than any record may be: refused from the header alone, with
 * record_overflow. */
static void header_length(tlsp_version v, tlsp_pair_auth auth, int delta_mode)
{
    tlsp_pair *p = tlsp_pair_new_connected(v, auth);
    uint8_t *rec;
    size_t len;
    unsigned rlen;
    int i;

    REQUIRE(p != NULL);
    len = server_sends(p, "length-field victim");
    rec = tlsp_memory_link_in_flight(&p->link, TLSP_LINK_B, &len);
    REQUIRE(rec != NULL && len > 5);
    rlen = (unsigned) rec[3] << 8 | rec[4];
    if (delta_mode == 0) {
        rlen -= 1;
    } else {
        rlen = 0xFFFF;
    }
    rec[3] = (uint8_t) (rlen >> 8);
    rec[4] = (uint8_t) rlen;
    for (i = 0; i < 4; i++) {
        (void) step_one(p, TLSP_LINK_A);
    }
    CHECK_EQ(tlsp_engine_error(&p->client), TLSP_ERR_BAD_RECORD);
    check_client_bad_record(p, 0, delta_mode == 0 ? ALERT_BAD_RECORD_MAC : ALERT_RECORD_OVERFLOW);
    tlsp_pair_free(p);
}

/* Longer (but plausible): the receiver waits for the missing bytes; what comes next is
 * swallowed into the record, which then fails its MAC. */
static void header_length_longer(tlsp_version v)
{
    tlsp_pair *p = tlsp_pair_new_connected(v, TLSP_PAIR_CERT);
    uint8_t buf[64];
    uint8_t *rec;
    size_t len;
    unsigned rlen;
    int i;

    REQUIRE(p != NULL);
    len = server_sends(p, "first");
    rec = tlsp_memory_link_in_flight(&p->link, TLSP_LINK_B, &len);
    REQUIRE(rec != NULL && len > 5);
    rlen = ((unsigned) rec[3] << 8 | rec[4]) + 3;
    rec[3] = (uint8_t) (rlen >> 8);
    rec[4] = (uint8_t) rlen;
    for (i = 0; i < 4; i++) {
        (void) step_one(p, TLSP_LINK_A);
    }
    CHECK_EQ(tlsp_read(&p->client, buf, sizeof(buf)), TLSP_WANT_READ);
    CHECK_EQ(tlsp_engine_error(&p->client), 0);
    CHECK(server_sends(p, "second") > 0);
    for (i = 0; i < 4; i++) {
        (void) step_one(p, TLSP_LINK_A);
    }
    check_client_bad_record(p, 0, ALERT_BAD_RECORD_MAC);
    tlsp_pair_free(p);
}

static void test_header_len_short_tls12(void) { header_length(TLSP_TLS1_2, TLSP_PAIR_CERT, 0); }
static void test_header_len_short_tls13(void) { header_length(TLSP_TLS1_3, TLSP_PAIR_CERT, 0); }
static void test_header_len_huge_tls12(void) { header_length(TLSP_TLS1_2, TLSP_PAIR_PSK, 1); }
static void test_header_len_huge_tls13(void) { header_length(TLSP_TLS1_3, TLSP_PAIR_PSK, 1); }
static void test_header_len_long_tls12(void) { header_length_longer(TLSP_TLS1_2); }
static void test_header_len_long_tls13(void) { header_length_longer(TLSP_TLS1_3); }

/* ---- Replayed and reordered records ------------------------------------------------- */

static void replayed_record(tlsp_version v, tlsp_pair_auth auth)
{
    tlsp_pair *p = tlsp_pair_new_connected(v, auth);
    uint8_t copy[512];
    uint8_t buf[64];
    size_t len;
    int i;

    REQUIRE(p != NULL);
    len = server_sends(p, "transfer 100 EUR");
    REQUIRE(len > 0 && len <= sizeof(copy));
    memcpy(copy, tlsp_memory_link_in_flight(&p->link, TLSP_LINK_B, &len), len);
    CHECK_EQ(tlsp_queue_write(link_queue(p, TLSP_LINK_B), copy, len), len);
    for (i = 0; i < 4; i++) {
        (void) step_one(p, TLSP_LINK_A);
    }
    /* The original is delivered once; its copy is refused. */
    CHECK_EQ(tlsp_read(&p->client, buf, sizeof(buf)), 16);
    CHECK(memcmp(buf, "transfer 100 EUR", 16) == 0);
    check_client_bad_record(p, 16, ALERT_BAD_RECORD_MAC);
    tlsp_pair_free(p);
}

static void reordered_records(tlsp_version v)
{
    tlsp_pair *p = tlsp_pair_new_connected(v, TLSP_PAIR_CERT);
    uint8_t first[512], second[512];
    size_t n1, n2;
    int i;

    REQUIRE(p != NULL);
    CHECK(server_sends(p, "one") > 0);
    n1 = tlsp_queue_read(link_queue(p, TLSP_LINK_B), first, sizeof(first));
    CHECK(server_sends(p, "two") > 0);
    n2 = tlsp_queue_read(link_queue(p, TLSP_LINK_B), second, sizeof(second));
    REQUIRE(n1 > 0 && n2 > 0);
    CHECK_EQ(tlsp_queue_write(link_queue(p, TLSP_LINK_B), second, n2), n2);
    CHECK_EQ(tlsp_queue_write(link_queue(p, TLSP_LINK_B), first, n1), n1);
    for (i = 0; i < 4; i++) {
        (void) step_one(p, TLSP_LINK_A);
    }
    check_client_bad_record(p, 0, ALERT_BAD_RECORD_MAC);
    tlsp_pair_free(p);
}

static void test_replay_tls12_cert(void) { replayed_record(TLSP_TLS1_2, TLSP_PAIR_CERT); }
static void test_replay_tls13_cert(void) { replayed_record(TLSP_TLS1_3, TLSP_PAIR_CERT); }
static void test_replay_tls12_psk(void) { replayed_record(TLSP_TLS1_2, TLSP_PAIR_PSK); }
static void test_replay_tls13_psk(void) { replayed_record(TLSP_TLS1_3, TLSP_PAIR_PSK); }
static void test_reorder_tls12(void) { reordered_records(TLSP_TLS1_2); }
static void test_reorder_tls13(void) { reordered_records(TLSP_TLS1_3); }

/* ---- Tampering with the handshake ---------------------------------------------------- */

/* Locate record `index` in a byte stream: offset of its header and its body length. */
static int find_record(const uint8_t *buf, size_t len, unsigned index, size_t *off, size_t *body)
{
    size_t pos = 0;
    unsigned i;

    for (i = 0;; i++) {
        size_t blen;
        if (pos + 5 > len) {
            return -1;
        }
        blen = (size_t) buf[pos + 3] << 8 | buf[pos + 4];
        if (i == index) {
            *off = pos;
            *body = blen;
            return pos + 5 + blen <= len ? 0 : -1;
        }
        pos += 5 + blen;
    }
}

/* Index of the n-th record (0-based) of the given content type. */
static int nth_record_of_type(const uint8_t *buf, size_t len, uint8_t type, unsigned n,
                              size_t *off, size_t *body)
{
    unsigned i;

    for (i = 0; find_record(buf, len, i, off, body) == 0; i++) {
        if (buf[*off] == type) {
            if (n == 0) {
                return 0;
            }
            n--;
        }
    }
    return -1;
}

typedef enum {
    T_SERVER_HELLO_RANDOM,   /* a byte of ServerHello.random */
    T_SERVER_HELLO_SUITE,    /* the high byte of the chosen cipher suite */
    T_SERVER_HELLO_HS_LEN,   /* the handshake message length: message truncated */
    T_CERTIFICATE,           /* 1.2: the Certificate message; 1.3: the record carrying it */
    T_FIRST_RECORD_LEN_SHORT /* framing: the first record claims 2 bytes less */
} tamper_kind;

static const char *tname(tamper_kind k)
{
    switch (k) {
    case T_SERVER_HELLO_RANDOM: return "ServerHello.random";
    case T_SERVER_HELLO_SUITE: return "ServerHello.cipher_suite";
    case T_SERVER_HELLO_HS_LEN: return "ServerHello length";
    case T_CERTIFICATE: return "Certificate";
    default: return "record length";
    }
}

/* Run the handshake by hand, changing the server's first flight while in flight. */
static void tamper_server_flight(tlsp_version v, tamper_kind kind)
{
    tlsp_pair_opts o = { TLSP_PAIR_CERT, v, v, 0, 0, 0 };
    tlsp_pair *p = tlsp_pair_new(&o);
    uint8_t *fl;
    size_t len, off, body;
    int i;

    REQUIRE(p != NULL);
    for (i = 0; i < 3; i++) {
        (void) step_one(p, TLSP_LINK_A); /* ClientHello out */
    }
    for (i = 0; i < 3; i++) {
        (void) step_one(p, TLSP_LINK_B); /* ClientHello in, first flight out */
    }
    fl = tlsp_memory_link_in_flight(&p->link, TLSP_LINK_B, &len);
    REQUIRE(fl != NULL);
    REQUIRE(find_record(fl, len, 0, &off, &body) == 0 && fl[0] == REC_HANDSHAKE && fl[5] == 2);

    switch (kind) {
    case T_SERVER_HELLO_RANDOM:
        fl[5 + 4 + 2 + 9] ^= 0x10;
        break;
    case T_SERVER_HELLO_SUITE: {
        /* hs header 4, version 2, random 32, session id length + id, then the suite */
        size_t sid = fl[5 + 4 + 2 + 32];
        fl[5 + 4 + 2 + 32 + 1 + sid] ^= 0x55;
        break;
    }
    case T_SERVER_HELLO_HS_LEN:
        fl[5 + 3] = (uint8_t) (fl[5 + 3] - 7);
        break;
    case T_CERTIFICATE:
        if (v == TLSP_TLS1_2) {
            REQUIRE(nth_record_of_type(fl, len, REC_HANDSHAKE, 1, &off, &body) == 0);
            REQUIRE(fl[off + 5] == 11); /* Certificate */
        } else {
            /* Encrypted: EncryptedExtensions, then Certificate. */
            REQUIRE(nth_record_of_type(fl, len, REC_APP_DATA, 1, &off, &body) == 0);
        }
        fl[off + 5 + body / 2] ^= 0x08;
        break;
    default:
        fl[4] = (uint8_t) (fl[4] - 2);
        break;
    }
    tlsp_pair_settle_failure(p);
    printf("  %s %s: client %d (mbedtls -0x%x, alert %d), server %d (mbedtls -0x%x, alert %d)\n",
           vname(v), tname(kind), tlsp_engine_error(&p->client),
           -tlsp_engine_mbedtls_error(&p->client), tlsp_engine_alert_received(&p->client),
           tlsp_engine_error(&p->server), -tlsp_engine_mbedtls_error(&p->server),
           tlsp_engine_alert_received(&p->server));
    CHECK(is_failure(tlsp_engine_error(&p->client)));
    CHECK(tlsp_engine_error(&p->client) != TLSP_ERR_TIMEOUT);
    CHECK(!(tlsp_status(&p->client) & TLSP_STATUS_HANDSHAKE_DONE));
    CHECK(!(tlsp_status(&p->server) & TLSP_STATUS_HANDSHAKE_DONE));
    /* The client told the server. */
    CHECK_EQ(tlsp_engine_error(&p->server), TLSP_ERR_PEER_ALERT);
    CHECK(tlsp_engine_alert_received(&p->server) > 0);
    tlsp_pair_free(p);
}

static void test_hs_random_tls12(void) { tamper_server_flight(TLSP_TLS1_2, T_SERVER_HELLO_RANDOM); }
static void test_hs_random_tls13(void) { tamper_server_flight(TLSP_TLS1_3, T_SERVER_HELLO_RANDOM); }
static void test_hs_suite_tls12(void) { tamper_server_flight(TLSP_TLS1_2, T_SERVER_HELLO_SUITE); }
static void test_hs_suite_tls13(void) { tamper_server_flight(TLSP_TLS1_3, T_SERVER_HELLO_SUITE); }
static void test_hs_truncated_tls12(void) { tamper_server_flight(TLSP_TLS1_2, T_SERVER_HELLO_HS_LEN); }
static void test_hs_truncated_tls13(void) { tamper_server_flight(TLSP_TLS1_3, T_SERVER_HELLO_HS_LEN); }
static void test_hs_certificate_tls12(void) { tamper_server_flight(TLSP_TLS1_2, T_CERTIFICATE); }
static void test_hs_certificate_tls13(void) { tamper_server_flight(TLSP_TLS1_3, T_CERTIFICATE); }
static void test_hs_record_len_tls12(void) { tamper_server_flight(TLSP_TLS1_2, T_FIRST_RECORD_LEN_SHORT); }
static void test_hs_record_len_tls13(void) { tamper_server_flight(TLSP_TLS1_3, T_FIRST_RECORD_LEN_SHORT); }

/* A record length made longer during the handshake: the client waits for bytes that
 * never come (the server waits too). Its handshake deadline ends the wait. */
static void hs_record_len_longer(tlsp_version v)
{
    tlsp_pair_opts o = { TLSP_PAIR_CERT, v, v, 0, 0, 0 };
    tlsp_pair *p = tlsp_pair_alloc(&o);
    uint8_t *fl;
    size_t len, total = 0, off, body;
    unsigned i;

    REQUIRE(p != NULL);
    REQUIRE_EQ(tlsp_pair_configure(p), 0);
    REQUIRE_EQ(tlsp_config_set_timeouts(&p->client_cfg, 10000, 0), 0);
    REQUIRE_EQ(tlsp_pair_start(p), 0);
    for (i = 0; i < 3; i++) {
        (void) step_one(p, TLSP_LINK_A); /* ClientHello out */
    }
    for (i = 0; i < 3; i++) {
        (void) step_one(p, TLSP_LINK_B); /* first flight out */
    }
    fl = tlsp_memory_link_in_flight(&p->link, TLSP_LINK_B, &len);
    REQUIRE(fl != NULL);
    for (i = 0; find_record(fl, len, i, &off, &body) == 0; i++) {
        total = off + 5 + body;
    }
    REQUIRE(total == len);
    /* The last record now claims more than was sent. */
    REQUIRE(find_record(fl, len, i - 1, &off, &body) == 0);
    fl[off + 3] = (uint8_t) ((body + 100) >> 8);
    fl[off + 4] = (uint8_t) (body + 100);
    tlsp_pair_settle_failure(p);
    CHECK_EQ(tlsp_engine_error(&p->client), 0);
    CHECK_EQ(tlsp_handshake(&p->client), TLSP_WANT_READ);
    tlsp_port_test_advance_millis(10000);
    tlsp_pair_settle_failure(p);
    CHECK_EQ(tlsp_engine_error(&p->client), TLSP_ERR_TIMEOUT);
    CHECK(!(tlsp_status(&p->server) & TLSP_STATUS_HANDSHAKE_DONE));
    /* The server, waiting for the client's second flight, ends at its own (default)
     * deadline, 30 s after its first handshake call. */
    CHECK_EQ(tlsp_engine_error(&p->server), 0);
    tlsp_port_test_advance_millis(TLSP_DEFAULT_HANDSHAKE_TIMEOUT_MS - 10000);
    tlsp_pair_settle_failure(p);
    CHECK_EQ(tlsp_engine_error(&p->server), TLSP_ERR_TIMEOUT);
    tlsp_pair_free(p);
}

static void test_hs_record_len_long_tls12(void) { hs_record_len_longer(TLSP_TLS1_2); }
static void test_hs_record_len_long_tls13(void) { hs_record_len_longer(TLSP_TLS1_3); }

/* ---- Garbage instead of a peer ------------------------------------------------------- */

static uint64_t rng_state;

static uint64_t rnd(void)
{
    uint64_t z = (rng_state += 0x9E3779B97F4A7C15ull);

    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

/* n random bytes; every other iteration starts like a plausible handshake record
 * carrying a message of type hs_type, so the parsers behind the record layer are hit. */
static void make_garbage(uint8_t *buf, size_t n, int framed, uint8_t hs_type)
{
    size_t i;

    for (i = 0; i < n; i++) {
        buf[i] = (uint8_t) rnd();
    }
    if (framed && n >= 9) {
        size_t body = n - 5;
        buf[0] = REC_HANDSHAKE;
        buf[1] = 3;
        buf[2] = (uint8_t) (1 + rnd() % 3);
        buf[3] = (uint8_t) (body >> 8);
        buf[4] = (uint8_t) body;
        buf[5] = hs_type;
        buf[6] = 0;
        buf[7] = (uint8_t) ((body - 4) >> 8);
        buf[8] = (uint8_t) (body - 4);
        if (n >= 11) {
            buf[9] = 3;
            buf[10] = 3;
        }
    }
}

typedef struct garbage_stats {
    unsigned failed, waiting;
} garbage_stats;

/* Feed garbage to one side (the server instead of a ClientHello, or the client after its
 * ClientHello instead of the server's answer) and step that side alone. */
static void garbage_once(tlsp_link_side victim, unsigned iter, garbage_stats *st)
{
    static const tlsp_version versions[3][2] = {
        { TLSP_TLS1_2, TLSP_TLS1_2 }, { TLSP_TLS1_3, TLSP_TLS1_3 }, { TLSP_TLS1_2, TLSP_TLS1_3 }
    };
    tlsp_pair_opts o = { iter % 2 ? TLSP_PAIR_PSK : TLSP_PAIR_CERT, versions[iter % 3][0],
                         versions[iter % 3][1], 0, 0, 0 };
    tlsp_pair *p = tlsp_pair_new(&o);
    tlsp_engine *e;
    uint8_t garbage[2000];
    uint8_t discard[4096];
    size_t n = 1 + (size_t) (rnd() % sizeof(garbage));
    int framed = (int) ((iter / 2) % 2);
    int err;
    unsigned i;

    REQUIRE(p != NULL);
    e = victim == TLSP_LINK_A ? &p->client : &p->server;
    if (victim == TLSP_LINK_A) {
        /* The ClientHello goes out and is lost; garbage comes back. */
        CHECK_EQ(tlsp_handshake(&p->client), TLSP_WANT_WRITE);
        (void) step_one(p, TLSP_LINK_A);
        (void) tlsp_queue_read(link_queue(p, TLSP_LINK_A), discard, sizeof(discard));
    }
    make_garbage(garbage, n, framed, victim == TLSP_LINK_A ? 2 : 1);
    CHECK_EQ(tlsp_net_in_feed(e, garbage, n), (int) n);
    for (i = 0; i < 32 && tlsp_engine_error(e) == 0; i++) {
        (void) step_one(p, victim);
    }
    err = tlsp_engine_error(e);
    CHECK(!(tlsp_status(e) & TLSP_STATUS_HANDSHAKE_DONE));
    if (err != 0) {
        if (!is_failure(err) || err == TLSP_ERR_TIMEOUT) {
            fprintf(stderr, "  iter %u: unexpected %d\n", iter, err);
        }
        CHECK(is_failure(err) && err != TLSP_ERR_TIMEOUT);
        st->failed++;
    } else {
        /* Still waiting for the rest of what looked like a record. */
        CHECK_EQ(tlsp_handshake(e), TLSP_WANT_READ);
        CHECK(tlsp_status(e) & TLSP_STATUS_NEED_NET_IN);
        st->waiting++;
    }
    tlsp_pair_free(p);
}

static void garbage_runs(tlsp_link_side victim, uint64_t seed)
{
    garbage_stats st = { 0, 0 };
    unsigned iter;

    rng_state = seed;
    for (iter = 0; iter < 200; iter++) {
        garbage_once(victim, iter, &st);
    }
    printf("  %s: %u failed cleanly, %u waiting for more bytes\n",
           victim == TLSP_LINK_A ? "client" : "server", st.failed, st.waiting);
    CHECK_EQ(st.failed + st.waiting, 200);
    CHECK(st.failed > 100);
}

static void test_garbage_to_server(void) { garbage_runs(TLSP_LINK_B, 0x5eed0001u); }
static void test_garbage_to_client(void) { garbage_runs(TLSP_LINK_A, 0x5eed0002u); }

int main(void)
{
    (void) aname;
    RUN_TEST(test_flip_body_tls12_cert);
    RUN_TEST(test_flip_body_tls13_cert);
    RUN_TEST(test_flip_body_tls12_psk);
    RUN_TEST(test_flip_body_tls13_psk);
    RUN_TEST(test_flip_every_byte_tls12);
    RUN_TEST(test_flip_every_byte_tls13);
    RUN_TEST(test_header_len_short_tls12);
    RUN_TEST(test_header_len_short_tls13);
    RUN_TEST(test_header_len_huge_tls12);
    RUN_TEST(test_header_len_huge_tls13);
    RUN_TEST(test_header_len_long_tls12);
    RUN_TEST(test_header_len_long_tls13);
    RUN_TEST(test_replay_tls12_cert);
    RUN_TEST(test_replay_tls13_cert);
    RUN_TEST(test_replay_tls12_psk);
    RUN_TEST(test_replay_tls13_psk);
    RUN_TEST(test_reorder_tls12);
    RUN_TEST(test_reorder_tls13);
    RUN_TEST(test_hs_random_tls12);
    RUN_TEST(test_hs_random_tls13);
    RUN_TEST(test_hs_suite_tls12);
    RUN_TEST(test_hs_suite_tls13);
    RUN_TEST(test_hs_truncated_tls12);
    RUN_TEST(test_hs_truncated_tls13);
    RUN_TEST(test_hs_certificate_tls12);
    RUN_TEST(test_hs_certificate_tls13);
    RUN_TEST(test_hs_record_len_tls12);
    RUN_TEST(test_hs_record_len_tls13);
    RUN_TEST(test_hs_record_len_long_tls12);
    RUN_TEST(test_hs_record_len_long_tls13);
    RUN_TEST(test_garbage_to_server);
    RUN_TEST(test_garbage_to_client);
    return tlsp_test_finish("tamper");
}
