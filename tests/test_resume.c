/*
 * Session resumption: tickets (TLS 1.2 and 1.3) and TLS 1.2 session IDs, with certificates
 * and PSKs; saved sessions plain and sealed, loaded into brand-new client engines and
 * configs (a rebooted device); every way a saved session can be unusable; fallbacks to a
 * full handshake; expiry on the test port's clocks.
 *
 * "Abbreviated" is proven three ways: tlsp_info.resumed, fewer handshake bytes than the
 * full handshake (printed), and, with certificates, by reconnecting with a client config
 * that trusts only an unrelated CA: a full handshake with it fails verification, so a
 * resumed handshake that succeeds cannot have sent or checked a certificate.
 */
#include <stdlib.h>

#include "mbedtls/ssl_ticket.h"
#include "psa/crypto.h"

#include "tlsp_pair.h"
#include "tlsp_test.h"
#include "tlsp_test_pki.h"
#include "tlsp_port_test.h"
#include "tlspair/tlsp_session.h"

#define LIFETIME_S 300u
#define BLOB_MAX 4096u

static const uint8_t seal_key[32] = {
    0x10, 0x21, 0x32, 0x43, 0x54, 0x65, 0x76, 0x87, 0x98, 0xa9, 0xba, 0xcb, 0xdc, 0xed, 0xfe, 0x0f,
    0x01, 0x12, 0x23, 0x34, 0x45, 0x56, 0x67, 0x78, 0x89, 0x9a, 0xab, 0xbc, 0xcd, 0xde, 0xef, 0xf0,
};

/* Which CA the client trusts on a reconnect. */
typedef enum { TRUST_TEST_CA, TRUST_UNRELATED_CA } client_trust;

typedef struct scenario {
    tlsp_version version;
    tlsp_pair_auth auth;
    unsigned server_mech;   /* 0 = resumption off on the server */
    unsigned client_mech;
} scenario;

/* Both ends' handshake bytes as the server counted them (it finishes last in every
 * resumed and full handshake measured here, so its totals cover the whole exchange). */
static uint64_t handshake_bytes(tlsp_pair *p)
{
    tlsp_info si;

    if (tlsp_engine_info(&p->server, &si) != 0) {
        return 0;
    }
    return si.handshake_bytes_in + si.handshake_bytes_out;
}

static int configure_client(tlsp_config *cfg, const scenario *sc, client_trust trust)
{
    int ret = tlsp_config_init(cfg, TLSP_CLIENT);

    if (ret == 0) {
        ret = tlsp_config_set_versions(cfg, sc->version, sc->version);
    }
    if (ret == 0 && sc->auth == TLSP_PAIR_PSK) {
        ret = tlsp_config_set_psk(cfg, tlsp_pair_psk_identity, tlsp_pair_psk_identity_len,
                                  tlsp_pair_psk_key, tlsp_pair_psk_key_len);
    } else if (ret == 0) {
        ret = trust == TRUST_TEST_CA
                  ? tlsp_config_add_ca(cfg, (const uint8_t *) tlsp_test_test_ca_crt_pem,
                                       tlsp_test_test_ca_crt_pem_len)
                  : tlsp_config_add_ca(cfg, (const uint8_t *) tlsp_test_untrusted_ca_crt_pem,
                                       tlsp_test_untrusted_ca_crt_pem_len);
        if (ret == 0) {
            ret = tlsp_config_set_hostname(cfg, "tlspair-test-server");
        }
    }
    if (ret == 0 && sc->client_mech != 0) {
        ret = tlsp_config_enable_resumption(cfg, sc->client_mech, 0, 0);
    }
    return ret;
}

static tlsp_pair *new_pair(const scenario *sc)
{
    tlsp_pair_opts o = { sc->auth, sc->version, sc->version, 0, 0, 0 };
    tlsp_pair *p = tlsp_pair_alloc(&o);

    if (p == NULL) {
        return NULL;
    }
    if (tlsp_pair_configure(p) != 0 ||
        (sc->client_mech != 0 &&
         tlsp_config_enable_resumption(&p->client_cfg, sc->client_mech, 0, 0) != 0) ||
        (sc->server_mech != 0 &&
         tlsp_config_enable_resumption(&p->server_cfg, sc->server_mech, LIFETIME_S, 8) != 0) ||
        tlsp_pair_start(p) != 0) {
        tlsp_pair_free(p);
        return NULL;
    }
    return p;
}

/* The device reboots: its engine and config are gone, a new config and a new engine are
 * made from scratch (same buffers). The server just starts a new connection. */
