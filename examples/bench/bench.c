/*
 * tlspair-bench: what does tlspair cost on top of mbedTLS?
 *
 * One process, one run. For each configuration the same handshake and the same one-way
 * bulk transfer run two ways:
 *   raw      two mbedtls_ssl_contexts whose f_send/f_recv write and read two plain ring
 *            buffers directly (the cheapest loopback mbedTLS allows);
 *   tlspair  two tlsp_engines joined by the memory link, pumped by tlsp_memory_pair_step().
 * Both use the same mbedTLS build (tlspair's host config, so both allocate through
 * tlspair's counting heap), the same credentials, versions and the one cipher suite, the
 * same buffer size per queue and the same application loop (write until the engine would
 * block, move bytes, read until it would block).
 *
 * Fairness: one warm-up pass, then several rounds; in each round raw and tlspair run back
 * to back, in alternating order, so drift (frequency, cache, other load) hits both. Each
 * figure is the median over the rounds; each ratio is the median of the per-round ratios.
 * Time is this thread's CPU time by default, so other processes on a shared host disturb
 * it less (--wall for wall-clock time).
 */
#define _POSIX_C_SOURCE 200809L

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "mbedtls/error.h"
#include "mbedtls/pk.h"
#include "mbedtls/psa_util.h"
#include "mbedtls/ssl.h"
#include "mbedtls/x509_crt.h"
#include "psa/crypto.h"

#include "tlspair/tlsp_config.h"
#include "tlspair/tlsp_engine.h"
#include "tlspair/tlsp_error.h"
#include "tlspair/tlsp_heap.h"
#include "tlspair/tlsp_memory_link.h"
#include "tlsp_test_pki.h"

#define KIB ((size_t) 1024u)
#define MIB (1024u * KIB)

/* Every queue on both paths: one full record plus room. */
#define QUEUE_SIZE (16u * 1024u + 512u)
#define READ_SIZE  (16u * KIB)
/* Writes start at a rolling offset in this much random data, so records differ. */
#define SOURCE_PERIOD (64u * KIB)
#define IDLE_LIMIT 1000u
#define DEFAULT_ROUNDS 7u
#define QUICK_ROUNDS 3u
#define MAX_ROUNDS 15u
_Static_assert(DEFAULT_ROUNDS <= MAX_ROUNDS && QUICK_ROUNDS <= MAX_ROUNDS, "rounds fit the arrays");

#define SERVER_NAME "tlspair-test-server"

static const uint8_t psk_identity[] = "tlspair-bench";
static const uint8_t psk_key[32] = {
    0x31, 0xc7, 0x52, 0x9a, 0x0e, 0xf4, 0x6d, 0x28, 0xb3, 0x85, 0x1f, 0xe0, 0x47, 0x7a, 0xcc, 0x13,
    0x9d, 0x02, 0x66, 0xb8, 0x54, 0xea, 0x3b, 0x71, 0x0f, 0xa9, 0xd6, 0x45, 0x88, 0x2c, 0xf1, 0x6e,
};

typedef enum { AUTH_CERT = 0, AUTH_PSK = 1 } auth_kind;

typedef struct bench_case {
    const char *name;
    tlsp_version version;
    auth_kind auth;
    const char *suite;       /* the only suite both sides offer */
    unsigned handshakes;     /* per measurement: enough for about 0.1 s or more */
    const char *note;        /* what else the reader should know, or "" */
} bench_case;

/* TLS 1.2 plain PSK needs no public-key operation at all (about 0.1 ms a handshake), so
 * it gets many more handshakes per measurement than the others. */
static const bench_case cases[] = {
    { "TLS 1.3 ECDHE-ECDSA", TLSP_TLS1_3, AUTH_CERT, "TLS1-3-AES-128-GCM-SHA256", 50,
      "P-256 test PKI" },
    { "TLS 1.2 ECDHE-ECDSA", TLSP_TLS1_2, AUTH_CERT, "TLS-ECDHE-ECDSA-WITH-AES-128-GCM-SHA256", 50,
      "P-256 test PKI" },
    { "TLS 1.3 PSK", TLSP_TLS1_3, AUTH_PSK, "TLS1-3-AES-128-GCM-SHA256", 200,
      "psk_dhe_ke: a PSK-only config offers both modes and mbedTLS prefers PSK + ECDHE" },
    { "TLS 1.2 PSK", TLSP_TLS1_2, AUTH_PSK, "TLS-PSK-WITH-AES-128-GCM-SHA256", 2000,
      "plain PSK, no ECDHE" },
};
#define N_CASES (sizeof(cases) / sizeof(cases[0]))

