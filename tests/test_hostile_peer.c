/*
 * Resource bounds against a hostile peer. A scripted peer sends what no honest peer would,
 * for ever: handshake fragments of a message that never ends, tiny and unknown records,
 * renegotiation requests, empty records, warning alerts, TLS 1.3 ChangeCipherSpec,
 * KeyUpdate and NewSessionTicket messages, and records longer than any limit. Before the
 * handshake it writes raw bytes; after it, it holds the session keys (the other engine of
 * a connected pair, made to write any record by tests/support/tlsp_forge.h), which is the
 * worst case: an authenticated peer.
 *
 * For every attack the engine under attack must, within a stated number of records and
 * app-side calls, fail with a sticky tlspair error, while every call before that consumes
 * all the bytes it was given (progress: net_in never accumulates), and the mbedTLS heap
 * stays under the process cap (tlsp_heap_set_limit(), the host's stand-in for an arena)
 * and within ATTACK_HEAP_MARGIN of the peak the same pair reached in ordinary use.
 * docs/SECURITY.md, "Resource bounds", lists what bounds each attack.
 */
#include <string.h>

#include "tlsp_forge.h"
#include "tlsp_pair.h"
#include "tlsp_port_test.h"
#include "tlsp_test.h"
#include "tlspair/tlsp_heap.h"

#define REC_CCS       20
#define REC_ALERT     21
#define REC_HANDSHAKE 22
#define REC_APP_DATA  23
#define REC_UNKNOWN   99

#define HS_HELLO_REQUEST      0
#define HS_CLIENT_HELLO       1
#define HS_SERVER_HELLO       2
#define HS_NEW_SESSION_TICKET 4
#define HS_KEY_UPDATE         24

#define ALERT_LEVEL_WARNING      1
#define ALERT_UNEXPECTED_MESSAGE 10
#define ALERT_USER_CANCELED      90
#define ALERT_NO_RENEGOTIATION   100

/* The engine's bound on records without application data after the handshake
 * (MAX_RECORDS_WITHOUT_APP_DATA in core/src/tlsp_engine.c). */
#define RECORDS_WITHOUT_APP_DATA_LIMIT 32u

/* An attack that has not failed the engine after this many records is endless. */
#define ENDLESS 20000u

/* Process-wide cap on the mbedTLS heap for the whole suite: a connected certificate pair
 * (two configs, two engines with their 16 KiB record buffers) plus room. */
#define HEAP_LIMIT (200u * 1024u)
/* An attack must not take the heap above the peak the same pair reached in its ordinary
 * life (reference_peak: set-up, handshake, full-size records both ways) by more than
 * this: an arena sized for the real workload survives the attacks. (Ordinary records do
 * take heap for a moment: PSA copies the caller's AEAD input and output buffers,
 * MBEDTLS_PSA_COPY_CALLER_BUFFERS, up to a record buffer each.) */
#define ATTACK_HEAP_MARGIN 256u

static size_t reference_peak;

static size_t heap_peak_now(void)
{
    tlsp_heap_stats st;

    tlsp_heap_get_stats(&st);
    return st.peak;
}

/* Largest wire record an attack writes, and the victim's net_in in the small-queue cases. */
#define MAX_WIRE_RECORD (16384u + 2048u)
#define SMALL_QUEUE 1024u

static const char *vname(tlsp_version v)
{
    return v == TLSP_TLS1_3 ? "TLSv1.3" : "TLSv1.2";
}

/* ---- Records the attacker sends -------------------------------------------------------- */

/* One record: raw wire bytes (header included), or a type and body the peer engine
 * protects with its keys. */
typedef struct piece {
    int forged;
    uint8_t type;
    const uint8_t *bytes;
    size_t len;
} piece;

#define RAW(arr)           { 0, 0, (arr), sizeof(arr) }
#define FORGED(t, arr)     { 1, (t), (arr), sizeof(arr) }
#define FORGED_EMPTY(t)    { 1, (t), NULL, 0 }

static const uint8_t warning_no_reneg[] = { ALERT_LEVEL_WARNING, ALERT_NO_RENEGOTIATION };
static const uint8_t warning_user_canceled[] = { ALERT_LEVEL_WARNING, ALERT_USER_CANCELED };
static const uint8_t hello_request[] = { HS_HELLO_REQUEST, 0, 0, 0 };
static const uint8_t key_update[] = { HS_KEY_UPDATE, 0, 0, 1, 0 };
/* A ClientHello header and a body nobody parses: mbedTLS refuses renegotiation first. */
static const uint8_t client_hello[] = { HS_CLIENT_HELLO, 0, 0, 8, 3, 3, 1, 2, 3, 4, 5, 6 };
/* A well-formed TLS 1.3 NewSessionTicket: lifetime 3600 s, age_add, 1-byte nonce, 32-byte
 * ticket, no extensions (RFC 8446 4.6.1). */
static const uint8_t new_session_ticket[] = {
    HS_NEW_SESSION_TICKET, 0, 0, 46,
    0, 0, 0x0e, 0x10,  1, 2, 3, 4,  1, 0x55,  0, 32,
    1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16,
    17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32,
    0, 0
};
static const uint8_t one_byte[] = { 'x' };

/* Cleartext records (before the handshake, or TLS 1.3 ChangeCipherSpec at any time). */
static const uint8_t raw_ccs[] = { REC_CCS, 3, 3, 0, 1, 1 };
static const uint8_t raw_warning[] = { REC_ALERT, 3, 3, 0, 2, ALERT_LEVEL_WARNING, ALERT_USER_CANCELED };
static const uint8_t raw_unknown[] = { REC_UNKNOWN, 3, 3, 0, 4, 1, 2, 3, 4 };
static const uint8_t raw_hs_byte[] = { REC_HANDSHAKE, 3, 3, 0, 1, 0 };
/* An application record header announcing 65535 bytes: more than any record may hold. */
static const uint8_t raw_oversized_header[] = { REC_APP_DATA, 3, 3, 0xff, 0xff };
/* A handshake header announcing a 16 MiB message, then nothing but 1-byte fragments. */
static const uint8_t raw_huge_server_hello[] = { REC_HANDSHAKE, 3, 3, 0, 4, HS_SERVER_HELLO, 0xff, 0xff, 0xff };
static const uint8_t raw_huge_client_hello[] = { REC_HANDSHAKE, 3, 3, 0, 4, HS_CLIENT_HELLO, 0xff, 0xff, 0xff };
static const piece unknown_record = RAW(raw_unknown);
static const piece oversized_header = RAW(raw_oversized_header);

