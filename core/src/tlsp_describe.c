/*
 * tlsp_engine_describe_error(): an engine's failure in words, with the specifics the
 * engine knows (the certificate that failed, the expected hostname, the peer's alert, the
 * configured versions and PSK identity) and what to check. tlsp_strerror() gives the
 * general sentence for a code; this says what happened on this connection.
 */
#include "tlspair/tlsp_engine.h"
#include "tlspair/tlsp_trace.h"

#include "mbedtls/ssl.h"

#include "tlsp_config_internal.h"
#include "tlsp_engine_internal.h"
#include "tlsp_platform.h"
#include "tlsp_text.h"

/* Alert descriptions (RFC 8446 section 6) the descriptions below tell apart. */
#define ALERT_BAD_RECORD_MAC        20
#define ALERT_HANDSHAKE_FAILURE     40
#define ALERT_BAD_CERTIFICATE       42
#define ALERT_UNSUPPORTED_CERT      43
#define ALERT_CERTIFICATE_REVOKED   44
#define ALERT_CERTIFICATE_EXPIRED   45
#define ALERT_CERTIFICATE_UNKNOWN   46
#define ALERT_UNKNOWN_CA            48
#define ALERT_ACCESS_DENIED         49
#define ALERT_DECRYPT_ERROR         51
#define ALERT_PROTOCOL_VERSION      70
#define ALERT_INSUFFICIENT_SECURITY 71
#define ALERT_MISSING_EXTENSION     109
#define ALERT_UNKNOWN_PSK_IDENTITY  115
#define ALERT_CERTIFICATE_REQUIRED  116

static void put_date(tlsp_text *t, const tlsp_cert_date *d)
{
    tlsp_text_uint_pad(t, d->year, 4);
    tlsp_text_char(t, '-');
    tlsp_text_uint_pad(t, d->mon, 2);
    tlsp_text_char(t, '-');
    tlsp_text_uint_pad(t, d->day, 2);
    tlsp_text_char(t, ' ');
    tlsp_text_uint_pad(t, d->hour, 2);
    tlsp_text_char(t, ':');
    tlsp_text_uint_pad(t, d->min, 2);
    tlsp_text_char(t, ':');
    tlsp_text_uint_pad(t, d->sec, 2);
}

static void put_alert(tlsp_text *t, int alert)
{
    tlsp_text_str(t, tlsp_alert_name(alert));
    tlsp_text_str(t, " (");
    tlsp_text_uint(t, (uint64_t) (alert < 0 ? 0 : alert));
    tlsp_text_char(t, ')');
}

static void put_psk_identity(tlsp_text *t, const tlsp_engine *e)
{
    tlsp_text_char(t, '\'');
#if defined(MBEDTLS_SSL_HANDSHAKE_WITH_PSK_ENABLED)
    if (e->cfg->ssl.MBEDTLS_PRIVATE(psk_identity) != NULL) {
        tlsp_text_bytes(t, e->cfg->ssl.MBEDTLS_PRIVATE(psk_identity), e->cfg->ssl.MBEDTLS_PRIVATE(psk_identity_len));
    }
#else
    (void) e;   /* a build without PSK key exchanges */
#endif
    tlsp_text_char(t, '\'');
}

static void put_versions(tlsp_text *t, const tlsp_engine *e)
{
    mbedtls_ssl_protocol_version lo = e->cfg->ssl.MBEDTLS_PRIVATE(min_tls_version);
    mbedtls_ssl_protocol_version hi = e->cfg->ssl.MBEDTLS_PRIVATE(max_tls_version);

    tlsp_text_str(t, lo == MBEDTLS_SSL_VERSION_TLS1_3 ? "TLS 1.3" : "TLS 1.2");
    if (lo != hi) {
        tlsp_text_str(t, hi == MBEDTLS_SSL_VERSION_TLS1_3 ? " and 1.3" : " and 1.2");
    } else {
        tlsp_text_str(t, " only");
    }
}