static int reboot_client(tlsp_pair *p, const scenario *sc, client_trust trust)
{
    size_t q = p->opts.queue_size;
    size_t l = p->opts.link_size;
    uint8_t *b = p->buffers;
    int ret;

    tlsp_engine_free(&p->client);
    tlsp_config_free(&p->client_cfg);
    p->started &= ~1;
    ret = configure_client(&p->client_cfg, sc, trust);
    if (ret == 0) {
        ret = tlsp_engine_init(&p->client, &p->client_cfg, b, q, b + q, q);
    }
    if (ret == 0) {
        p->started |= 1;
        ret = tlsp_engine_reset(&p->server);
    }
    if (ret == 0) {
        ret = tlsp_memory_link_init(&p->link, b + 4 * q, l, b + 4 * q + l, l, p->opts.mtu);
    }
    return ret;
}

/* Handshake, let post-handshake messages (TLS 1.3 tickets) arrive, move a little data. */
static int connect_and_settle(tlsp_pair *p)
{
    int ret = tlsp_pair_handshake(p);

    if (ret == 0) {
        ret = tlsp_pair_settle(p, 8);
    }
    if (ret == 0) {
        ret = tlsp_pair_transfer(p, 2000, 500);
    }
    return ret;
}

static const char *case_name(const scenario *sc)
{
    static char name[96];

    int n = snprintf(name, sizeof(name), "%s %s %s", sc->version == TLSP_TLS1_3 ? "TLSv1.3" : "TLSv1.2",
                     sc->auth == TLSP_PAIR_PSK ? "PSK " : "CERT",
                     sc->server_mech == TLSP_RESUME_SESSION_ID ? "session ID" : "ticket");

    CHECK(n > 0 && (size_t) n < sizeof(name));
    return name;
}

/* Full handshake, save (plain or sealed), reboot, load, resumed handshake. */
static void run_resume(const scenario *sc, int sealed, int expect_fewer_bytes)
{
    tlsp_pair *p = new_pair(sc);
    uint8_t blob[BLOB_MAX];
    size_t len = 0;
    uint64_t full, resumed;
    tlsp_info ci, si;

    REQUIRE(p != NULL);
    REQUIRE_EQ(connect_and_settle(p), 0);
    full = handshake_bytes(p);
    CHECK_EQ(tlsp_engine_info(&p->client, &ci), 0);
    CHECK_EQ(ci.resumed, 0);
    REQUIRE_EQ(sealed ? tlsp_session_save_sealed(&p->client, seal_key, sizeof(seal_key), blob,
                                                 sizeof(blob), &len)
                      : tlsp_session_save(&p->client, blob, sizeof(blob), &len), 0);
    REQUIRE(len > 0 && len <= sizeof(blob));

    /* With certificates the rebooted client trusts only an unrelated CA. */
    REQUIRE_EQ(reboot_client(p, sc, sc->auth == TLSP_PAIR_CERT ? TRUST_UNRELATED_CA
                                                               : TRUST_TEST_CA), 0);
    REQUIRE_EQ(sealed ? tlsp_session_load_sealed(&p->client, seal_key, sizeof(seal_key), blob, len)
                      : tlsp_session_load(&p->client, blob, len), 0);
    REQUIRE_EQ(connect_and_settle(p), 0);
    resumed = handshake_bytes(p);
    CHECK_EQ(tlsp_engine_info(&p->client, &ci), 0);
    CHECK_EQ(tlsp_engine_info(&p->server, &si), 0);
    CHECK_EQ(ci.resumed, 1);
    CHECK_EQ(si.resumed, 1);
    if (sc->auth == TLSP_PAIR_CERT && sc->version == TLSP_TLS1_2) {
        /* The peer is still known: from the saved session, not from a new certificate. */
        CHECK(strstr(ci.peer_subject, "tlspair-test-server") != NULL);
    } else if (sc->auth == TLSP_PAIR_CERT) {
        /* mbedTLS keeps no certificate in TLS 1.3 tickets: none was sent, none is known. */
        CHECK_EQ(ci.peer_subject[0], '\0');
    }
    printf("  %s%s: full %llu bytes, resumed %llu bytes (blob %zu bytes)\n", case_name(sc),
           sealed ? " sealed" : "", (unsigned long long) full, (unsigned long long) resumed, len);
    if (expect_fewer_bytes) {
        CHECK(resumed < full);
    }
    tlsp_pair_free(p);
}

