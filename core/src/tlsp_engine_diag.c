/*
 * Why an engine failed, in tlspair's terms, and what it negotiated.
 */
#include <string.h>

#include "mbedtls/asn1.h"
#include "mbedtls/bignum.h"
#include "mbedtls/cipher.h"
#include "mbedtls/ecp.h"
#include "mbedtls/entropy.h"
#include "mbedtls/md.h"
#include "mbedtls/x509.h"

#include "tlspair/tlsp_engine.h"
#include "tlsp_config_internal.h"
#include "tlsp_engine_internal.h"
#include "tlsp_platform.h"
#include "tlsp_trace_internal.h"

/* TLS alert descriptions (RFC 8446 section 6) the mapping below looks at. */
#define ALERT_BAD_RECORD_MAC        20
#define ALERT_HANDSHAKE_FAILURE     40
#define ALERT_DECRYPT_ERROR         51
#define ALERT_PROTOCOL_VERSION      70
#define ALERT_INSUFFICIENT_SECURITY 71
#define ALERT_MISSING_EXTENSION     109
#define ALERT_UNKNOWN_PSK_IDENTITY  115

/* A PSK-only engine (no certificate on either side of its config): there, a handshake
 * that fails on a MAC, a binder or a decrypt error means the keys or identity differ. */
static int psk_only(const tlsp_engine *e)
{
    unsigned f = e->cfg->flags;

    return (f & TLSP_CFG_HAS_PSK) && !(f & (TLSP_CFG_HAS_CERT | TLSP_CFG_HAS_CA));
}

static unsigned cert_flags_from_x509(uint32_t x)
{
    unsigned flags = 0;

    if (x & MBEDTLS_X509_BADCERT_NOT_TRUSTED) {
        flags |= TLSP_CERT_UNTRUSTED;
    }
    if (x & MBEDTLS_X509_BADCERT_EXPIRED) {
        flags |= TLSP_CERT_EXPIRED;
    }
    if (x & MBEDTLS_X509_BADCERT_FUTURE) {
        flags |= TLSP_CERT_NOT_YET_VALID;
    }
    if (x & MBEDTLS_X509_BADCERT_CN_MISMATCH) {
        flags |= TLSP_CERT_HOSTNAME;
    }
    if (x & (MBEDTLS_X509_BADCERT_KEY_USAGE | MBEDTLS_X509_BADCERT_EXT_KEY_USAGE |
             MBEDTLS_X509_BADCERT_NS_CERT_TYPE)) {
        flags |= TLSP_CERT_BAD_USAGE;
    }
    if (x & ~(uint32_t) (MBEDTLS_X509_BADCERT_NOT_TRUSTED | MBEDTLS_X509_BADCERT_EXPIRED |
                         MBEDTLS_X509_BADCERT_FUTURE | MBEDTLS_X509_BADCERT_CN_MISMATCH |
                         MBEDTLS_X509_BADCERT_KEY_USAGE | MBEDTLS_X509_BADCERT_EXT_KEY_USAGE |
                         MBEDTLS_X509_BADCERT_NS_CERT_TYPE)) {
        flags |= TLSP_CERT_OTHER;
    }
    return flags;
}

/* What the fatal alert in e->alert_received says about the failure. */
static int map_alert(const tlsp_engine *e, int in_handshake)
{
    int a = e->alert_received;

    if (!in_handshake) {
        return TLSP_ERR_PEER_ALERT;
    }
    /* missing_extension: mbedTLS's TLS 1.3 server found no key exchange it could use in
     * the ClientHello; when all we offered was a PSK, it did not take our PSK. */
    if (psk_only(e) && (a == ALERT_BAD_RECORD_MAC || a == ALERT_DECRYPT_ERROR ||
                        a == ALERT_UNKNOWN_PSK_IDENTITY || a == ALERT_MISSING_EXTENSION)) {
        return TLSP_ERR_PSK;
    }
    if (a == ALERT_PROTOCOL_VERSION || a == ALERT_INSUFFICIENT_SECURITY) {
        return TLSP_ERR_NEGOTIATION;
    }
    /* Before any ServerHello, handshake_failure is the server refusing the ClientHello
     * itself: nothing offered was acceptable (RFC 8446 6.2). */
    if (a == ALERT_HANDSHAKE_FAILURE && e->cfg->role == TLSP_CLIENT &&
        !tlsp_mbedtls_suite_chosen(&e->ssl)) {
        return TLSP_ERR_NEGOTIATION;
    }
    return TLSP_ERR_PEER_ALERT;
}