/* ---- The attack loop ----------------------------------------------------------------- */

typedef int (*app_call)(tlsp_engine *e);

typedef struct attack {
    tlsp_engine *victim;
    tlsp_engine *peer;          /* the forging engine; NULL for raw-only attacks */
    app_call call;
    const piece *first;         /* sent once before the pattern, or NULL */
    const piece *pattern;       /* then this sequence, over and over */
    size_t pattern_len;
    uint32_t ms_per_record;     /* port clock moved on after each record */
    /* Results */
    unsigned records;           /* records fed */
    unsigned calls;             /* app-side calls */
    uint64_t bytes_fed;
    uint64_t victim_out;        /* ciphertext the victim sent back */
    uint64_t app_bytes;         /* application bytes the victim's reads returned */
    size_t heap_growth;         /* heap peak during the attack over use at its start */
    size_t heap_peak;
    int result;                 /* the failure that ended it; 0 = still going at the end */
    int stalled;                /* a call took none of the queued bytes and did not fail */
} attack;

static uint8_t app_buf[4096];
static uint64_t app_bytes_seen;

static int call_handshake(tlsp_engine *e)
{
    return tlsp_handshake(e);
}

static int call_read(tlsp_engine *e)
{
    int ret = tlsp_read(e, app_buf, sizeof(app_buf));

    if (ret > 0) {
        app_bytes_seen += (uint64_t) ret;
        return 0;
    }
    return ret;
}

static int call_poll(tlsp_engine *e)
{
    return tlsp_poll(e);
}

static int is_failure(int ret)
{
    return ret < 0 && ret != TLSP_WANT_READ && ret != TLSP_WANT_WRITE;
}

static uint64_t bytes_in(const tlsp_engine *e)
{
    tlsp_info info;

    return tlsp_engine_info(e, &info) == 0 ? info.counters.bytes_in : 0;
}

/* The wire bytes of one piece. 0 on failure. */
static size_t make_record(attack *a, const piece *pc, uint8_t *out, size_t cap)
{
    size_t len = 0;
    int n;

    if (!pc->forged) {
        if (pc->len > cap) {
            return 0;
        }
        memcpy(out, pc->bytes, pc->len);
        return pc->len;
    }
    if (a->peer == NULL || tlsp_forge_record(a->peer, pc->type, pc->bytes, pc->len) != 0) {
        return 0;
    }
    while (len < cap && (n = tlsp_net_out_drain(a->peer, out + len, cap - len)) > 0) {
        len += (size_t) n;
    }
    return len;
}

static void drain_victim(attack *a)
{
    uint8_t sink[2048];
    int n;

    while ((n = tlsp_net_out_drain(a->victim, sink, sizeof(sink))) > 0) {
        a->victim_out += (uint64_t) n;
    }
}

/* Feed records until the victim fails or max_records went in. Every call that does not
 * fail must have taken every byte fed so far (bytes_in == fed): nothing piles up. */
static void run_attack(attack *a, unsigned max_records)
{
    static uint8_t rec[MAX_WIRE_RECORD];
    tlsp_heap_stats before, after;
    uint64_t in0 = bytes_in(a->victim);

    app_bytes_seen = 0;
    tlsp_heap_get_stats(&before);
    tlsp_heap_reset_peak();
    while (a->records < max_records && a->result == 0 && !a->stalled) {
        const piece *pc = (a->records == 0 && a->first != NULL)
                              ? a->first
                              : &a->pattern[(a->records - (a->first != NULL ? 1u : 0u)) %
                                            a->pattern_len];
        size_t len = make_record(a, pc, rec, sizeof(rec));
        size_t off = 0;

        if (len == 0) {
            fprintf(stderr, "attack: could not make record %u\n", a->records);
            a->stalled = 1;
            break;
        }
        a->records++;
        while (off < len) {
            int fed = tlsp_net_in_feed(a->victim, rec + off, len - off);
            int ret;

            if (fed < 0) {
                a->result = fed;
                break;
            }
            off += (size_t) fed;
            a->bytes_fed += (uint64_t) fed;
            ret = a->call(a->victim);
            a->calls++;
            drain_victim(a);
            if (is_failure(ret)) {
                a->result = ret;
                break;
            }
            if (bytes_in(a->victim) - in0 != a->bytes_fed) {
                fprintf(stderr, "attack: record %u: %llu of %llu bytes taken after call %u (%d)\n",
                        a->records, (unsigned long long) (bytes_in(a->victim) - in0),
                        (unsigned long long) a->bytes_fed, a->calls, ret);
                a->stalled = 1;
                break;
            }
        }
        if (a->ms_per_record != 0) {
            tlsp_port_test_advance_millis(a->ms_per_record);
        }
    }
    a->app_bytes = app_bytes_seen;
    tlsp_heap_get_stats(&after);
    a->heap_peak = after.peak;
    a->heap_growth = after.peak > before.current ? after.peak - before.current : 0;
}

/* What every attack must show, whatever its outcome: no stall, bounded calls, bounded
 * memory, and a sticky failure if it failed. */
static void check_bounds(const attack *a, size_t queue)
{
    unsigned calls_per_record = 1u + (unsigned) ((MAX_WIRE_RECORD + queue - 1) / queue);

    CHECK(!a->stalled);
    CHECK(a->calls <= a->records * calls_per_record);
    CHECK(a->heap_peak <= HEAP_LIMIT);
    CHECK(a->heap_peak <= reference_peak + ATTACK_HEAP_MARGIN);
    if (a->heap_peak > reference_peak + ATTACK_HEAP_MARGIN) {
        fprintf(stderr, "heap peak %zu during the attack (+%zu), %zu in ordinary use\n",
                a->heap_peak, a->heap_growth, reference_peak);
    }
    if (a->result != 0) {
        CHECK_EQ(tlsp_engine_error(a->victim), a->result);
        CHECK_EQ(a->call(a->victim), a->result);
        CHECK(tlsp_status(a->victim) & TLSP_STATUS_FAILED);
    }
}

/* ---- Set-ups -------------------------------------------------------------------------- */

/* A pair whose handshake has not started; the victim is the client or the server. */
static tlsp_pair *fresh_pair(tlsp_version min, tlsp_version max, uint32_t handshake_ms)
{
    tlsp_pair_opts o = { TLSP_PAIR_CERT, min, max, 0, 0, 0 };
    tlsp_pair *p = tlsp_pair_alloc(&o);

    if (p == NULL) {
        return NULL;
    }
    if (tlsp_pair_configure(p) != 0 ||
        tlsp_config_set_timeouts(&p->client_cfg, handshake_ms, 0) != 0 ||
        tlsp_config_set_timeouts(&p->server_cfg, handshake_ms, 0) != 0 ||
        tlsp_pair_start(p) != 0) {
        tlsp_pair_free(p);
        return NULL;
    }
    tlsp_heap_reset_peak();
    reference_peak = heap_peak_now(); /* nothing is protected yet: no growth at all */
    return p;
}

