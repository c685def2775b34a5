/*
 * The handshake trace (tlsp_trace.h) and failure descriptions
 * (tlsp_engine_describe_error()): each kind of handshake reports its messages by name, in
 * order, with sizes that add up to the engine's byte counters; alerts are named; every
 * failure a user can cause is described specifically, on both ends where the peer learns
 * of it by an alert.
 *
 * Wire arithmetic the size checks rely on (host mbedTLS config): a record header is 5
 * bytes; TLS 1.2 encrypts only Finished (AES-GCM: 8-byte explicit nonce + 16-byte tag;
 * ChaCha20-Poly1305: 16-byte tag); TLS 1.3 encrypts everything after the hellos as
 * inner plaintext (message + 1 content-type byte) padded to a multiple of 16, plus a
 * 16-byte tag; a ChangeCipherSpec record is 6 bytes.
 *
 * Built without TLSP_TRACE, the suite checks that the setter says so and that the failure
 * descriptions still work.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tlsp_pair.h"
#include "tlsp_port_test.h"
#include "tlsp_test.h"
#include "tlsp_test_pki.h"
#include "tlspair/tlsp_session.h"
#include "tlspair/tlsp_trace.h"

#define TEST_HOST "tlspair-test-server"

static const uint8_t other_key[32] = {
    0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f, 0x10,
    0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18, 0x19, 0x1a, 0x1b, 0x1c, 0x1d, 0x1e, 0x1f, 0x20,
};
static const uint8_t other_identity[] = "someone-else";

/* ---- Failure descriptions: both ends ------------------------------------------------- */

static void describe(const tlsp_engine *e, char *buf, size_t len)
{
    int n = tlsp_engine_describe_error(e, buf, len);

    CHECK(n > 0 && (size_t) n < len);
}

/* The description contains every piece expected (NULL-terminated list). */
static void check_describes(const tlsp_engine *e, const char *side, const char *const *pieces)
{
    char text[512];

    describe(e, text, sizeof(text));
    printf("  %s: %s\n", side, text);
    for (; *pieces != NULL; pieces++) {
        if (strstr(text, *pieces) == NULL) {
            fprintf(stderr, "  %s description lacks \"%s\"\n", side, *pieces);
            CHECK(strstr(text, *pieces) != NULL);
        }
    }
}

#if defined(TLSP_TRACE)

/* ---- A trace recorder ------------------------------------------------------------------ */

#define MAX_EVENTS 128

typedef struct recorded {
    tlsp_trace_kind kind;
    tlsp_trace_dir dir;
    int msg_type;
    char name[40];
    size_t size;
    int exact;
    int alert;
    char line[480];
} recorded;

typedef struct trace_log {
    const char *tag;
    recorded ev[MAX_EVENTS];
    int n;
    int overflow;
} trace_log;

static void record_event(void *ctx, const tlsp_trace_event *ev)
{
    trace_log *log = ctx;
    recorded *r;
    int n;

    if (log->n >= MAX_EVENTS) {
        log->overflow = 1;
        return;
    }
    r = &log->ev[log->n++];
    memset(r, 0, sizeof(*r));
    r->kind = ev->kind;
    r->dir = ev->dir;
    r->msg_type = ev->msg_type;
    if (ev->name != NULL) {
        strncpy(r->name, ev->name, sizeof(r->name) - 1);
    }
    r->size = ev->size;
    r->exact = ev->size_exact;
    r->alert = ev->alert;
    n = tlsp_trace_format(ev, r->line, sizeof(r->line));
    CHECK(n > 0 && (size_t) n < sizeof(r->line));
    CHECK(ev->engine != NULL);
    if (ev->kind == TLSP_TRACE_MESSAGE) {
        CHECK(ev->size > 0);
    }
}

static trace_log *new_log(const char *tag)
{
    trace_log *log = calloc(1, sizeof(*log));

    if (log != NULL) {
        log->tag = tag;
    }
    return log;
}

static void print_log(const trace_log *log)
{
    int i;

    for (i = 0; i < log->n; i++) {
        if (log->ev[i].kind != TLSP_TRACE_STATE) {
            printf("    %s %s\n", log->tag, log->ev[i].line);
        }
    }
}

static int done_index(const trace_log *log)
{
    int i;

    for (i = 0; i < log->n; i++) {
        if (log->ev[i].kind == TLSP_TRACE_DONE) {
            return i;
        }
    }
    return log->n;
}

/* Names of the messages that went one way, space-separated; only those before the
 * handshake completed when handshake_only. */
static const char *names(const trace_log *log, tlsp_trace_dir dir, int handshake_only, char *out, size_t cap)
{
    int end = handshake_only ? done_index(log) : log->n;
    size_t len = 0;
    int i;

    out[0] = '\0';
    for (i = 0; i < end; i++) {
        const recorded *r = &log->ev[i];
        size_t n = strlen(r->name);
        if (r->kind != TLSP_TRACE_MESSAGE || r->dir != dir || len + n + 2 > cap) {
            continue;
        }
        if (len != 0) {
            out[len++] = ' ';
        }
        memcpy(out + len, r->name, n + 1);
        len += n;
    }
    return out;
}

static void check_names(const trace_log *log, tlsp_trace_dir dir, int handshake_only, const char *expected)
{
    char got[512];

    names(log, dir, handshake_only, got, sizeof(got));
    if (strcmp(got, expected) != 0) {
        fprintf(stderr, "  %s %s: got \"%s\"\n  expected \"%s\"\n", log->tag,
                dir == TLSP_TRACE_OUT ? "sent" : "received", got, expected);
    }
    CHECK(strcmp(got, expected) == 0);
}

