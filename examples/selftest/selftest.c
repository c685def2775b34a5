/*
 * tlspair-selftest: the host's main job. Runs a client and a server engine against each
 * other over the in-memory link, with real entropy and the real clock (POSIX port), for
 * every cell of the matrix
 *
 *     {TLS 1.2, TLS 1.3} x {ECDHE-ECDSA P-256 with the test PKI, PSK} x {full, 1-byte}
 *
 * and in each cell: handshake, a checksummed bulk transfer both ways at once, and a clean
 * close both ways. Prints one table row per cell; exits 0 only if every row passed.
 *
 * The test PKI keys are public test keys: this program proves the engine works, it is not
 * a template for real credentials.
 */
#define _POSIX_C_SOURCE 200809L

#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "mbedtls/error.h"

#include "tlspair/tlsp_config.h"
#include "tlspair/tlsp_engine.h"
#include "tlspair/tlsp_error.h"
#include "tlspair/tlsp_memory_link.h"
#include "tlsp_test_pki.h"

/* One full record (16 KiB plaintext + header, IV and tag) fits in each engine queue, with
 * room to spare so a record does not have to wait for the previous one to drain. */
#define ENGINE_QUEUE_SIZE (16384u + 512u)
#define LINK_SIZE         (64u * 1024u)
#define WRITE_CHUNK       16384u
#define IDLE_ROUNDS       64u   /* rounds in a row with no progress before calling it stuck */

#define KIB ((size_t) 1024u)
#define MIB (1024u * KIB)

/* Bulk bytes each way. One byte at a time costs a drive step per ciphertext byte, yet on
 * the development host (Release) a 1-byte row with 1 MiB each way takes about 0.3 s, so
 * those rows carry the full size too. */
#define BULK_FULL            (1u * MIB)
#define BULK_BYTEWISE        (1u * MIB)
#define BULK_QUICK_FULL      (64u * KIB)
#define BULK_QUICK_BYTEWISE  (16u * KIB)

#define SERVER_NAME "tlspair-test-server"

static const uint8_t psk_identity[] = "tlspair-selftest";
static const uint8_t psk_key[32] = {
    0x8e, 0x21, 0x5b, 0xc4, 0x07, 0x99, 0x3a, 0xf2, 0x61, 0x1d, 0xae, 0x40, 0xb8, 0x7c, 0x05, 0xd3,
    0x2f, 0x96, 0xe8, 0x13, 0x4a, 0xcb, 0x70, 0x5e, 0xa1, 0x38, 0xfd, 0x62, 0x0c, 0xb5, 0x84, 0x27,
};

typedef enum { AUTH_CERT = 0, AUTH_PSK = 1 } auth_kind;

typedef struct row_spec {
    tlsp_version version;
    auth_kind auth;
    size_t mtu;              /* link MTU: 0 = full-size steps, 1 = one byte at a time */
    size_t bulk;             /* bytes each way */
} row_spec;

/* Why a row failed: the phase, the code it returned, and which engine (if any) failed. */
typedef struct failure {
    const char *phase;
    int code;                        /* what the failing call returned (-1: data mismatch) */
    char detail[128];
    int engine_error[2];             /* client, server: sticky tlsp failure */
    int mbedtls_error[2];            /* client, server: mbedTLS code behind it */
    int alert[2];                    /* client, server: alert received from the peer */
} failure;

typedef struct row_result {
    int passed;
    char suite[64];
    double handshake_ms;
    uint64_t hs_client_to_server, hs_server_to_client;
    double bulk_mib_per_s;   /* payload of both directions together, per second */
    failure fail;
} row_result;

/* Everything one connection pair needs; static because the rows run one after another. */
typedef struct pair {
    tlsp_config client_cfg, server_cfg;
    tlsp_engine client, server;
    tlsp_memory_link link;
    int configs_ready, client_ready, server_ready;
} pair;

static uint8_t client_in[ENGINE_QUEUE_SIZE], client_out[ENGINE_QUEUE_SIZE];
static uint8_t server_in[ENGINE_QUEUE_SIZE], server_out[ENGINE_QUEUE_SIZE];
static uint8_t link_c2s[LINK_SIZE], link_s2c[LINK_SIZE];
static pair the_pair;

static double now_seconds(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double) ts.tv_sec + (double) ts.tv_nsec * 1e-9;
}

static int set_failure(failure *f, const char *phase, int code)
{
    f->phase = phase;
    f->code = code;
    return code;
}