typedef struct options {
    int quick;
    int wall_clock;
    unsigned rounds;
    size_t bulk_bytes;
    unsigned handshake_divisor;   /* --quick runs fewer handshakes per measurement */
} options;

static options opt;
static uint8_t source[SOURCE_PERIOD + 16u * KIB];
static uint8_t sink[READ_SIZE];

/* ---- Small utilities ------------------------------------------------------------------- */

static double now_seconds(void)
{
    struct timespec ts;

    clock_gettime(opt.wall_clock ? CLOCK_MONOTONIC : CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double) ts.tv_sec + (double) ts.tv_nsec * 1e-9;
}

static void die_mbedtls(const char *what, int code)
{
    char text[128];

    mbedtls_strerror(code, text, sizeof(text));
    fprintf(stderr, "tlspair-bench: %s failed: mbedTLS -0x%04x: %s\n", what, (unsigned) -code, text);
    exit(1);
}

static void die_tlsp(const char *what, int code, const tlsp_engine *a, const tlsp_engine *b)
{
    fprintf(stderr, "tlspair-bench: %s failed: %s (-0x%02x)\n", what, tlsp_strerror(code),
            (unsigned) -code);
    if (a != NULL && b != NULL) {
        fprintf(stderr, "  client: %s, mbedTLS -0x%04x; server: %s, mbedTLS -0x%04x\n",
                tlsp_strerror(tlsp_engine_error(a)), (unsigned) -tlsp_engine_mbedtls_error(a),
                tlsp_strerror(tlsp_engine_error(b)), (unsigned) -tlsp_engine_mbedtls_error(b));
    }
    exit(1);
}

static void fill_source(void)
{
    uint32_t x = 0x2545f491u;
    size_t i;

    for (i = 0; i < sizeof(source); i++) {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        source[i] = (uint8_t) (x >> 24);
    }
}

static size_t min_size(size_t a, size_t b)
{
    return a < b ? a : b;
}

/* ---- Raw mbedTLS: configs built by hand, mirroring tlsp_config ---------------------------- */

typedef struct raw_config {
    mbedtls_ssl_config ssl;
    mbedtls_x509_crt ca_chain;
    mbedtls_x509_crt own_chain;
    mbedtls_pk_context own_key;
    int suites[2];
} raw_config;

static void raw_credentials(raw_config *c, int endpoint, auth_kind auth)
{
    int ret = 0;

    if (auth == AUTH_PSK) {
        ret = mbedtls_ssl_conf_psk(&c->ssl, psk_key, sizeof(psk_key), psk_identity,
                                   sizeof(psk_identity) - 1);
    } else if (endpoint == MBEDTLS_SSL_IS_CLIENT) {
        ret = mbedtls_x509_crt_parse(&c->ca_chain, (const unsigned char *) tlsp_test_test_ca_crt_pem,
                                     tlsp_test_test_ca_crt_pem_len);
        mbedtls_ssl_conf_ca_chain(&c->ssl, &c->ca_chain, NULL);
    } else {
        ret = mbedtls_x509_crt_parse(&c->own_chain, (const unsigned char *) tlsp_test_server_crt_pem,
                                     tlsp_test_server_crt_pem_len);
        if (ret == 0) {
            ret = mbedtls_pk_parse_key(&c->own_key, (const unsigned char *) tlsp_test_server_key_pem,
                                       tlsp_test_server_key_pem_len, NULL, 0,
                                       mbedtls_psa_get_random, MBEDTLS_PSA_RANDOM_STATE);
        }
        if (ret == 0) {
            ret = mbedtls_ssl_conf_own_cert(&c->ssl, &c->own_chain, &c->own_key);
        }
    }
    if (ret != 0) {
        die_mbedtls("raw credentials", ret);
    }
}

