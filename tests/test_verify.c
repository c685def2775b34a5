/*
 * Certificate verification: every bad server certificate of the test PKI (and a good one
 * judged by a wrong clock or name) is rejected by the client with the right reason, the
 * alert mbedTLS chose for it reaches the server, and both engines stay failed. A client
 * certificate the server does not trust: the same, the other way round. Each rejection
 * puts exactly one alert on the wire.
 *
 * Alert numbers are those mbedtls_ssl_verify_certificate() (library/ssl_tls.c, used by
 * TLS 1.2 and 1.3 alike) picks from the X.509 flags, first match wins:
 *   BADCERT_OTHER -> access_denied(49); CN_MISMATCH -> bad_certificate(42);
 *   (EXT_)KEY_USAGE, BAD_PK, BAD_KEY -> unsupported_certificate(43);
 *   EXPIRED -> certificate_expired(45); REVOKED -> certificate_revoked(44);
 *   NOT_TRUSTED -> unknown_ca(48); anything else (FUTURE included) -> certificate_unknown(46).
 */
#include <stdlib.h>
#include <string.h>

#include "tlsp_pair.h"
#include "tlsp_port_test.h"
#include "tlsp_test.h"
#include "tlsp_test_pki.h"

#define ALERT_BAD_CERTIFICATE     42
#define ALERT_CERTIFICATE_EXPIRED 45
#define ALERT_CERTIFICATE_UNKNOWN 46
#define ALERT_UNKNOWN_CA          48

#define DEFAULT_WALL_TIME 1767225600 /* 2026-01-01, the test port's default */
#define WALL_2050_06_01   2537654400 /* after every notAfter of the test PKI */
#define WALL_2023_06_01   1685577600 /* before every notBefore except server-expired's */

#define TEST_HOST "tlspair-test-server"

typedef struct server_id {
    const char *crt;
    size_t crt_len;
    const char *key;
    size_t key_len;
} server_id;

static server_id id_of(const char *crt, size_t crt_len, const char *key, size_t key_len)
{
    server_id id = { crt, crt_len, key, key_len };
    return id;
}

static server_id good(void)
{
    return id_of(tlsp_test_server_crt_pem, tlsp_test_server_crt_pem_len,
                 tlsp_test_server_key_pem, tlsp_test_server_key_pem_len);
}

/* A certificate pair at one protocol version whose server presents `id`; the client
 * trusts the test CA and expects `hostname`. */
static tlsp_pair *cert_pair(tlsp_version v, server_id id, const char *hostname)
{
    tlsp_pair_opts o = { TLSP_PAIR_CERT, v, v, 0, 0, 0 };
    tlsp_pair *p = tlsp_pair_alloc(&o);

    if (p == NULL) {
        return NULL;
    }
    if (tlsp_pair_configure(p) != 0) {
        goto fail;
    }
    /* The harness gave the server the good certificate; swap in the one under test. */
    tlsp_config_free(&p->server_cfg);
    if (tlsp_config_init(&p->server_cfg, TLSP_SERVER) != 0 ||
        tlsp_config_set_versions(&p->server_cfg, v, v) != 0 ||
        tlsp_config_set_own_cert(&p->server_cfg, (const uint8_t *) id.crt, id.crt_len,
                                 (const uint8_t *) id.key, id.key_len, NULL) != 0) {
        goto fail;
    }
    if (tlsp_config_set_hostname(&p->client_cfg, hostname) != 0) {
        goto fail;
    }
    if (tlsp_pair_start(p) != 0) {
        goto fail;
    }
    return p;
fail:
    fprintf(stderr, "cert_pair setup failed\n");
    tlsp_pair_free(p);
    return NULL;
}

/* Every app-side call on a failed engine returns its failure code, again and again. */
static void check_sticky(tlsp_engine *e, int code)
{
    uint8_t buf[16];

    CHECK_EQ(tlsp_engine_error(e), code);
    CHECK_EQ(tlsp_read(e, buf, sizeof(buf)), code);
    CHECK_EQ(tlsp_read(e, buf, sizeof(buf)), code);
    CHECK_EQ(tlsp_write(e, (const uint8_t *) "x", 1), code);
    CHECK_EQ(tlsp_handshake(e), code);
    CHECK_EQ(tlsp_poll(e), code);
    CHECK_EQ(tlsp_close(e), code);
    CHECK(tlsp_status(e) & TLSP_STATUS_FAILED);
    CHECK(!(tlsp_status(e) & TLSP_STATUS_HANDSHAKE_DONE));
}