static const scenario tls12_ticket_cert = { TLSP_TLS1_2, TLSP_PAIR_CERT, TLSP_RESUME_TICKETS, TLSP_RESUME_TICKETS };
static const scenario tls12_ticket_psk = { TLSP_TLS1_2, TLSP_PAIR_PSK, TLSP_RESUME_TICKETS, TLSP_RESUME_TICKETS };
static const scenario tls12_id_cert = { TLSP_TLS1_2, TLSP_PAIR_CERT, TLSP_RESUME_SESSION_ID, TLSP_RESUME_SESSION_ID };
static const scenario tls12_id_psk = { TLSP_TLS1_2, TLSP_PAIR_PSK, TLSP_RESUME_SESSION_ID, TLSP_RESUME_SESSION_ID };
static const scenario tls13_ticket_cert = { TLSP_TLS1_3, TLSP_PAIR_CERT, TLSP_RESUME_TICKETS, TLSP_RESUME_TICKETS };
static const scenario tls13_ticket_psk = { TLSP_TLS1_3, TLSP_PAIR_PSK, TLSP_RESUME_TICKETS, TLSP_RESUME_TICKETS };

static void test_tls12_ticket_cert(void) { run_resume(&tls12_ticket_cert, 0, 1); }
static void test_tls12_ticket_psk(void) { run_resume(&tls12_ticket_psk, 0, 1); }
static void test_tls12_session_id_cert(void) { run_resume(&tls12_id_cert, 0, 1); }
static void test_tls12_session_id_psk(void) { run_resume(&tls12_id_psk, 0, 1); }
static void test_tls13_ticket_cert(void) { run_resume(&tls13_ticket_cert, 0, 1); }
/* Not fewer bytes: a TLS 1.3 PSK handshake is already small, and the resumed ClientHello
 * carries the ticket and a second binder next to the external PSK. It still resumes. */
static void test_tls13_ticket_psk(void) { run_resume(&tls13_ticket_psk, 0, 0); }
static void test_tls12_ticket_cert_sealed(void) { run_resume(&tls12_ticket_cert, 1, 1); }
static void test_tls13_ticket_cert_sealed(void) { run_resume(&tls13_ticket_cert, 1, 1); }

/* The control for the "unrelated CA" proof: without a session, that client config
 * rejects the server's certificate. */
static void test_unrelated_ca_rejects_full_handshake(void)
{
    tlsp_pair *p = new_pair(&tls13_ticket_cert);

    REQUIRE(p != NULL);
    REQUIRE_EQ(reboot_client(p, &tls13_ticket_cert, TRUST_UNRELATED_CA), 0);
    CHECK_EQ(tlsp_pair_handshake(p), TLSP_ERR_CERT_REJECTED);
    tlsp_pair_free(p);
}

/* TLS 1.3: the ticket comes after the handshake; saving before it arrives says WANT_READ
 * and changes nothing; once tlsp_poll()/tlsp_read() processed it, the save works. */
static void test_tls13_save_waits_for_ticket(void)
{
    tlsp_pair *p = new_pair(&tls13_ticket_cert);
    uint8_t blob[BLOB_MAX];
    size_t len = 99;

    REQUIRE(p != NULL);
    REQUIRE_EQ(tlsp_pair_handshake(p), 0);
    CHECK_EQ(tlsp_session_save(&p->client, blob, sizeof(blob), &len), TLSP_WANT_READ);
    CHECK_EQ(len, 0);
    CHECK_EQ(tlsp_pair_settle(p, 8), 0);
    CHECK_EQ(tlsp_session_save(&p->client, blob, sizeof(blob), &len), 0);
    CHECK(len > 0);
    /* Saving is repeatable (mbedtls_ssl_get_session() would allow it once). */
    CHECK_EQ(tlsp_session_save(&p->client, blob, sizeof(blob), &len), 0);
    tlsp_pair_free(p);
}