static size_t padded16(size_t n)
{
    return (n + 15u) / 16u * 16u;
}

static int is_hello(const recorded *r)
{
    return r->msg_type == 1 || r->msg_type == 2;   /* ClientHello, ServerHello, HelloRetryRequest */
}

/* The ciphertext bytes the messages of one direction take on the wire (see the top). */
static uint64_t wire_bytes(const trace_log *log, tlsp_trace_dir dir, tlsp_version v, size_t tls12_aead_overhead)
{
    int end = done_index(log);
    uint64_t total = 0;
    int i;

    for (i = 0; i < end; i++) {
        const recorded *r = &log->ev[i];
        if (r->kind != TLSP_TRACE_MESSAGE || r->dir != dir) {
            continue;
        }
        if (v == TLSP_TLS1_3 && !is_hello(r) && r->msg_type != TLSP_TRACE_MSG_CHANGE_CIPHER_SPEC) {
            total += 5 + padded16(r->size + 1) + 16;
        } else if (v == TLSP_TLS1_2 && r->msg_type == 20) {
            total += 5 + r->size + tls12_aead_overhead;
        } else {
            total += 5 + r->size;   /* in clear: hellos, TLS 1.2 messages, ChangeCipherSpec */
        }
    }
    return total;
}

static const recorded *find_event(const trace_log *log, tlsp_trace_kind kind, tlsp_trace_dir dir, const char *piece)
{
    int i;

    for (i = 0; i < log->n; i++) {
        const recorded *r = &log->ev[i];
        if (r->kind == kind && (dir == TLSP_TRACE_NONE || r->dir == dir) && strstr(r->line, piece) != NULL) {
            return r;
        }
    }
    return NULL;
}

static void check_line(const trace_log *log, tlsp_trace_kind kind, tlsp_trace_dir dir, const char *piece)
{
    if (find_event(log, kind, dir, piece) == NULL) {
        fprintf(stderr, "  %s: no trace line with \"%s\"\n", log->tag, piece);
        CHECK(0);
    }
}

/* Both ends' received messages are exactly the other's sent ones, sizes included. */
static void check_mirrored(const trace_log *a, const trace_log *b)
{
    int i = 0, j = 0;

    for (;;) {
        while (i < a->n && !(a->ev[i].kind == TLSP_TRACE_MESSAGE && a->ev[i].dir == TLSP_TRACE_OUT)) {
            i++;
        }
        while (j < b->n && !(b->ev[j].kind == TLSP_TRACE_MESSAGE && b->ev[j].dir == TLSP_TRACE_IN)) {
            j++;
        }
        if (i >= a->n || j >= b->n) {
            break;
        }
        CHECK(strcmp(a->ev[i].name, b->ev[j].name) == 0);
        if (a->ev[i].exact) {
            CHECK_EQ(a->ev[i].size, b->ev[j].size);
        } else {
            /* A TLS 1.3 server's own ticket: measured with its padding. */
            CHECK(b->ev[j].size <= a->ev[i].size && a->ev[i].size < b->ev[j].size + 16);
        }
        i++;
        j++;
    }
    CHECK(i >= a->n);
}

/* ---- Pairs with tracing ------------------------------------------------------------------ */

typedef struct traced {
    tlsp_pair *p;
    trace_log *c, *s;
} traced;

static int traced_configure(traced *t, const tlsp_pair_opts *o)
{
    t->c = new_log("client");
    t->s = new_log("server");
    t->p = tlsp_pair_alloc(o);
    if (t->c == NULL || t->s == NULL || t->p == NULL) {
        return -1;
    }
    return tlsp_pair_configure(t->p);
}

static int traced_start(traced *t)
{
    if (tlsp_config_set_trace(&t->p->client_cfg, record_event, t->c) != 0 ||
        tlsp_config_set_trace(&t->p->server_cfg, record_event, t->s) != 0) {
        return -1;
    }
    return tlsp_pair_start(t->p);
}

static void traced_free(traced *t)
{
    if (t->c != NULL) {
        CHECK(!t->c->overflow);
    }
    if (t->s != NULL) {
        CHECK(!t->s->overflow);
    }
    tlsp_pair_free(t->p);
    free(t->c);
    free(t->s);
}

static void check_counters(const traced *t, tlsp_version v, size_t tls12_aead_overhead)
{
    tlsp_info ci, si;

    REQUIRE_EQ(tlsp_engine_info(&t->p->client, &ci), 0);
    REQUIRE_EQ(tlsp_engine_info(&t->p->server, &si), 0);
    CHECK_EQ(wire_bytes(t->c, TLSP_TRACE_OUT, v, tls12_aead_overhead), ci.handshake_bytes_out);
    CHECK_EQ(wire_bytes(t->c, TLSP_TRACE_IN, v, tls12_aead_overhead), ci.handshake_bytes_in);
    CHECK_EQ(wire_bytes(t->s, TLSP_TRACE_IN, v, tls12_aead_overhead), si.handshake_bytes_in);
    if (find_event(t->s, TLSP_TRACE_MESSAGE, TLSP_TRACE_OUT, "at most") == NULL) {
        CHECK_EQ(wire_bytes(t->s, TLSP_TRACE_OUT, v, tls12_aead_overhead), si.handshake_bytes_out);
    }
}

