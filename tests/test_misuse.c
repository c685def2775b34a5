/* Misuse of the public API returns codes and never crashes; argument and state errors are
 * not sticky, real failures are. */
#include <limits.h>
#include <string.h>

#include "tlsp_pair.h"
#include "tlsp_test.h"
#include "tlsp_test_pki.h"
#include "tlspair/tlsp_drive.h"
#include "tlspair/tlsp_engine.h"
#include "tlspair/tlsp_memory_link.h"

static tlsp_pair *make_pair(tlsp_version v)
{
    tlsp_pair_opts o;

    memset(&o, 0, sizeof(o));
    o.min_version = o.max_version = v;
    return tlsp_pair_new(&o);
}

static void test_null_engine(void)
{
    uint8_t buf[8] = { 0 };
    size_t len = 77;
    tlsp_info info;

    CHECK_EQ(tlsp_handshake(NULL), TLSP_ERR_BAD_ARG);
    CHECK_EQ(tlsp_read(NULL, buf, sizeof(buf)), TLSP_ERR_BAD_ARG);
    CHECK_EQ(tlsp_write(NULL, buf, sizeof(buf)), TLSP_ERR_BAD_ARG);
    CHECK_EQ(tlsp_close(NULL), TLSP_ERR_BAD_ARG);
    CHECK_EQ(tlsp_poll(NULL), TLSP_ERR_BAD_ARG);
    CHECK_EQ(tlsp_status(NULL), 0);
    CHECK_EQ(tlsp_engine_reset(NULL), TLSP_ERR_BAD_ARG);
    CHECK_EQ(tlsp_engine_info(NULL, &info), TLSP_ERR_BAD_ARG);
    CHECK_EQ(tlsp_engine_error(NULL), TLSP_ERR_BAD_ARG);
    CHECK_EQ(tlsp_engine_mbedtls_error(NULL), 0);
    CHECK_EQ(tlsp_engine_alert_received(NULL), -1);
    CHECK_EQ(tlsp_engine_cert_flags(NULL), 0);

    CHECK(tlsp_net_out_peek(NULL, &len) == NULL);
    CHECK_EQ(len, 0);
    CHECK_EQ(tlsp_net_out_consume(NULL, 0), TLSP_ERR_BAD_ARG);
    CHECK_EQ(tlsp_net_out_drain(NULL, buf, sizeof(buf)), TLSP_ERR_BAD_ARG);
    len = 77;
    CHECK(tlsp_net_in_reserve(NULL, &len) == NULL);
    CHECK_EQ(len, 0);
    CHECK_EQ(tlsp_net_in_commit(NULL, 0), TLSP_ERR_BAD_ARG);
    CHECK_EQ(tlsp_net_in_feed(NULL, buf, sizeof(buf)), TLSP_ERR_BAD_ARG);
    tlsp_net_in_eof(NULL);
    tlsp_engine_free(NULL);
}

static void test_null_buffers(void)
{
    tlsp_pair *p = make_pair(TLSP_TLS1_3);
    tlsp_engine *e;
    uint8_t buf[8] = { 0 };
    tlsp_info info;

    REQUIRE(p != NULL);
    e = &p->client;
    CHECK(tlsp_net_out_peek(e, NULL) == NULL);
    CHECK(tlsp_net_in_reserve(e, NULL) == NULL);
    CHECK_EQ(tlsp_net_out_drain(e, NULL, 5), TLSP_ERR_BAD_ARG);
    CHECK_EQ(tlsp_net_in_feed(e, NULL, 5), TLSP_ERR_BAD_ARG);
    CHECK_EQ(tlsp_engine_info(e, NULL), TLSP_ERR_BAD_ARG);
    /* Zero-length copies are harmless no-ops. */
    CHECK_EQ(tlsp_net_out_drain(e, buf, 0), 0);
    CHECK_EQ(tlsp_net_in_feed(e, buf, 0), 0);

    REQUIRE_EQ(tlsp_pair_handshake(p), 0);
    CHECK_EQ(tlsp_read(e, NULL, 5), TLSP_ERR_BAD_ARG);
    CHECK_EQ(tlsp_read(e, buf, 0), TLSP_ERR_BAD_ARG);
    CHECK_EQ(tlsp_write(e, NULL, 5), TLSP_ERR_BAD_ARG);
    CHECK_EQ(tlsp_write(e, buf, 0), TLSP_ERR_BAD_ARG);
    /* None of that was sticky: the connection still works. */
    CHECK_EQ(tlsp_engine_error(e), 0);
    CHECK(!(tlsp_status(e) & TLSP_STATUS_FAILED));
    CHECK_EQ(tlsp_engine_info(e, &info), 0);
    CHECK_EQ(tlsp_pair_transfer(p, 1000, 100), 0);
    tlsp_pair_free(p);
}