/* The settings tlsp_config_init() and its setters apply, one by one. */
static void raw_config_init(raw_config *c, int endpoint, const bench_case *bc)
{
    mbedtls_ssl_protocol_version v = (mbedtls_ssl_protocol_version) bc->version;
    int ret;

    memset(c, 0, sizeof(*c));
    mbedtls_ssl_config_init(&c->ssl);
    mbedtls_x509_crt_init(&c->ca_chain);
    mbedtls_x509_crt_init(&c->own_chain);
    mbedtls_pk_init(&c->own_key);
    ret = mbedtls_ssl_config_defaults(&c->ssl, endpoint, MBEDTLS_SSL_TRANSPORT_STREAM,
                                      MBEDTLS_SSL_PRESET_DEFAULT);
    if (ret != 0) {
        die_mbedtls("mbedtls_ssl_config_defaults", ret);
    }
    mbedtls_ssl_conf_rng(&c->ssl, mbedtls_psa_get_random, MBEDTLS_PSA_RANDOM_STATE);
    mbedtls_ssl_conf_min_tls_version(&c->ssl, v);
    mbedtls_ssl_conf_max_tls_version(&c->ssl, v);
    mbedtls_ssl_conf_authmode(&c->ssl, endpoint == MBEDTLS_SSL_IS_CLIENT ? MBEDTLS_SSL_VERIFY_REQUIRED
                                                                         : MBEDTLS_SSL_VERIFY_NONE);
    mbedtls_ssl_conf_extended_master_secret(&c->ssl, MBEDTLS_SSL_EXTENDED_MS_ENABLED);
    c->suites[0] = mbedtls_ssl_get_ciphersuite_id(bc->suite);
    c->suites[1] = 0;
    mbedtls_ssl_conf_ciphersuites(&c->ssl, c->suites);
    mbedtls_ssl_conf_tls13_key_exchange_modes(&c->ssl, bc->auth == AUTH_PSK
                                                           ? MBEDTLS_SSL_TLS1_3_KEY_EXCHANGE_MODE_PSK_ALL
                                                           : MBEDTLS_SSL_TLS1_3_KEY_EXCHANGE_MODE_EPHEMERAL);
    raw_credentials(c, endpoint, bc->auth);
}

static void raw_config_free(raw_config *c)
{
    mbedtls_ssl_config_free(&c->ssl);
    mbedtls_x509_crt_free(&c->ca_chain);
    mbedtls_x509_crt_free(&c->own_chain);
    mbedtls_pk_free(&c->own_key);
}

/* ---- Raw mbedTLS: a connection pair over two ring buffers ---------------------------------- */

typedef struct ring {
    uint8_t buf[QUEUE_SIZE];
    size_t start, used;
    uint64_t total;               /* bytes ever written: handshake byte counts */
} ring;

typedef struct raw_end {
    ring *out, *in;
} raw_end;

typedef struct raw_pair {
    mbedtls_ssl_context client, server;
    raw_end client_end, server_end;
    ring c2s, s2c;
} raw_pair;

static size_t ring_write(ring *r, const uint8_t *data, size_t len)
{
    size_t n = min_size(len, sizeof(r->buf) - r->used);
    size_t at = (r->start + r->used) % sizeof(r->buf);
    size_t first = min_size(n, sizeof(r->buf) - at);

    memcpy(r->buf + at, data, first);
    memcpy(r->buf, data + first, n - first);
    r->used += n;
    r->total += n;
    return n;
}

static size_t ring_read(ring *r, uint8_t *out, size_t len)
{
    size_t n = min_size(len, r->used);
    size_t first = min_size(n, sizeof(r->buf) - r->start);

    memcpy(out, r->buf + r->start, first);
    memcpy(out + first, r->buf, n - first);
    r->start = (r->start + n) % sizeof(r->buf);
    r->used -= n;
    return n;
}

static int raw_send(void *ctx, const unsigned char *buf, size_t len)
{
    raw_end *end = ctx;
    size_t n = ring_write(end->out, buf, len);

    return n == 0 ? MBEDTLS_ERR_SSL_WANT_WRITE : (int) n;
}

static int raw_recv(void *ctx, unsigned char *buf, size_t len)
{
    raw_end *end = ctx;
    size_t n = ring_read(end->in, buf, len);

    return n == 0 ? MBEDTLS_ERR_SSL_WANT_READ : (int) n;
}

/* The client names the server only when it verifies a certificate, as a tlspair client
 * does (a PSK-only tlspair client has no hostname, so it sends no SNI). */
static void raw_pair_open(raw_pair *p, const raw_config *client_cfg, const raw_config *server_cfg,
                          auth_kind auth)
{
    int ret;

    p->c2s.start = p->c2s.used = 0;
    p->c2s.total = 0;
    p->s2c.start = p->s2c.used = 0;
    p->s2c.total = 0;
    p->client_end.out = &p->c2s;
    p->client_end.in = &p->s2c;
    p->server_end.out = &p->s2c;
    p->server_end.in = &p->c2s;
    mbedtls_ssl_init(&p->client);
    mbedtls_ssl_init(&p->server);
    ret = mbedtls_ssl_setup(&p->client, &client_cfg->ssl);
    if (ret == 0) {
        ret = mbedtls_ssl_setup(&p->server, &server_cfg->ssl);
    }
    if (ret == 0 && auth == AUTH_CERT) {
        ret = mbedtls_ssl_set_hostname(&p->client, SERVER_NAME);
    }
    if (ret != 0) {
        die_mbedtls("raw connection setup", ret);
    }
    mbedtls_ssl_set_bio(&p->client, &p->client_end, raw_send, raw_recv, NULL);
    mbedtls_ssl_set_bio(&p->server, &p->server_end, raw_send, raw_recv, NULL);
}