/* ---- Successful handshakes ---------------------------------------------------------------- */

typedef struct expected_flow {
    tlsp_pair_auth auth;
    tlsp_version v;
    const char *client_sends;
    const char *client_receives;
    const char *negotiated;      /* a piece of both ends' NEGOTIATED line */
    size_t tls12_aead_overhead;  /* the default suite's, for the byte arithmetic */
} expected_flow;

static void run_flow(const expected_flow *f)
{
    tlsp_pair_opts o = { f->auth, f->v, f->v, 0, 0, 0 };
    traced t = { 0 };

    REQUIRE_EQ(traced_configure(&t, &o), 0);
    REQUIRE_EQ(traced_start(&t), 0);
    REQUIRE_EQ(tlsp_pair_handshake(t.p), 0);
    REQUIRE_EQ(tlsp_pair_settle(t.p, 8), 0);
    print_log(t.c);
    print_log(t.s);
    check_names(t.c, TLSP_TRACE_OUT, 1, f->client_sends);
    check_names(t.c, TLSP_TRACE_IN, 1, f->client_receives);
    check_names(t.s, TLSP_TRACE_IN, 1, f->client_sends);
    check_names(t.s, TLSP_TRACE_OUT, 1, f->client_receives);
    check_mirrored(t.c, t.s);
    check_mirrored(t.s, t.c);
    check_counters(&t, f->v, f->tls12_aead_overhead);
    check_line(t.c, TLSP_TRACE_NEGOTIATED, TLSP_TRACE_NONE, f->negotiated);
    check_line(t.s, TLSP_TRACE_NEGOTIATED, TLSP_TRACE_NONE, f->negotiated);
    check_line(t.c, TLSP_TRACE_DONE, TLSP_TRACE_NONE, "full handshake");
    check_line(t.s, TLSP_TRACE_DONE, TLSP_TRACE_NONE, "full handshake");
    check_line(t.c, TLSP_TRACE_STATE, TLSP_TRACE_NONE, "state CLIENT_HELLO");
    check_line(t.s, TLSP_TRACE_STATE, TLSP_TRACE_NONE, "state SERVER_HELLO");
    traced_free(&t);
}

static void test_tls12_cert(void)
{
    static const expected_flow f = {
        TLSP_PAIR_CERT, TLSP_TLS1_2, "ClientHello ClientKeyExchange ChangeCipherSpec Finished",
        "ServerHello Certificate ServerKeyExchange ServerHelloDone ChangeCipherSpec Finished",
        "TLSv1.2 TLS-ECDHE-ECDSA-WITH-AES-128-GCM-SHA256", 24,
    };
    run_flow(&f);
}

static void test_tls12_psk(void)
{
    static const expected_flow f = {
        TLSP_PAIR_PSK, TLSP_TLS1_2, "ClientHello ClientKeyExchange ChangeCipherSpec Finished",
        "ServerHello ServerKeyExchange ServerHelloDone ChangeCipherSpec Finished",
        "PSK identity 'tlspair-test-device'", 16,
    };
    run_flow(&f);
}

static void test_tls13_cert(void)
{
    static const expected_flow f = {
        TLSP_PAIR_CERT, TLSP_TLS1_3, "ClientHello ChangeCipherSpec Finished",
        "ServerHello ChangeCipherSpec EncryptedExtensions Certificate CertificateVerify Finished",
        "TLSv1.3 TLS1-3-AES-128-GCM-SHA256 group x25519", 0,
    };
    run_flow(&f);
}

static void test_tls13_psk(void)
{
    static const expected_flow f = {
        TLSP_PAIR_PSK, TLSP_TLS1_3, "ClientHello ChangeCipherSpec Finished",
        "ServerHello ChangeCipherSpec EncryptedExtensions Finished",
        "psk_dhe_ke, PSK identity 'tlspair-test-device'", 0,
    };
    run_flow(&f);
}

/* Mutual authentication adds the client's certificate messages. */
static void run_mutual(tlsp_version v, const char *client_sends, const char *client_receives)
{
    tlsp_pair_opts o = { TLSP_PAIR_CERT, v, v, 0, 0, 0 };
    traced t = { 0 };

    REQUIRE_EQ(traced_configure(&t, &o), 0);
    REQUIRE_EQ(tlsp_config_add_ca(&t.p->server_cfg, (const uint8_t *) tlsp_test_test_ca_crt_pem,
                                  tlsp_test_test_ca_crt_pem_len), 0);
    REQUIRE_EQ(tlsp_config_require_client_cert(&t.p->server_cfg), 0);
    REQUIRE_EQ(tlsp_config_set_own_cert(&t.p->client_cfg, (const uint8_t *) tlsp_test_client_crt_pem,
                                        tlsp_test_client_crt_pem_len, (const uint8_t *) tlsp_test_client_key_pem,
                                        tlsp_test_client_key_pem_len, NULL), 0);
    REQUIRE_EQ(traced_start(&t), 0);
    REQUIRE_EQ(tlsp_pair_handshake(t.p), 0);
    check_names(t.c, TLSP_TRACE_OUT, 1, client_sends);
    check_names(t.c, TLSP_TRACE_IN, 1, client_receives);
    check_mirrored(t.c, t.s);
    check_mirrored(t.s, t.c);
    check_counters(&t, v, 24);
    traced_free(&t);
}