/* A saved session whose server dropped resumption (or was replaced) still connects. */
static void run_server_without_resumption(const scenario *sc)
{
    tlsp_pair *p = new_pair(sc);
    uint8_t blob[BLOB_MAX];
    size_t len = 0;
    tlsp_info ci;

    REQUIRE(p != NULL);
    REQUIRE_EQ(connect_and_settle(p), 0);
    REQUIRE_EQ(tlsp_session_save(&p->client, blob, sizeof(blob), &len), 0);

    /* New server config without resumption, new server engine. */
    tlsp_engine_free(&p->server);
    tlsp_config_free(&p->server_cfg);
    p->started &= ~2;
    memset(&p->server_cfg, 0, sizeof(p->server_cfg));
    REQUIRE_EQ(tlsp_config_init(&p->server_cfg, TLSP_SERVER), 0);
    REQUIRE_EQ(tlsp_config_set_versions(&p->server_cfg, sc->version, sc->version), 0);
    REQUIRE_EQ(tlsp_config_set_own_cert(&p->server_cfg, (const uint8_t *) tlsp_test_server_crt_pem,
                                        tlsp_test_server_crt_pem_len,
                                        (const uint8_t *) tlsp_test_server_key_pem,
                                        tlsp_test_server_key_pem_len, NULL), 0);
    REQUIRE_EQ(tlsp_engine_init(&p->server, &p->server_cfg, p->buffers + 2 * p->opts.queue_size,
                                p->opts.queue_size, p->buffers + 3 * p->opts.queue_size,
                                p->opts.queue_size), 0);
    p->started |= 2;
    REQUIRE_EQ(reboot_client(p, sc, TRUST_TEST_CA), 0);
    REQUIRE_EQ(tlsp_session_load(&p->client, blob, len), 0);
    CHECK_EQ(connect_and_settle(p), 0);
    CHECK_EQ(tlsp_engine_info(&p->client, &ci), 0);
    CHECK_EQ(ci.resumed, 0);
    CHECK(strstr(ci.peer_subject, "tlspair-test-server") != NULL);
    tlsp_pair_free(p);
}

static void test_fallback_tls12_ticket(void) { run_server_without_resumption(&tls12_ticket_cert); }
static void test_fallback_tls12_session_id(void) { run_server_without_resumption(&tls12_id_cert); }
static void test_fallback_tls13_ticket(void) { run_server_without_resumption(&tls13_ticket_cert); }

/* Past the lifetime (both port clocks moved on), the server refuses the session and the
 * handshake is a full one that works. */
static void run_expired(const scenario *sc)
{
    tlsp_pair *p = new_pair(sc);
    uint8_t blob[BLOB_MAX];
    size_t len = 0;
    tlsp_info ci;

    REQUIRE(p != NULL);
    REQUIRE_EQ(connect_and_settle(p), 0);
    REQUIRE_EQ(tlsp_session_save(&p->client, blob, sizeof(blob), &len), 0);
    tlsp_port_test_advance_millis((LIFETIME_S + 10u) * 1000u);
    tlsp_port_test_set_wall_time(tlsp_port_wall_time() + LIFETIME_S + 10);
    REQUIRE_EQ(reboot_client(p, sc, TRUST_TEST_CA), 0);
    REQUIRE_EQ(tlsp_session_load(&p->client, blob, len), 0);
    CHECK_EQ(connect_and_settle(p), 0);
    CHECK_EQ(tlsp_engine_info(&p->client, &ci), 0);
    CHECK_EQ(ci.resumed, 0);
    tlsp_pair_free(p);
}

/* Just inside the lifetime, it still resumes: the expiry above is the lifetime's doing. */
static void run_not_yet_expired(const scenario *sc)
{
    tlsp_pair *p = new_pair(sc);
    uint8_t blob[BLOB_MAX];
    size_t len = 0;
    tlsp_info ci;

    REQUIRE(p != NULL);
    REQUIRE_EQ(connect_and_settle(p), 0);
    REQUIRE_EQ(tlsp_session_save(&p->client, blob, sizeof(blob), &len), 0);
    tlsp_port_test_advance_millis((LIFETIME_S - 20u) * 1000u);
    tlsp_port_test_set_wall_time(tlsp_port_wall_time() + LIFETIME_S - 20);
    REQUIRE_EQ(reboot_client(p, sc, TRUST_TEST_CA), 0);
    REQUIRE_EQ(tlsp_session_load(&p->client, blob, len), 0);
    CHECK_EQ(connect_and_settle(p), 0);
    CHECK_EQ(tlsp_engine_info(&p->client, &ci), 0);
    CHECK_EQ(ci.resumed, 1);
    tlsp_pair_free(p);
}

static void test_expired_tls12_ticket(void) { run_expired(&tls12_ticket_cert); }
static void test_expired_tls12_session_id(void) { run_expired(&tls12_id_cert); }
static void test_expired_tls13_ticket(void) { run_expired(&tls13_ticket_cert); }
static void test_inside_lifetime_tls12_ticket(void) { run_not_yet_expired(&tls12_ticket_cert); }
static void test_inside_lifetime_tls12_session_id(void) { run_not_yet_expired(&tls12_id_cert); }
static void test_inside_lifetime_tls13_ticket(void) { run_not_yet_expired(&tls13_ticket_cert); }