/* The client sends its ClientHello (drained and dropped): it now waits for a ServerHello. */
static int client_waiting_for_server_hello(tlsp_engine *client)
{
    uint8_t sink[2048];
    int ret = tlsp_handshake(client);

    if (ret != TLSP_WANT_WRITE && ret != TLSP_WANT_READ) {
        return -1;
    }
    while (tlsp_net_out_drain(client, sink, sizeof(sink)) > 0) {
    }
    return tlsp_handshake(client) == TLSP_WANT_READ ? 0 : -1;
}

/* One record of 16 KiB of application data from one end to the other, however small the
 * queues. 0 or a failure. */
static int full_record(tlsp_pair *p, tlsp_engine *from, tlsp_engine *to)
{
    static const uint8_t data[16384];
    uint8_t buf[4096];
    size_t sent = 0, got = 0;
    unsigned rounds;

    for (rounds = 0; rounds < 10000 && got < sizeof(data); rounds++) {
        int n;
        if (sent < sizeof(data)) {
            n = tlsp_write(from, data + sent, sizeof(data) - sent);
            if (n > 0) {
                sent += (size_t) n;
            } else if (n != TLSP_WANT_WRITE) {
                return n;
            }
        }
        if (tlsp_pair_settle(p, 2) != 0) {
            return -1;
        }
        while ((n = tlsp_read(to, buf, sizeof(buf))) > 0) {
            got += (size_t) n;
        }
        if (n != TLSP_WANT_READ && n != TLSP_WANT_WRITE) {
            return n;
        }
    }
    return got == sizeof(data) ? 0 : -1;
}

/* A connected pair (settled: nothing in flight) with the given queues and read deadline;
 * resumption on both sides when `tickets`. */
static tlsp_pair *connected_pair(tlsp_version v, size_t queue, uint32_t read_ms, int tickets)
{
    tlsp_pair_opts o = { TLSP_PAIR_CERT, v, v, queue, 0, 0 };
    tlsp_pair *p = tlsp_pair_alloc(&o);

    if (p == NULL) {
        return NULL;
    }
    tlsp_heap_reset_peak();
    if (tlsp_pair_configure(p) != 0 ||
        tlsp_config_set_timeouts(&p->client_cfg, 0, read_ms) != 0 ||
        tlsp_config_set_timeouts(&p->server_cfg, 0, read_ms) != 0 ||
        (tickets && (tlsp_config_enable_resumption(&p->client_cfg, TLSP_RESUME_TICKETS, 3600, 0) != 0 ||
                     tlsp_config_enable_resumption(&p->server_cfg, TLSP_RESUME_TICKETS, 3600, 0) != 0)) ||
        tlsp_pair_start(p) != 0 || tlsp_pair_handshake(p) != 0 || tlsp_pair_settle(p, 8) != 0) {
        fprintf(stderr, "connected_pair: set-up failed\n");
        tlsp_pair_free(p);
        return NULL;
    }
    if (full_record(p, &p->client, &p->server) != 0 ||
        full_record(p, &p->server, &p->client) != 0 || tlsp_pair_settle(p, 8) != 0) {
        fprintf(stderr, "connected_pair: transfer failed\n");
        tlsp_pair_free(p);
        return NULL;
    }
    reference_peak = heap_peak_now();
    return p;
}

/* ---- Before the handshake ------------------------------------------------------------- */

/* A handshake message announcing 16 MiB, then 1-byte fragments for ever: mbedTLS
 * reassembles fragments in its fixed input buffer (ssl_msg.c,
 * mbedtls_ssl_prepare_handshake_record()) and fails when the next record would not fit
 * (mbedtls_ssl_fetch_input(): "requesting more data than fits"). Each fragment costs 6
 * bytes of input and one call; the buffer bounds their number. */
static void endless_handshake_fragments(tlsp_role victim_role, tlsp_version max)
{
    tlsp_pair *p = fresh_pair(TLSP_TLS1_2, max, 0);
    static const piece first_sh = RAW(raw_huge_server_hello);
    static const piece first_ch = RAW(raw_huge_client_hello);
    static const piece frag[] = { RAW(raw_hs_byte) };
    attack a;

    REQUIRE(p != NULL);
    memset(&a, 0, sizeof(a));
    a.victim = victim_role == TLSP_CLIENT ? &p->client : &p->server;
    a.call = call_handshake;
    a.first = victim_role == TLSP_CLIENT ? &first_sh : &first_ch;
    a.pattern = frag;
    a.pattern_len = 1;
    if (victim_role == TLSP_CLIENT) {
        REQUIRE_EQ(client_waiting_for_server_hello(a.victim), 0);
    }
    run_attack(&a, ENDLESS);
    fprintf(stderr, "  %s victim, max %s: failed after %u fragments (%llu bytes)\n",
            victim_role == TLSP_CLIENT ? "client" : "server", vname(max), a.records,
            (unsigned long long) a.bytes_fed);
    CHECK_EQ(a.result, TLSP_ERR_HANDSHAKE);
    /* One fragment per byte of mbedTLS's 16 KiB (+ header room) input buffer at most. */
    CHECK(a.records <= 16384u + 512u);
    check_bounds(&a, 16384u + 512u);
    tlsp_pair_free(p);
}

static void test_hs_fragments_client_tls12(void) { endless_handshake_fragments(TLSP_CLIENT, TLSP_TLS1_2); }
static void test_hs_fragments_client_tls13(void) { endless_handshake_fragments(TLSP_CLIENT, TLSP_TLS1_3); }
static void test_hs_fragments_server_tls12(void) { endless_handshake_fragments(TLSP_SERVER, TLSP_TLS1_2); }
static void test_hs_fragments_server_tls13(void) { endless_handshake_fragments(TLSP_SERVER, TLSP_TLS1_3); }

/* One raw record, over and over, before the handshake: expect `expected` within
 * max_records records. ms_per_record moves the clock (handshake deadline 2 s). */