static void raw_pair_close(raw_pair *p)
{
    mbedtls_ssl_free(&p->client);
    mbedtls_ssl_free(&p->server);
}

/* One handshake step of one side: 1 when that side is done. */
static int raw_handshake_step(mbedtls_ssl_context *ssl, int *progress)
{
    int ret;

    if (mbedtls_ssl_is_handshake_over(ssl)) {
        return 1;
    }
    ret = mbedtls_ssl_handshake(ssl);
    if (ret == 0) {
        *progress = 1;
        return 1;
    }
    if (ret != MBEDTLS_ERR_SSL_WANT_READ && ret != MBEDTLS_ERR_SSL_WANT_WRITE) {
        die_mbedtls("raw handshake", ret);
    }
    return 0;
}

static void raw_handshake(raw_pair *p)
{
    unsigned idle = 0;
    uint64_t seen = 0;

    for (;;) {
        int progress = 0;
        int client_done = raw_handshake_step(&p->client, &progress);
        int server_done = raw_handshake_step(&p->server, &progress);
        if (client_done && server_done) {
            return;
        }
        /* Bytes moving through the rings count as progress too. */
        if (p->c2s.total + p->s2c.total != seen) {
            seen = p->c2s.total + p->s2c.total;
            progress = 1;
        }
        idle = progress ? 0 : idle + 1;
        if (idle > IDLE_LIMIT) {
            die_mbedtls("raw handshake (stalled)", MBEDTLS_ERR_SSL_TIMEOUT);
        }
    }
}

/* Write until the client would block, then read until the server would block; again. */
static void raw_bulk(raw_pair *p, size_t total, size_t write_size)
{
    size_t sent = 0, received = 0;
    unsigned idle = 0;

    while (received < total) {
        size_t before = received + sent;
        int ret = 0;
        while (sent < total) {
            /* After WANT_WRITE mbedTLS wants the same arguments again: sent has not moved. */
            ret = mbedtls_ssl_write(&p->client, source + sent % SOURCE_PERIOD,
                                    min_size(write_size, total - sent));
            if (ret < 0) {
                break;
            }
            sent += (size_t) ret;
        }
        if (ret < 0 && ret != MBEDTLS_ERR_SSL_WANT_WRITE && ret != MBEDTLS_ERR_SSL_WANT_READ) {
            die_mbedtls("raw write", ret);
        }
        for (;;) {
            ret = mbedtls_ssl_read(&p->server, sink, sizeof(sink));
            if (ret <= 0) {
                break;
            }
            received += (size_t) ret;
        }
        if (ret != MBEDTLS_ERR_SSL_WANT_READ && ret != MBEDTLS_ERR_SSL_WANT_WRITE) {
            die_mbedtls("raw read", ret);
        }
        idle = received + sent != before ? 0 : idle + 1;
        if (idle > IDLE_LIMIT) {
            die_mbedtls("raw bulk (stalled)", MBEDTLS_ERR_SSL_TIMEOUT);
        }
    }
}

/* ---- tlspair: configs, and a connection pair over the memory link ------------------------ */

typedef struct tlsp_configs {
    tlsp_config client, server;
} tlsp_configs;

typedef struct tlsp_pair_bench {
    tlsp_engine client, server;
    tlsp_memory_link link;
    uint8_t client_in[QUEUE_SIZE], client_out[QUEUE_SIZE];
    uint8_t server_in[QUEUE_SIZE], server_out[QUEUE_SIZE];
    uint8_t link_c2s[QUEUE_SIZE], link_s2c[QUEUE_SIZE];
} tlsp_pair_bench;

static void check_tlsp(const char *what, int ret)
{
    if (ret != 0) {
        die_tlsp(what, ret, NULL, NULL);
    }
}

