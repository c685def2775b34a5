/* The net tap (tlsp_capture.h) and the key log (tlsp_keylog.h) on engines over the memory
 * link: the tap reports every ciphertext byte once, in order, each way, through every
 * net-side call (zero-copy and copying, ranges that wrap around a queue); the key log
 * gives well-formed lines that both ends agree on. Builds without TLSP_CAPTURE or
 * TLSP_KEYLOG check that the calls refuse with TLSP_ERR_CONFIG instead. */
#include <stdlib.h>
#include <string.h>

#include "tlsp_pair.h"
#include "tlsp_test.h"
#include "tlspair/tlsp_capture.h"
#include "tlspair/tlsp_keylog.h"

#define MAX_ROUNDS 200000u

static tlsp_pair *pair(tlsp_version v, size_t queue_size, size_t mtu)
{
    tlsp_pair_opts o;

    memset(&o, 0, sizeof(o));
    o.min_version = o.max_version = v;
    o.queue_size = queue_size;
    o.mtu = mtu;
    return tlsp_pair_new(&o);
}

#if defined(TLSP_CAPTURE)

/* What a tap saw, by direction. */
typedef struct recording {
    uint8_t *bytes[2];
    size_t len[2];
    size_t cap[2];
    unsigned calls;
} recording;

static void record(void *ctx, tlsp_capture_dir dir, const uint8_t *data, size_t len)
{
    recording *r = ctx;
    size_t d = dir == TLSP_CAPTURE_OUT ? 1u : 0u;

    r->calls++;
    if (r->len[d] + len > r->cap[d]) {
        size_t cap = (r->len[d] + len) * 2u;
        uint8_t *b = realloc(r->bytes[d], cap);

        if (b == NULL) {
            abort();
        }
        r->bytes[d] = b;
        r->cap[d] = cap;
    }
    memcpy(r->bytes[d] + r->len[d], data, len);
    r->len[d] += len;
}

static void recording_free(recording *r)
{
    free(r->bytes[0]);
    free(r->bytes[1]);
    memset(r, 0, sizeof(*r));
}

/* What one end sent is exactly what the other received, and both match the counters. */
static void check_streams(const tlsp_engine *c, const recording *rc, const tlsp_engine *s,
                          const recording *rs)
{
    tlsp_info ci, si;

    REQUIRE_EQ(tlsp_engine_info(c, &ci), 0);
    REQUIRE_EQ(tlsp_engine_info(s, &si), 0);
    CHECK(rc->len[1] > 0 && rs->len[1] > 0);
    CHECK_EQ(rc->len[1], ci.counters.bytes_out);
    CHECK_EQ(rc->len[0], ci.counters.bytes_in);
    CHECK_EQ(rs->len[1], si.counters.bytes_out);
    CHECK_EQ(rs->len[0], si.counters.bytes_in);
    REQUIRE_EQ(rc->len[1], rs->len[0]);
    REQUIRE_EQ(rs->len[1], rc->len[0]);
    CHECK(memcmp(rc->bytes[1], rs->bytes[0], rc->len[1]) == 0);
    CHECK(memcmp(rs->bytes[1], rc->bytes[0], rs->len[1]) == 0);
    /* The stream starts with a handshake record (ClientHello / ServerHello). */
    CHECK_EQ(rc->bytes[1][0], 22);
    CHECK_EQ(rs->bytes[1][0], 22);
}

/* Step until nothing moves, through the close_notify each way (tlsp_pair_settle() stops at
 * the first TLSP_ERR_CLOSED, with the other close_notify maybe still on the link). */
static void deliver_everything(tlsp_pair *p)
{
    unsigned idle = 0;
    unsigned rounds;

    for (rounds = 0; rounds < 1000 && idle < 8; rounds++) {
        int progress = 0;

        (void) tlsp_memory_pair_step(&p->client, &p->server, &p->link, &progress);
        idle = progress ? 0 : idle + 1;
    }
}