/* We rejected the peer's certificate. */
static void describe_cert_rejected(tlsp_text *t, const tlsp_engine *e)
{
    const tlsp_cert_problem *p = &e->cert_problem;
    unsigned f = e->cert_flags;
    int parts = 0;

    tlsp_text_str(t, "certificate rejected: ");
    if (p->noted && p->subject_cn[0] != '\0') {
        tlsp_text_char(t, '\'');
        tlsp_text_str(t, p->subject_cn);
        tlsp_text_str(t, p->depth == 0 ? "' " : "' (a CA of the chain) ");
    }
    if (f & TLSP_CERT_EXPIRED) {
        tlsp_text_str(t, "expired");
        if (p->noted) {
            tlsp_text_str(t, " (notAfter ");
            put_date(t, &p->not_after);
            tlsp_text_char(t, ')');
        }
        parts++;
    }
    if (f & TLSP_CERT_NOT_YET_VALID) {
        tlsp_text_str(t, parts++ ? ", " : "");
        tlsp_text_str(t, "not valid yet");
        if (p->noted) {
            tlsp_text_str(t, " (notBefore ");
            put_date(t, &p->not_before);
            tlsp_text_char(t, ')');
        }
    }
    if (f & TLSP_CERT_UNTRUSTED) {
        tlsp_text_str(t, parts++ ? ", " : "");
        tlsp_text_str(t, "not signed by a trusted CA");
        if (p->noted && p->issuer[0] != '\0') {
            tlsp_text_str(t, " (issuer '");
            tlsp_text_str(t, p->issuer);
            tlsp_text_str(t, "')");
        }
    }
    if (f & TLSP_CERT_HOSTNAME) {
        tlsp_text_str(t, parts++ ? ", " : "");
        tlsp_text_str(t, "hostname mismatch: expected '");
        tlsp_text_str(t, e->cfg->hostname);
        tlsp_text_str(t, "', certificate names '");
        tlsp_text_str(t, p->leaf_names);
        tlsp_text_char(t, '\'');
    }
    if (f & TLSP_CERT_BAD_USAGE) {
        tlsp_text_str(t, parts++ ? ", " : "");
        tlsp_text_str(t, "its key usage does not allow this role");
    }
    if ((f & TLSP_CERT_OTHER) || parts == 0) {
        tlsp_text_str(t, parts++ ? ", " : "");
        tlsp_text_str(t, "invalid (bad signature, unsupported key or malformed)");
    }
    tlsp_text_str(t, ": check ");
    if (f & TLSP_CERT_UNTRUSTED) {
        tlsp_text_str(t, "that the CA certificates configured here include that issuer");
    } else if (f & (TLSP_CERT_EXPIRED | TLSP_CERT_NOT_YET_VALID)) {
        tlsp_text_str(t, "the certificate's dates and this device's clock");
    } else if (f & TLSP_CERT_HOSTNAME) {
        tlsp_text_str(t, "the hostname configured here against the names in the certificate");
    } else {
        tlsp_text_str(t, "the peer's certificate and key");
    }
}

/* The peer sent a fatal alert; what it means depends on what we sent it. */
static void describe_peer_alert(tlsp_text *t, const tlsp_engine *e)
{
    int a = e->alert_received;
    int we_sent_cert = (e->cfg->flags & TLSP_CFG_HAS_CERT) != 0;

    switch (a) {
    case ALERT_BAD_CERTIFICATE:
    case ALERT_UNSUPPORTED_CERT:
    case ALERT_CERTIFICATE_REVOKED:
    case ALERT_CERTIFICATE_EXPIRED:
    case ALERT_CERTIFICATE_UNKNOWN:
    case ALERT_UNKNOWN_CA:
    case ALERT_ACCESS_DENIED:
        if (!we_sent_cert) {
            break;
        }
        tlsp_text_str(t, "the peer rejected our certificate (");
        tlsp_text_str(t, tlsp_alert_name(a));
        tlsp_text_str(t, "): ");
        if (a == ALERT_UNKNOWN_CA) {
            tlsp_text_str(t, "the peer does not trust the CA that signed it: give the peer our CA certificate");
        } else if (a == ALERT_CERTIFICATE_EXPIRED) {
            tlsp_text_str(t, "it has expired by the peer's clock: renew it, or check the peer's clock");
        } else if (a == ALERT_BAD_CERTIFICATE) {
            tlsp_text_str(t, "check that it names the host the peer expects (mbedTLS peers say this for a "
                             "hostname mismatch), that the peer trusts our CA and that it is valid now");
        } else if (a == ALERT_CERTIFICATE_UNKNOWN) {
            tlsp_text_str(t, "check that it is already valid by the peer's clock (mbedTLS peers say this for "
                             "notBefore in the future) and that the peer trusts our CA");
        } else {
            tlsp_text_str(t, "check that the peer trusts our CA, that our certificate is valid now, "
                             "and its key usage");
        }
        return;
    case ALERT_CERTIFICATE_REQUIRED:
        tlsp_text_str(t, "the peer requires a client certificate (certificate_required): configure one");
        return;
    case ALERT_HANDSHAKE_FAILURE:
        tlsp_text_str(t, "the peer aborted the handshake (handshake_failure): it found nothing acceptable, "
                         "or our certificate or PSK failed its checks: check the peer's log");
        return;
    default:
        break;
    }
    tlsp_text_str(t, "the peer aborted the connection with the alert ");
    put_alert(t, a);
    tlsp_text_str(t, ": check the peer's log for why");
}