/* ---- Pair setup ---------------------------------------------------------------------- */

static int configure_credentials(pair *p, auth_kind auth)
{
    int ret;

    if (auth == AUTH_PSK) {
        ret = tlsp_config_set_psk(&p->client_cfg, psk_identity, sizeof(psk_identity) - 1,
                                  psk_key, sizeof(psk_key));
        if (ret == 0) {
            ret = tlsp_config_set_psk(&p->server_cfg, psk_identity, sizeof(psk_identity) - 1,
                                      psk_key, sizeof(psk_key));
        }
        return ret;
    }
    ret = tlsp_config_add_ca(&p->client_cfg, (const uint8_t *) tlsp_test_test_ca_crt_pem,
                             tlsp_test_test_ca_crt_pem_len);
    if (ret == 0) {
        ret = tlsp_config_set_hostname(&p->client_cfg, SERVER_NAME);
    }
    if (ret == 0) {
        ret = tlsp_config_set_own_cert(&p->server_cfg,
                                       (const uint8_t *) tlsp_test_server_crt_pem,
                                       tlsp_test_server_crt_pem_len,
                                       (const uint8_t *) tlsp_test_server_key_pem,
                                       tlsp_test_server_key_pem_len, NULL);
    }
    return ret;
}

static int configure_pair(pair *p, const row_spec *spec)
{
    int ret = tlsp_config_init(&p->client_cfg, TLSP_CLIENT);

    if (ret != 0) {
        return ret;
    }
    ret = tlsp_config_init(&p->server_cfg, TLSP_SERVER);
    if (ret != 0) {
        tlsp_config_free(&p->client_cfg);
        return ret;
    }
    p->configs_ready = 1;
    ret = tlsp_config_set_versions(&p->client_cfg, spec->version, spec->version);
    if (ret == 0) {
        ret = tlsp_config_set_versions(&p->server_cfg, spec->version, spec->version);
    }
    if (ret == 0) {
        ret = configure_credentials(p, spec->auth);
    }
    return ret;
}

static int start_pair(pair *p, const row_spec *spec)
{
    int ret = tlsp_engine_init(&p->client, &p->client_cfg, client_in, sizeof(client_in),
                               client_out, sizeof(client_out));

    if (ret != 0) {
        return ret;
    }
    p->client_ready = 1;
    ret = tlsp_engine_init(&p->server, &p->server_cfg, server_in, sizeof(server_in),
                           server_out, sizeof(server_out));
    if (ret != 0) {
        return ret;
    }
    p->server_ready = 1;
    return tlsp_memory_link_init(&p->link, link_c2s, sizeof(link_c2s), link_s2c,
                                 sizeof(link_s2c), spec->mtu);
}

static void free_pair(pair *p)
{
    if (p->client_ready) {
        tlsp_engine_free(&p->client);
    }
    if (p->server_ready) {
        tlsp_engine_free(&p->server);
    }
    if (p->configs_ready) {
        tlsp_config_free(&p->client_cfg);
        tlsp_config_free(&p->server_cfg);
    }
    memset(p, 0, sizeof(*p));
}

/* ---- Bulk transfer --------------------------------------------------------------------- */

/* Stream checksum: FNV-1a 64 over 8 interleaved lanes (byte i of the stream goes to lane
 * i % 8), plus the length. Same error detection per lane as plain FNV-1a, but the eight
 * multiply chains run in parallel, so checking does not dominate the MiB/s column. */
#define FNV64_OFFSET 0xcbf29ce484222325u
#define FNV64_PRIME  0x100000001b3u
#define CHECKSUM_LANES 8u

typedef struct checksum {
    uint64_t lane[CHECKSUM_LANES];
    uint64_t length;
} checksum;

static void checksum_init(checksum *c)
{
    size_t i;

    for (i = 0; i < CHECKSUM_LANES; i++) {
        c->lane[i] = FNV64_OFFSET;
    }
    c->length = 0;
}

static void checksum_update(checksum *c, const uint8_t *data, size_t len)
{
    size_t i;

    for (i = 0; i < len; i++) {
        uint64_t *h = &c->lane[(c->length + i) % CHECKSUM_LANES];
        *h = (*h ^ data[i]) * FNV64_PRIME;
    }
    c->length += len;
}

static int checksum_equal(const checksum *a, const checksum *b)
{
    return a->length == b->length && memcmp(a->lane, b->lane, sizeof(a->lane)) == 0;
}