/* The driver's zero-copy path (peek/consume, reserve/commit) in small pieces. */
static void test_tap_every_byte_zero_copy(void)
{
    tlsp_pair *p = pair(TLSP_TLS1_3, 0, 333);
    recording rc, rs;

    REQUIRE(p != NULL);
    memset(&rc, 0, sizeof(rc));
    memset(&rs, 0, sizeof(rs));
    REQUIRE_EQ(tlsp_engine_set_capture(&p->client, record, &rc), 0);
    REQUIRE_EQ(tlsp_engine_set_capture(&p->server, record, &rs), 0);
    CHECK_EQ(tlsp_pair_handshake(p), 0);
    CHECK_EQ(tlsp_pair_transfer(p, 50000, 4096), 0);
    CHECK_EQ(tlsp_close(&p->client), 0);
    CHECK_EQ(tlsp_close(&p->server), 0);
    deliver_everything(p);
    check_streams(&p->client, &rc, &p->server, &rs);

    /* Removed: nothing more is reported. */
    {
        unsigned calls = rc.calls;
        tlsp_pair *q = pair(TLSP_TLS1_2, 0, 0);

        REQUIRE(q != NULL);
        REQUIRE_EQ(tlsp_engine_set_capture(&q->client, record, &rc), 0);
        REQUIRE_EQ(tlsp_engine_set_capture(&q->client, NULL, NULL), 0);
        CHECK_EQ(tlsp_pair_handshake(q), 0);
        CHECK_EQ(rc.calls, calls);
        tlsp_pair_free(q);
    }
    recording_free(&rc);
    recording_free(&rs);
    tlsp_pair_free(p);
}

/* Copy everything pending in `from`'s net_out to `to`, alternating the copying calls
 * (drain, feed) with consume of more than one peek shows, so that ranges wrap around
 * the end of the small queues. Returns bytes moved; counts wrapped consumes. */
static size_t move_all(tlsp_engine *from, tlsp_engine *to, int copying, unsigned *wraps)
{
    static uint8_t buf[4096];
    size_t run;
    size_t used;
    size_t space;
    const uint8_t *p = tlsp_net_out_peek(from, &run);

    if (p == NULL) {
        return 0;
    }
    used = tlsp_queue_used(&from->net_out);
    (void) tlsp_net_in_reserve(to, &space);
    space = tlsp_queue_free(&to->net_in);
    if (used > space) {
        used = space;
    }
    if (used > sizeof(buf)) {
        used = sizeof(buf);
    }
    if (used == 0) {
        return 0;
    }
    if (copying) {
        int n = tlsp_net_out_drain(from, buf, used);

        if (n <= 0 || tlsp_net_in_feed(to, buf, (size_t) n) != n) {
            return 0;
        }
        return (size_t) n;
    }
    /* Zero-copy out, beyond the first contiguous run when the data wraps. */
    memcpy(buf, p, run < used ? run : used);
    if (used > run) {
        memcpy(buf + run, from->net_out.buf, used - run);
        (*wraps)++;
    }
    if (tlsp_net_out_consume(from, used) != 0 || tlsp_net_in_feed(to, buf, used) != (int) used) {
        return 0;
    }
    return used;
}

static void test_tap_wrapped_and_copying(void)
{
    tlsp_pair *p = pair(TLSP_TLS1_2, 701, 0);
    recording rc, rs;
    unsigned wraps = 0;
    unsigned rounds;
    int copying = 0;
    int done = 0;
    size_t app_in = 0;

    REQUIRE(p != NULL);
    memset(&rc, 0, sizeof(rc));
    memset(&rs, 0, sizeof(rs));
    REQUIRE_EQ(tlsp_engine_set_capture(&p->client, record, &rc), 0);
    REQUIRE_EQ(tlsp_engine_set_capture(&p->server, record, &rs), 0);
    for (rounds = 0; rounds < MAX_ROUNDS && !done; rounds++) {
        int rc_ = tlsp_handshake(&p->client);
        int rs_ = tlsp_handshake(&p->server);
        size_t moved = move_all(&p->client, &p->server, copying, &wraps) +
                       move_all(&p->server, &p->client, !copying, &wraps);

        copying = !copying;
        if (rc_ == 0 && rs_ == 0) {
            uint8_t data[3000];
            uint8_t got[3000];
            int n;

            memset(data, 0x5a, sizeof(data));
            if (app_in < 30000) {
                (void) tlsp_write(&p->client, data, sizeof(data));
            }
            n = tlsp_read(&p->server, got, sizeof(got));
            if (n > 0) {
                app_in += (size_t) n;
            }
            done = app_in >= 30000 && moved == 0 && !(tlsp_status(&p->client) & TLSP_STATUS_NET_OUT);
        }
    }
    CHECK(done);
    CHECK(wraps > 0);
    check_streams(&p->client, &rc, &p->server, &rs);
    recording_free(&rc);
    recording_free(&rs);
    tlsp_pair_free(p);
}