static void raw_before_handshake(tlsp_role victim_role, tlsp_version max, const piece *pc,
                                 uint32_t ms_per_record, int expected, unsigned max_records)
{
    tlsp_pair *p = fresh_pair(TLSP_TLS1_2, max, 2000);
    attack a;

    REQUIRE(p != NULL);
    memset(&a, 0, sizeof(a));
    a.victim = victim_role == TLSP_CLIENT ? &p->client : &p->server;
    a.call = call_handshake;
    a.pattern = pc;
    a.pattern_len = 1;
    a.ms_per_record = ms_per_record;
    if (victim_role == TLSP_CLIENT) {
        REQUIRE_EQ(client_waiting_for_server_hello(a.victim), 0);
    } else {
        REQUIRE_EQ(tlsp_handshake(a.victim), TLSP_WANT_READ); /* starts its deadline */
    }
    run_attack(&a, ENDLESS);
    CHECK_EQ(a.result, expected);
    CHECK(a.records <= max_records);
    if (a.records > max_records) {
        fprintf(stderr, "  %u records before the failure, expected at most %u\n", a.records, max_records);
    }
    check_bounds(&a, 16384u + 512u);
    tlsp_pair_free(p);
}

/* Tiny records without a handshake header: the first one fails ("handshake message too
 * short": mbedTLS wants the 4-byte header in the first fragment). */
static void tiny_records(tlsp_role r, tlsp_version max)
{
    static const piece pc[] = { RAW(raw_hs_byte) };
    raw_before_handshake(r, max, pc, 0, TLSP_ERR_HANDSHAKE, 1);
}

static void test_tiny_records_client_tls12(void) { tiny_records(TLSP_CLIENT, TLSP_TLS1_2); }
static void test_tiny_records_client_tls13(void) { tiny_records(TLSP_CLIENT, TLSP_TLS1_3); }
static void test_tiny_records_server_tls12(void) { tiny_records(TLSP_SERVER, TLSP_TLS1_2); }
static void test_tiny_records_server_tls13(void) { tiny_records(TLSP_SERVER, TLSP_TLS1_3); }

/* Warning alerts before the hello: mbedTLS ignores them without limit, so the handshake
 * deadline (counted from the first tlsp_handshake(), not from the last byte) ends it: 2 s
 * at 10 ms per record is 200 records. */
static void warnings_before_hello(tlsp_role r, tlsp_version max)
{
    static const piece pc[] = { RAW(raw_warning) };
    raw_before_handshake(r, max, pc, 10, TLSP_ERR_TIMEOUT, 2000 / 10 + 1);
}

static void test_warnings_before_hello_client_tls12(void) { warnings_before_hello(TLSP_CLIENT, TLSP_TLS1_2); }
static void test_warnings_before_hello_client_tls13(void) { warnings_before_hello(TLSP_CLIENT, TLSP_TLS1_3); }
static void test_warnings_before_hello_server_tls12(void) { warnings_before_hello(TLSP_SERVER, TLSP_TLS1_2); }
static void test_warnings_before_hello_server_tls13(void) { warnings_before_hello(TLSP_SERVER, TLSP_TLS1_3); }

/* ChangeCipherSpec before the hello, for ever. */
static void ccs_before_hello(tlsp_role r, tlsp_version max, int expected, unsigned max_records)
{
    static const piece pc[] = { RAW(raw_ccs) };
    raw_before_handshake(r, max, pc, 10, expected, max_records);
}

static void test_ccs_before_hello_client_tls12(void) { ccs_before_hello(TLSP_CLIENT, TLSP_TLS1_2, TLSP_ERR_HANDSHAKE, 1); }
static void test_ccs_before_hello_client_tls13(void) { ccs_before_hello(TLSP_CLIENT, TLSP_TLS1_3, TLSP_ERR_TIMEOUT, 201); }
static void test_ccs_before_hello_server_tls12(void) { ccs_before_hello(TLSP_SERVER, TLSP_TLS1_2, TLSP_ERR_HANDSHAKE, 1); }
static void test_ccs_before_hello_server_tls13(void) { ccs_before_hello(TLSP_SERVER, TLSP_TLS1_3, TLSP_ERR_TIMEOUT, 201); }

/* An unknown record type fails at once. */
static void unknown_before_hello(tlsp_role r, tlsp_version max)
{
    static const piece pc[] = { RAW(raw_unknown) };
    raw_before_handshake(r, max, pc, 0, TLSP_ERR_HANDSHAKE, 1);
}

static void test_unknown_type_before_hello_client(void) { unknown_before_hello(TLSP_CLIENT, TLSP_TLS1_3); }
static void test_unknown_type_before_hello_server(void) { unknown_before_hello(TLSP_SERVER, TLSP_TLS1_3); }

/* ---- Oversized records ---------------------------------------------------------------- */

/* A record header announcing `announced` bytes, then body bytes for ever (in 1 KiB
 * records' worth of garbage). The victim must fail without waiting for a body that cannot
 * fit: right after the header. */
static void oversized(tlsp_role victim_role, tlsp_version v, int after_handshake, uint16_t announced)
{
    tlsp_pair *p = after_handshake ? connected_pair(v, 0, 0, 0) : fresh_pair(v, v, 0);
    uint8_t header[5];
    static uint8_t garbage[1024];
    piece first;
    piece body[1];
    attack a;

    REQUIRE(p != NULL);
    header[0] = after_handshake ? REC_APP_DATA : REC_HANDSHAKE;
    header[1] = 3;
    header[2] = 3;
    header[3] = (uint8_t) (announced >> 8);
    header[4] = (uint8_t) announced;
    memset(garbage, 0x5a, sizeof(garbage));
    first.forged = 0;
    first.type = 0;
    first.bytes = header;
    first.len = sizeof(header);
    body[0] = first;
    body[0].bytes = garbage;
    body[0].len = sizeof(garbage);
    memset(&a, 0, sizeof(a));
    a.victim = victim_role == TLSP_CLIENT ? &p->client : &p->server;
    a.call = after_handshake ? call_read : call_handshake;
    a.first = &first;
    a.pattern = body;
    a.pattern_len = 1;
    if (!after_handshake && victim_role == TLSP_CLIENT) {
        REQUIRE_EQ(client_waiting_for_server_hello(a.victim), 0);
    }
    run_attack(&a, 64);
    CHECK_EQ(a.result, after_handshake ? TLSP_ERR_BAD_RECORD : TLSP_ERR_HANDSHAKE);
    CHECK_EQ(a.records, 1); /* the header alone */
    check_bounds(&a, 16384u + 512u);
    if (after_handshake) {
        /* RFC 8446 5.2 / RFC 5246 6.2.3: record_overflow (the engine adds it). */
        CHECK(a.victim_out > 0);
    }
    tlsp_pair_free(p);
}