/* The handshake fails on the client with exactly `flags`, the server gets `alert`. */
static void expect_rejected(tlsp_version v, server_id id, const char *hostname,
                            unsigned flags, int alert)
{
    tlsp_pair *p = cert_pair(v, id, hostname);
    tlsp_pair_failure f;
    int ret;

    REQUIRE(p != NULL);
    tlsp_pair_fail_handshake(p, &f);
    ret = f.ret;
    CHECK(ret < 0 && ret != TLSP_WANT_READ && ret != TLSP_WANT_WRITE && ret != TLSP_ERR_TIMEOUT);
    CHECK(tlsp_pair_alerted_once(p, &f));   /* the client's alert, and nothing else */

    CHECK_EQ(tlsp_engine_error(&p->client), TLSP_ERR_CERT_REJECTED);
    CHECK_EQ(tlsp_engine_mbedtls_error(&p->client), MBEDTLS_ERR_X509_CERT_VERIFY_FAILED);
    CHECK_EQ(tlsp_engine_cert_flags(&p->client), flags);
    CHECK_EQ(tlsp_engine_alert_received(&p->client), -1);

    /* Only the client's alert explains the server's failure: it was delivered. */
    CHECK_EQ(tlsp_engine_error(&p->server), TLSP_ERR_PEER_ALERT);
    CHECK_EQ(tlsp_engine_alert_received(&p->server), alert);
    CHECK_EQ(tlsp_engine_cert_flags(&p->server), 0);

    check_sticky(&p->client, TLSP_ERR_CERT_REJECTED);
    check_sticky(&p->server, TLSP_ERR_PEER_ALERT);
    tlsp_pair_free(p);
}

/* ---- Positive control --------------------------------------------------------------- */

static void good_cert_accepted(tlsp_version v)
{
    tlsp_pair *p = cert_pair(v, good(), TEST_HOST);
    tlsp_info info;

    REQUIRE(p != NULL);
    CHECK_EQ(tlsp_pair_handshake(p), 0);
    CHECK_EQ(tlsp_engine_cert_flags(&p->client), 0);
    CHECK_EQ(tlsp_engine_error(&p->client), 0);
    CHECK_EQ(tlsp_engine_error(&p->server), 0);
    CHECK_EQ(tlsp_engine_info(&p->client, &info), 0);
    CHECK(strstr(info.peer_subject, "tlspair-test-server") != NULL);
    CHECK(strcmp(info.version, v == TLSP_TLS1_3 ? "TLSv1.3" : "TLSv1.2") == 0);
    CHECK_EQ(tlsp_pair_transfer(p, 1000, 500), 0);
    tlsp_pair_free(p);
}

static void test_good_cert_tls12(void) { good_cert_accepted(TLSP_TLS1_2); }
static void test_good_cert_tls13(void) { good_cert_accepted(TLSP_TLS1_3); }

/* ---- Bad certificates at the default clock (2026-01-01) ------------------------------ */

static void untrusted(tlsp_version v)
{
    expect_rejected(v, id_of(tlsp_test_server_untrusted_crt_pem, tlsp_test_server_untrusted_crt_pem_len,
                             tlsp_test_server_untrusted_key_pem, tlsp_test_server_untrusted_key_pem_len),
                    TEST_HOST, TLSP_CERT_UNTRUSTED, ALERT_UNKNOWN_CA);
}

static void expired(tlsp_version v)
{
    expect_rejected(v, id_of(tlsp_test_server_expired_crt_pem, tlsp_test_server_expired_crt_pem_len,
                             tlsp_test_server_expired_key_pem, tlsp_test_server_expired_key_pem_len),
                    TEST_HOST, TLSP_CERT_EXPIRED, ALERT_CERTIFICATE_EXPIRED);
}

static void future(tlsp_version v)
{
    expect_rejected(v, id_of(tlsp_test_server_future_crt_pem, tlsp_test_server_future_crt_pem_len,
                             tlsp_test_server_future_key_pem, tlsp_test_server_future_key_pem_len),
                    TEST_HOST, TLSP_CERT_NOT_YET_VALID, ALERT_CERTIFICATE_UNKNOWN);
}