static void test_engine_init_bad_args(void)
{
    tlsp_pair *p = make_pair(TLSP_TLS1_3);
    uint8_t in[64], out[64];
    tlsp_config zeroed;
    tlsp_engine e;

    REQUIRE(p != NULL);
    memset(&zeroed, 0, sizeof(zeroed));
    CHECK_EQ(tlsp_engine_init(NULL, &p->client_cfg, in, sizeof(in), out, sizeof(out)), TLSP_ERR_BAD_ARG);
    CHECK_EQ(tlsp_engine_init(&e, NULL, in, sizeof(in), out, sizeof(out)), TLSP_ERR_BAD_ARG);
    CHECK_EQ(tlsp_engine_init(&e, &zeroed, in, sizeof(in), out, sizeof(out)), TLSP_ERR_BAD_ARG);
    CHECK_EQ(tlsp_engine_init(&e, &p->client_cfg, NULL, sizeof(in), out, sizeof(out)), TLSP_ERR_BAD_ARG);
    CHECK_EQ(tlsp_engine_init(&e, &p->client_cfg, in, sizeof(in), NULL, sizeof(out)), TLSP_ERR_BAD_ARG);
    CHECK_EQ(tlsp_engine_init(&e, &p->client_cfg, in, 0, out, sizeof(out)), TLSP_ERR_BAD_ARG);
    CHECK_EQ(tlsp_engine_init(&e, &p->client_cfg, in, sizeof(in), out, 0), TLSP_ERR_BAD_ARG);
    /* A failed init leaves the engine freed: every call is refused, free is harmless. */
    CHECK_EQ(tlsp_handshake(&e), TLSP_ERR_BAD_ARG);
    CHECK_EQ(tlsp_status(&e), 0);
    tlsp_engine_free(&e);
    CHECK_EQ(tlsp_engine_init(&e, &p->client_cfg, in, sizeof(in), out, sizeof(out)), 0);
    tlsp_engine_free(&e);
    tlsp_pair_free(p);
}

static void test_null_config(void)
{
    const uint8_t key[4] = { 1, 2, 3, 4 };

    CHECK_EQ(tlsp_config_init(NULL, TLSP_SERVER), TLSP_ERR_BAD_ARG);
    CHECK_EQ(tlsp_config_set_versions(NULL, TLSP_TLS1_2, TLSP_TLS1_3), TLSP_ERR_BAD_ARG);
    CHECK_EQ(tlsp_config_set_psk(NULL, key, 4, key, 4), TLSP_ERR_BAD_ARG);
    CHECK_EQ(tlsp_config_set_own_cert(NULL, key, 4, key, 4, NULL), TLSP_ERR_BAD_ARG);
    CHECK_EQ(tlsp_config_add_ca(NULL, key, 4), TLSP_ERR_BAD_ARG);
    CHECK_EQ(tlsp_config_set_hostname(NULL, "a"), TLSP_ERR_BAD_ARG);
    CHECK_EQ(tlsp_config_require_client_cert(NULL), TLSP_ERR_BAD_ARG);
    CHECK_EQ(tlsp_config_set_ciphersuites(NULL, "TLS1-3-AES-128-GCM-SHA256"), TLSP_ERR_BAD_ARG);
    CHECK_EQ(tlsp_config_set_record_size(NULL, 1024), TLSP_ERR_BAD_ARG);
    CHECK_EQ(tlsp_config_set_timeouts(NULL, 1, 1), TLSP_ERR_BAD_ARG);
    tlsp_config_free(NULL);
}