static void test_tls12_mutual(void)
{
    run_mutual(TLSP_TLS1_2,
               "ClientHello Certificate ClientKeyExchange CertificateVerify ChangeCipherSpec Finished",
               "ServerHello Certificate ServerKeyExchange CertificateRequest ServerHelloDone ChangeCipherSpec Finished");
}

static void test_tls13_mutual(void)
{
    run_mutual(TLSP_TLS1_3, "ClientHello ChangeCipherSpec Certificate CertificateVerify Finished",
               "ServerHello ChangeCipherSpec EncryptedExtensions CertificateRequest Certificate CertificateVerify Finished");
}

/* ---- Resumed handshakes --------------------------------------------------------------------- */

static void run_resumed(tlsp_version v, const char *full_server_sends, const char *resumed_client_sends,
                        const char *resumed_client_receives)
{
    tlsp_pair_opts o = { TLSP_PAIR_CERT, v, v, 0, 0, 0 };
    traced t = { 0 };
    uint8_t blob[4096];
    size_t len = 0;
    tlsp_pair *p;

    REQUIRE_EQ(traced_configure(&t, &o), 0);
    REQUIRE(t.c != NULL && t.s != NULL);
    p = t.p;
    REQUIRE_EQ(tlsp_config_enable_resumption(&p->client_cfg, TLSP_RESUME_TICKETS, 0, 0), 0);
    REQUIRE_EQ(tlsp_config_enable_resumption(&p->server_cfg, TLSP_RESUME_TICKETS, 3600, 0), 0);
    REQUIRE_EQ(traced_start(&t), 0);
    REQUIRE_EQ(tlsp_pair_handshake(p), 0);
    REQUIRE_EQ(tlsp_pair_settle(p, 8), 0);
    REQUIRE_EQ(tlsp_pair_transfer(p, 100, 100), 0);   /* TLS 1.3: the ticket is read */
    check_names(t.s, TLSP_TRACE_OUT, 0, full_server_sends);
    check_mirrored(t.s, t.c);
    check_line(t.c, TLSP_TRACE_MESSAGE, TLSP_TRACE_IN, "<- NewSessionTicket (");
    REQUIRE_EQ(tlsp_session_save(&p->client, blob, sizeof(blob), &len), 0);

    /* A second connection that resumes: fresh logs. */
    memset(t.c->ev, 0, sizeof(t.c->ev));
    memset(t.s->ev, 0, sizeof(t.s->ev));
    t.c->n = t.s->n = 0;
    REQUIRE_EQ(tlsp_engine_reset(&p->client), 0);
    REQUIRE_EQ(tlsp_engine_reset(&p->server), 0);
    REQUIRE_EQ(tlsp_memory_link_init(&p->link, p->buffers + 4 * p->opts.queue_size, p->opts.link_size,
                                     p->buffers + 4 * p->opts.queue_size + p->opts.link_size,
                                     p->opts.link_size, 0), 0);
    REQUIRE_EQ(tlsp_session_load(&p->client, blob, len), 0);
    REQUIRE_EQ(tlsp_pair_handshake(p), 0);
    print_log(t.c);
    print_log(t.s);
    check_names(t.c, TLSP_TRACE_OUT, 1, resumed_client_sends);
    check_names(t.c, TLSP_TRACE_IN, 1, resumed_client_receives);
    check_mirrored(t.c, t.s);
    check_counters(&t, v, 24);
    check_line(t.c, TLSP_TRACE_DONE, TLSP_TRACE_NONE, "resumed session");
    check_line(t.s, TLSP_TRACE_DONE, TLSP_TRACE_NONE, "resumed session");
    check_line(t.s, TLSP_TRACE_NEGOTIATED, TLSP_TRACE_NONE, "resuming a session");
    traced_free(&t);
}

static void test_tls12_resumed(void)
{
    run_resumed(TLSP_TLS1_2,
                "ServerHello Certificate ServerKeyExchange ServerHelloDone NewSessionTicket ChangeCipherSpec Finished",
                "ClientHello ChangeCipherSpec Finished",
                "ServerHello ChangeCipherSpec Finished");
}

static void test_tls13_resumed(void)
{
    run_resumed(TLSP_TLS1_3,
                "ServerHello ChangeCipherSpec EncryptedExtensions Certificate CertificateVerify Finished NewSessionTicket",
                "ClientHello ChangeCipherSpec Finished",
                "ServerHello ChangeCipherSpec EncryptedExtensions Finished");
}

/* ---- Failures: trace lines and descriptions on both ends ------------------------------ */

static const char *cert_crt(int which, size_t *len, const char **key, size_t *key_len)
{
    switch (which) {
    case 1:
        *len = tlsp_test_server_expired_crt_pem_len;
        *key = tlsp_test_server_expired_key_pem;
        *key_len = tlsp_test_server_expired_key_pem_len;
        return tlsp_test_server_expired_crt_pem;
    case 2:
        *len = tlsp_test_server_future_crt_pem_len;
        *key = tlsp_test_server_future_key_pem;
        *key_len = tlsp_test_server_future_key_pem_len;
        return tlsp_test_server_future_crt_pem;
    case 3:
        *len = tlsp_test_server_untrusted_crt_pem_len;
        *key = tlsp_test_server_untrusted_key_pem;
        *key_len = tlsp_test_server_untrusted_key_pem_len;
        return tlsp_test_server_untrusted_crt_pem;
    case 4:
        *len = tlsp_test_server_wronghost_crt_pem_len;
        *key = tlsp_test_server_wronghost_key_pem;
        *key_len = tlsp_test_server_wronghost_key_pem_len;
        return tlsp_test_server_wronghost_crt_pem;
    default:
        *len = tlsp_test_server_crt_pem_len;
        *key = tlsp_test_server_key_pem;
        *key_len = tlsp_test_server_key_pem_len;
        return tlsp_test_server_crt_pem;
    }
}