/* TLS 1.3 ticket age across a reboot comes from the wall clock: here the monotonic clock
 * jumps by a minute while the wall clock says one second passed, as if the client's
 * monotonic stamps were from another boot. The client then reports an age the server's
 * own (monotonic) count contradicts by far more than its 6 s tolerance, so the server
 * refuses the ticket. Had the load kept the old monotonic stamp, the ages would agree. */
static void test_tls13_ticket_age_follows_wall_clock(void)
{
    tlsp_pair *p = new_pair(&tls13_ticket_cert);
    uint8_t blob[BLOB_MAX];
    size_t len = 0;
    tlsp_info ci;

    REQUIRE(p != NULL);
    REQUIRE_EQ(connect_and_settle(p), 0);
    REQUIRE_EQ(tlsp_session_save(&p->client, blob, sizeof(blob), &len), 0);
    tlsp_port_test_advance_millis(60000);
    tlsp_port_test_set_wall_time(tlsp_port_wall_time() + 1);
    REQUIRE_EQ(reboot_client(p, &tls13_ticket_cert, TRUST_TEST_CA), 0);
    REQUIRE_EQ(tlsp_session_load(&p->client, blob, len), 0);
    CHECK_EQ(connect_and_settle(p), 0);
    CHECK_EQ(tlsp_engine_info(&p->client, &ci), 0);
    CHECK_EQ(ci.resumed, 0);
    tlsp_pair_free(p);
}

/* A connected TLS 1.2 ticket pair, and its client's plain and sealed blobs. */
static tlsp_pair *saved_pair(uint8_t *plain, size_t *plain_len, uint8_t *sealed, size_t *sealed_len)
{
    tlsp_pair *p = new_pair(&tls12_ticket_cert);

    if (p == NULL || connect_and_settle(p) != 0 ||
        tlsp_session_save(&p->client, plain, BLOB_MAX, plain_len) != 0 ||
        tlsp_session_save_sealed(&p->client, seal_key, sizeof(seal_key), sealed, BLOB_MAX,
                                 sealed_len) != 0 ||
        reboot_client(p, &tls12_ticket_cert, TRUST_TEST_CA) != 0) {
        tlsp_pair_free(p);
        return NULL;
    }
    return p;
}

static void test_sizes_and_small_buffers(void)
{
    tlsp_pair *p = new_pair(&tls12_ticket_cert);
    uint8_t blob[BLOB_MAX];
    size_t need = 0, len = 0, sealed_need = 0;

    REQUIRE(p != NULL);
    REQUIRE_EQ(connect_and_settle(p), 0);
    /* Size query, then one byte short: the size comes back, nothing is written. */
    CHECK_EQ(tlsp_session_save(&p->client, NULL, 0, &need), TLSP_ERR_BUFFER_SMALL);
    REQUIRE(need > 100 && need < sizeof(blob));
    memset(blob, 0xA5, sizeof(blob));
    CHECK_EQ(tlsp_session_save(&p->client, blob, need - 1, &len), TLSP_ERR_BUFFER_SMALL);
    CHECK_EQ(len, need);
    CHECK(blob[0] == 0xA5 && blob[need - 2] == 0xA5);
    CHECK_EQ(tlsp_session_save(&p->client, blob, need, &len), 0);
    CHECK_EQ(len, need);
    CHECK_EQ(tlsp_session_save_sealed(&p->client, seal_key, sizeof(seal_key), blob, need, &sealed_need),
             TLSP_ERR_BUFFER_SMALL);
    CHECK_EQ(sealed_need, need + TLSP_SESSION_SEAL_OVERHEAD);
    CHECK_EQ(tlsp_session_save_sealed(&p->client, seal_key, 24, blob, sizeof(blob), &len),
             TLSP_ERR_BAD_ARG);
    CHECK_EQ(tlsp_session_save(&p->client, blob, sizeof(blob), NULL), TLSP_ERR_BAD_ARG);
    /* Servers have nothing to save; a client before its handshake neither. */
    CHECK_EQ(tlsp_session_save(&p->server, blob, sizeof(blob), &len), TLSP_ERR_STATE);
    REQUIRE_EQ(reboot_client(p, &tls12_ticket_cert, TRUST_TEST_CA), 0);
    CHECK_EQ(tlsp_session_save(&p->client, blob, sizeof(blob), &len), TLSP_ERR_STATE);
    tlsp_pair_free(p);
}