static void test_tap_misuse(void)
{
    tlsp_engine zeroed;
    recording r;

    memset(&zeroed, 0, sizeof(zeroed));
    CHECK_EQ(tlsp_engine_set_capture(NULL, record, &r), TLSP_ERR_BAD_ARG);
    CHECK_EQ(tlsp_engine_set_capture(&zeroed, record, &r), TLSP_ERR_BAD_ARG);
}

#else /* !TLSP_CAPTURE */

static void test_tap_compiled_out(void)
{
    tlsp_pair *p = pair(TLSP_TLS1_3, 0, 0);

    REQUIRE(p != NULL);
    CHECK_EQ(tlsp_engine_set_capture(&p->client, NULL, NULL), TLSP_ERR_CONFIG);
    tlsp_pair_free(p);
}

#endif /* TLSP_CAPTURE */

/* ---- Key log ---------------------------------------------------------------------------- */

typedef struct keylines {
    char text[4096];
    size_t len;
    unsigned lines;
} keylines;

static void keep_line(void *ctx, const char *line)
{
    keylines *k = ctx;
    size_t n = strlen(line);

    if (k->len + n < sizeof(k->text)) {
        memcpy(k->text + k->len, line, n + 1);
        k->len += n;
    }
    k->lines++;
}

#if defined(TLSP_KEYLOG)

/* "LABEL <64 hex> <secret_hex hex>\n" with the given label at line `index`. */
static int line_ok(const keylines *k, unsigned index, const char *label, size_t secret_hex,
                   char client_random[65])
{
    const char *s = k->text;
    size_t label_len = strlen(label);
    unsigned i;

    for (i = 0; i < index && s != NULL; i++) {
        s = strchr(s, '\n');
        s = s != NULL ? s + 1 : NULL;
    }
    if (s == NULL || strncmp(s, label, label_len) != 0 || s[label_len] != ' ') {
        return 0;
    }
    s += label_len + 1;
    if (strspn(s, "0123456789abcdef") != 64 || s[64] != ' ') {
        return 0;
    }
    if (client_random[0] == '\0') {
        memcpy(client_random, s, 64);
        client_random[64] = '\0';
    } else if (strncmp(s, client_random, 64) != 0) {
        return 0;   /* every line of a connection names the same ClientHello */
    }
    s += 65;
    return strspn(s, "0123456789abcdef") == secret_hex && s[secret_hex] == '\n';
}

static void test_keylog_tls13(void)
{
    tlsp_pair *p = pair(TLSP_TLS1_3, 0, 0);
    keylines kc, ks;
    char random[65] = "";

    REQUIRE(p != NULL);
    memset(&kc, 0, sizeof(kc));
    memset(&ks, 0, sizeof(ks));
    CHECK_EQ(tlsp_keylog_available(), 1);
    REQUIRE_EQ(tlsp_keylog_enable(&p->client, keep_line, &kc), 0);
    REQUIRE_EQ(tlsp_keylog_enable(&p->server, keep_line, &ks), 0);
    REQUIRE_EQ(tlsp_pair_handshake(p), 0);
    CHECK_EQ(kc.lines, 4);
    /* AES-128-GCM-SHA256: 32-byte secrets */
    CHECK(line_ok(&kc, 0, "CLIENT_HANDSHAKE_TRAFFIC_SECRET", 64, random));
    CHECK(line_ok(&kc, 1, "SERVER_HANDSHAKE_TRAFFIC_SECRET", 64, random));
    CHECK(line_ok(&kc, 2, "CLIENT_TRAFFIC_SECRET_0", 64, random) ||
          line_ok(&kc, 2, "SERVER_TRAFFIC_SECRET_0", 64, random));
    CHECK(strstr(kc.text, "\nCLIENT_TRAFFIC_SECRET_0 ") != NULL);
    CHECK(strstr(kc.text, "\nSERVER_TRAFFIC_SECRET_0 ") != NULL);
    /* Both ends derived the same secrets (in their own order). */
    CHECK_EQ(ks.lines, 4);
    CHECK_EQ(ks.len, kc.len);
    {
        const char *line = kc.text;

        while (*line != '\0') {
            const char *end = strchr(line, '\n');
            char one[300];

            REQUIRE(end != NULL && (size_t) (end - line) < sizeof(one));
            memcpy(one, line, (size_t) (end - line));
            one[end - line] = '\0';
            CHECK(strstr(ks.text, one) != NULL);
            line = end + 1;
        }
    }
    /* Too late to start once the handshake ran; stopping is always allowed. */
    CHECK_EQ(tlsp_keylog_enable(&p->client, keep_line, &kc), TLSP_ERR_STATE);
    CHECK_EQ(tlsp_keylog_enable(&p->client, NULL, NULL), 0);
    tlsp_pair_free(p);
}