enum { CERT_GOOD, CERT_EXPIRED, CERT_FUTURE, CERT_UNTRUSTED, CERT_WRONGHOST };

typedef struct cert_case {
    int cert;
    const char *hostname;
    const char *client_alert;            /* the alert line both ends show */
    const char *const client_says[4];
    const char *const server_says[4];
} cert_case;

static void run_cert_case(const cert_case *cc, tlsp_version v)
{
    tlsp_pair_opts o = { TLSP_PAIR_CERT, v, v, 0, 0, 0 };
    traced t = { 0 };
    size_t crt_len = 0, key_len = 0;
    const char *key = NULL;
    const char *crt = cert_crt(cc->cert, &crt_len, &key, &key_len);
    tlsp_pair_failure f;

    REQUIRE_EQ(traced_configure(&t, &o), 0);
    tlsp_config_free(&t.p->server_cfg);
    REQUIRE_EQ(tlsp_config_init(&t.p->server_cfg, TLSP_SERVER), 0);
    REQUIRE_EQ(tlsp_config_set_versions(&t.p->server_cfg, v, v), 0);
    REQUIRE_EQ(tlsp_config_set_own_cert(&t.p->server_cfg, (const uint8_t *) crt, crt_len,
                                        (const uint8_t *) key, key_len, NULL), 0);
    REQUIRE_EQ(tlsp_config_set_hostname(&t.p->client_cfg, cc->hostname), 0);
    REQUIRE_EQ(traced_start(&t), 0);
    tlsp_pair_fail_handshake(t.p, &f);
    CHECK(f.ret < 0);
    CHECK(tlsp_pair_alerted_once(t.p, &f));
    print_log(t.c);
    print_log(t.s);
    CHECK_EQ(tlsp_engine_error(&t.p->client), TLSP_ERR_CERT_REJECTED);
    CHECK_EQ(tlsp_engine_error(&t.p->server), TLSP_ERR_PEER_ALERT);
    check_describes(&t.p->client, "client", cc->client_says);
    check_describes(&t.p->server, "server", cc->server_says);
    /* The certificate arrived (and was named) before the client gave up. */
    check_line(t.c, TLSP_TRACE_MESSAGE, TLSP_TRACE_IN, "<- Certificate (");
    check_line(t.c, TLSP_TRACE_ALERT, TLSP_TRACE_OUT, cc->client_alert);
    check_line(t.s, TLSP_TRACE_ALERT, TLSP_TRACE_IN, cc->client_alert);
    check_line(t.c, TLSP_TRACE_FAILED, TLSP_TRACE_NONE, cc->client_says[0]);
    check_line(t.s, TLSP_TRACE_FAILED, TLSP_TRACE_NONE, cc->server_says[0]);
    traced_free(&t);
}

static const cert_case expired_case = {
    CERT_EXPIRED, TEST_HOST, "alert certificate_expired (45)",
    { "certificate rejected: 'tlspair-test-server' expired (notAfter 2021-01-01 00:00:00)",
      "check the certificate's dates and this device's clock", NULL },
    { "the peer rejected our certificate (certificate_expired)", "renew it", NULL },
};
static const cert_case future_case = {
    CERT_FUTURE, TEST_HOST, "alert certificate_unknown (46)",
    { "not valid yet (notBefore 2040-01-01 00:00:00)", "this device's clock", NULL },
    { "the peer rejected our certificate (certificate_unknown)", "already valid by the peer's clock", NULL },
};
static const cert_case untrusted_case = {
    CERT_UNTRUSTED, TEST_HOST, "alert unknown_ca (48)",
    { "not signed by a trusted CA (issuer 'CN=tlspair Untrusted CA'",
      "check that the CA certificates configured here include that issuer", NULL },
    { "the peer rejected our certificate (unknown_ca)", "does not trust the CA that signed it", NULL },
};
static const cert_case wronghost_case = {
    CERT_WRONGHOST, TEST_HOST, "alert bad_certificate (42)",
    { "hostname mismatch: expected 'tlspair-test-server', certificate names 'wrong-host.example'", NULL },
    { "the peer rejected our certificate (bad_certificate)", "names the host the peer expects", NULL },
};
static const cert_case otherhost_case = {
    CERT_GOOD, "sensor-7", "alert bad_certificate (42)",
    { "hostname mismatch: expected 'sensor-7', certificate names 'tlspair-test-server, localhost, 127.0.0.1'",
      NULL },
    { "the peer rejected our certificate (bad_certificate)", NULL },
};

static void test_expired_tls12(void) { run_cert_case(&expired_case, TLSP_TLS1_2); }
static void test_expired_tls13(void) { run_cert_case(&expired_case, TLSP_TLS1_3); }
static void test_future_tls13(void) { run_cert_case(&future_case, TLSP_TLS1_3); }
static void test_untrusted_tls12(void) { run_cert_case(&untrusted_case, TLSP_TLS1_2); }
static void test_untrusted_tls13(void) { run_cert_case(&untrusted_case, TLSP_TLS1_3); }
static void test_wronghost_tls13(void) { run_cert_case(&wronghost_case, TLSP_TLS1_3); }
static void test_otherhost_tls12(void) { run_cert_case(&otherhost_case, TLSP_TLS1_2); }