/* One 64-bit value for the report: the lanes folded by FNV-1a. */
static uint64_t checksum_fold(const checksum *c)
{
    uint64_t h = FNV64_OFFSET;
    size_t i, b;

    for (i = 0; i < CHECKSUM_LANES; i++) {
        for (b = 0; b < 8; b++) {
            h = (h ^ ((c->lane[i] >> (8 * b)) & 0xffu)) * FNV64_PRIME;
        }
    }
    return h;
}

/* One direction of the stream: the writer's pseudo-random bytes, both sides' checksums. */
typedef struct stream {
    const char *name;
    tlsp_engine *writer, *reader;
    uint32_t rng;                    /* xorshift32 state: the data the writer sends */
    uint8_t chunk[WRITE_CHUNK];      /* generated, not yet accepted by tlsp_write() */
    size_t chunk_off, chunk_len;
    size_t written, read;
    checksum sum_written, sum_read;  /* over the stream, as sent and as received */
} stream;

static void stream_init(stream *s, const char *name, tlsp_engine *writer, tlsp_engine *reader,
                        uint32_t seed)
{
    memset(s, 0, sizeof(*s));
    s->name = name;
    s->writer = writer;
    s->reader = reader;
    s->rng = seed;
    checksum_init(&s->sum_written);
    checksum_init(&s->sum_read);
}

static uint32_t xorshift32(uint32_t *state)
{
    uint32_t x = *state;

    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    *state = x;
    return x;
}

/* Generate the next chunk of the stream, four bytes per generator step; its checksum is
 * taken as it is generated, so the sender's sum covers exactly the bytes handed to
 * tlsp_write(). */
static void stream_generate(stream *s, size_t total)
{
    size_t left = total - s->written;
    size_t n = left < sizeof(s->chunk) ? left : sizeof(s->chunk);
    size_t i;

    /* cppcheck-suppress knownConditionTrueFalse ; cppcheck 2.10 false positive: n > 0 */
    for (i = 0; i < n; i += 4) {
        uint32_t x = xorshift32(&s->rng);
        size_t k;
        /* cppcheck-suppress knownConditionTrueFalse ; the same false positive */
        for (k = 0; k < 4 && i + k < n; k++) {
            s->chunk[i + k] = (uint8_t) (x >> (8 * k));
        }
    }
    checksum_update(&s->sum_written, s->chunk, n);
    s->chunk_off = 0;
    s->chunk_len = n;
}

static int stream_write(stream *s, size_t total, int *progress, failure *f)
{
    int ret;

    if (s->written == total) {
        return 0;
    }
    if (s->chunk_off == s->chunk_len) {
        stream_generate(s, total);
    }
    ret = tlsp_write(s->writer, s->chunk + s->chunk_off, s->chunk_len - s->chunk_off);
    if (ret > 0) {
        s->chunk_off += (size_t) ret;
        s->written += (size_t) ret;
        *progress = 1;
        return 0;
    }
    if (ret == TLSP_WANT_WRITE || ret == TLSP_WANT_READ) {
        return 0;
    }
    snprintf(f->detail, sizeof(f->detail), "write %s", s->name);
    return set_failure(f, "bulk", ret);
}

static int stream_read(stream *s, size_t total, int *progress, failure *f)
{
    uint8_t buf[WRITE_CHUNK];

    for (;;) {
        int ret = tlsp_read(s->reader, buf, sizeof(buf));
        if (ret == TLSP_WANT_READ || ret == TLSP_WANT_WRITE) {
            return 0;
        }
        if (ret < 0) {
            snprintf(f->detail, sizeof(f->detail), "read %s", s->name);
            return set_failure(f, "bulk", ret);
        }
        s->read += (size_t) ret;
        checksum_update(&s->sum_read, buf, (size_t) ret);
        *progress = 1;
        if (s->read > total) {
            snprintf(f->detail, sizeof(f->detail), "%s: %zu bytes received, %zu sent",
                     s->name, s->read, total);
            return set_failure(f, "bulk", -1);
        }
    }
}

static int stream_verify(const stream *s, size_t total, failure *f)
{
    if (s->sum_written.length != total || !checksum_equal(&s->sum_written, &s->sum_read)) {
        snprintf(f->detail, sizeof(f->detail),
                 "%s: length %llu of %zu, checksum sent %016llx received %016llx", s->name,
                 (unsigned long long) s->sum_read.length, total,
                 (unsigned long long) checksum_fold(&s->sum_written),
                 (unsigned long long) checksum_fold(&s->sum_read));
        return set_failure(f, "verify", -1);
    }
    return 0;
}