static void tlsp_configs_init(tlsp_configs *c, const bench_case *bc)
{
    check_tlsp("tlsp_config_init", tlsp_config_init(&c->client, TLSP_CLIENT));
    check_tlsp("tlsp_config_init", tlsp_config_init(&c->server, TLSP_SERVER));
    check_tlsp("versions", tlsp_config_set_versions(&c->client, bc->version, bc->version));
    check_tlsp("versions", tlsp_config_set_versions(&c->server, bc->version, bc->version));
    check_tlsp("suite", tlsp_config_set_ciphersuites(&c->client, bc->suite));
    check_tlsp("suite", tlsp_config_set_ciphersuites(&c->server, bc->suite));
    if (bc->auth == AUTH_PSK) {
        check_tlsp("psk", tlsp_config_set_psk(&c->client, psk_identity, sizeof(psk_identity) - 1,
                                              psk_key, sizeof(psk_key)));
        check_tlsp("psk", tlsp_config_set_psk(&c->server, psk_identity, sizeof(psk_identity) - 1,
                                              psk_key, sizeof(psk_key)));
        return;
    }
    check_tlsp("ca", tlsp_config_add_ca(&c->client, (const uint8_t *) tlsp_test_test_ca_crt_pem,
                                        tlsp_test_test_ca_crt_pem_len));
    check_tlsp("hostname", tlsp_config_set_hostname(&c->client, SERVER_NAME));
    check_tlsp("own cert", tlsp_config_set_own_cert(&c->server,
                                                    (const uint8_t *) tlsp_test_server_crt_pem,
                                                    tlsp_test_server_crt_pem_len,
                                                    (const uint8_t *) tlsp_test_server_key_pem,
                                                    tlsp_test_server_key_pem_len, NULL));
}

static void tlsp_configs_free(tlsp_configs *c)
{
    tlsp_config_free(&c->client);
    tlsp_config_free(&c->server);
}

static void tlsp_pair_open(tlsp_pair_bench *p, const tlsp_configs *c)
{
    check_tlsp("tlsp_engine_init", tlsp_engine_init(&p->client, &c->client, p->client_in,
                                                    QUEUE_SIZE, p->client_out, QUEUE_SIZE));
    check_tlsp("tlsp_engine_init", tlsp_engine_init(&p->server, &c->server, p->server_in,
                                                    QUEUE_SIZE, p->server_out, QUEUE_SIZE));
    check_tlsp("tlsp_memory_link_init", tlsp_memory_link_init(&p->link, p->link_c2s, QUEUE_SIZE,
                                                              p->link_s2c, QUEUE_SIZE, 0));
}

static void tlsp_pair_close(tlsp_pair_bench *p)
{
    tlsp_engine_free(&p->client);
    tlsp_engine_free(&p->server);
}

static void tlsp_pair_run_handshake(tlsp_pair_bench *p)
{
    int ret = tlsp_memory_pair_handshake(&p->client, &p->server, &p->link, 64);

    if (ret != 0) {
        die_tlsp("tlspair handshake", ret, &p->client, &p->server);
    }
}

/* The same loop as raw_bulk(), with the link step between writing and reading. */
static void tlsp_bulk(tlsp_pair_bench *p, size_t total, size_t write_size)
{
    size_t sent = 0, received = 0;
    unsigned idle = 0;

    while (received < total) {
        size_t before = received + sent;
        int ret = 0;
        while (sent < total) {
            ret = tlsp_write(&p->client, source + sent % SOURCE_PERIOD,
                             min_size(write_size, total - sent));
            if (ret < 0) {
                break;
            }
            sent += (size_t) ret;
        }
        if (ret < 0 && ret != TLSP_WANT_WRITE && ret != TLSP_WANT_READ) {
            die_tlsp("tlspair write", ret, &p->client, &p->server);
        }
        ret = tlsp_memory_pair_step(&p->client, &p->server, &p->link, NULL);
        if (ret != 0) {
            die_tlsp("tlspair step", ret, &p->client, &p->server);
        }
        for (;;) {
            ret = tlsp_read(&p->server, sink, sizeof(sink));
            if (ret <= 0) {
                break;
            }
            received += (size_t) ret;
        }
        if (ret != TLSP_WANT_READ && ret != TLSP_WANT_WRITE) {
            die_tlsp("tlspair read", ret, &p->client, &p->server);
        }
        idle = received + sent != before ? 0 : idle + 1;
        if (idle > IDLE_LIMIT) {
            die_tlsp("tlspair bulk (stalled)", TLSP_ERR_TIMEOUT, &p->client, &p->server);
        }
    }
}

/* ---- Measurements ------------------------------------------------------------------------- */

/* Everything one configuration needs: configs for both paths, and one long-lived connected
 * pair on each path for the bulk figures. Static: the pairs hold their queues. */
typedef struct case_ctx {
    const bench_case *bc;
    raw_config raw_client, raw_server;
    tlsp_configs tlsp;
    raw_pair raw;
    tlsp_pair_bench pair;
    uint64_t raw_handshake_c2s, raw_handshake_s2c;
} case_ctx;

static case_ctx ctx;

typedef enum { PATH_RAW = 0, PATH_TLSP = 1 } path;

