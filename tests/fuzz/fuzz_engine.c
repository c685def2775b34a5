/*
 * One engine against a recorded (or fuzzed) peer byte stream; see fuzz_engine.h.
 * Shared word for word by the fuzz targets and record_seeds.c: the engine consumes its
 * port's entropy in the same order in both, which is what makes a recording replay.
 */
#include "fuzz_engine.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "psa/crypto.h"
#include "tlsp_port_test.h"
#include "tlsp_test_pki.h"
#include "tlspair/tlsp_error.h"

#define HOSTNAME "tlspair-test-server"
#define RESUME_LIFETIME_S 3600u
/* Reads per step: a step that reads this many chunks counts as progress and runs again. */
#define READS_PER_STEP 64u
/* Drains per step: the queue empties in one or two (it wraps), so this is a hang. */
#define DRAINS_PER_STEP 64u

static const uint8_t psk_identity[] = "tlspair-fuzz-device";
static const uint8_t psk_key[32] = {
    0x5a, 0x3c, 0x11, 0x92, 0xe7, 0x40, 0x08, 0x6b, 0xd1, 0x2f, 0x77, 0x9e, 0x03, 0xc8, 0x55, 0xa4,
    0x6e, 0x19, 0xb0, 0x2d, 0x84, 0xfa, 0x31, 0x5c, 0x0b, 0x97, 0xe2, 0x48, 0x7d, 0x16, 0xc3, 0x69,
};

typedef struct fz_profile {
    const char *name;
    tlsp_version min, max;
    int psk;                     /* PSK instead of certificates */
    int mutual;                  /* the server demands a client certificate */
    unsigned resume;             /* TLSP_RESUME_* on both ends, 0 = none */
} fz_profile;

/* Both versions, both credential kinds; mutual authentication and resumption add the
 * client's Certificate/CertificateVerify and the NewSessionTicket messages. */
static const fz_profile profiles[FZ_PROFILE_COUNT] = {
    { "tls12-cert", TLSP_TLS1_2, TLSP_TLS1_2, 0, 0, 0 },
    { "tls13-cert", TLSP_TLS1_3, TLSP_TLS1_3, 0, 0, 0 },
    { "tls12-psk", TLSP_TLS1_2, TLSP_TLS1_2, 1, 0, 0 },
    { "tls13-psk", TLSP_TLS1_3, TLSP_TLS1_3, 1, 0, 0 },
    { "any-mutual-tickets", TLSP_TLS1_2, TLSP_TLS1_3, 0, 1, TLSP_RESUME_TICKETS },
    { "tls12-mutual-resume", TLSP_TLS1_2, TLSP_TLS1_2, 0, 1, TLSP_RESUME_ALL },
    { "tls13-psk-tickets", TLSP_TLS1_3, TLSP_TLS1_3, 1, 0, TLSP_RESUME_TICKETS },
};

void fz_fail(const char *file, int line, const char *what)
{
    fprintf(stderr, "%s:%d: invariant failed: %s\n", file, line, what);
    abort();
}

const char *fz_profile_name(unsigned profile)
{
    return profiles[profile % FZ_PROFILE_COUNT].name;
}

#define TRY(call)                                                                    \
    do {                                                                             \
        int try_ret_ = (call);                                                       \
        if (try_ret_ != 0) {                                                         \
            fprintf(stderr, "%s:%d: %s -> %d (%s)\n", __FILE__, __LINE__, #call,     \
                    try_ret_, tlsp_strerror(try_ret_));                              \
            return try_ret_;                                                         \
        }                                                                            \
    } while (0)