/* A step's TLSP_ERR_CLOSED can hide the other engine's failure; look at both. */
static int step_pair(pair *p, int *progress, const char *phase, failure *f)
{
    int moved = 0;
    int ret = tlsp_memory_pair_step(&p->client, &p->server, &p->link, &moved);

    if (moved) {
        *progress = 1;
    }
    if (ret == 0 || ret == TLSP_ERR_CLOSED) {
        ret = tlsp_engine_error(&p->client);
        if (ret == 0) {
            ret = tlsp_engine_error(&p->server);
        }
    }
    return ret == 0 ? 0 : set_failure(f, phase, ret);
}

/* Both directions at once: each round writes a piece each way, moves the link one step,
 * then reads what arrived, as two applications sharing one loop would. */
static int run_bulk(pair *p, size_t total, failure *f)
{
    static stream up, down;
    unsigned idle = 0;
    int ret = 0;

    stream_init(&up, "client->server", &p->client, &p->server, 0x9e3779b9u);
    stream_init(&down, "server->client", &p->server, &p->client, 0x7f4a7c15u);
    while (up.read < total || down.read < total) {
        int progress = 0;
        ret = stream_write(&up, total, &progress, f);
        if (ret == 0) {
            ret = stream_write(&down, total, &progress, f);
        }
        if (ret == 0) {
            ret = step_pair(p, &progress, "bulk", f);
        }
        if (ret == 0) {
            ret = stream_read(&up, total, &progress, f);
        }
        if (ret == 0) {
            ret = stream_read(&down, total, &progress, f);
        }
        if (ret != 0) {
            return ret;
        }
        idle = progress ? 0 : idle + 1;
        if (idle > IDLE_ROUNDS) {
            snprintf(f->detail, sizeof(f->detail), "stalled: c->s %zu/%zu, s->c %zu/%zu",
                     up.read, total, down.read, total);
            return set_failure(f, "bulk", TLSP_ERR_TIMEOUT);
        }
    }
    ret = stream_verify(&up, total, f);
    return ret != 0 ? ret : stream_verify(&down, total, f);
}

/* ---- Clean close ----------------------------------------------------------------------- */

typedef struct closer {
    const char *name;
    tlsp_engine *e;
    int sent_close;      /* our close_notify is queued */
    int saw_close;       /* tlsp_read() reported the peer's close_notify */
} closer;

static int close_step(closer *c, int *progress, failure *f)
{
    uint8_t byte;
    int ret;

    if (!c->sent_close) {
        ret = tlsp_close(c->e);
        if (ret == 0) {
            c->sent_close = 1;
            *progress = 1;
        } else if (ret != TLSP_WANT_WRITE) {
            snprintf(f->detail, sizeof(f->detail), "tlsp_close(%s)", c->name);
            return set_failure(f, "close", ret);
        }
    }
    if (!c->saw_close) {
        ret = tlsp_read(c->e, &byte, 1);
        if (ret == TLSP_ERR_CLOSED) {
            c->saw_close = 1;
            *progress = 1;
        } else if (ret > 0) {
            snprintf(f->detail, sizeof(f->detail), "%s read data after the bulk phase", c->name);
            return set_failure(f, "close", -1);
        } else if (ret != TLSP_WANT_READ && ret != TLSP_WANT_WRITE) {
            snprintf(f->detail, sizeof(f->detail), "tlsp_read(%s) while closing", c->name);
            return set_failure(f, "close", ret);
        }
    }
    return 0;
}

static int run_close(pair *p, failure *f)
{
    closer client = { "client", &p->client, 0, 0 };
    closer server = { "server", &p->server, 0, 0 };
    unsigned idle = 0;

    while (!client.saw_close || !server.saw_close) {
        int progress = 0;
        int ret = close_step(&client, &progress, f);
        if (ret == 0) {
            ret = close_step(&server, &progress, f);
        }
        if (ret == 0) {
            ret = step_pair(p, &progress, "close", f);
        }
        if (ret != 0) {
            return ret;
        }
        idle = progress ? 0 : idle + 1;
        if (idle > IDLE_ROUNDS) {
            snprintf(f->detail, sizeof(f->detail), "close_notify never arrived");
            return set_failure(f, "close", TLSP_ERR_TIMEOUT);
        }
    }
    return 0;
}

/* ---- One row --------------------------------------------------------------------------- */