static double measure_handshakes(case_ctx *c, path which, unsigned n)
{
    static raw_pair raw;
    static tlsp_pair_bench pair;
    double start = now_seconds();
    unsigned i;

    for (i = 0; i < n; i++) {
        if (which == PATH_RAW) {
            raw_pair_open(&raw, &c->raw_client, &c->raw_server, c->bc->auth);
            raw_handshake(&raw);
            raw_pair_close(&raw);
        } else {
            tlsp_pair_open(&pair, &c->tlsp);
            tlsp_pair_run_handshake(&pair);
            tlsp_pair_close(&pair);
        }
    }
    return (double) n / (now_seconds() - start);
}

/* MiB/s of one one-way transfer over the case's long-lived pair of that path. */
static double measure_bulk(case_ctx *c, path which, size_t bytes, size_t write_size)
{
    double start = now_seconds();

    if (which == PATH_RAW) {
        raw_bulk(&c->raw, bytes, write_size);
    } else {
        tlsp_bulk(&c->pair, bytes, write_size);
    }
    return (double) bytes / (double) MIB / (now_seconds() - start);
}

/* Heap baseline: what is in use now (configs, PSA state); the peak restarts from it. */
static size_t heap_mark(void)
{
    tlsp_heap_stats s;

    tlsp_heap_get_stats(&s);
    tlsp_heap_reset_peak();
    return s.current;
}

static size_t heap_peak_since(size_t base)
{
    tlsp_heap_stats s;

    tlsp_heap_get_stats(&s);
    return s.peak - base;
}

/* Open the long-lived pair of one path, handshake, run a warm-up bulk transfer with both
 * write sizes; returns the pair's peak heap use over all of that. */
static size_t open_and_warm(case_ctx *c, path which, size_t warm_bytes)
{
    size_t base = heap_mark();

    if (which == PATH_RAW) {
        raw_pair_open(&c->raw, &c->raw_client, &c->raw_server, c->bc->auth);
        raw_handshake(&c->raw);
        c->raw_handshake_c2s = c->raw.c2s.total;
        c->raw_handshake_s2c = c->raw.s2c.total;
    } else {
        tlsp_pair_open(&c->pair, &c->tlsp);
        tlsp_pair_run_handshake(&c->pair);
    }
    (void) measure_bulk(c, which, warm_bytes, 16u * KIB);
    (void) measure_bulk(c, which, warm_bytes, 1u * KIB);
    return heap_peak_since(base);
}

/* Both paths must have negotiated the case's version and suite, or the comparison is void. */
static void check_negotiated(const case_ctx *c)
{
    const char *want_version = c->bc->version == TLSP_TLS1_3 ? "TLSv1.3" : "TLSv1.2";
    tlsp_info info;

    tlsp_engine_info(&c->pair.client, &info);
    if (strcmp(info.ciphersuite, c->bc->suite) != 0 || strcmp(info.version, want_version) != 0 ||
        strcmp(mbedtls_ssl_get_ciphersuite(&c->raw.client), c->bc->suite) != 0 ||
        strcmp(mbedtls_ssl_get_version(&c->raw.client), want_version) != 0) {
        fprintf(stderr, "tlspair-bench: negotiated %s %s (tlspair) / %s %s (raw), wanted %s %s\n",
                info.version, info.ciphersuite, mbedtls_ssl_get_version(&c->raw.client),
                mbedtls_ssl_get_ciphersuite(&c->raw.client), want_version, c->bc->suite);
        exit(1);
    }
}

/* ---- Statistics and report ------------------------------------------------------------- */

typedef struct figure {
    double value[2][MAX_ROUNDS];     /* [path][round] */
    unsigned rounds;
} figure;

static int compare_doubles(const void *a, const void *b)
{
    double x = *(const double *) a;
    double y = *(const double *) b;

    return (x > y) - (x < y);
}

static double median(const double *values, unsigned n)
{
    double sorted[MAX_ROUNDS];

    memcpy(sorted, values, n * sizeof(values[0]));
    qsort(sorted, n, sizeof(sorted[0]), compare_doubles);
    return n % 2 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0;
}

/* Per-round ratios tlspair/raw: pairing each tlspair run with the raw run next to it cancels
 * drift that a ratio of two medians would keep. */
static void ratios(const figure *f, double *out)
{
    unsigned r;

    for (r = 0; r < f->rounds; r++) {
        out[r] = f->value[PATH_TLSP][r] / f->value[PATH_RAW][r];
    }
}

typedef struct worst {
    double ratio;
    char where[96];
} worst;

static worst lowest = { 1e9, "" };