static void wronghost_cert(tlsp_version v)
{
    expect_rejected(v, id_of(tlsp_test_server_wronghost_crt_pem, tlsp_test_server_wronghost_crt_pem_len,
                             tlsp_test_server_wronghost_key_pem, tlsp_test_server_wronghost_key_pem_len),
                    TEST_HOST, TLSP_CERT_HOSTNAME, ALERT_BAD_CERTIFICATE);
}

static void wrong_expected_host(tlsp_version v)
{
    expect_rejected(v, good(), "other-host", TLSP_CERT_HOSTNAME, ALERT_BAD_CERTIFICATE);
}

static void test_untrusted_tls12(void) { untrusted(TLSP_TLS1_2); }
static void test_untrusted_tls13(void) { untrusted(TLSP_TLS1_3); }
static void test_expired_tls12(void) { expired(TLSP_TLS1_2); }
static void test_expired_tls13(void) { expired(TLSP_TLS1_3); }
static void test_future_tls12(void) { future(TLSP_TLS1_2); }
static void test_future_tls13(void) { future(TLSP_TLS1_3); }
static void test_wronghost_cert_tls12(void) { wronghost_cert(TLSP_TLS1_2); }
static void test_wronghost_cert_tls13(void) { wronghost_cert(TLSP_TLS1_3); }
static void test_other_hostname_tls12(void) { wrong_expected_host(TLSP_TLS1_2); }
static void test_other_hostname_tls13(void) { wrong_expected_host(TLSP_TLS1_3); }

/* ---- A client certificate the server rejects ------------------------------------------- */

/* The server trusts only the untrusted CA, so the test CA's client certificate fails with
 * NOT_TRUSTED alone: unknown_ca. The server sends that one alert and no other (RFC 8446
 * 6.2). Under TLS 1.3 mbedTLS sends it encrypted, where the engine once took it for no
 * alert at all and added a second.
 * The client: TLS 1.2 reads the alert. TLS 1.3 has finished its handshake and left the
 * handshake keys the server's alert uses, so it cannot read it: a bad record, answered
 * with its own alert. */
static void client_cert_rejected(tlsp_version v)
{
    tlsp_pair_opts o = { TLSP_PAIR_CERT, v, v, 0, 0, 0 };
    tlsp_pair *p = tlsp_pair_alloc(&o);
    tlsp_pair_failure f;

    REQUIRE(p != NULL);
    REQUIRE_EQ(tlsp_pair_configure(p), 0);
    REQUIRE_EQ(tlsp_config_add_ca(&p->server_cfg, (const uint8_t *) tlsp_test_untrusted_ca_crt_pem,
                                  tlsp_test_untrusted_ca_crt_pem_len), 0);
    REQUIRE_EQ(tlsp_config_require_client_cert(&p->server_cfg), 0);
    REQUIRE_EQ(tlsp_config_set_own_cert(&p->client_cfg, (const uint8_t *) tlsp_test_client_crt_pem,
                                        tlsp_test_client_crt_pem_len,
                                        (const uint8_t *) tlsp_test_client_key_pem,
                                        tlsp_test_client_key_pem_len, NULL), 0);
    REQUIRE_EQ(tlsp_pair_start(p), 0);
    tlsp_pair_fail_handshake(p, &f);
    CHECK(f.ret < 0 && f.ret != TLSP_ERR_TIMEOUT);

    CHECK_EQ(tlsp_engine_error(&p->server), TLSP_ERR_CERT_REJECTED);
    CHECK_EQ(tlsp_engine_cert_flags(&p->server), TLSP_CERT_UNTRUSTED);
    CHECK_EQ(f.server_records, 1);
    if (v == TLSP_TLS1_2) {
        CHECK_EQ(tlsp_engine_error(&p->client), TLSP_ERR_PEER_ALERT);
        CHECK_EQ(tlsp_engine_alert_received(&p->client), ALERT_UNKNOWN_CA);
        CHECK_EQ(f.client_records, 0);
    } else {
        CHECK_EQ(tlsp_engine_error(&p->client), TLSP_ERR_BAD_RECORD);
        CHECK_EQ(f.client_records, 1);
    }
    CHECK(tlsp_pair_alerted_once(p, &f));
    tlsp_pair_free(p);
}