static void test_null_driver_and_link(void)
{
    tlsp_pair *p = make_pair(TLSP_TLS1_3);
    tlsp_transport t, broken;
    uint8_t buf[8] = { 0 };
    size_t got = 99;

    REQUIRE(p != NULL);
    tlsp_memory_link_transport(&p->link, TLSP_LINK_A, &t);
    CHECK_EQ(tlsp_drive_step(NULL, &t, NULL), TLSP_ERR_BAD_ARG);
    CHECK_EQ(tlsp_drive_step(&p->client, NULL, NULL), TLSP_ERR_BAD_ARG);
    broken = t;
    broken.send = NULL;
    CHECK_EQ(tlsp_drive_step(&p->client, &broken, NULL), TLSP_ERR_BAD_ARG);
    broken = t;
    broken.recv = NULL;
    CHECK_EQ(tlsp_drive_step(&p->client, &broken, NULL), TLSP_ERR_BAD_ARG);
    CHECK_EQ(tlsp_drive_handshake(NULL, &t, 100), TLSP_ERR_BAD_ARG);
    CHECK_EQ(tlsp_drive_handshake(&p->client, NULL, 100), TLSP_ERR_BAD_ARG);
    CHECK_EQ(tlsp_drive_write(&p->client, &t, NULL, 5, 100), TLSP_ERR_BAD_ARG);
    CHECK_EQ(tlsp_drive_write(&p->client, &t, buf, 0, 100), TLSP_ERR_BAD_ARG);
    CHECK_EQ(tlsp_drive_write(NULL, &t, buf, 5, 100), TLSP_ERR_BAD_ARG);
    CHECK_EQ(tlsp_drive_read(NULL, &t, buf, 5, 100), TLSP_ERR_BAD_ARG);
    CHECK_EQ(tlsp_drive_read_exact(&p->client, &t, NULL, 5, &got, 100), TLSP_ERR_BAD_ARG);
    CHECK_EQ(got, 0);
    CHECK_EQ(tlsp_drive_read_exact(&p->client, &t, buf, 0, NULL, 100), TLSP_ERR_BAD_ARG);
    CHECK_EQ(tlsp_drive_close(NULL, &t, 100), TLSP_ERR_BAD_ARG);
    CHECK_EQ(tlsp_memory_link_init(NULL, buf, 4, buf + 4, 4, 0), TLSP_ERR_BAD_ARG);
    {
        tlsp_memory_link link;
        CHECK_EQ(tlsp_memory_link_init(&link, NULL, 4, buf + 4, 4, 0), TLSP_ERR_BAD_ARG);
        CHECK_EQ(tlsp_memory_link_init(&link, buf, 4, buf + 4, 0, 0), TLSP_ERR_BAD_ARG);
    }
    /* The engine is untouched by all of it. */
    CHECK_EQ(tlsp_engine_error(&p->client), 0);
    CHECK_EQ(tlsp_pair_handshake(p), 0);
    tlsp_pair_free(p);
}

/* ---- tlsp_strerror ------------------------------------------------------------------------- */