static void print_figure(const char *label, const figure *f, const char *case_name)
{
    double r[MAX_ROUNDS];
    double sorted_min, sorted_max, mid;
    unsigned i;

    if (f->rounds == 0) {
        return;   /* nothing measured: no median, no range */
    }
    ratios(f, r);
    mid = median(r, f->rounds);
    sorted_min = sorted_max = r[0];
    for (i = 1; i < f->rounds; i++) {
        sorted_min = r[i] < sorted_min ? r[i] : sorted_min;
        sorted_max = r[i] > sorted_max ? r[i] : sorted_max;
    }
    printf("  %-28s %10.1f %10.1f %8.3f   %.3f..%.3f\n", label, median(f->value[PATH_RAW], f->rounds),
           median(f->value[PATH_TLSP], f->rounds), mid, sorted_min, sorted_max);
    if (mid < lowest.ratio) {
        lowest.ratio = mid;
        snprintf(lowest.where, sizeof(lowest.where), "%s, %s", case_name, label);
    }
}

static void print_case_header(const case_ctx *c)
{
    printf("%s  (%s; %s)\n", c->bc->name, c->bc->suite, c->bc->note);
    printf("  %-28s %10s %10s %8s   %s\n", "figure (median)", "raw", "tlspair", "ratio",
           "ratio range");
}

static void print_heap(size_t raw_peak, size_t tlsp_peak)
{
    printf("  %-28s %10zu %10zu %8.3f   (lower is better)\n", "peak heap per pair, bytes",
           raw_peak, tlsp_peak, (double) tlsp_peak / (double) raw_peak);
}

static void print_handshake_bytes(const case_ctx *c)
{
    tlsp_info ci, si;

    tlsp_engine_info(&c->pair.client, &ci);
    tlsp_engine_info(&c->pair.server, &si);
    printf("  %-28s %5llu/%-4llu  %5llu/%-4llu (c->s/s->c)%s\n", "handshake bytes on the wire",
           (unsigned long long) c->raw_handshake_c2s, (unsigned long long) c->raw_handshake_s2c,
           (unsigned long long) ci.handshake_bytes_out, (unsigned long long) si.handshake_bytes_out,
           c->bc->auth == AUTH_CERT ? "; ECDSA signatures vary by a byte" : "");
}

/* ---- One configuration ---------------------------------------------------------------- */

/* Run one figure of one round on both paths, in the round's order. */
#define MEASURE_BOTH(fig, round, expr_raw, expr_tlsp)                 \
    do {                                                              \
        if ((round) % 2 == 0) {                                       \
            (fig).value[PATH_RAW][round] = (expr_raw);                \
            (fig).value[PATH_TLSP][round] = (expr_tlsp);              \
        } else {                                                      \
            (fig).value[PATH_TLSP][round] = (expr_tlsp);              \
            (fig).value[PATH_RAW][round] = (expr_raw);                \
        }                                                             \
    } while (0)

static void run_case(const bench_case *bc)
{
    case_ctx *c = &ctx;
    figure handshakes = { { { 0 } }, 0 }, bulk16 = { { { 0 } }, 0 }, bulk1 = { { { 0 } }, 0 };
    unsigned n_handshakes = bc->handshakes / opt.handshake_divisor;
    size_t raw_peak, tlsp_peak;
    char label[64];
    unsigned r;

    c->bc = bc;
    /* tlspair first: tlsp_config_init() installs the wall clock that certificate checks on
     * both paths read. */
    tlsp_configs_init(&c->tlsp, bc);
    raw_config_init(&c->raw_client, MBEDTLS_SSL_IS_CLIENT, bc);
    raw_config_init(&c->raw_server, MBEDTLS_SSL_IS_SERVER, bc);
    print_case_header(c);
    fflush(stdout);

    raw_peak = open_and_warm(c, PATH_RAW, opt.bulk_bytes / 8);
    tlsp_peak = open_and_warm(c, PATH_TLSP, opt.bulk_bytes / 8);
    check_negotiated(c);
    (void) measure_handshakes(c, PATH_RAW, n_handshakes / 5 + 1);
    (void) measure_handshakes(c, PATH_TLSP, n_handshakes / 5 + 1);

    for (r = 0; r < opt.rounds; r++) {
        MEASURE_BOTH(handshakes, r, measure_handshakes(c, PATH_RAW, n_handshakes),
                     measure_handshakes(c, PATH_TLSP, n_handshakes));
        MEASURE_BOTH(bulk16, r, measure_bulk(c, PATH_RAW, opt.bulk_bytes, 16u * KIB),
                     measure_bulk(c, PATH_TLSP, opt.bulk_bytes, 16u * KIB));
        MEASURE_BOTH(bulk1, r, measure_bulk(c, PATH_RAW, opt.bulk_bytes, 1u * KIB),
                     measure_bulk(c, PATH_TLSP, opt.bulk_bytes, 1u * KIB));
    }
    handshakes.rounds = bulk16.rounds = bulk1.rounds = opt.rounds;

    snprintf(label, sizeof(label), "handshakes/s (%u per run)", n_handshakes);
    print_figure(label, &handshakes, bc->name);
    print_figure("bulk MiB/s, 16 KiB writes", &bulk16, bc->name);
    print_figure("bulk MiB/s, 1 KiB writes", &bulk1, bc->name);
    print_heap(raw_peak, tlsp_peak);
    print_handshake_bytes(c);
    printf("\n");
    fflush(stdout);

    raw_pair_close(&c->raw);
    tlsp_pair_close(&c->pair);
    raw_config_free(&c->raw_client);
    raw_config_free(&c->raw_server);
    tlsp_configs_free(&c->tlsp);
}