/* The server demands a client certificate the client does not have. */
static void run_no_client_cert(tlsp_version v, const char *client_piece)
{
    tlsp_pair_opts o = { TLSP_PAIR_CERT, v, v, 0, 0, 0 };
    traced t = { 0 };
    static const char *const server_says[] = { "the peer sent no certificate, but we require one", NULL };
    tlsp_pair_failure f;
    const char *client_says[] = { client_piece, NULL };

    REQUIRE_EQ(traced_configure(&t, &o), 0);
    REQUIRE_EQ(tlsp_config_add_ca(&t.p->server_cfg, (const uint8_t *) tlsp_test_test_ca_crt_pem,
                                  tlsp_test_test_ca_crt_pem_len), 0);
    REQUIRE_EQ(tlsp_config_require_client_cert(&t.p->server_cfg), 0);
    REQUIRE_EQ(traced_start(&t), 0);
    tlsp_pair_fail_handshake(t.p, &f);
    CHECK(f.ret < 0);
    /* One alert from the server: mbedTLS's own, or under TLS 1.2, where it sends none
     * for a missing certificate, the engine's handshake_failure. */
    CHECK_EQ(f.server_records, 1);
    CHECK(tlsp_pair_alerted_once(t.p, &f));
    print_log(t.c);
    print_log(t.s);
    CHECK_EQ(tlsp_engine_error(&t.p->server), TLSP_ERR_NO_CERT);
    check_describes(&t.p->server, "server", server_says);
    check_describes(&t.p->client, "client", client_says);
    check_line(t.c, TLSP_TRACE_MESSAGE, TLSP_TRACE_IN, "<- CertificateRequest (");
    traced_free(&t);
}

static void test_no_client_cert_tls12(void) { run_no_client_cert(TLSP_TLS1_2, "handshake_failure"); }
/* TLS 1.3: the server's alert comes under keys the client has already left behind. */
static void test_no_client_cert_tls13(void) { run_no_client_cert(TLSP_TLS1_3, "alert about our client certificate"); }

#endif /* TLSP_TRACE: the cases below need no trace */

/* ---- PSK, negotiation, timeout, truncation: descriptions ------------------------------ */

static int fresh_cfg(tlsp_config *cfg, tlsp_role role, tlsp_version min, tlsp_version max)
{
    tlsp_config_free(cfg);
    if (tlsp_config_init(cfg, role) != 0) {
        return -1;
    }
    return tlsp_config_set_versions(cfg, min, max);
}

/* Run p's handshake to its failure; check that it put one alert on the wire and that
 * each end describes it with every piece of *_says. */
static void fail_and_describe(tlsp_pair *p, const char *const *client_says, const char *const *server_says)
{
    tlsp_pair_failure f;

    tlsp_pair_fail_handshake(p, &f);
    CHECK(f.ret < 0);
    CHECK(tlsp_pair_alerted_once(p, &f));
    check_describes(&p->client, "client", client_says);
    check_describes(&p->server, "server", server_says);
}

static void run_psk_case(tlsp_version v, const uint8_t *id, size_t id_len, const uint8_t *key, size_t key_len,
                         const char *const *client_says, const char *const *server_says)
{
    tlsp_pair_opts o = { TLSP_PAIR_PSK, v, v, 0, 0, 0 };
    tlsp_pair *p = tlsp_pair_alloc(&o);

    REQUIRE(p != NULL);
    REQUIRE_EQ(tlsp_pair_configure(p), 0);
    REQUIRE_EQ(fresh_cfg(&p->client_cfg, TLSP_CLIENT, v, v), 0);
    REQUIRE_EQ(tlsp_config_set_psk(&p->client_cfg, id, id_len, key, key_len), 0);
    REQUIRE_EQ(tlsp_pair_start(p), 0);
    fail_and_describe(p, client_says, server_says);
    CHECK_EQ(tlsp_engine_error(&p->client), TLSP_ERR_PSK);
    CHECK_EQ(tlsp_engine_error(&p->server), TLSP_ERR_PSK);
    tlsp_pair_free(p);
}

static const char *const keys_differ[] = { "the PSK keys differ: identity 'tlspair-test-device' matched",
                                           "check the key on both ends", NULL };

static void test_wrong_psk_key_tls12(void)
{
    run_psk_case(TLSP_TLS1_2, tlsp_pair_psk_identity, tlsp_pair_psk_identity_len, other_key,
                 sizeof(other_key), keys_differ, keys_differ);
}

static void test_wrong_psk_key_tls13(void)
{
    run_psk_case(TLSP_TLS1_3, tlsp_pair_psk_identity, tlsp_pair_psk_identity_len, other_key,
                 sizeof(other_key), keys_differ, keys_differ);
}

static void unknown_identity(tlsp_version v, const char *client_alert)
{
    const char *client_says[] = { "the peer does not know our PSK identity 'someone-else'", client_alert, NULL };
    static const char *const server_says[] = { "the client's PSK identity is not ours ('tlspair-test-device')",
                                               NULL };

    run_psk_case(v, other_identity, sizeof(other_identity) - 1, tlsp_pair_psk_key, tlsp_pair_psk_key_len,
                 client_says, server_says);
}

static void test_unknown_psk_identity_tls12(void) { unknown_identity(TLSP_TLS1_2, "unknown_psk_identity"); }
static void test_unknown_psk_identity_tls13(void) { unknown_identity(TLSP_TLS1_3, "missing_extension"); }