static void describe_psk(tlsp_text *t, const tlsp_engine *e)
{
    int a = e->alert_received;
    int m = e->mbedtls_error;
    int client = e->cfg->role == TLSP_CLIENT;

    if (a == ALERT_UNKNOWN_PSK_IDENTITY || (client && a == ALERT_MISSING_EXTENSION)) {
        tlsp_text_str(t, "the peer does not know our PSK identity ");
        put_psk_identity(t, e);
        tlsp_text_str(t, " (");
        tlsp_text_str(t, tlsp_alert_name(a));
        tlsp_text_str(t, "): check the identity on both ends");
        return;
    }
    if (!client && (m == MBEDTLS_ERR_SSL_UNKNOWN_IDENTITY || m == MBEDTLS_ERR_SSL_ILLEGAL_PARAMETER)) {
        tlsp_text_str(t, "the client's PSK identity is not ours (");
        put_psk_identity(t, e);
        tlsp_text_str(t, "): check the identity on both ends");
        return;
    }
    if (a == ALERT_BAD_RECORD_MAC || a == ALERT_DECRYPT_ERROR || m == MBEDTLS_ERR_SSL_INVALID_MAC ||
        (!client && m == MBEDTLS_ERR_SSL_HANDSHAKE_FAILURE)) {
        tlsp_text_str(t, "the PSK keys differ: identity ");
        put_psk_identity(t, e);
        tlsp_text_str(t, " matched, but the handshake failed to verify");
        if (a >= 0) {
            tlsp_text_str(t, " (the peer sent ");
            put_alert(t, a);
            tlsp_text_char(t, ')');
        }
        tlsp_text_str(t, ": check the key on both ends");
        return;
    }
    tlsp_text_str(t, "the PSK handshake failed: the peer does not know identity ");
    put_psk_identity(t, e);
    tlsp_text_str(t, " or the keys differ: check both");
}

static void describe_negotiation(tlsp_text *t, const tlsp_engine *e)
{
    int a = e->alert_received;

    if (a == ALERT_PROTOCOL_VERSION || e->mbedtls_error == MBEDTLS_ERR_SSL_BAD_PROTOCOL_VERSION) {
        tlsp_text_str(t, a >= 0 ? "the peer does not accept our TLS version (protocol_version): we allow "
                                : "the peer offers no TLS version we allow: we allow ");
        put_versions(t, e);
        tlsp_text_str(t, ": check the version settings on both ends");
        return;
    }
    if (a >= 0) {
        tlsp_text_str(t, "the peer refused our hello (");
        put_alert(t, a);
        tlsp_text_str(t, "): no cipher suite, group or TLS version in common (we allow ");
    } else {
        tlsp_text_str(t, "nothing acceptable in the peer's hello: no cipher suite, group or TLS version "
                         "in common (we allow ");
    }
    put_versions(t, e);
    tlsp_text_str(t, "): compare the cipher-suite and version settings of both ends");
}