int tlsp_engine_map_error(tlsp_engine *e, int ret)
{
    int in_handshake = !(e->state & TLSP_ENG_HANDSHAKE_DONE);
    uint32_t verify;
    int alert;

    switch (ret) {
    case MBEDTLS_ERR_SSL_PEER_CLOSE_NOTIFY:
        if (!in_handshake) {
            return TLSP_ERR_CLOSED;
        }
        /* Before Finished a close_notify abandons the handshake: a failure like any other
         * alert, and sticky, not a clean end of a connection that never began. */
        e->alert_received = MBEDTLS_SSL_ALERT_MSG_CLOSE_NOTIFY;
        TLSP_TRACE_ALERT_IN(e, MBEDTLS_SSL_ALERT_LEVEL_WARNING, MBEDTLS_SSL_ALERT_MSG_CLOSE_NOTIFY);
        return TLSP_ERR_PEER_ALERT;
    case MBEDTLS_ERR_SSL_CONN_EOF:
        return TLSP_ERR_TRUNCATED;

    case MBEDTLS_ERR_SSL_FATAL_ALERT_MESSAGE:
        e->alert_received = tlsp_mbedtls_last_alert(&e->ssl);
        TLSP_TRACE_ALERT_IN(e, MBEDTLS_SSL_ALERT_LEVEL_FATAL, e->alert_received);
        return map_alert(e, in_handshake);

    case MBEDTLS_ERR_X509_CERT_VERIFY_FAILED:
    case MBEDTLS_ERR_SSL_BAD_CERTIFICATE:
        verify = mbedtls_ssl_get_verify_result(&e->ssl);
        e->cert_flags = (verify == (uint32_t) -1) ? TLSP_CERT_OTHER : cert_flags_from_x509(verify);
        if (e->cert_flags == 0) {
            e->cert_flags = TLSP_CERT_OTHER;
        }
        return TLSP_ERR_CERT_REJECTED;
    case MBEDTLS_ERR_SSL_NO_CLIENT_CERTIFICATE:
        return TLSP_ERR_NO_CERT;
    case MBEDTLS_ERR_SSL_CA_CHAIN_REQUIRED:
    case MBEDTLS_ERR_SSL_CERTIFICATE_VERIFICATION_WITHOUT_HOSTNAME:
    case MBEDTLS_ERR_SSL_PRIVATE_KEY_REQUIRED:
    case MBEDTLS_ERR_SSL_BAD_CONFIG:
        return TLSP_ERR_CONFIG;

    case MBEDTLS_ERR_SSL_UNKNOWN_IDENTITY:
        return TLSP_ERR_PSK;
    case MBEDTLS_ERR_SSL_INVALID_MAC:
        if (in_handshake) {
            /* An mbedTLS TLS 1.3 client that fails on the server's flight (a rejected
             * certificate) sends its alert before switching to handshake keys: the
             * server, expecting protected records, fails it as a bad MAC. The alert is
             * unauthenticated, but it only explains a handshake that failed anyway. */
            alert = tlsp_mbedtls_cleartext_alert(&e->ssl);
            if (alert >= 0) {
                e->alert_received = alert;
                TLSP_TRACE_ALERT_IN(e, MBEDTLS_SSL_ALERT_LEVEL_FATAL, alert);
                return map_alert(e, in_handshake);
            }
            return psk_only(e) ? TLSP_ERR_PSK : TLSP_ERR_HANDSHAKE;
        }
        return TLSP_ERR_BAD_RECORD;
    case MBEDTLS_ERR_SSL_HANDSHAKE_FAILURE:
        /* A server that fails before choosing a suite found nothing acceptable in the
         * ClientHello: mbedTLS reports "no cipher suite in common" this way. */
        if (in_handshake && e->cfg->role == TLSP_SERVER && !tlsp_mbedtls_suite_chosen(&e->ssl)) {
            return TLSP_ERR_NEGOTIATION;
        }
        return (in_handshake && psk_only(e)) ? TLSP_ERR_PSK : TLSP_ERR_HANDSHAKE;
    case MBEDTLS_ERR_SSL_BAD_PROTOCOL_VERSION:
        return TLSP_ERR_NEGOTIATION;
    case MBEDTLS_ERR_SSL_ILLEGAL_PARAMETER:
        /* With missing_extension (its only use), mbedTLS's TLS 1.3 server found no key
         * exchange it can do in the ClientHello: for a PSK-only server, no known PSK. */
        if (in_handshake && tlsp_mbedtls_alert_pended(&e->ssl, ret) == ALERT_MISSING_EXTENSION) {
            return psk_only(e) ? TLSP_ERR_PSK : TLSP_ERR_NEGOTIATION;
        }
        return in_handshake ? TLSP_ERR_HANDSHAKE : TLSP_ERR_BAD_RECORD;
    case MBEDTLS_ERR_SSL_BAD_INPUT_DATA:
        /* tlspair passes mbedTLS valid arguments: this is peer input, a record header
         * announcing more than the input buffer holds (mbedtls_ssl_fetch_input()) or,
         * in a TLS 1.2 ServerHello, a cipher suite mbedTLS does not know. */
    case MBEDTLS_ERR_SSL_INVALID_RECORD:
    case MBEDTLS_ERR_SSL_DECODE_ERROR:
    case MBEDTLS_ERR_SSL_UNEXPECTED_RECORD:
    case MBEDTLS_ERR_SSL_UNEXPECTED_MESSAGE:
    case MBEDTLS_ERR_SSL_UNSUPPORTED_EXTENSION:
    case MBEDTLS_ERR_SSL_BUFFER_TOO_SMALL:
        return in_handshake ? TLSP_ERR_HANDSHAKE : TLSP_ERR_BAD_RECORD;

    case MBEDTLS_ERR_SSL_ALLOC_FAILED:
    case MBEDTLS_ERR_MPI_ALLOC_FAILED:
    case MBEDTLS_ERR_ECP_ALLOC_FAILED:
    case MBEDTLS_ERR_PK_ALLOC_FAILED:
    case MBEDTLS_ERR_X509_ALLOC_FAILED:
    case MBEDTLS_ERR_CIPHER_ALLOC_FAILED:
    case MBEDTLS_ERR_MD_ALLOC_FAILED:
    case MBEDTLS_ERR_ASN1_ALLOC_FAILED:
        return TLSP_ERR_NO_MEMORY;
    case MBEDTLS_ERR_ENTROPY_SOURCE_FAILED:
    case MBEDTLS_ERR_SSL_NO_RNG:
        return TLSP_ERR_ENTROPY;
    default:
        return in_handshake ? TLSP_ERR_HANDSHAKE : TLSP_ERR_INTERNAL;
    }
}