static void test_sealed_blob_is_encrypted_and_opened_in_place(void)
{
    uint8_t plain[BLOB_MAX], sealed[BLOB_MAX];
    size_t plain_len = 0, sealed_len = 0, i;
    tlsp_pair *p = saved_pair(plain, &plain_len, sealed, &sealed_len);
    int found = 0;

    REQUIRE(p != NULL);
    CHECK_EQ(sealed_len, plain_len + TLSP_SESSION_SEAL_OVERHEAD);
    /* No 16-byte window of the plain session (master secret, ticket, certificate) shows
     * in the sealed one. */
    for (i = 0; i + 16 <= plain_len && !found; i += 8) {
        size_t j;
        for (j = 0; j + 16 <= sealed_len; j++) {
            if (memcmp(plain + i, sealed + j, 16) == 0) {
                found = 1;
                break;
            }
        }
    }
    CHECK(!found);
    CHECK_EQ(tlsp_session_load_sealed(&p->client, seal_key, sizeof(seal_key), sealed, sealed_len), 0);
    for (i = 0; i < sealed_len && sealed[i] == 0; i++) {
    }
    CHECK_EQ(i, sealed_len);   /* wiped after loading */
    CHECK_EQ(connect_and_settle(p), 0);
    tlsp_pair_free(p);
}

static void test_bad_seal_and_corrupt_blobs(void)
{
    uint8_t plain[BLOB_MAX], sealed[BLOB_MAX], copy[BLOB_MAX];
    uint8_t wrong_key[32];
    size_t plain_len = 0, sealed_len = 0;
    tlsp_pair *p = saved_pair(plain, &plain_len, sealed, &sealed_len);
    const size_t flips[] = { 0, 1, 2, 13, 14, 40, 200 };
    size_t i;
    tlsp_info ci;

    REQUIRE(p != NULL);
    memcpy(wrong_key, seal_key, sizeof(wrong_key));
    wrong_key[31] ^= 0x01;
    memcpy(copy, sealed, sealed_len);
    CHECK_EQ(tlsp_session_load_sealed(&p->client, wrong_key, sizeof(wrong_key), copy, sealed_len),
             TLSP_ERR_BAD_SESSION);
    CHECK(memcmp(copy, sealed, sealed_len) == 0);   /* left as it was */
    CHECK_EQ(tlsp_session_load_sealed(&p->client, seal_key, 16, copy, sealed_len),
             TLSP_ERR_BAD_SESSION);
    /* Any flipped byte: header, nonce, body, tag. */
    for (i = 0; i < sizeof(flips) / sizeof(flips[0]); i++) {
        memcpy(copy, sealed, sealed_len);
        copy[flips[i]] ^= 0x40;
        CHECK_EQ(tlsp_session_load_sealed(&p->client, seal_key, sizeof(seal_key), copy, sealed_len),
                 TLSP_ERR_BAD_SESSION);
    }
    memcpy(copy, sealed, sealed_len);
    copy[sealed_len - 1] ^= 0x01;
    CHECK_EQ(tlsp_session_load_sealed(&p->client, seal_key, sizeof(seal_key), copy, sealed_len),
             TLSP_ERR_BAD_SESSION);
    memcpy(copy, sealed, sealed_len);
    CHECK_EQ(tlsp_session_load_sealed(&p->client, seal_key, sizeof(seal_key), copy, sealed_len - 1),
             TLSP_ERR_BAD_SESSION);
    CHECK_EQ(tlsp_session_load_sealed(&p->client, seal_key, sizeof(seal_key), copy, 20),
             TLSP_ERR_BAD_SESSION);

    /* Plain blobs: our format byte, mbedTLS's version header, truncation, garbage. */
    memcpy(copy, plain, plain_len);
    copy[0] ^= 0x80;
    CHECK_EQ(tlsp_session_load(&p->client, copy, plain_len), TLSP_ERR_BAD_SESSION);
    memcpy(copy, plain, plain_len);
    copy[14] ^= 0x01;   /* first byte of mbedtls_ssl_session_save()'s version header */
    CHECK_EQ(tlsp_session_load(&p->client, copy, plain_len), TLSP_ERR_BAD_SESSION);
    CHECK_EQ(tlsp_session_load(&p->client, plain, plain_len - 1), TLSP_ERR_BAD_SESSION);
    CHECK_EQ(tlsp_session_load(&p->client, plain, plain_len / 2), TLSP_ERR_BAD_SESSION);
    CHECK_EQ(tlsp_session_load(&p->client, plain, 10), TLSP_ERR_BAD_SESSION);
    memset(copy, 0x5c, sizeof(copy));
    CHECK_EQ(tlsp_session_load(&p->client, copy, plain_len), TLSP_ERR_BAD_SESSION);
    CHECK(strcmp(tlsp_strerror(TLSP_ERR_BAD_SESSION), "unknown tlspair error code") != 0);
    CHECK(strcmp(tlsp_strerror(TLSP_ERR_BUFFER_SMALL), "unknown tlspair error code") != 0);

    /* None of that left anything behind: the good sealed blob still loads and resumes. */
    CHECK_EQ(tlsp_session_load_sealed(&p->client, seal_key, sizeof(seal_key), sealed, sealed_len), 0);
    CHECK_EQ(connect_and_settle(p), 0);
    CHECK_EQ(tlsp_engine_info(&p->client, &ci), 0);
    CHECK_EQ(ci.resumed, 1);
    tlsp_pair_free(p);
}