static int configure(tlsp_config *cfg, const fz_profile *p, tlsp_role role)
{
    TRY(tlsp_config_set_versions(cfg, p->min, p->max));
    if (p->psk) {
        TRY(tlsp_config_set_psk(cfg, psk_identity, sizeof(psk_identity) - 1, psk_key, sizeof(psk_key)));
    } else if (role == TLSP_CLIENT) {
        TRY(tlsp_config_add_ca(cfg, (const uint8_t *) tlsp_test_test_ca_crt_pem,
                               tlsp_test_test_ca_crt_pem_len));
        TRY(tlsp_config_set_hostname(cfg, HOSTNAME));
        if (p->mutual) {
            TRY(tlsp_config_set_own_cert(cfg, (const uint8_t *) tlsp_test_client_crt_pem,
                                         tlsp_test_client_crt_pem_len,
                                         (const uint8_t *) tlsp_test_client_key_pem,
                                         tlsp_test_client_key_pem_len, NULL));
        }
    } else {
        TRY(tlsp_config_set_own_cert(cfg, (const uint8_t *) tlsp_test_server_crt_pem,
                                     tlsp_test_server_crt_pem_len,
                                     (const uint8_t *) tlsp_test_server_key_pem,
                                     tlsp_test_server_key_pem_len, NULL));
        if (p->mutual) {
            TRY(tlsp_config_add_ca(cfg, (const uint8_t *) tlsp_test_test_ca_crt_pem,
                                   tlsp_test_test_ca_crt_pem_len));
            TRY(tlsp_config_require_client_cert(cfg));
        }
    }
    if (p->resume != 0) {
        TRY(tlsp_config_enable_resumption(cfg, p->resume, RESUME_LIFETIME_S, 0));
    }
    return 0;
}

int fz_conn_setup(fz_conn *c, unsigned profile, tlsp_role role, int is_peer, uint64_t seed)
{
    int ret;

    memset(c, 0, sizeof(*c));
    c->profile = profile % FZ_PROFILE_COUNT;
    c->role = role;
    c->is_peer = is_peer;
    /* PSA's generator is seeded once per psa_crypto_init(): start it again from a known
     * entropy stream, so this connection draws exactly the bytes a recording drew. */
    mbedtls_psa_crypto_free();
    tlsp_port_test_seed(seed);
    ret = tlsp_config_init(&c->cfg, role);
    if (ret != 0) {
        fprintf(stderr, "fz_conn_setup: tlsp_config_init -> %s\n", tlsp_strerror(ret));
        return ret;
    }
    c->configured = 1;
    ret = configure(&c->cfg, &profiles[c->profile], role);
    if (ret == 0) {
        ret = tlsp_engine_init(&c->e, &c->cfg, c->net_in, sizeof(c->net_in),
                               c->net_out, sizeof(c->net_out));
        c->started = ret == 0;
    }
    if (ret != 0) {
        fz_conn_free(c);
    }
    return ret;
}

void fz_conn_free(fz_conn *c)
{
    if (c->started) {
        tlsp_engine_free(&c->e);
        c->started = 0;
    }
    if (c->configured) {
        tlsp_config_free(&c->cfg);
        c->configured = 0;
    }
    mbedtls_psa_crypto_free();
}

/* The handshake just completed: it must have been a real one. A peer that is not the
 * recorded one (or a mutated recording) cannot get here without the CA's signature on
 * its certificate, the certificate's key, or the PSK. */
static void check_established(fz_conn *c)
{
    const fz_profile *p = &profiles[c->profile];
    tlsp_info info;

    FZ_ASSERT(tlsp_engine_info(&c->e, &info) == 0);
    FZ_ASSERT(tlsp_engine_error(&c->e) == 0);
    FZ_ASSERT(tlsp_engine_cert_flags(&c->e) == 0);
    FZ_ASSERT(strcmp(info.ciphersuite, "none") != 0);
    if (strcmp(info.version, "TLSv1.2") == 0) {
        FZ_ASSERT(p->min == TLSP_TLS1_2);
    } else {
        FZ_ASSERT(strcmp(info.version, "TLSv1.3") == 0);
        FZ_ASSERT(p->max == TLSP_TLS1_3);
    }
    if (!p->psk && c->role == TLSP_CLIENT && !info.resumed) {
        FZ_ASSERT(strstr(info.peer_subject, "tlspair-test-server") != NULL);
    }
    if (!p->psk && c->role == TLSP_SERVER && p->mutual && !info.resumed) {
        FZ_ASSERT(strstr(info.peer_subject, "tlspair-test-client") != NULL);
    }
    if (p->psk) {
        FZ_ASSERT(info.peer_subject[0] == '\0');
    }
}