static tlsp_pair *versions_pair(tlsp_version c, tlsp_version s)
{
    tlsp_pair *p = tlsp_pair_alloc(NULL);

    if (p == NULL) {
        return NULL;
    }
    if (tlsp_pair_configure(p) != 0 || tlsp_config_set_versions(&p->client_cfg, c, c) != 0 ||
        tlsp_config_set_versions(&p->server_cfg, s, s) != 0 || tlsp_pair_start(p) != 0) {
        tlsp_pair_free(p);
        return NULL;
    }
    return p;
}

static void test_version_client12_server13(void)
{
    static const char *const client_says[] = {
        "the peer does not accept our TLS version (protocol_version): we allow TLS 1.2 only", NULL };
    static const char *const server_says[] = {
        "the peer offers no TLS version we allow: we allow TLS 1.3 only", NULL };
    tlsp_pair *p = versions_pair(TLSP_TLS1_2, TLSP_TLS1_3);

    REQUIRE(p != NULL);
    fail_and_describe(p, client_says, server_says);
    tlsp_pair_free(p);
}

static void test_version_client13_server12(void)
{
    static const char *const client_says[] = {
        "the peer refused our hello (handshake_failure (40)): no cipher suite, group or TLS version in "
        "common (we allow TLS 1.3 only)", NULL };
    static const char *const server_says[] = {
        "nothing acceptable in the peer's hello", "(we allow TLS 1.2 only)", NULL };
    tlsp_pair *p = versions_pair(TLSP_TLS1_3, TLSP_TLS1_2);

    REQUIRE(p != NULL);
    fail_and_describe(p, client_says, server_says);
    tlsp_pair_free(p);
}

static void test_no_common_suite(void)
{
    static const char *const client_says[] = { "the peer refused our hello (handshake_failure (40))",
                                               "compare the cipher-suite and version settings", NULL };
    static const char *const server_says[] = { "nothing acceptable in the peer's hello", NULL };
    tlsp_pair *p = tlsp_pair_alloc(NULL);

    REQUIRE(p != NULL);
    REQUIRE_EQ(tlsp_pair_configure(p), 0);
    REQUIRE_EQ(tlsp_config_set_ciphersuites(&p->client_cfg, "TLS1-3-AES-128-GCM-SHA256"), 0);
    REQUIRE_EQ(tlsp_config_set_ciphersuites(&p->server_cfg, "TLS1-3-CHACHA20-POLY1305-SHA256"), 0);
    REQUIRE_EQ(tlsp_config_set_versions(&p->client_cfg, TLSP_TLS1_3, TLSP_TLS1_3), 0);
    REQUIRE_EQ(tlsp_config_set_versions(&p->server_cfg, TLSP_TLS1_3, TLSP_TLS1_3), 0);
    REQUIRE_EQ(tlsp_pair_start(p), 0);
    fail_and_describe(p, client_says, server_says);
    tlsp_pair_free(p);
}

static void test_timeout_silent_peer(void)
{
    static const char *const says[] = { "handshake timed out after 5000 ms (0 bytes received",
                                        "the peer never answered", NULL };
    tlsp_pair *p = tlsp_pair_alloc(NULL);
    uint8_t sink[4096];

    REQUIRE(p != NULL);
    REQUIRE_EQ(tlsp_pair_configure(p), 0);
    REQUIRE_EQ(tlsp_config_set_timeouts(&p->client_cfg, 5000, 0), 0);
    REQUIRE_EQ(tlsp_pair_start(p), 0);
    CHECK_EQ(tlsp_handshake(&p->client), TLSP_WANT_WRITE);
    CHECK(tlsp_net_out_drain(&p->client, sink, sizeof(sink)) > 0);   /* lost on the way */
    CHECK_EQ(tlsp_handshake(&p->client), TLSP_WANT_READ);
    tlsp_port_test_advance_millis(5000);
    CHECK_EQ(tlsp_poll(&p->client), TLSP_ERR_TIMEOUT);
    check_describes(&p->client, "client", says);
    tlsp_pair_free(p);
}

static void test_truncated_after_handshake(void)
{
    static const char *const says[] = { "the connection ended without close_notify", NULL };
    tlsp_pair *p = tlsp_pair_new_connected(TLSP_TLS1_3, TLSP_PAIR_CERT);
    uint8_t buf[16];

    REQUIRE(p != NULL);
    tlsp_net_in_eof(&p->client);
    CHECK_EQ(tlsp_read(&p->client, buf, sizeof(buf)), TLSP_ERR_TRUNCATED);
    check_describes(&p->client, "client", says);
    tlsp_pair_free(p);
}

static void test_truncated_in_handshake(void)
{
    static const char *const says[] = { "the peer closed the connection during the handshake", NULL };
    tlsp_pair *p = tlsp_pair_new(NULL);
    uint8_t sink[4096];

    REQUIRE(p != NULL);
    CHECK_EQ(tlsp_handshake(&p->client), TLSP_WANT_WRITE);
    CHECK(tlsp_net_out_drain(&p->client, sink, sizeof(sink)) > 0);
    tlsp_net_in_eof(&p->client);
    CHECK_EQ(tlsp_handshake(&p->client), TLSP_ERR_TRUNCATED);
    check_describes(&p->client, "client", says);
    tlsp_pair_free(p);
}