static void test_load_preconditions(void)
{
    uint8_t plain[BLOB_MAX], sealed[BLOB_MAX];
    size_t plain_len = 0, sealed_len = 0;
    tlsp_pair *p = saved_pair(plain, &plain_len, sealed, &sealed_len);
    scenario no_resumption = tls12_ticket_cert;
    tlsp_info ci;

    REQUIRE(p != NULL);
    CHECK_EQ(tlsp_session_load(&p->server, plain, plain_len), TLSP_ERR_STATE);
    CHECK_EQ(tlsp_session_load(NULL, plain, plain_len), TLSP_ERR_BAD_ARG);
    CHECK_EQ(tlsp_session_load(&p->client, NULL, plain_len), TLSP_ERR_BAD_ARG);
    CHECK_EQ(tlsp_session_load(&p->client, plain, plain_len), 0);
    CHECK_EQ(tlsp_session_load(&p->client, plain, plain_len), TLSP_ERR_STATE);   /* twice */
    CHECK_EQ(connect_and_settle(p), 0);
    CHECK_EQ(tlsp_engine_info(&p->client, &ci), 0);
    CHECK_EQ(ci.resumed, 1);
    CHECK_EQ(tlsp_session_load(&p->client, plain, plain_len), TLSP_ERR_STATE);   /* too late */

    /* A client config that did not opt in can neither load nor save. */
    no_resumption.client_mech = 0;
    REQUIRE_EQ(reboot_client(p, &no_resumption, TRUST_TEST_CA), 0);
    CHECK_EQ(tlsp_session_load(&p->client, plain, plain_len), TLSP_ERR_CONFIG);
    CHECK_EQ(connect_and_settle(p), 0);
    CHECK_EQ(tlsp_session_save(&p->client, plain, sizeof(plain), &plain_len), TLSP_ERR_CONFIG);
    tlsp_pair_free(p);
}

/* A TLS 1.3 session cannot go into a TLS 1.2-only client. */
static void test_tls13_session_into_tls12_client(void)
{
    tlsp_pair *p = new_pair(&tls13_ticket_cert);
    uint8_t blob[BLOB_MAX];
    size_t len = 0;

    REQUIRE(p != NULL);
    REQUIRE_EQ(connect_and_settle(p), 0);
    REQUIRE_EQ(tlsp_session_save(&p->client, blob, sizeof(blob), &len), 0);
    REQUIRE_EQ(reboot_client(p, &tls12_ticket_cert, TRUST_TEST_CA), 0);
    CHECK_EQ(tlsp_session_load(&p->client, blob, len), TLSP_ERR_BAD_SESSION);
    tlsp_pair_free(p);
}

static void test_config_arguments(void)
{
    tlsp_config c, s;

    REQUIRE_EQ(tlsp_config_init(&c, TLSP_CLIENT), 0);
    REQUIRE_EQ(tlsp_config_init(&s, TLSP_SERVER), 0);
    CHECK_EQ(tlsp_config_enable_resumption(NULL, TLSP_RESUME_ALL, 60, 0), TLSP_ERR_BAD_ARG);
    CHECK_EQ(tlsp_config_enable_resumption(&s, 0, 60, 0), TLSP_ERR_BAD_ARG);
    CHECK_EQ(tlsp_config_enable_resumption(&s, 0x10, 60, 0), TLSP_ERR_BAD_ARG);
    CHECK_EQ(tlsp_config_enable_resumption(&s, TLSP_RESUME_ALL, 0, 0), TLSP_ERR_BAD_ARG);
    CHECK_EQ(tlsp_config_enable_resumption(&s, TLSP_RESUME_ALL, TLSP_MAX_SESSION_LIFETIME_S + 1, 0),
             TLSP_ERR_BAD_ARG);
    CHECK_EQ(tlsp_config_enable_resumption(&s, TLSP_RESUME_ALL, 60, 70000), TLSP_ERR_BAD_ARG);
    CHECK_EQ(tlsp_config_enable_resumption(&s, TLSP_RESUME_ALL, TLSP_MAX_SESSION_LIFETIME_S, 0), 0);
    CHECK_EQ(tlsp_config_enable_resumption(&s, TLSP_RESUME_ALL, 60, 0), TLSP_ERR_STATE);
    CHECK_EQ(tlsp_config_enable_resumption(&c, TLSP_RESUME_ALL, 0, 0), 0);
    tlsp_config_free(&c);
    tlsp_config_free(&s);
}