static void drain(fz_conn *c, fz_sink sink, void *ctx)
{
    unsigned i;

    for (i = 0; i < DRAINS_PER_STEP; i++) {
        size_t n = 0;
        const uint8_t *out = tlsp_net_out_peek(&c->e, &n);

        if (out == NULL) {
            FZ_ASSERT(n == 0);
            return;
        }
        /* Whatever the input, output comes from the caller's buffer and stays inside it. */
        FZ_ASSERT(n > 0 && n <= sizeof(c->net_out));
        FZ_ASSERT(out >= c->net_out && out + n <= c->net_out + sizeof(c->net_out));
        if (sink != NULL) {
            sink(ctx, out, n);
        }
        FZ_ASSERT(tlsp_net_out_consume(&c->e, n) == 0);
    }
    fz_fail(__FILE__, __LINE__, "net_out never empties");
}

static void read_all(fz_conn *c)
{
    uint8_t buf[1024];
    unsigned i;

    for (i = 0; i < READS_PER_STEP; i++) {
        int r = tlsp_read(&c->e, buf, sizeof(buf));

        FZ_ASSERT(r != 0);                                   /* never 0, by contract */
        if (r > 0) {
            FZ_ASSERT((size_t) r <= sizeof(buf));
            c->app_in += (size_t) r;
            continue;
        }
        if (r == TLSP_ERR_CLOSED) {
            c->peer_closed = 1;
        }
        return;
    }
}

/* The script after the handshake (fuzz_engine.h). */
static void write_script(fz_conn *c)
{
    const char *text = c->is_peer ? FZ_REPLY : FZ_GREETING;
    size_t len = strlen(text);
    int may_write = c->is_peer ? c->app_in >= strlen(FZ_GREETING) : 1;

    if (may_write && c->greeting_sent < len && !c->close_sent) {
        int r = tlsp_write(&c->e, (const uint8_t *) text + c->greeting_sent, len - c->greeting_sent);

        FZ_ASSERT(r != 0);
        if (r > 0) {
            FZ_ASSERT((size_t) r <= len - c->greeting_sent);
            c->greeting_sent += (size_t) r;
        }
    }
    /* The peer closes once it has replied; the engine under test answers a close. */
    if (!c->close_sent && (c->is_peer ? c->greeting_sent == len : c->peer_closed)) {
        if (tlsp_close(&c->e) == 0) {
            c->close_sent = 1;
        }
    }
}

static void check_status(fz_conn *c)
{
    unsigned st = tlsp_status(&c->e);
    int err = tlsp_engine_error(&c->e);

    FZ_ASSERT(((st & TLSP_STATUS_FAILED) != 0) == (err != 0));
    if (c->first_error != 0) {
        FZ_ASSERT(err == c->first_error);                    /* failures are sticky */
    }
    c->first_error = err;
    if (st & TLSP_STATUS_HANDSHAKE_DONE) {
        FZ_ASSERT(c->handshake_done);
    }
    if (c->app_in > 0 || c->peer_closed) {
        FZ_ASSERT(c->handshake_done);                        /* no data before Finished */
    }
    FZ_ASSERT(!(st & TLSP_STATUS_NET_OUT));                   /* drained after every step */
}

/* One step of the engine; 1 if anything moved (input taken, output made, data read,
 * state changed). */