int tlsp_engine_error(const tlsp_engine *e)
{
    return e != NULL ? e->error : TLSP_ERR_BAD_ARG;
}

int tlsp_engine_mbedtls_error(const tlsp_engine *e)
{
    return e != NULL ? e->mbedtls_error : 0;
}

int tlsp_engine_alert_received(const tlsp_engine *e)
{
    return e != NULL ? e->alert_received : -1;
}

unsigned tlsp_engine_cert_flags(const tlsp_engine *e)
{
    return e != NULL ? e->cert_flags : 0;
}

int tlsp_engine_info(const tlsp_engine *e, tlsp_info *info)
{
#if defined(MBEDTLS_X509_CRT_PARSE_C)
    const mbedtls_x509_crt *peer;
#endif
    const char *suite;

    if (e == NULL || info == NULL || !(e->state & TLSP_ENG_INIT)) {
        return TLSP_ERR_BAD_ARG;
    }
    memset(info, 0, sizeof(*info));
    info->version = "none";
    info->ciphersuite = "none";
    info->counters = e->counters;
    if (!(e->state & TLSP_ENG_HANDSHAKE_DONE)) {
        return 0;
    }
    switch (mbedtls_ssl_get_version_number(&e->ssl)) {
    case MBEDTLS_SSL_VERSION_TLS1_2: info->version = "TLSv1.2"; break;
    case MBEDTLS_SSL_VERSION_TLS1_3: info->version = "TLSv1.3"; break;
    default: info->version = "unknown"; break;
    }
    suite = mbedtls_ssl_get_ciphersuite(&e->ssl);
    if (suite != NULL) {
        info->ciphersuite = suite;
    }
#if defined(MBEDTLS_X509_CRT_PARSE_C)
    peer = mbedtls_ssl_get_peer_cert(&e->ssl);
    if (peer != NULL && mbedtls_x509_dn_gets(info->peer_subject, sizeof(info->peer_subject),
                                             &peer->subject) < 0) {
        info->peer_subject[0] = '\0';
    }
#endif /* MBEDTLS_X509_CRT_PARSE_C (the Cortex-M PSK profile has no certificates) */
    info->handshake_ms = (uint32_t) (e->handshake_end_ms - e->handshake_start_ms);
    info->handshake_bytes_in = e->handshake_bytes_in;
    info->handshake_bytes_out = e->handshake_bytes_out;
    info->resumed = (e->state & TLSP_ENG_RESUMED) != 0;
    return 0;
}