/* Resumption is off by default: a default server issues no tickets and resumes nothing. */
static void test_off_by_default(void)
{
    scenario sc = tls12_ticket_cert;
    tlsp_pair *p;
    uint8_t blob[BLOB_MAX];
    size_t len = 0;
    tlsp_info ci;

    sc.server_mech = 0;
    p = new_pair(&sc);
    REQUIRE(p != NULL);
    REQUIRE_EQ(connect_and_settle(p), 0);
    REQUIRE_EQ(tlsp_session_save(&p->client, blob, sizeof(blob), &len), 0);
    REQUIRE_EQ(reboot_client(p, &sc, TRUST_TEST_CA), 0);
    REQUIRE_EQ(tlsp_session_load(&p->client, blob, len), 0);
    CHECK_EQ(connect_and_settle(p), 0);
    CHECK_EQ(tlsp_engine_info(&p->client, &ci), 0);
    CHECK_EQ(ci.resumed, 0);
    tlsp_pair_free(p);
}

/* Freeing the server config destroys the ticket keys in PSA's key store (PSA wipes a
 * slot it destroys) and leaves the config struct all zeros. */
static void test_ticket_keys_destroyed_on_free(void)
{
    tlsp_config s;
    psa_key_attributes_t attr = PSA_KEY_ATTRIBUTES_INIT;
    mbedtls_svc_key_id_t key;
    const uint8_t *bytes = (const uint8_t *) &s;
    size_t i;

    REQUIRE_EQ(tlsp_config_init(&s, TLSP_SERVER), 0);
    REQUIRE_EQ(tlsp_config_enable_resumption(&s, TLSP_RESUME_ALL, 60, 0), 0);
    key = s.tickets.MBEDTLS_PRIVATE(keys)[s.tickets.MBEDTLS_PRIVATE(active)].MBEDTLS_PRIVATE(key);
    CHECK_EQ(psa_get_key_attributes(key, &attr), PSA_SUCCESS);
    psa_reset_key_attributes(&attr);
    tlsp_config_free(&s);
    CHECK(psa_get_key_attributes(key, &attr) != PSA_SUCCESS);
    psa_reset_key_attributes(&attr);
    for (i = 0; i < sizeof(s) && bytes[i] == 0; i++) {
    }
    CHECK_EQ(i, sizeof(s));
}

int main(void)
{
    RUN_TEST(test_tls12_ticket_cert);
    RUN_TEST(test_tls12_ticket_psk);
    RUN_TEST(test_tls12_session_id_cert);
    RUN_TEST(test_tls12_session_id_psk);
    RUN_TEST(test_tls13_ticket_cert);
    RUN_TEST(test_tls13_ticket_psk);
    RUN_TEST(test_tls12_ticket_cert_sealed);
    RUN_TEST(test_tls13_ticket_cert_sealed);
    RUN_TEST(test_unrelated_ca_rejects_full_handshake);
    RUN_TEST(test_tls13_save_waits_for_ticket);
    RUN_TEST(test_fallback_tls12_ticket);
    RUN_TEST(test_fallback_tls12_session_id);
    RUN_TEST(test_fallback_tls13_ticket);
    RUN_TEST(test_expired_tls12_ticket);
    RUN_TEST(test_expired_tls12_session_id);
    RUN_TEST(test_expired_tls13_ticket);
    RUN_TEST(test_inside_lifetime_tls12_ticket);
    RUN_TEST(test_inside_lifetime_tls12_session_id);
    RUN_TEST(test_inside_lifetime_tls13_ticket);
    RUN_TEST(test_tls13_ticket_age_follows_wall_clock);
    RUN_TEST(test_sizes_and_small_buffers);
    RUN_TEST(test_sealed_blob_is_encrypted_and_opened_in_place);
    RUN_TEST(test_bad_seal_and_corrupt_blobs);
    RUN_TEST(test_load_preconditions);
    RUN_TEST(test_tls13_session_into_tls12_client);
    RUN_TEST(test_config_arguments);
    RUN_TEST(test_off_by_default);
    RUN_TEST(test_ticket_keys_destroyed_on_free);
    return tlsp_test_finish("resume");
}