/* ---- Main ------------------------------------------------------------------------------- */

/* Figures from a build with assertions (Debug, sanitizers) say nothing about speed. */
static int optimized_build(void)
{
#ifdef NDEBUG
    return 1;
#else
    return 0;
#endif
}

static void usage(FILE *out, const char *argv0)
{
    fprintf(out,
            "usage: %s [--quick] [--wall] [--help]\n"
            "\n"
            "Compares tlspair over the memory link with raw mbedTLS over direct ring-buffer\n"
            "callbacks: same mbedTLS build, credentials, version and suite. Per configuration\n"
            "(TLS 1.3/1.2 x ECDHE-ECDSA/PSK): handshakes/s, one-way bulk MiB/s with 16 KiB and\n"
            "1 KiB writes, peak mbedTLS heap per connection pair, and tlspair/raw ratios.\n"
            "\n"
            "  --quick  3 rounds, 4 MiB bulk, a tenth of the handshakes (a smoke test)\n"
            "  --wall   time with CLOCK_MONOTONIC instead of this thread's CPU time\n"
            "  --help   this text\n",
            argv0);
}

static int parse_args(int argc, char **argv)
{
    int i;

    opt.rounds = DEFAULT_ROUNDS;
    opt.bulk_bytes = 64u * MIB;
    opt.handshake_divisor = 1;
    for (i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--quick") == 0) {
            opt.quick = 1;
            opt.rounds = QUICK_ROUNDS;
            opt.bulk_bytes = 4u * MIB;
            opt.handshake_divisor = 10;
        } else if (strcmp(argv[i], "--wall") == 0) {
            opt.wall_clock = 1;
        } else if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            usage(stdout, argv[0]);
            return 1;
        } else {
            fprintf(stderr, "%s: unknown option '%s'\n", argv[0], argv[i]);
            usage(stderr, argv[0]);
            return -1;
        }
    }
    return 0;
}

int main(int argc, char **argv)
{
    double start;
    size_t i;
    int ret = parse_args(argc, argv);

    if (ret != 0) {
        return ret > 0 ? 0 : 2;
    }
    if (psa_crypto_init() != PSA_SUCCESS) {
        fprintf(stderr, "tlspair-bench: psa_crypto_init failed\n");
        return 1;
    }
    fill_source();
    start = now_seconds();
    printf("tlspair-bench: tlspair (engine + memory link) vs raw mbedTLS (direct callbacks)\n"
           "same mbedTLS build and settings; queues %u B each (tlspair: 2 per engine + 2 link,\n"
           "raw: 2 rings); time: %s; %u rounds, raw and tlspair back to back in\n"
           "alternating order; figures are medians, ratio = median of per-round tlspair/raw;\n"
           "bulk: %zu MiB one way per run.\n\n",
           QUEUE_SIZE, opt.wall_clock ? "wall clock" : "thread CPU time", opt.rounds,
           opt.bulk_bytes / MIB);
    /* cppcheck-suppress knownConditionTrueFalse ; constant per build (NDEBUG), on purpose */
    if (!optimized_build()) {
        printf("note: built without NDEBUG (Debug or sanitizer build): figures are not "
               "representative.\n\n");
    }
    for (i = 0; i < N_CASES; i++) {
        run_case(&cases[i]);
    }
    /* cppcheck-suppress knownConditionTrueFalse ; constant per build (NDEBUG), on purpose */
    if (opt.quick || !optimized_build()) {
        printf("lowest ratio %.3f (%s); a %s run is a smoke test, not a measurement\n",
               lowest.ratio, lowest.where, opt.quick ? "--quick" : "debug");
    } else {
        printf("lowest ratio %.3f (%s); target 0.97: %s\n", lowest.ratio, lowest.where,
               lowest.ratio >= 0.97 ? "met" : "NOT met");
    }
    printf("run time %.1f s (%s)\n", now_seconds() - start,
           opt.wall_clock ? "wall" : "CPU");
    return 0;
}