/* ---- Buffers: sizes reported, never silent truncation --------------------------------- */

static void test_describe_buffer_contract(void)
{
    tlsp_pair *p = tlsp_pair_new(NULL);
    char small[8];
    char big[512];
    int need, n;

    REQUIRE(p != NULL);
    need = tlsp_engine_describe_error(&p->client, NULL, 0);
    CHECK_EQ(need, (int) strlen("no failure"));
    tlsp_net_in_eof(&p->client);
    CHECK_EQ(tlsp_handshake(&p->client), TLSP_ERR_TRUNCATED);
    need = tlsp_engine_describe_error(&p->client, NULL, 0);
    CHECK(need > (int) sizeof(small));
    memset(small, 'x', sizeof(small));
    CHECK_EQ(tlsp_engine_describe_error(&p->client, small, sizeof(small)), need);
    CHECK_EQ(small[sizeof(small) - 1], '\0');
    n = tlsp_engine_describe_error(&p->client, big, sizeof(big));
    CHECK_EQ(n, need);
    CHECK_EQ((int) strlen(big), need);
    CHECK(strncmp(big, small, sizeof(small) - 1) == 0);
    CHECK_EQ(tlsp_engine_describe_error(NULL, big, sizeof(big)), TLSP_ERR_BAD_ARG);
    CHECK_EQ(tlsp_engine_describe_error(&p->client, NULL, 4), TLSP_ERR_BAD_ARG);
    tlsp_pair_free(p);
}

static void test_format_buffer_contract(void)
{
    tlsp_trace_event ev;
    char small[6];
    char line[64];
    int need;

    memset(&ev, 0, sizeof(ev));
    ev.kind = TLSP_TRACE_ALERT;
    ev.dir = TLSP_TRACE_IN;
    ev.alert = 42;
    ev.alert_level = 2;
    need = tlsp_trace_format(&ev, NULL, 0);
    CHECK_EQ(need, (int) strlen("<- alert bad_certificate (42)"));
    CHECK_EQ(tlsp_trace_format(&ev, small, sizeof(small)), need);
    CHECK(strcmp(small, "<- al") == 0);
    CHECK_EQ(tlsp_trace_format(&ev, line, sizeof(line)), need);
    CHECK(strcmp(line, "<- alert bad_certificate (42)") == 0);
    ev.kind = TLSP_TRACE_MESSAGE;
    ev.dir = TLSP_TRACE_OUT;
    ev.msg_type = 1;
    ev.name = NULL;
    ev.size = 187;
    ev.size_exact = 1;
    (void) tlsp_trace_format(&ev, line, sizeof(line));
    CHECK(strcmp(line, "-> ClientHello (187 bytes)") == 0);
    CHECK_EQ(tlsp_trace_format(NULL, line, sizeof(line)), TLSP_ERR_BAD_ARG);
    CHECK(strcmp(tlsp_alert_name(48), "unknown_ca") == 0);
    CHECK(strcmp(tlsp_alert_name(7), "unknown") == 0);
    CHECK(strcmp(tlsp_handshake_msg_name(8), "EncryptedExtensions") == 0);
}

static void test_setter(void)
{
    tlsp_config cfg;

    CHECK_EQ(tlsp_config_set_trace(NULL, NULL, NULL), TLSP_ERR_BAD_ARG);
    REQUIRE_EQ(tlsp_config_init(&cfg, TLSP_CLIENT), 0);
#if defined(TLSP_TRACE)
    CHECK_EQ(tlsp_config_set_trace(&cfg, NULL, NULL), 0);
#else
    /* Compiled out: the setter says so rather than accepting a callback never called. */
    CHECK_EQ(tlsp_config_set_trace(&cfg, NULL, NULL), TLSP_ERR_CONFIG);
#endif
    tlsp_config_free(&cfg);
}

int main(void)
{
#if defined(TLSP_TRACE)
    RUN_TEST(test_tls12_cert);
    RUN_TEST(test_tls12_psk);
    RUN_TEST(test_tls13_cert);
    RUN_TEST(test_tls13_psk);
    RUN_TEST(test_tls12_mutual);
    RUN_TEST(test_tls13_mutual);
    RUN_TEST(test_tls12_resumed);
    RUN_TEST(test_tls13_resumed);
    RUN_TEST(test_expired_tls12);
    RUN_TEST(test_expired_tls13);
    RUN_TEST(test_future_tls13);
    RUN_TEST(test_untrusted_tls12);
    RUN_TEST(test_untrusted_tls13);
    RUN_TEST(test_wronghost_tls13);
    RUN_TEST(test_otherhost_tls12);
    RUN_TEST(test_no_client_cert_tls12);
    RUN_TEST(test_no_client_cert_tls13);
#endif
    RUN_TEST(test_wrong_psk_key_tls12);
    RUN_TEST(test_wrong_psk_key_tls13);
    RUN_TEST(test_unknown_psk_identity_tls12);
    RUN_TEST(test_unknown_psk_identity_tls13);
    RUN_TEST(test_version_client12_server13);
    RUN_TEST(test_version_client13_server12);
    RUN_TEST(test_no_common_suite);
    RUN_TEST(test_timeout_silent_peer);
    RUN_TEST(test_truncated_after_handshake);
    RUN_TEST(test_truncated_in_handshake);
    RUN_TEST(test_describe_buffer_contract);
    RUN_TEST(test_format_buffer_contract);
    RUN_TEST(test_setter);
    return tlsp_test_finish("trace");
}