static void record_engine_state(failure *f, int side, const tlsp_engine *e, int ready)
{
    f->engine_error[side] = ready ? tlsp_engine_error(e) : 0;
    f->mbedtls_error[side] = ready ? tlsp_engine_mbedtls_error(e) : 0;
    f->alert[side] = ready ? tlsp_engine_alert_received(e) : -1;
}

static int run_handshake(pair *p, row_result *r)
{
    tlsp_info ci, si;
    double start = now_seconds();
    int ret = tlsp_memory_pair_handshake(&p->client, &p->server, &p->link, IDLE_ROUNDS);

    r->handshake_ms = (now_seconds() - start) * 1e3;
    if (ret != 0) {
        return set_failure(&r->fail, "handshake", ret);
    }
    tlsp_engine_info(&p->client, &ci);
    tlsp_engine_info(&p->server, &si);
    snprintf(r->suite, sizeof(r->suite), "%s", ci.ciphersuite);
    /* Each side's own output up to its completion: nothing is sent twice. */
    r->hs_client_to_server = ci.handshake_bytes_out;
    r->hs_server_to_client = si.handshake_bytes_out;
    if (strcmp(ci.ciphersuite, si.ciphersuite) != 0) {
        snprintf(r->fail.detail, sizeof(r->fail.detail), "suites differ: client %s, server %s",
                 ci.ciphersuite, si.ciphersuite);
        return set_failure(&r->fail, "handshake", -1);
    }
    return 0;
}

static void run_row(const row_spec *spec, row_result *r)
{
    pair *p = &the_pair;
    int ret;

    memset(r, 0, sizeof(*r));
    snprintf(r->suite, sizeof(r->suite), "-");
    ret = configure_pair(p, spec);
    if (ret != 0) {
        set_failure(&r->fail, "configure", ret);
    }
    if (ret == 0 && (ret = start_pair(p, spec)) != 0) {
        set_failure(&r->fail, "engine init", ret);
    }
    if (ret == 0) {
        ret = run_handshake(p, r);
    }
    if (ret == 0) {
        double bulk_start = now_seconds();
        ret = run_bulk(p, spec->bulk, &r->fail);
        r->bulk_mib_per_s = 2.0 * (double) spec->bulk / (double) MIB /
                            (now_seconds() - bulk_start);
    }
    if (ret == 0) {
        ret = run_close(p, &r->fail);
    }
    r->passed = ret == 0;
    if (!r->passed) {
        /* Keep the engines' own failure codes for the report before they are freed. */
        record_engine_state(&r->fail, 0, &p->client, p->client_ready);
        record_engine_state(&r->fail, 1, &p->server, p->server_ready);
    }
    free_pair(p);
}

/* ---- Report ------------------------------------------------------------------------------ */

static void format_size(size_t bytes, char *out, size_t out_len)
{
    if (bytes >= MIB && bytes % MIB == 0) {
        snprintf(out, out_len, "%zu MiB", bytes / MIB);
    } else if (bytes >= KIB && bytes % KIB == 0) {
        snprintf(out, out_len, "%zu KiB", bytes / KIB);
    } else {
        snprintf(out, out_len, "%zu B", bytes);
    }
}

static void print_header(void)
{
    printf("%-7s  %-4s  %-8s  %-43s  %8s  %7s  %7s  %9s  %8s  %s\n", "version", "auth",
           "delivery", "suite", "hs ms", "hs c->s", "hs s->c", "each way", "MiB/s", "result");
    printf("%-7s  %-4s  %-8s  %-43s  %8s  %7s  %7s  %9s  %8s  %s\n", "-------", "----",
           "--------", "-----", "-----", "-------", "-------", "--------", "-----", "------");
}

static void print_row(const row_spec *spec, const row_result *r)
{
    char size[32];
    char rate[32];

    format_size(spec->bulk, size, sizeof(size));
    if (r->passed) {
        snprintf(rate, sizeof(rate), "%.1f", r->bulk_mib_per_s);
    } else {
        snprintf(rate, sizeof(rate), "-");
    }
    printf("%-7s  %-4s  %-8s  %-43s  %8.2f  %7llu  %7llu  %9s  %8s  %s\n",
           spec->version == TLSP_TLS1_3 ? "TLS 1.3" : "TLS 1.2",
           spec->auth == AUTH_PSK ? "psk" : "cert", spec->mtu == 1 ? "1-byte" : "full",
           r->suite, r->handshake_ms, (unsigned long long) r->hs_client_to_server,
           (unsigned long long) r->hs_server_to_client, size, rate, r->passed ? "PASS" : "FAIL");
}