/* Past the largest TLS 1.3 ciphertext (2^14 + 256) and past a 16-bit length's reach. */
static void test_oversized_before_hello_tls12(void) { oversized(TLSP_CLIENT, TLSP_TLS1_2, 0, 16384 + 2048 + 1); }
static void test_oversized_before_hello_tls13(void) { oversized(TLSP_SERVER, TLSP_TLS1_3, 0, 0xffff); }
static void test_oversized_after_client_tls12(void) { oversized(TLSP_CLIENT, TLSP_TLS1_2, 1, 16384 + 2048 + 1); }
static void test_oversized_after_server_tls12(void) { oversized(TLSP_SERVER, TLSP_TLS1_2, 1, 0xffff); }
static void test_oversized_after_client_tls13(void) { oversized(TLSP_CLIENT, TLSP_TLS1_3, 1, 0xffff); }
static void test_oversized_after_server_tls13(void) { oversized(TLSP_SERVER, TLSP_TLS1_3, 1, 16384 + 256 + 1 + 2048); }

/* A record that fits mbedTLS's buffer but not the victim's 1 KiB net_in: bytes flow
 * through net_in a queue's worth at a time (each call takes them all), and the garbage
 * fails authentication once complete. */
static void longer_than_net_in(tlsp_version v)
{
    tlsp_pair *p = connected_pair(v, SMALL_QUEUE, 0, 0);
    static uint8_t rec[5 + 16000];
    piece pc[1];
    attack a;

    REQUIRE(p != NULL);
    memset(rec, 0xa5, sizeof(rec));
    rec[0] = REC_APP_DATA;
    rec[1] = 3;
    rec[2] = 3;
    rec[3] = (uint8_t) (16000 >> 8);
    rec[4] = (uint8_t) (16000 & 0xff);
    pc[0].forged = 0;
    pc[0].type = 0;
    pc[0].bytes = rec;
    pc[0].len = sizeof(rec);
    memset(&a, 0, sizeof(a));
    a.victim = &p->client;
    a.call = call_read;
    a.pattern = pc;
    a.pattern_len = 1;
    run_attack(&a, 8);
    CHECK_EQ(a.result, TLSP_ERR_BAD_RECORD);
    CHECK_EQ(a.records, 1);
    CHECK(a.calls >= sizeof(rec) / SMALL_QUEUE);
    CHECK_EQ(a.bytes_fed, sizeof(rec));
    check_bounds(&a, SMALL_QUEUE);
    tlsp_pair_free(p);
}

static void test_longer_than_net_in_tls12(void) { longer_than_net_in(TLSP_TLS1_2); }
static void test_longer_than_net_in_tls13(void) { longer_than_net_in(TLSP_TLS1_3); }

/* ---- After the handshake: an authenticated hostile peer ------------------------------- */

/* An attack by one end of a connected pair (it forges records with its keys) on the
 * other, whose application calls `call` after each record; the caller sets the records. */
static attack authenticated_attack(tlsp_pair *p, tlsp_role victim_role, app_call call)
{
    attack a;

    memset(&a, 0, sizeof(a));
    a.victim = victim_role == TLSP_CLIENT ? &p->client : &p->server;
    a.peer = victim_role == TLSP_CLIENT ? &p->server : &p->client;
    a.call = call;
    return a;
}

/* The victim's peer writes `pattern` over and over (at most max_to_send records); the
 * victim's application calls `call` after each. */
static attack post_handshake(tlsp_pair *p, tlsp_role victim_role, const piece *pattern,
                             size_t pattern_len, app_call call, unsigned max_to_send)
{
    attack a = authenticated_attack(p, victim_role, call);

    a.pattern = pattern;
    a.pattern_len = pattern_len;
    run_attack(&a, max_to_send);
    return a;
}

/* The same, expecting `expected` after between min_records and max_records records. */
static void expect_post_handshake(tlsp_role r, tlsp_version v, const piece *pattern,
                                  size_t pattern_len, app_call call, int expected,
                                  unsigned min_records, unsigned max_records)
{
    tlsp_pair *p = connected_pair(v, 0, 0, 0);
    attack a;

    REQUIRE(p != NULL);
    a = post_handshake(p, r, pattern, pattern_len, call, ENDLESS);
    CHECK_EQ(a.result, expected);
    CHECK(a.records >= min_records && a.records <= max_records);
    if (a.records < min_records || a.records > max_records) {
        fprintf(stderr, "  %s %s victim: failed after %u records, expected %u..%u\n",
                vname(v), r == TLSP_CLIENT ? "client" : "server", a.records, min_records,
                max_records);
    }
    CHECK_EQ(a.app_bytes, 0);
    check_bounds(&a, 16384u + 512u);
    if (expected == TLSP_ERR_BAD_RECORD) {
        CHECK(a.victim_out > 0); /* a fatal alert told the peer */
    }
    tlsp_pair_free(p);
}

/* Past the engine's limit: the record after the 32nd without application data fails. */
#define AT_LIMIT RECORDS_WITHOUT_APP_DATA_LIMIT + 1, RECORDS_WITHOUT_APP_DATA_LIMIT + 1

/* Empty application records: mbedTLS fails the fourth in a row (ssl_msg.c, nb_zero > 3,
 * "possible DoS attack"), as a bad MAC. */
static void empty_records(tlsp_role r, tlsp_version v)
{
    static const piece pc[] = { FORGED_EMPTY(REC_APP_DATA) };
    expect_post_handshake(r, v, pc, 1, call_read, TLSP_ERR_BAD_RECORD, 4, 4);
}

static void test_empty_records_client_tls12(void) { empty_records(TLSP_CLIENT, TLSP_TLS1_2); }
static void test_empty_records_client_tls13(void) { empty_records(TLSP_CLIENT, TLSP_TLS1_3); }
static void test_empty_records_server_tls12(void) { empty_records(TLSP_SERVER, TLSP_TLS1_2); }
static void test_empty_records_server_tls13(void) { empty_records(TLSP_SERVER, TLSP_TLS1_3); }

/* Three empty records and a warning, for ever: the warning resets mbedTLS's count of
 * empty records; the engine's own limit ends it. */
static void empty_records_and_warnings(tlsp_role r, tlsp_version v)
{
    static const piece pc[] = { FORGED_EMPTY(REC_APP_DATA), FORGED_EMPTY(REC_APP_DATA),
                                FORGED_EMPTY(REC_APP_DATA), FORGED(REC_ALERT, warning_user_canceled) };
    expect_post_handshake(r, v, pc, 4, call_read, TLSP_ERR_BAD_RECORD, AT_LIMIT);
}