static void test_strerror(void)
{
    static const int codes[] = {
        TLSP_OK, TLSP_WANT_READ, TLSP_WANT_WRITE, TLSP_ERR_CLOSED, TLSP_ERR_TRUNCATED,
        TLSP_ERR_TIMEOUT, TLSP_ERR_TRANSPORT, TLSP_ERR_CERT_REJECTED, TLSP_ERR_NO_CERT,
        TLSP_ERR_PSK, TLSP_ERR_NEGOTIATION, TLSP_ERR_HANDSHAKE, TLSP_ERR_PEER_ALERT,
        TLSP_ERR_BAD_RECORD, TLSP_ERR_NO_MEMORY, TLSP_ERR_BAD_ARG, TLSP_ERR_STATE,
        TLSP_ERR_PARSE, TLSP_ERR_KEY_PASSWORD, TLSP_ERR_ENTROPY, TLSP_ERR_CONFIG,
        TLSP_ERR_BAD_SESSION, TLSP_ERR_BUFFER_SMALL, TLSP_ERR_INTERNAL,
        TLSP_ERR_RESOLVE, TLSP_ERR_REFUSED, TLSP_ERR_UNREACHABLE,
    };
    static const int unknown[] = { 1, 42, -0x03, -0x0F, -0x14, -0x26, -0x31, -0x49, -0x4E,
                                   -0x53, -0x7780, INT_MIN, INT_MAX };
    const size_t n = sizeof(codes) / sizeof(codes[0]);
    size_t i, j;

    for (i = 0; i < n; i++) {
        const char *s = tlsp_strerror(codes[i]);
        REQUIRE(s != NULL);
        CHECK(strlen(s) > 5);
        CHECK(strcmp(s, "unknown tlspair error code") != 0);
        for (j = 0; j < i; j++) {
            if (strcmp(s, tlsp_strerror(codes[j])) == 0) {
                fprintf(stderr, "codes %d and %d share a sentence\n", codes[i], codes[j]);
                CHECK(0);
            }
        }
    }
    for (i = 0; i < sizeof(unknown) / sizeof(unknown[0]); i++) {
        const char *s = tlsp_strerror(unknown[i]);
        REQUIRE(s != NULL);
        CHECK(strcmp(s, "unknown tlspair error code") == 0);
    }
}

/* ---- State errors ---------------------------------------------------------------------------- */

static void test_app_calls_before_handshake(void)
{
    tlsp_pair *p = make_pair(TLSP_TLS1_3);
    uint8_t buf[16];

    REQUIRE(p != NULL);
    memset(buf, 0x41, sizeof(buf));
    CHECK_EQ(tlsp_write(&p->client, buf, sizeof(buf)), TLSP_ERR_STATE);
    CHECK_EQ(tlsp_read(&p->client, buf, sizeof(buf)), TLSP_ERR_STATE);
    CHECK_EQ(tlsp_close(&p->client), TLSP_ERR_STATE);
    CHECK_EQ(tlsp_write(&p->server, buf, sizeof(buf)), TLSP_ERR_STATE);
    CHECK_EQ(tlsp_read(&p->server, buf, sizeof(buf)), TLSP_ERR_STATE);
    CHECK_EQ(tlsp_close(&p->server), TLSP_ERR_STATE);
    /* Nothing was queued and nothing is sticky. */
    CHECK(!(tlsp_status(&p->client) & (TLSP_STATUS_NET_OUT | TLSP_STATUS_FAILED | TLSP_STATUS_LOCAL_CLOSED)));
    CHECK_EQ(tlsp_engine_error(&p->client), 0);
    CHECK_EQ(tlsp_engine_error(&p->server), 0);

    /* Mid-handshake the answer is the same. */
    CHECK_EQ(tlsp_handshake(&p->client), TLSP_WANT_WRITE);
    CHECK_EQ(tlsp_write(&p->client, buf, sizeof(buf)), TLSP_ERR_STATE);
    CHECK_EQ(tlsp_read(&p->client, buf, sizeof(buf)), TLSP_ERR_STATE);
    CHECK_EQ(tlsp_close(&p->client), TLSP_ERR_STATE);

    CHECK_EQ(tlsp_pair_handshake(p), 0);
    CHECK_EQ(tlsp_pair_transfer(p, 2000, 500), 0);
    tlsp_pair_free(p);
}