static void test_client_cert_rejected_tls12(void) { client_cert_rejected(TLSP_TLS1_2); }
static void test_client_cert_rejected_tls13(void) { client_cert_rejected(TLSP_TLS1_3); }

/* ---- A good certificate judged by a moved wall clock ---------------------------------- */

static void good_cert_after_not_after(tlsp_version v)
{
    /* The CA expires with the leaf (2049-12-31); mbedTLS still chains to it (a trusted
     * root out of its validity is used as a fallback) and flags only the expiry. */
    tlsp_port_test_set_wall_time(WALL_2050_06_01);
    expect_rejected(v, good(), TEST_HOST, TLSP_CERT_EXPIRED, ALERT_CERTIFICATE_EXPIRED);
    tlsp_port_test_set_wall_time(DEFAULT_WALL_TIME);
}

static void good_cert_before_not_before(tlsp_version v)
{
    /* FUTURE is not in mbedTLS's alert list: certificate_unknown. */
    tlsp_port_test_set_wall_time(WALL_2023_06_01);
    expect_rejected(v, good(), TEST_HOST, TLSP_CERT_NOT_YET_VALID, ALERT_CERTIFICATE_UNKNOWN);
    tlsp_port_test_set_wall_time(DEFAULT_WALL_TIME);
}

/* An unknown date must fail closed: the port reports -1, tlspair turns it into the
 * epoch, and every certificate is "not yet valid" (even one that expired long ago). */
static void unknown_wall_clock(tlsp_version v)
{
    tlsp_port_test_set_wall_time(-1);
    expect_rejected(v, good(), TEST_HOST, TLSP_CERT_NOT_YET_VALID, ALERT_CERTIFICATE_UNKNOWN);
    expect_rejected(v, id_of(tlsp_test_server_expired_crt_pem, tlsp_test_server_expired_crt_pem_len,
                             tlsp_test_server_expired_key_pem, tlsp_test_server_expired_key_pem_len),
                    TEST_HOST, TLSP_CERT_NOT_YET_VALID, ALERT_CERTIFICATE_UNKNOWN);
    tlsp_port_test_set_wall_time(DEFAULT_WALL_TIME);
}

static void test_clock_past_not_after_tls12(void) { good_cert_after_not_after(TLSP_TLS1_2); }
static void test_clock_past_not_after_tls13(void) { good_cert_after_not_after(TLSP_TLS1_3); }
static void test_clock_before_not_before_tls12(void) { good_cert_before_not_before(TLSP_TLS1_2); }
static void test_clock_before_not_before_tls13(void) { good_cert_before_not_before(TLSP_TLS1_3); }
static void test_clock_unknown_tls12(void) { unknown_wall_clock(TLSP_TLS1_2); }
static void test_clock_unknown_tls13(void) { unknown_wall_clock(TLSP_TLS1_3); }

/* After the clock tests the default clock accepts the good certificate again (the
 * restore works and no state leaked between pairs). */
static void test_clock_restored(void)
{
    good_cert_accepted(TLSP_TLS1_2);
    good_cert_accepted(TLSP_TLS1_3);
}

int main(void)
{
    RUN_TEST(test_good_cert_tls12);
    RUN_TEST(test_good_cert_tls13);
    RUN_TEST(test_untrusted_tls12);
    RUN_TEST(test_untrusted_tls13);
    RUN_TEST(test_expired_tls12);
    RUN_TEST(test_expired_tls13);
    RUN_TEST(test_future_tls12);
    RUN_TEST(test_future_tls13);
    RUN_TEST(test_wronghost_cert_tls12);
    RUN_TEST(test_wronghost_cert_tls13);
    RUN_TEST(test_other_hostname_tls12);
    RUN_TEST(test_other_hostname_tls13);
    RUN_TEST(test_client_cert_rejected_tls12);
    RUN_TEST(test_client_cert_rejected_tls13);
    RUN_TEST(test_clock_past_not_after_tls12);
    RUN_TEST(test_clock_past_not_after_tls13);
    RUN_TEST(test_clock_before_not_before_tls12);
    RUN_TEST(test_clock_before_not_before_tls13);
    RUN_TEST(test_clock_unknown_tls12);
    RUN_TEST(test_clock_unknown_tls13);
    RUN_TEST(test_clock_restored);
    return tlsp_test_finish("verify");
}