static void test_empty_and_warnings_client_tls12(void) { empty_records_and_warnings(TLSP_CLIENT, TLSP_TLS1_2); }
static void test_empty_and_warnings_server_tls13(void) { empty_records_and_warnings(TLSP_SERVER, TLSP_TLS1_3); }

/* Warning alerts for ever (mbedTLS ignores every non-fatal alert but close_notify). */
static void warnings(tlsp_role r, tlsp_version v, app_call call)
{
    static const piece pc[] = { FORGED(REC_ALERT, warning_no_reneg) };
    expect_post_handshake(r, v, pc, 1, call, TLSP_ERR_BAD_RECORD, AT_LIMIT);
}

static void test_warnings_client_tls12(void) { warnings(TLSP_CLIENT, TLSP_TLS1_2, call_read); }
static void test_warnings_server_tls12(void) { warnings(TLSP_SERVER, TLSP_TLS1_2, call_read); }
static void test_warnings_client_tls13(void) { warnings(TLSP_CLIENT, TLSP_TLS1_3, call_read); }
static void test_warnings_server_tls13(void) { warnings(TLSP_SERVER, TLSP_TLS1_3, call_read); }
/* An application that only polls (not reading) is protected the same way. */
static void test_warnings_polled_client_tls12(void) { warnings(TLSP_CLIENT, TLSP_TLS1_2, call_poll); }
static void test_warnings_polled_server_tls13(void) { warnings(TLSP_SERVER, TLSP_TLS1_3, call_poll); }

/* TLS 1.2 renegotiation requests for ever. tlspair's mbedTLS builds leave out
 * MBEDTLS_SSL_RENEGOTIATION: each HelloRequest (to a client) or ClientHello (to a
 * server) is refused with a no_renegotiation warning, and the engine's limit ends the
 * stream. TLS 1.3 has no renegotiation: either message fails the connection at once. */
static void renegotiation(tlsp_role r, tlsp_version v)
{
    static const piece hr[] = { FORGED(REC_HANDSHAKE, hello_request) };
    static const piece ch[] = { FORGED(REC_HANDSHAKE, client_hello) };
    tlsp_pair *p = connected_pair(v, 0, 0, 0);
    attack a;

    REQUIRE(p != NULL);
    a = post_handshake(p, r, r == TLSP_CLIENT ? hr : ch, 1, call_read, ENDLESS);
    CHECK_EQ(a.result, TLSP_ERR_BAD_RECORD);
    if (v == TLSP_TLS1_2) {
        CHECK_EQ(a.records, RECORDS_WITHOUT_APP_DATA_LIMIT + 1);
        /* A no_renegotiation warning (31 bytes with AES-GCM) for each request refused,
         * then the fatal alert. */
        CHECK(a.victim_out >= (uint64_t) RECORDS_WITHOUT_APP_DATA_LIMIT * 31u);
    } else {
        CHECK_EQ(a.records, 1);
        CHECK(a.victim_out > 0);
    }
    check_bounds(&a, 16384u + 512u);
    tlsp_pair_free(p);
}

/* A TLS 1.2 renegotiation request, refused with a no_renegotiation warning, then an
 * oversized record. The warning the victim sent must not stand in for the fatal
 * record_overflow it owes next: without it the peer learns nothing and waits for its
 * deadline. Both alerts are a 2-byte body in one AES-GCM record of 31 bytes (5 header,
 * 8 explicit nonce, 16 tag). */
static void oversized_after_refused_renegotiation(tlsp_role r)
{
    static const piece hr = FORGED(REC_HANDSHAKE, hello_request);
    static const piece ch = FORGED(REC_HANDSHAKE, client_hello);
    tlsp_pair *p = connected_pair(TLSP_TLS1_2, 0, 0, 0);
    attack a;

    REQUIRE(p != NULL);
    a = authenticated_attack(p, r, call_read);
    a.first = r == TLSP_CLIENT ? &hr : &ch;
    a.pattern = &oversized_header;
    a.pattern_len = 1;
    run_attack(&a, 8);
    CHECK_EQ(a.result, TLSP_ERR_BAD_RECORD);
    CHECK_EQ(a.records, 2);
    CHECK_EQ(a.victim_out, 2u * 31u); /* the warning, then record_overflow */
    check_bounds(&a, 16384u + 512u);
    tlsp_pair_free(p);
}

static void test_oversized_after_renegotiation_client(void) { oversized_after_refused_renegotiation(TLSP_CLIENT); }
static void test_oversized_after_renegotiation_server(void) { oversized_after_refused_renegotiation(TLSP_SERVER); }

static void test_renegotiation_client_tls12(void) { renegotiation(TLSP_CLIENT, TLSP_TLS1_2); }
static void test_renegotiation_server_tls12(void) { renegotiation(TLSP_SERVER, TLSP_TLS1_2); }
static void test_renegotiation_client_tls13(void) { renegotiation(TLSP_CLIENT, TLSP_TLS1_3); }
static void test_renegotiation_server_tls13(void) { renegotiation(TLSP_SERVER, TLSP_TLS1_3); }

/* TLS 1.3 compatibility-mode ChangeCipherSpec after the handshake: mbedTLS ignores it
 * at any time (ssl_msg.c, "Ignore ChangeCipherSpec in TLS 1.3 compatibility mode"). */
static void ccs_after(tlsp_role r)
{
    static const piece pc[] = { RAW(raw_ccs) };
    expect_post_handshake(r, TLSP_TLS1_3, pc, 1, call_read, TLSP_ERR_BAD_RECORD, AT_LIMIT);
}

static void test_ccs_after_client_tls13(void) { ccs_after(TLSP_CLIENT); }
static void test_ccs_after_server_tls13(void) { ccs_after(TLSP_SERVER); }

/* KeyUpdate: mbedTLS 3.6 does not implement it and fails the connection on the first. */
static void key_updates(tlsp_role r)
{
    static const piece pc[] = { FORGED(REC_HANDSHAKE, key_update) };
    expect_post_handshake(r, TLSP_TLS1_3, pc, 1, call_read, TLSP_ERR_BAD_RECORD, 1, 1);
}

static void test_key_update_client_tls13(void) { key_updates(TLSP_CLIENT); }
static void test_key_update_server_tls13(void) { key_updates(TLSP_SERVER); }

/* NewSessionTicket for ever, to a client that ignores tickets and to one that keeps
 * them (each replaces the last: the heap must not grow). A server fails on the first. */