static void test_write_after_close(void)
{
    tlsp_pair *p = make_pair(TLSP_TLS1_2);
    uint8_t buf[16];

    REQUIRE(p != NULL);
    memset(buf, 0x42, sizeof(buf));
    REQUIRE_EQ(tlsp_pair_handshake(p), 0);
    CHECK_EQ(tlsp_close(&p->client), 0);
    CHECK_EQ(tlsp_write(&p->client, buf, sizeof(buf)), TLSP_ERR_STATE);
    CHECK_EQ(tlsp_close(&p->client), 0);
    CHECK_EQ(tlsp_write(&p->client, buf, sizeof(buf)), TLSP_ERR_STATE);
    CHECK_EQ(tlsp_engine_error(&p->client), 0);
    /* The client can still read what the server sends before its own close. */
    CHECK_EQ(tlsp_write(&p->server, buf, sizeof(buf)), (int) sizeof(buf));
    {
        unsigned i;
        int ret = TLSP_WANT_READ;
        for (i = 0; i < 50 && (ret == TLSP_WANT_READ || ret == TLSP_WANT_WRITE); i++) {
            (void) tlsp_memory_pair_step(&p->client, &p->server, &p->link, NULL);
            ret = tlsp_read(&p->client, buf, sizeof(buf));
        }
        CHECK_EQ(ret, (int) sizeof(buf));
    }
    CHECK_EQ(tlsp_read(&p->server, buf, sizeof(buf)), TLSP_ERR_CLOSED);
    tlsp_pair_free(p);
}

static void test_over_consume_commit(void)
{
    tlsp_pair *p = make_pair(TLSP_TLS1_3);
    size_t len, space;

    REQUIRE(p != NULL);
    CHECK_EQ(tlsp_net_out_consume(&p->client, 1), TLSP_ERR_BAD_ARG);
    CHECK_EQ(tlsp_handshake(&p->client), TLSP_WANT_WRITE);
    REQUIRE(tlsp_net_out_peek(&p->client, &len) != NULL);
    CHECK_EQ(tlsp_net_out_consume(&p->client, len + 1), TLSP_ERR_BAD_ARG);
    CHECK_EQ(tlsp_net_out_consume(&p->client, SIZE_MAX), TLSP_ERR_BAD_ARG);
    {
        size_t again;
        (void) tlsp_net_out_peek(&p->client, &again);
        CHECK_EQ(again, len);
    }
    REQUIRE(tlsp_net_in_reserve(&p->server, &space) != NULL);
    CHECK_EQ(tlsp_net_in_commit(&p->server, space + 1), TLSP_ERR_BAD_ARG);
    CHECK_EQ(tlsp_net_in_commit(&p->server, SIZE_MAX), TLSP_ERR_BAD_ARG);
    {
        size_t again;
        (void) tlsp_net_in_reserve(&p->server, &again);
        CHECK_EQ(again, space);
    }
    CHECK_EQ(tlsp_engine_error(&p->client), 0);
    CHECK_EQ(tlsp_engine_error(&p->server), 0);
    /* The handshake is unharmed by the refused calls. */
    CHECK_EQ(tlsp_pair_handshake(p), 0);
    tlsp_pair_free(p);
}

/* ---- Sticky failures ----------------------------------------------------------------------- */

static void check_sticky(tlsp_engine *e, int code)
{
    uint8_t buf[8] = { 0 };
    int i;

    for (i = 0; i < 3; i++) {
        CHECK_EQ(tlsp_engine_error(e), code);
        CHECK_EQ(tlsp_handshake(e), code);
        CHECK_EQ(tlsp_read(e, buf, sizeof(buf)), code);
        CHECK_EQ(tlsp_write(e, buf, sizeof(buf)), code);
        CHECK_EQ(tlsp_poll(e), code);
        CHECK_EQ(tlsp_close(e), code);
        CHECK(tlsp_status(e) & TLSP_STATUS_FAILED);
        CHECK(!(tlsp_status(e) & TLSP_STATUS_APP_WRITABLE));
    }
}

static void run_garbage_to_server(tlsp_version v)
{
    static const char http[] = "GET / HTTP/1.1\r\n\r\n";
    tlsp_pair *p = make_pair(v);
    int ret;

    REQUIRE(p != NULL);
    CHECK_EQ(tlsp_net_in_feed(&p->server, (const uint8_t *) http, sizeof(http) - 1), (int) sizeof(http) - 1);
    ret = tlsp_handshake(&p->server);
    CHECK(ret < 0 && ret != TLSP_WANT_READ && ret != TLSP_WANT_WRITE && ret != TLSP_ERR_STATE &&
          ret != TLSP_ERR_BAD_ARG);
    printf("  garbage -> %d (%s), mbedtls -0x%x\n", ret, tlsp_strerror(ret),
           (unsigned) -tlsp_engine_mbedtls_error(&p->server));
    CHECK(tlsp_engine_mbedtls_error(&p->server) < 0);
    check_sticky(&p->server, ret);

    /* Reset clears it and the engine serves a real client again. */
    CHECK_EQ(tlsp_engine_reset(&p->server), 0);
    CHECK_EQ(tlsp_engine_error(&p->server), 0);
    CHECK(!(tlsp_status(&p->server) & TLSP_STATUS_FAILED));
    CHECK_EQ(tlsp_engine_mbedtls_error(&p->server), 0);
    CHECK_EQ(tlsp_pair_handshake(p), 0);
    CHECK_EQ(tlsp_pair_transfer(p, 1000, 1000), 0);
    tlsp_pair_free(p);
}