static void print_engine(const char *who, const failure *f, int side)
{
    char text[128];

    if (f->engine_error[side] == 0) {
        printf("      %s: no engine failure\n", who);
        return;
    }
    mbedtls_strerror(f->mbedtls_error[side], text, sizeof(text));
    printf("      %s: -0x%02x %s; mbedTLS -0x%04x %s", who, (unsigned) -f->engine_error[side],
           tlsp_strerror(f->engine_error[side]), (unsigned) -f->mbedtls_error[side], text);
    if (f->alert[side] >= 0) {
        printf("; alert received %d", f->alert[side]);
    }
    printf("\n");
}

static void print_failure(const failure *f)
{
    printf("      failed in %s%s%s\n", f->phase, f->detail[0] ? ": " : "", f->detail);
    if (f->code != -1) {
        printf("      call returned -0x%02x %s\n", (unsigned) -f->code, tlsp_strerror(f->code));
    }
    print_engine("client", f, 0);
    print_engine("server", f, 1);
}

/* ---- Main ------------------------------------------------------------------------------- */

static void usage(FILE *out, const char *argv0)
{
    fprintf(out,
            "usage: %s [--quick] [--help]\n"
            "\n"
            "Loopback self-test of tlspair over the in-memory link, with real entropy and the\n"
            "real clock: TLS 1.2 and 1.3 x {ECDHE-ECDSA P-256 (test PKI), PSK} x {full-size\n"
            "steps, one byte at a time}. Each row: handshake, bulk transfer both ways at once\n"
            "(length and an 8-lane FNV-1a checksum compared), close_notify both ways.\n"
            "\n"
            "  --quick  smaller bulk transfer (%zu KiB full, %zu KiB one byte at a time)\n"
            "  --help   this text\n"
            "\n"
            "Exit status: 0 when every row passed, 1 when any failed, 2 on bad usage.\n",
            argv0, BULK_QUICK_FULL / KIB, BULK_QUICK_BYTEWISE / KIB);
}

/* Returns 0 to run, 1 after --help, -1 on bad usage. */
static int parse_args(int argc, char **argv, int *quick)
{
    int i;

    *quick = 0;
    for (i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--quick") == 0) {
            *quick = 1;
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

static size_t build_matrix(row_spec *rows, int quick)
{
    static const tlsp_version versions[] = { TLSP_TLS1_3, TLSP_TLS1_2 };
    static const auth_kind auths[] = { AUTH_CERT, AUTH_PSK };
    size_t n = 0, v, a, mtu;

    for (v = 0; v < 2; v++) {
        for (a = 0; a < 2; a++) {
            for (mtu = 0; mtu <= 1; mtu++) {
                row_spec *r = &rows[n++];
                r->version = versions[v];
                r->auth = auths[a];
                r->mtu = mtu;
                if (quick) {
                    r->bulk = mtu ? BULK_QUICK_BYTEWISE : BULK_QUICK_FULL;
                } else {
                    /* Two knobs that happen to be equal today. */
                    r->bulk = mtu ? BULK_BYTEWISE : BULK_FULL;   /* NOLINT(bugprone-branch-clone) */
                }
            }
        }
    }
    return n;
}

int main(int argc, char **argv)
{
    row_spec rows[8];
    row_result result;
    size_t n, i, passed = 0;
    double start;
    int quick;
    int ret = parse_args(argc, argv, &quick);

    if (ret != 0) {
        return ret > 0 ? 0 : 2;
    }
    n = build_matrix(rows, quick);
    printf("tlspair self-test: client and server over the in-memory link (POSIX port:\n"
           "real entropy, real clock). Engine queues %u B, link %u KiB each way.\n"
           "hs ms: handshake wall time; hs c->s / s->c: handshake bytes on the wire;\n"
           "each way: bulk bytes sent in each direction at once; MiB/s: both directions\n"
           "together over the bulk phase. Then close_notify both ways.\n\n",
           ENGINE_QUEUE_SIZE, LINK_SIZE / 1024u);
    print_header();
    start = now_seconds();
    for (i = 0; i < n; i++) {
        run_row(&rows[i], &result);
        print_row(&rows[i], &result);
        if (result.passed) {
            passed++;
        } else {
            print_failure(&result.fail);
        }
        fflush(stdout);
    }
    printf("\n%zu/%zu rows passed in %.1f s%s\n", passed, n, now_seconds() - start,
           passed == n ? "" : ": FAILED");
    return passed == n ? 0 : 1;
}