static void tickets(tlsp_role r, int resumption)
{
    static const piece pc[] = { FORGED(REC_HANDSHAKE, new_session_ticket) };
    tlsp_pair *p = connected_pair(TLSP_TLS1_3, 0, 0, resumption);
    attack a;

    REQUIRE(p != NULL);
    a = post_handshake(p, r, pc, 1, call_read, ENDLESS);
    CHECK_EQ(a.result, TLSP_ERR_BAD_RECORD);
    if (r == TLSP_SERVER) {
        CHECK_EQ(a.records, 1);
    } else {
        CHECK_EQ(a.records, RECORDS_WITHOUT_APP_DATA_LIMIT + 1);
    }
    CHECK(a.victim_out > 0);
    check_bounds(&a, 16384u + 512u);
    tlsp_pair_free(p);
}

static void test_tickets_client_tls13(void) { tickets(TLSP_CLIENT, 0); }
static void test_tickets_kept_client_tls13(void) { tickets(TLSP_CLIENT, 1); }
static void test_tickets_server_tls13(void) { tickets(TLSP_SERVER, 0); }

/* An unknown record type after the handshake fails at once. */
static void unknown_after(tlsp_role r, tlsp_version v)
{
    expect_post_handshake(r, v, &unknown_record, 1, call_read, TLSP_ERR_BAD_RECORD, 1, 1);
}

static void test_unknown_type_after_client_tls12(void) { unknown_after(TLSP_CLIENT, TLSP_TLS1_2); }
static void test_unknown_type_after_server_tls13(void) { unknown_after(TLSP_SERVER, TLSP_TLS1_3); }

/* The victim has sent close_notify and reads on, waiting for the peer's; the peer sends a
 * record the victim must refuse. The victim fails, and sends nothing more: its write
 * side is closed (RFC 8446 6.1, RFC 5246 7.2.1), so the fatal alert it would otherwise
 * owe is not sent. */
static void refused_after_local_close(tlsp_version v, const piece *pc)
{
    tlsp_pair *p = connected_pair(v, 0, 0, 0);
    attack a;
    int ret;

    REQUIRE(p != NULL);
    memset(&a, 0, sizeof(a));
    a.victim = &p->client;
    a.call = call_read;
    a.pattern = pc;
    a.pattern_len = 1;
    ret = tlsp_close(a.victim);
    CHECK(ret == 0 || ret == TLSP_WANT_WRITE);
    drain_victim(&a);
    CHECK(a.victim_out > 0); /* the close_notify */
    a.victim_out = 0;
    run_attack(&a, 8);
    CHECK_EQ(a.result, TLSP_ERR_BAD_RECORD);
    CHECK_EQ(a.records, 1);
    CHECK_EQ(a.victim_out, 0);
    check_bounds(&a, 16384u + 512u);
    tlsp_pair_free(p);
}

static void test_unknown_type_after_close_tls12(void) { refused_after_local_close(TLSP_TLS1_2, &unknown_record); }
static void test_unknown_type_after_close_tls13(void) { refused_after_local_close(TLSP_TLS1_3, &unknown_record); }
static void test_oversized_after_close_tls12(void) { refused_after_local_close(TLSP_TLS1_2, &oversized_header); }
static void test_oversized_after_close_tls13(void) { refused_after_local_close(TLSP_TLS1_3, &oversized_header); }

/* ---- The limit counts consecutive records only, and the read deadline ------------------ */

/* Junk below the limit, then a byte of data, again and again: an honest (if odd) peer
 * that the limit must not cut off. */
static void junk_between_data(tlsp_version v)
{
    static const piece pc[] = {
        FORGED(REC_ALERT, warning_user_canceled), FORGED(REC_ALERT, warning_user_canceled),
        FORGED(REC_ALERT, warning_user_canceled), FORGED(REC_ALERT, warning_user_canceled),
        FORGED(REC_ALERT, warning_user_canceled), FORGED(REC_ALERT, warning_user_canceled),
        FORGED(REC_ALERT, warning_user_canceled), FORGED(REC_ALERT, warning_user_canceled),
        FORGED(REC_ALERT, warning_user_canceled), FORGED(REC_ALERT, warning_user_canceled),
        FORGED(REC_ALERT, warning_user_canceled), FORGED(REC_ALERT, warning_user_canceled),
        FORGED(REC_ALERT, warning_user_canceled), FORGED(REC_ALERT, warning_user_canceled),
        FORGED(REC_ALERT, warning_user_canceled), FORGED(REC_ALERT, warning_user_canceled),
        FORGED(REC_ALERT, warning_user_canceled), FORGED(REC_ALERT, warning_user_canceled),
        FORGED(REC_ALERT, warning_user_canceled), FORGED(REC_ALERT, warning_user_canceled),
        FORGED(REC_ALERT, warning_user_canceled), FORGED(REC_ALERT, warning_user_canceled),
        FORGED(REC_ALERT, warning_user_canceled), FORGED(REC_ALERT, warning_user_canceled),
        FORGED(REC_ALERT, warning_user_canceled), FORGED(REC_ALERT, warning_user_canceled),
        FORGED(REC_ALERT, warning_user_canceled), FORGED(REC_ALERT, warning_user_canceled),
        FORGED(REC_ALERT, warning_user_canceled), FORGED(REC_ALERT, warning_user_canceled),
        FORGED(REC_ALERT, warning_user_canceled), FORGED(REC_ALERT, warning_user_canceled),
        FORGED(REC_APP_DATA, one_byte),
    };
    size_t n = sizeof(pc) / sizeof(pc[0]);
    tlsp_pair *p = connected_pair(v, 0, 0, 0);
    attack a;

    REQUIRE(p != NULL);
    REQUIRE_EQ(n, RECORDS_WITHOUT_APP_DATA_LIMIT + 1);
    a = post_handshake(p, TLSP_CLIENT, pc, n, call_read, (unsigned) n * 20u);
    CHECK_EQ(a.result, 0);
    CHECK_EQ(a.records, n * 20u);
    CHECK_EQ(a.app_bytes, 20);
    CHECK_EQ(tlsp_engine_error(&p->client), 0);
    check_bounds(&a, 16384u + 512u);
    tlsp_pair_free(p);
}

static void test_junk_between_data_tls12(void) { junk_between_data(TLSP_TLS1_2); }
static void test_junk_between_data_tls13(void) { junk_between_data(TLSP_TLS1_3); }

/* The read deadline counts from the start of the wait for application data, not from the
 * last byte received: a warning every second (too slow for the record limit to matter)
 * does not keep a 5-second read deadline from firing. */