static int step(fz_conn *c, fz_sink sink, void *ctx)
{
    tlsp_info before, after;
    unsigned status_before = tlsp_status(&c->e);
    size_t app_before = c->app_in;
    size_t sent_before = c->greeting_sent;
    int close_before = c->close_sent;

    FZ_ASSERT(tlsp_engine_info(&c->e, &before) == 0);
    if (!c->handshake_done) {
        int r = tlsp_handshake(&c->e);

        if (r == 0) {
            c->handshake_done = 1;
            check_established(c);
        } else if (r != TLSP_WANT_READ && r != TLSP_WANT_WRITE) {
            FZ_ASSERT(r < 0 && r == tlsp_engine_error(&c->e));
        }
    }
    if (c->handshake_done) {
        read_all(c);
        write_script(c);
    }
    drain(c, sink, ctx);
    check_status(c);
    FZ_ASSERT(tlsp_engine_info(&c->e, &after) == 0);
    FZ_ASSERT(after.counters.bytes_in >= before.counters.bytes_in);
    FZ_ASSERT(after.counters.bytes_out >= before.counters.bytes_out);
    return after.counters.bytes_in != before.counters.bytes_in ||
           after.counters.bytes_out != before.counters.bytes_out ||
           tlsp_status(&c->e) != status_before || c->app_in != app_before ||
           c->greeting_sent != sent_before || c->close_sent != close_before;
}

void fz_conn_deliver(fz_conn *c, const uint8_t *data, size_t len, fz_sink sink, void *ctx)
{
    size_t off = 0;
    unsigned rounds = 0;

    for (;;) {
        size_t fed = 0;
        int moved;

        if (off < len) {
            int r = tlsp_net_in_feed(&c->e, data + off, len - off);

            FZ_ASSERT(r >= 0 && (size_t) r <= len - off);
            fed = (size_t) r;
            off += fed;
        }
        moved = step(c, sink, ctx);
        if (!moved && fed == 0) {
            return;
        }
        if (++rounds > FZ_MAX_ROUNDS) {
            fz_fail(__FILE__, __LINE__, "engine keeps moving without end (hang)");
        }
    }
}

void fz_conn_eof(fz_conn *c, fz_sink sink, void *ctx)
{
    tlsp_net_in_eof(&c->e);
    fz_conn_deliver(c, NULL, 0, sink, ctx);
    /* An end of input without close_notify after the handshake is truncation, never a
     * clean end. */
    if (c->handshake_done && !c->peer_closed && tlsp_engine_error(&c->e) == 0) {
        uint8_t b;
        int r = tlsp_read(&c->e, &b, 1);

        FZ_ASSERT(r == TLSP_ERR_TRUNCATED || r == TLSP_ERR_CLOSED || r == TLSP_WANT_WRITE || r == 1);
    }
}

void fz_run(const uint8_t *data, size_t size, tlsp_role role, fz_outcome *out)
{
    static fz_conn conn;   /* 8 KiB of queues and two mbedTLS contexts: not on the stack */
    size_t off = 1;
    unsigned flights = 0;

    if (size == 0) {
        return;
    }
    if (fz_conn_setup(&conn, data[0] & 0x7Fu, role, 0, 1) != 0) {
        fz_fail(__FILE__, __LINE__, "setup of a known-good profile failed");
    }
    fz_conn_deliver(&conn, NULL, 0, NULL, NULL);
    while (off + 2 <= size) {
        size_t len = ((size_t) data[off] << 8) | data[off + 1];

        off += 2;
        if (len > size - off) {
            len = size - off;
        }
        fz_conn_deliver(&conn, data + off, len, NULL, NULL);
        off += len;
        flights++;
    }
    if (data[0] & FZ_FLAG_EOF) {
        fz_conn_eof(&conn, NULL, NULL);
    }
    if (out != NULL) {
        out->profile = conn.profile;
        out->handshake_done = conn.handshake_done;
        out->peer_closed = conn.peer_closed;
        out->app_in = conn.app_in;
        out->error = conn.first_error;
        out->flights = flights;
    }
    fz_conn_free(&conn);
}