static void describe_timeout(tlsp_text *t, const tlsp_engine *e)
{
    if (!(e->state & TLSP_ENG_HANDSHAKE_DONE)) {
        tlsp_text_str(t, "handshake timed out after ");
        tlsp_text_uint(t, e->cfg->handshake_timeout_ms);
        tlsp_text_str(t, " ms (");
        tlsp_text_uint(t, e->counters.bytes_in);
        tlsp_text_str(t, " bytes received, ");
        tlsp_text_uint(t, e->counters.bytes_out);
        tlsp_text_str(t, e->counters.bytes_in == 0
                          ? " sent): the peer never answered: is it running, listening there, and does "
                            "the transport carry bytes both ways?"
                          : " sent): the peer stopped answering mid-handshake: check its log and the link");
        return;
    }
    tlsp_text_str(t, "no data from the peer for ");
    tlsp_text_uint(t, e->cfg->read_timeout_ms);
    tlsp_text_str(t, " ms (the read deadline): is the peer still there?");
}

static void describe_truncated(tlsp_text *t, const tlsp_engine *e)
{
    if (!(e->state & TLSP_ENG_HANDSHAKE_DONE)) {
        tlsp_text_str(t, "the peer closed the connection during the handshake, without an alert: it may "
                         "have rejected something silently or crashed: check the peer's log");
        return;
    }
    tlsp_text_str(t, "the connection ended without close_notify: data may have been cut off (the peer "
                     "or something in between closed it early)");
}

static void describe_bad_record(tlsp_text *t, const tlsp_engine *e)
{
    if (e->cfg->role == TLSP_CLIENT && e->counters.app_bytes_in == 0 &&
        mbedtls_ssl_get_version_number(&e->ssl) == MBEDTLS_SSL_VERSION_TLS1_3) {
        /* RFC 8446 4.4.2: a TLS 1.3 server judges the client's certificate after the
         * client has moved on to application keys, so the alert it sends about it (under
         * the handshake keys) cannot be read here. */
        tlsp_text_str(t, "the first record after the handshake failed to decrypt: with TLS 1.3 this is "
                         "how a server's alert about our client certificate arrives (it requires one, "
                         "or rejected ours): check our client certificate and the server's log");
        return;
    }
    tlsp_text_str(t, "a record failed its integrity check: the data was corrupted or tampered with on "
                     "the way: check the link (or what sits on it)");
}

int tlsp_engine_describe_error(const tlsp_engine *e, char *buf, size_t len)
{
    tlsp_text t;

    if (e == NULL || (buf == NULL && len != 0)) {
        return TLSP_ERR_BAD_ARG;
    }
    tlsp_text_init(&t, buf, len);
    if (e->error == 0 || e->cfg == NULL) {
        tlsp_text_str(&t, "no failure");
        return tlsp_text_end(&t);
    }
    switch (e->error) {
    case TLSP_ERR_CERT_REJECTED:
        describe_cert_rejected(&t, e);
        break;
    case TLSP_ERR_NO_CERT:
        tlsp_text_str(&t, "the peer sent no certificate, but we require one: give the peer a certificate "
                          "signed by a CA we trust");
        break;
    case TLSP_ERR_PSK:
        describe_psk(&t, e);
        break;
    case TLSP_ERR_NEGOTIATION:
        describe_negotiation(&t, e);
        break;
    case TLSP_ERR_PEER_ALERT:
        describe_peer_alert(&t, e);
        break;
    case TLSP_ERR_TIMEOUT:
        describe_timeout(&t, e);
        break;
    case TLSP_ERR_TRUNCATED:
        describe_truncated(&t, e);
        break;
    case TLSP_ERR_BAD_RECORD:
        describe_bad_record(&t, e);
        break;
    default:
        tlsp_text_str(&t, tlsp_strerror(e->error));
        if (e->alert_received >= 0) {
            tlsp_text_str(&t, " (the peer sent ");
            put_alert(&t, e->alert_received);
            tlsp_text_char(&t, ')');
        }
        break;
    }
    if (e->mbedtls_error != 0) {
        static const char hex[] = "0123456789abcdef";
        unsigned v = (unsigned) -e->mbedtls_error;
        int shift;
        tlsp_text_str(&t, " [mbedTLS -0x");
        for (shift = 12; shift >= 0; shift -= 4) {
            tlsp_text_char(&t, hex[(v >> (unsigned) shift) & 0xfu]);
        }
        tlsp_text_char(&t, ']');
    }
    return tlsp_text_end(&t);
}