static void read_deadline_under_junk(tlsp_role r, tlsp_version v)
{
    static const piece pc[] = { FORGED(REC_ALERT, warning_user_canceled) };
    tlsp_pair *p = connected_pair(v, 0, 5000, 0);
    attack a;

    REQUIRE(p != NULL);
    a = authenticated_attack(p, r, call_read);
    a.pattern = pc;
    a.pattern_len = 1;
    a.ms_per_record = 1000;
    CHECK_EQ(call_read(a.victim), TLSP_WANT_READ); /* the wait starts here */
    run_attack(&a, ENDLESS);
    CHECK_EQ(a.result, TLSP_ERR_TIMEOUT);
    /* Records go in at 0, 1, ... s: the one at 5 s meets the deadline. */
    CHECK_EQ(a.records, 6);
    check_bounds(&a, 16384u + 512u);
    tlsp_pair_free(p);
}

static void test_read_deadline_under_junk_client_tls12(void) { read_deadline_under_junk(TLSP_CLIENT, TLSP_TLS1_2); }
static void test_read_deadline_under_junk_client_tls13(void) { read_deadline_under_junk(TLSP_CLIENT, TLSP_TLS1_3); }
static void test_read_deadline_under_junk_server_tls12(void) { read_deadline_under_junk(TLSP_SERVER, TLSP_TLS1_2); }
static void test_read_deadline_under_junk_server_tls13(void) { read_deadline_under_junk(TLSP_SERVER, TLSP_TLS1_3); }

/* Data that arrived while the application was not reading stops the read deadline: the
 * application's own slowness is not the peer's fault. */
static void test_read_deadline_data_waiting(void)
{
    tlsp_pair *p = connected_pair(TLSP_TLS1_2, 0, 5000, 0);
    uint8_t buf[16];

    REQUIRE(p != NULL);
    CHECK_EQ(tlsp_read(&p->client, buf, sizeof(buf)), TLSP_WANT_READ);
    CHECK_EQ(tlsp_write(&p->server, (const uint8_t *) "late", 4), 4);
    CHECK_EQ(tlsp_pair_settle(p, 4), 0);
    CHECK(tlsp_status(&p->client) & TLSP_STATUS_APP_READABLE);
    tlsp_port_test_advance_millis(60000);
    CHECK_EQ(tlsp_poll(&p->client), 0);
    CHECK_EQ(tlsp_read(&p->client, buf, sizeof(buf)), 4);
    CHECK_EQ(tlsp_engine_error(&p->client), 0);
    tlsp_pair_free(p);
}

int main(void)
{
    tlsp_heap_set_limit(HEAP_LIMIT);

    RUN_TEST(test_hs_fragments_client_tls12);
    RUN_TEST(test_hs_fragments_client_tls13);
    RUN_TEST(test_hs_fragments_server_tls12);
    RUN_TEST(test_hs_fragments_server_tls13);
    RUN_TEST(test_tiny_records_client_tls12);
    RUN_TEST(test_tiny_records_client_tls13);
    RUN_TEST(test_tiny_records_server_tls12);
    RUN_TEST(test_tiny_records_server_tls13);
    RUN_TEST(test_warnings_before_hello_client_tls12);
    RUN_TEST(test_warnings_before_hello_client_tls13);
    RUN_TEST(test_warnings_before_hello_server_tls12);
    RUN_TEST(test_warnings_before_hello_server_tls13);
    RUN_TEST(test_ccs_before_hello_client_tls12);
    RUN_TEST(test_ccs_before_hello_client_tls13);
    RUN_TEST(test_ccs_before_hello_server_tls12);
    RUN_TEST(test_ccs_before_hello_server_tls13);
    RUN_TEST(test_unknown_type_before_hello_client);
    RUN_TEST(test_unknown_type_before_hello_server);

    RUN_TEST(test_oversized_before_hello_tls12);
    RUN_TEST(test_oversized_before_hello_tls13);
    RUN_TEST(test_oversized_after_client_tls12);
    RUN_TEST(test_oversized_after_server_tls12);
    RUN_TEST(test_oversized_after_client_tls13);
    RUN_TEST(test_oversized_after_server_tls13);
    RUN_TEST(test_longer_than_net_in_tls12);
    RUN_TEST(test_longer_than_net_in_tls13);

    RUN_TEST(test_empty_records_client_tls12);
    RUN_TEST(test_empty_records_client_tls13);
    RUN_TEST(test_empty_records_server_tls12);
    RUN_TEST(test_empty_records_server_tls13);
    RUN_TEST(test_empty_and_warnings_client_tls12);
    RUN_TEST(test_empty_and_warnings_server_tls13);
    RUN_TEST(test_warnings_client_tls12);
    RUN_TEST(test_warnings_server_tls12);
    RUN_TEST(test_warnings_client_tls13);
    RUN_TEST(test_warnings_server_tls13);
    RUN_TEST(test_warnings_polled_client_tls12);
    RUN_TEST(test_warnings_polled_server_tls13);
    RUN_TEST(test_renegotiation_client_tls12);
    RUN_TEST(test_renegotiation_server_tls12);
    RUN_TEST(test_renegotiation_client_tls13);
    RUN_TEST(test_renegotiation_server_tls13);
    RUN_TEST(test_oversized_after_renegotiation_client);
    RUN_TEST(test_oversized_after_renegotiation_server);
    RUN_TEST(test_ccs_after_client_tls13);
    RUN_TEST(test_ccs_after_server_tls13);
    RUN_TEST(test_key_update_client_tls13);
    RUN_TEST(test_key_update_server_tls13);
    RUN_TEST(test_tickets_client_tls13);
    RUN_TEST(test_tickets_kept_client_tls13);
    RUN_TEST(test_tickets_server_tls13);
    RUN_TEST(test_unknown_type_after_client_tls12);
    RUN_TEST(test_unknown_type_after_server_tls13);
    RUN_TEST(test_unknown_type_after_close_tls12);
    RUN_TEST(test_unknown_type_after_close_tls13);
    RUN_TEST(test_oversized_after_close_tls12);
    RUN_TEST(test_oversized_after_close_tls13);

    RUN_TEST(test_junk_between_data_tls12);
    RUN_TEST(test_junk_between_data_tls13);
    RUN_TEST(test_read_deadline_under_junk_client_tls12);
    RUN_TEST(test_read_deadline_under_junk_client_tls13);
    RUN_TEST(test_read_deadline_under_junk_server_tls12);
    RUN_TEST(test_read_deadline_under_junk_server_tls13);
    RUN_TEST(test_read_deadline_data_waiting);
    return tlsp_test_finish("hostile_peer");
}