static void test_keylog_tls12(void)
{
    tlsp_pair *p = pair(TLSP_TLS1_2, 0, 0);
    keylines kc, ks;
    char random[65] = "";

    REQUIRE(p != NULL);
    memset(&kc, 0, sizeof(kc));
    memset(&ks, 0, sizeof(ks));
    REQUIRE_EQ(tlsp_keylog_enable(&p->client, keep_line, &kc), 0);
    REQUIRE_EQ(tlsp_keylog_enable(&p->server, keep_line, &ks), 0);
    REQUIRE_EQ(tlsp_pair_handshake(p), 0);
    CHECK_EQ(kc.lines, 1);
    CHECK(line_ok(&kc, 0, "CLIENT_RANDOM", 96, random));   /* 48-byte master secret */
    CHECK_EQ(ks.lines, 1);
    CHECK(strcmp(kc.text, ks.text) == 0);
    tlsp_pair_free(p);
}

/* Off by default: an engine that did not ask logs nothing, and stopping stops it. */
static void test_keylog_only_when_asked(void)
{
    tlsp_pair *p = pair(TLSP_TLS1_3, 0, 0);
    keylines k;

    REQUIRE(p != NULL);
    memset(&k, 0, sizeof(k));
    REQUIRE_EQ(tlsp_keylog_enable(&p->client, keep_line, &k), 0);
    REQUIRE_EQ(tlsp_keylog_enable(&p->client, NULL, NULL), 0);
    REQUIRE_EQ(tlsp_pair_handshake(p), 0);
    CHECK_EQ(k.lines, 0);
    CHECK_EQ(tlsp_keylog_enable(NULL, keep_line, &k), TLSP_ERR_BAD_ARG);
    tlsp_pair_free(p);
}

#else /* !TLSP_KEYLOG */

static void test_keylog_compiled_out(void)
{
    tlsp_pair *p = pair(TLSP_TLS1_3, 0, 0);
    keylines k;

    REQUIRE(p != NULL);
    memset(&k, 0, sizeof(k));
    CHECK_EQ(tlsp_keylog_available(), 0);
    CHECK_EQ(tlsp_keylog_enable(&p->client, keep_line, &k), TLSP_ERR_CONFIG);
    REQUIRE_EQ(tlsp_pair_handshake(p), 0);
    CHECK_EQ(k.lines, 0);
    tlsp_pair_free(p);
}

#endif /* TLSP_KEYLOG */

int main(void)
{
#if defined(TLSP_CAPTURE)
    RUN_TEST(test_tap_every_byte_zero_copy);
    RUN_TEST(test_tap_wrapped_and_copying);
    RUN_TEST(test_tap_misuse);
#else
    RUN_TEST(test_tap_compiled_out);
#endif
#if defined(TLSP_KEYLOG)
    RUN_TEST(test_keylog_tls13);
    RUN_TEST(test_keylog_tls12);
    RUN_TEST(test_keylog_only_when_asked);
#else
    RUN_TEST(test_keylog_compiled_out);
#endif
    return tlsp_test_finish("capture");
}