static void test_garbage_sticky_tls12(void) { run_garbage_to_server(TLSP_TLS1_2); }
static void test_garbage_sticky_tls13(void) { run_garbage_to_server(TLSP_TLS1_3); }

/* Truncation after the handshake is a failure too, and sticky. */
static void test_truncation_sticky(void)
{
    tlsp_pair *p = make_pair(TLSP_TLS1_3);
    uint8_t buf[8];

    REQUIRE(p != NULL);
    REQUIRE_EQ(tlsp_pair_handshake(p), 0);
    REQUIRE_EQ(tlsp_pair_settle(p, 8), 0);
    tlsp_net_in_eof(&p->client);
    CHECK_EQ(tlsp_read(&p->client, buf, sizeof(buf)), TLSP_ERR_TRUNCATED);
    check_sticky(&p->client, TLSP_ERR_TRUNCATED);
    tlsp_pair_free(p);
}

/* ---- Lifetime misuse ---------------------------------------------------------------------- */

static void test_double_free(void)
{
    tlsp_pair *p = make_pair(TLSP_TLS1_3);
    tlsp_engine zeroed;
    tlsp_config cfg;
    uint8_t buf[4];

    REQUIRE(p != NULL);
    REQUIRE_EQ(tlsp_pair_handshake(p), 0);
    tlsp_engine_free(&p->client);
    tlsp_engine_free(&p->client);
    /* A freed engine refuses every call. */
    CHECK_EQ(tlsp_handshake(&p->client), TLSP_ERR_BAD_ARG);
    CHECK_EQ(tlsp_read(&p->client, buf, sizeof(buf)), TLSP_ERR_BAD_ARG);
    CHECK_EQ(tlsp_write(&p->client, buf, sizeof(buf)), TLSP_ERR_BAD_ARG);
    CHECK_EQ(tlsp_engine_reset(&p->client), TLSP_ERR_BAD_ARG);
    CHECK_EQ(tlsp_net_in_feed(&p->client, buf, sizeof(buf)), TLSP_ERR_BAD_ARG);
    CHECK_EQ(tlsp_status(&p->client), 0);

    memset(&zeroed, 0, sizeof(zeroed));
    tlsp_engine_free(&zeroed);
    tlsp_engine_free(&zeroed);
    CHECK_EQ(tlsp_poll(&zeroed), TLSP_ERR_BAD_ARG);

    REQUIRE_EQ(tlsp_config_init(&cfg, TLSP_CLIENT), 0);
    tlsp_config_free(&cfg);
    tlsp_config_free(&cfg);
    tlsp_config_free(NULL);
    /* tlsp_pair_free frees the client engine a third time. */
    tlsp_pair_free(p);
}

int main(void)
{
    RUN_TEST(test_null_engine);
    RUN_TEST(test_null_buffers);
    RUN_TEST(test_engine_init_bad_args);
    RUN_TEST(test_null_config);
    RUN_TEST(test_null_driver_and_link);
    RUN_TEST(test_strerror);
    RUN_TEST(test_app_calls_before_handshake);
    RUN_TEST(test_write_after_close);
    RUN_TEST(test_over_consume_commit);
    RUN_TEST(test_garbage_sticky_tls12);
    RUN_TEST(test_garbage_sticky_tls13);
    RUN_TEST(test_truncation_sticky);
    RUN_TEST(test_double_free);
    return tlsp_test_finish("misuse");
}
