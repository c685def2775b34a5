/* Smoke: each cell of the matrix completes a handshake and moves data both ways. */
#include "tlsp_pair.h"
#include "tlsp_test.h"

static void run_cell(tlsp_pair_auth auth, tlsp_version v, size_t mtu)
{
    tlsp_pair_opts o = { auth, v, v, 0, 0, mtu };
    tlsp_pair *p = tlsp_pair_new(&o);
    tlsp_info ci, si;

    REQUIRE(p != NULL);
    CHECK_EQ(tlsp_pair_handshake(p), 0);
    CHECK_EQ(tlsp_engine_info(&p->client, &ci), 0);
    CHECK_EQ(tlsp_engine_info(&p->server, &si), 0);
    CHECK(strcmp(ci.version, v == TLSP_TLS1_3 ? "TLSv1.3" : "TLSv1.2") == 0);
    CHECK(strcmp(ci.ciphersuite, si.ciphersuite) == 0);
    printf("  %s %s mtu=%zu: %s, hs bytes c->s %llu s->c %llu\n", ci.version,
           auth == TLSP_PAIR_PSK ? "PSK " : "CERT", mtu, ci.ciphersuite,
           (unsigned long long) ci.handshake_bytes_out, (unsigned long long) ci.handshake_bytes_in);
    CHECK_EQ(tlsp_pair_transfer(p, mtu == 1 ? 20000 : 300000, 5000), 0);
    tlsp_pair_free(p);
}

static void test_tls12_cert(void) { run_cell(TLSP_PAIR_CERT, TLSP_TLS1_2, 0); }
static void test_tls13_cert(void) { run_cell(TLSP_PAIR_CERT, TLSP_TLS1_3, 0); }
static void test_tls12_psk(void) { run_cell(TLSP_PAIR_PSK, TLSP_TLS1_2, 0); }
static void test_tls13_psk(void) { run_cell(TLSP_PAIR_PSK, TLSP_TLS1_3, 0); }
static void test_tls13_cert_bytewise(void) { run_cell(TLSP_PAIR_CERT, TLSP_TLS1_3, 1); }
static void test_tls12_psk_bytewise(void) { run_cell(TLSP_PAIR_PSK, TLSP_TLS1_2, 1); }

int main(void)
{
    RUN_TEST(test_tls12_cert);
    RUN_TEST(test_tls13_cert);
    RUN_TEST(test_tls12_psk);
    RUN_TEST(test_tls13_psk);
    RUN_TEST(test_tls13_cert_bytewise);
    RUN_TEST(test_tls12_psk_bytewise);
    return tlsp_test_finish("smoke");
}
