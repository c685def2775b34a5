/*
 * The handshake trace (tlsp_trace.h): what the engine sees of mbedTLS's handshake, as
 * events for the config's callback.
 *
 * How each event is observed, and why that way. The engine steps mbedTLS's handshake
 * itself (tlsp_engine.c run_handshake_steps()), so it can look before and after each
 * step; this file reads mbedTLS internals (library/ssl_misc.h, like
 * tlsp_mbedtls_internal.c) and never changes what mbedTLS does.
 *   - Received handshake messages: after each step (and each post-handshake read),
 *     in_msg holds the message mbedTLS just handled, decrypted in place, in_hslen bytes
 *     with its header, TLS 1.2 and 1.3 alike. That covers the messages no hook sees (a
 *     TLS 1.3 NewSessionTicket is not in the transcript; a TLS 1.3 client's ServerHello is
 *     hashed after mbedTLS replaced the transcript function). A message is new when the
 *     bytes received or mbedTLS's position in the record changed since the last report;
 *     one mbedTLS only peeked at (keep_current_message) is reported by the step that
 *     handles it.
 *   - Sent handshake messages: no plaintext survives a step (TLS 1.3 and a TLS 1.2
 *     Finished are encrypted in place), so the trace wraps handshake->update_checksum,
 *     which mbedTLS calls with every outgoing transcript message before encrypting it:
 *     the whole message at out_msg (TLS 1.2), or a 4-byte header followed by the body at
 *     out_msg + 4 (TLS 1.3, whose ClientHello hashes its binders separately). mbedTLS
 *     reassigns the pointer when the suite is chosen, so it is wrapped again before every
 *     step; it only reassigns while parsing a received hello, never while writing.
 *     The one outgoing message outside the transcript, a TLS 1.3 server's
 *     NewSessionTicket, is reported from its state and its encrypted record.
 *   - ChangeCipherSpec and sent alerts: from the record headers passing through the BIO
 *     (a record type of its own; TLS 1.3 compatibility-mode CCS included). An alert's
 *     description is read from the plaintext record, or for an encrypted alert from the
 *     alert mbedTLS had queued or the engine said it was sending.
 *   - Received alerts: where the engine's error mapping reads them (tlsp_engine_diag.c).
 */
#define MBEDTLS_ALLOW_PRIVATE_ACCESS

#include "tlsp_platform.h"

#include "ssl_misc.h"   /* mbedTLS's own internal header (see tlsp_mbedtls_internal.c) */

#include <string.h>

#include "tlspair/tlsp_trace.h"
#include "tlsp_config_internal.h"
#include "tlsp_engine_internal.h"
#include "tlsp_text.h"
#include "tlsp_trace_internal.h"

#if defined(TLSP_TRACE)

#define REPORTED_SUITE 0x01u
#define REPORTED_GROUP 0x02u

#define RECORD_HEADER_LEN  5u
#define RECORD_CCS        20u
#define RECORD_ALERT      21u
#define RECORD_APP_DATA   23u
#define HS_HEADER_LEN      4u
#define HS_SERVER_HELLO    2
#define HS_NEW_SESSION_TICKET 4

int tlsp_config_set_trace(tlsp_config *cfg, tlsp_trace_fn fn, void *ctx)
{
    if (cfg == NULL || !(cfg->flags & TLSP_CFG_INIT)) {
        return TLSP_ERR_BAD_ARG;
    }
    cfg->trace_fn = fn;
    cfg->trace_ctx = ctx;
    return 0;
}

static int tracing(const tlsp_engine *e)
{
    return e->cfg != NULL && e->cfg->trace_fn != NULL;
}

static void event_init(tlsp_trace_event *ev, tlsp_trace_kind kind, tlsp_trace_dir dir)
{
    memset(ev, 0, sizeof(*ev));
    ev->kind = kind;
    ev->dir = dir;
    ev->msg_type = -1;
    ev->alert = -1;
    ev->size_exact = 1;
}

/* Checks the callback again: the transcript wrapper stays installed for the rest of a
 * handshake even if the caller turned tracing off meanwhile. */
static void emit(tlsp_engine *e, tlsp_trace_event *ev)
{
    if (!tracing(e)) {
        return;
    }
    ev->engine = e;
    e->cfg->trace_fn(e->cfg->trace_ctx, ev);
}

/* ---- Names ------------------------------------------------------------------------------ */

static const char *const state_names[] = {
    "HELLO_REQUEST", "CLIENT_HELLO", "SERVER_HELLO", "SERVER_CERTIFICATE",
    "SERVER_KEY_EXCHANGE", "CERTIFICATE_REQUEST", "SERVER_HELLO_DONE", "CLIENT_CERTIFICATE",
    "CLIENT_KEY_EXCHANGE", "CERTIFICATE_VERIFY", "CLIENT_CHANGE_CIPHER_SPEC", "CLIENT_FINISHED",
    "SERVER_CHANGE_CIPHER_SPEC", "SERVER_FINISHED", "FLUSH_BUFFERS", "HANDSHAKE_WRAPUP",
    "NEW_SESSION_TICKET", "SERVER_HELLO_VERIFY_REQUEST_SENT", "HELLO_RETRY_REQUEST",
    "ENCRYPTED_EXTENSIONS", "END_OF_EARLY_DATA", "CLIENT_CERTIFICATE_VERIFY",
    "CLIENT_CCS_AFTER_SERVER_FINISHED", "CLIENT_CCS_BEFORE_2ND_CLIENT_HELLO",
    "SERVER_CCS_AFTER_SERVER_HELLO", "CLIENT_CCS_AFTER_CLIENT_HELLO",
    "SERVER_CCS_AFTER_HELLO_RETRY_REQUEST", "HANDSHAKE_OVER", "TLS1_3_NEW_SESSION_TICKET",
    "TLS1_3_NEW_SESSION_TICKET_FLUSH",
};

static const char *state_name(int state)
{
    if (state >= 0 && (size_t) state < sizeof(state_names) / sizeof(state_names[0])) {
        return state_names[state];
    }
    return "unknown";
}

/* The ServerHello random that makes it a HelloRetryRequest (RFC 8446 4.1.3). */
static const unsigned char hrr_random[32] = {
    0xCF, 0x21, 0xAD, 0x74, 0xE5, 0x9A, 0x61, 0x11, 0xBE, 0x1D, 0x8C, 0x02, 0x1E, 0x65, 0xB8, 0x91,
    0xC2, 0xA2, 0x11, 0x16, 0x7A, 0xBB, 0x8C, 0x5E, 0x07, 0x9E, 0x09, 0xE2, 0xC8, 0xA8, 0x33, 0x9C,
};

/* body: the message after its 4-byte header; body_len bytes of it readable. */
static int is_hello_retry(const unsigned char *body, size_t body_len)
{
    return body_len >= 2 + sizeof(hrr_random) && memcmp(body + 2, hrr_random, sizeof(hrr_random)) == 0;
}

static const char *version_name(mbedtls_ssl_protocol_version v)
{
    switch (v) {
    case MBEDTLS_SSL_VERSION_TLS1_2: return "TLSv1.2";
    case MBEDTLS_SSL_VERSION_TLS1_3: return "TLSv1.3";
    default: return "unknown version";
    }
}

/* The (EC)DHE group mbedTLS holds a key for in this handshake, or NULL. */
static const char *group_name(const mbedtls_ssl_context *ssl)
{
#if defined(MBEDTLS_KEY_EXCHANGE_SOME_XXDH_PSA_ANY_ENABLED)
    const mbedtls_ssl_handshake_params *hs = ssl->handshake;
    psa_key_type_t type;
    size_t bits;

    if (hs == NULL || hs->xxdh_psa_type == 0) {
        return NULL;
    }
    type = hs->xxdh_psa_type;
    bits = hs->xxdh_psa_bits;
    if (PSA_KEY_TYPE_IS_ECC(type)) {
        switch (PSA_KEY_TYPE_ECC_GET_FAMILY(type)) {
        case PSA_ECC_FAMILY_SECP_R1:
            return bits == 256 ? "secp256r1" : bits == 384 ? "secp384r1" : bits == 521 ? "secp521r1" : "secp (other size)";
        case PSA_ECC_FAMILY_MONTGOMERY:
            return bits == 255 ? "x25519" : bits == 448 ? "x448" : "montgomery (other size)";
        case PSA_ECC_FAMILY_BRAINPOOL_P_R1:
            return bits == 256 ? "brainpoolP256r1" : bits == 384 ? "brainpoolP384r1" : "brainpoolP512r1";
        default:
            return "elliptic curve (other)";
        }
    }
    if (PSA_KEY_TYPE_IS_DH(type)) {
        return bits == 2048 ? "ffdhe2048" : bits == 3072 ? "ffdhe3072" : "ffdhe (other size)";
    }
#else
    (void) ssl;
#endif
    return NULL;
}

/* ---- Events ----------------------------------------------------------------------------- */

static void report_negotiated(tlsp_engine *e);

/* A handshake message; body = the bytes after its header (for telling a HelloRetryRequest
 * from a ServerHello), body_len of them readable. */
static void report_message(tlsp_engine *e, tlsp_trace_dir dir, int type, const unsigned char *body,
                           size_t body_len, size_t size, int exact)
{
    tlsp_trace_event ev;
    int hrr = type == HS_SERVER_HELLO && body != NULL && is_hello_retry(body, body_len);

    event_init(&ev, TLSP_TRACE_MESSAGE, dir);
    ev.msg_type = type;
    ev.name = hrr ? "HelloRetryRequest" : tlsp_handshake_msg_name(type);
    ev.size = size;
    ev.size_exact = exact;
    emit(e, &ev);
    if (type == HS_SERVER_HELLO && !hrr) {
        report_negotiated(e);
    }
}

static void append_psk_use(tlsp_text *t, const tlsp_engine *e)
{
    const mbedtls_ssl_context *ssl = &e->ssl;
    const mbedtls_ssl_config *conf = ssl->conf;
    const mbedtls_ssl_handshake_params *hs = ssl->handshake;
    int uses_psk = 0;
    int resumed = tlsp_mbedtls_handshake_resumed(ssl);

#if defined(MBEDTLS_SSL_PROTO_TLS1_3)
    if (ssl->tls_version == MBEDTLS_SSL_VERSION_TLS1_3 && hs != NULL) {
        if (hs->key_exchange_mode == MBEDTLS_SSL_TLS1_3_KEY_EXCHANGE_MODE_PSK) {
            tlsp_text_str(t, ", key exchange psk_ke (no ECDHE)");
        } else if (hs->key_exchange_mode == MBEDTLS_SSL_TLS1_3_KEY_EXCHANGE_MODE_PSK_EPHEMERAL) {
            tlsp_text_str(t, ", key exchange psk_dhe_ke");
        } else {
            tlsp_text_str(t, ", key exchange ecdhe with certificate");
        }
        uses_psk = (hs->key_exchange_mode & MBEDTLS_SSL_TLS1_3_KEY_EXCHANGE_MODE_PSK_ALL) != 0;
    }
#endif
#if defined(MBEDTLS_SSL_PROTO_TLS1_2)
    if (ssl->tls_version == MBEDTLS_SSL_VERSION_TLS1_2 && hs != NULL && hs->ciphersuite_info != NULL) {
        mbedtls_key_exchange_type_t kx = hs->ciphersuite_info->key_exchange;
        uses_psk = kx == MBEDTLS_KEY_EXCHANGE_PSK || kx == MBEDTLS_KEY_EXCHANGE_ECDHE_PSK ||
                   kx == MBEDTLS_KEY_EXCHANGE_DHE_PSK || kx == MBEDTLS_KEY_EXCHANGE_RSA_PSK;
    }
#endif
    (void) hs;
    (void) conf;
    if (resumed) {
        tlsp_text_str(t, ", resuming a session");
    } else if (uses_psk) {
        tlsp_text_str(t, ", PSK identity '");
#if defined(MBEDTLS_SSL_HANDSHAKE_WITH_PSK_ENABLED)
        if (conf != NULL && conf->psk_identity != NULL) {
            tlsp_text_bytes(t, conf->psk_identity, conf->psk_identity_len);
        }
#endif
        tlsp_text_char(t, '\'');
    }
}

/* Version, suite and, when mbedTLS holds one already, the group: once the ServerHello
 * was sent (server) or handled (client). */
static void report_negotiated(tlsp_engine *e)
{
    const mbedtls_ssl_context *ssl = &e->ssl;
    const mbedtls_ssl_session *s = ssl->session_negotiate;
    const mbedtls_ssl_ciphersuite_t *info;
    const char *group = group_name(ssl);
    tlsp_trace_event ev;
    tlsp_text t;
    char text[160];

    if (e->trace.reported & REPORTED_SUITE) {
        return;
    }
    /* A TLS 1.3 client learns the suite into the handshake parameters, the session gets
     * it later; a server sets both. */
    info = ssl->handshake != NULL ? ssl->handshake->ciphersuite_info : NULL;
    if (info == NULL && s != NULL && s->ciphersuite != 0) {
        info = mbedtls_ssl_ciphersuite_from_id(s->ciphersuite);
    }
    if (info == NULL) {
        return;
    }
    tlsp_text_init(&t, text, sizeof(text));
    tlsp_text_str(&t, version_name(ssl->tls_version));
    tlsp_text_char(&t, ' ');
    tlsp_text_str(&t, mbedtls_ssl_ciphersuite_get_name(info));
    if (group != NULL) {
        tlsp_text_str(&t, " group ");
        tlsp_text_str(&t, group);
        e->trace.reported |= REPORTED_GROUP;
    }
    append_psk_use(&t, e);
    (void) tlsp_text_end(&t);
    e->trace.reported |= REPORTED_SUITE;
    event_init(&ev, TLSP_TRACE_NEGOTIATED, TLSP_TRACE_NONE);
    ev.text = text;
    emit(e, &ev);
}

/* TLS 1.2 learns its ECDHE group after the hellos (ServerKeyExchange). */
static void report_late_group(tlsp_engine *e)
{
    const char *group;
    tlsp_trace_event ev;
    tlsp_text t;
    char text[48];

    if (!(e->trace.reported & REPORTED_SUITE) || (e->trace.reported & REPORTED_GROUP)) {
        return;
    }
    group = group_name(&e->ssl);
    if (group == NULL) {
        return;
    }
    e->trace.reported |= REPORTED_GROUP;
    tlsp_text_init(&t, text, sizeof(text));
    tlsp_text_str(&t, "group ");
    tlsp_text_str(&t, group);
    (void) tlsp_text_end(&t);
    event_init(&ev, TLSP_TRACE_NEGOTIATED, TLSP_TRACE_NONE);
    ev.text = text;
    emit(e, &ev);
}

/* ---- Sent messages: the transcript hook ------------------------------------------------ */

static void note_hashed(tlsp_engine *e, const unsigned char *buf, size_t len)
{
    const mbedtls_ssl_context *ssl = &e->ssl;
    tlsp_trace_state *t = &e->trace;

    if (ssl->out_msg != NULL && buf == ssl->out_msg && len >= HS_HEADER_LEN) {
        /* A whole message about to be sent (TLS 1.2 path), header included. */
        report_message(e, TLSP_TRACE_OUT, buf[0], buf + HS_HEADER_LEN, len - HS_HEADER_LEN, len, 1);
        t->hdr_type = -1;
        return;
    }
    if (len == HS_HEADER_LEN && buf != ssl->in_msg &&
        (ssl->in_msg == NULL || buf != ssl->in_msg + HS_HEADER_LEN) &&
        (ssl->out_msg == NULL || buf != ssl->out_msg + HS_HEADER_LEN)) {
        /* A header hashed on its own (TLS 1.3): the body follows. */
        t->hdr_type = buf[0];
        t->hdr_len = ((uint32_t) buf[1] << 16) | ((uint32_t) buf[2] << 8) | buf[3];
        return;
    }
    if (t->hdr_type >= 0 && ssl->out_msg != NULL && buf == ssl->out_msg + HS_HEADER_LEN) {
        /* The first (or only) part of an outgoing TLS 1.3 message's body. */
        report_message(e, TLSP_TRACE_OUT, t->hdr_type, buf, len, (size_t) t->hdr_len + HS_HEADER_LEN, 1);
    }
    /* Received bodies, binders, a HelloRetryRequest's message_hash: not a new message. */
    t->hdr_type = -1;
}

static int traced_checksum(mbedtls_ssl_context *ssl, const unsigned char *buf, size_t len)
{
    tlsp_engine *e = ssl->p_bio;
    int ret = e->trace.saved_checksum(ssl, buf, len);

    note_hashed(e, buf, len);
    return ret;
}

static void wrap_checksum(tlsp_engine *e)
{
    mbedtls_ssl_handshake_params *hs = e->ssl.handshake;

    if (hs == NULL || hs->update_checksum == NULL || hs->update_checksum == traced_checksum) {
        return;
    }
    e->trace.saved_checksum = hs->update_checksum;
    hs->update_checksum = traced_checksum;
}

/* ---- Received messages ------------------------------------------------------------------ */

static void note_received(tlsp_engine *e)
{
    const mbedtls_ssl_context *ssl = &e->ssl;
    tlsp_trace_state *t = &e->trace;

    if (ssl->in_msg == NULL || ssl->in_msgtype != MBEDTLS_SSL_MSG_HANDSHAKE ||
        ssl->in_hslen < HS_HEADER_LEN || ssl->in_hslen > ssl->in_msglen || ssl->keep_current_message) {
        return;
    }
    if (e->counters.bytes_in == t->in_seen_bytes && ssl->in_msglen == t->in_seen_msglen &&
        ssl->in_hslen == t->in_seen_hslen) {
        return;   /* still the message reported last */
    }
    t->in_seen_bytes = e->counters.bytes_in;
    t->in_seen_msglen = ssl->in_msglen;
    t->in_seen_hslen = ssl->in_hslen;
    report_message(e, TLSP_TRACE_IN, ssl->in_msg[0], ssl->in_msg + HS_HEADER_LEN,
                   ssl->in_hslen - HS_HEADER_LEN, ssl->in_hslen, 1);
}

/* ---- Engine hooks ----------------------------------------------------------------------- */

void tlsp_trace_reset(tlsp_engine *e)
{
    memset(&e->trace, 0, sizeof(e->trace));
    e->trace.hdr_type = -1;
    e->trace.last_state = -1;
    e->trace.alert_hint = -1;
}

void tlsp_trace_before_step(tlsp_engine *e)
{
    if (!tracing(e)) {
        return;
    }
    e->trace.step_state = e->ssl.state;
    if (e->ssl.state != e->trace.last_state) {
        tlsp_trace_event ev;
        e->trace.last_state = e->ssl.state;
        event_init(&ev, TLSP_TRACE_STATE, TLSP_TRACE_NONE);
        ev.name = state_name(e->ssl.state);
        emit(e, &ev);
    }
    wrap_checksum(e);
}

/* A TLS 1.3 server's NewSessionTicket is not hashed: measured from its encrypted record
 * (inner plaintext = message + content type + padding; then the AEAD tag). */
static void note_ticket_sent(tlsp_engine *e, int state_before)
{
#if defined(MBEDTLS_SSL_PROTO_TLS1_3) && defined(MBEDTLS_SSL_SRV_C) && defined(MBEDTLS_SSL_SESSION_TICKETS)
    const mbedtls_ssl_context *ssl = &e->ssl;
    size_t overhead;

    if (state_before != MBEDTLS_SSL_TLS1_3_NEW_SESSION_TICKET ||
        ssl->state != MBEDTLS_SSL_TLS1_3_NEW_SESSION_TICKET_FLUSH || ssl->transform_out == NULL) {
        return;
    }
    overhead = ssl->transform_out->taglen + 1u;
    if (ssl->out_msglen > overhead) {
        report_message(e, TLSP_TRACE_OUT, HS_NEW_SESSION_TICKET, NULL, 0, ssl->out_msglen - overhead, 0);
    }
#else
    (void) e;
    (void) state_before;
#endif
}

void tlsp_trace_after_step(tlsp_engine *e)
{
    if (!tracing(e)) {
        return;
    }
    note_received(e);
    note_ticket_sent(e, e->trace.step_state);
    report_late_group(e);
    /* A step that leaves the handshake struct in place keeps the wrapper; a new one (the
     * suite was chosen) gets wrapped before the next step. */
}

void tlsp_trace_after_read(tlsp_engine *e)
{
    if (tracing(e)) {
        note_received(e);
    }
}

void tlsp_trace_done(tlsp_engine *e)
{
    tlsp_trace_event ev;
    tlsp_text t;
    char text[160];
    const char *suite;

    if (!tracing(e)) {
        return;
    }
    suite = mbedtls_ssl_get_ciphersuite(&e->ssl);
    tlsp_text_init(&t, text, sizeof(text));
    tlsp_text_str(&t, version_name(e->ssl.tls_version));
    tlsp_text_char(&t, ' ');
    tlsp_text_str(&t, suite != NULL ? suite : "unknown suite");
    tlsp_text_str(&t, (e->state & TLSP_ENG_RESUMED) ? ", resumed session" : ", full handshake");
    tlsp_text_str(&t, ", ");
    tlsp_text_uint(&t, e->counters.bytes_out);
    tlsp_text_str(&t, " bytes sent, ");
    tlsp_text_uint(&t, e->counters.bytes_in);
    tlsp_text_str(&t, " received");
    (void) tlsp_text_end(&t);
    event_init(&ev, TLSP_TRACE_DONE, TLSP_TRACE_NONE);
    ev.text = text;
    emit(e, &ev);
}

void tlsp_trace_failed(tlsp_engine *e)
{
    tlsp_trace_event ev;
    char text[320];

    if (!tracing(e)) {
        return;
    }
    (void) tlsp_engine_describe_error(e, text, sizeof(text));
    event_init(&ev, TLSP_TRACE_FAILED, TLSP_TRACE_NONE);
    ev.error = e->error;
    ev.text = text;
    emit(e, &ev);
}

void tlsp_trace_alert(tlsp_engine *e, tlsp_trace_dir dir, int level, int desc)
{
    tlsp_trace_event ev;

    if (!tracing(e)) {
        return;
    }
    event_init(&ev, TLSP_TRACE_ALERT, dir);
    ev.alert = desc;
    ev.alert_level = level;
    ev.name = desc >= 0 ? tlsp_alert_name(desc) : "unknown";
    emit(e, &ev);
}

void tlsp_trace_alert_hint(tlsp_engine *e, int desc)
{
    e->trace.alert_hint = desc;
}

/* A record of type `type` and `len` body bytes starts on the wire. */
static void record_started(tlsp_engine *e, tlsp_trace_dir dir, unsigned type, unsigned len)
{
    const mbedtls_ssl_context *ssl = &e->ssl;
    tlsp_trace_event ev;
    int desc;

    if (type == RECORD_CCS) {
        event_init(&ev, TLSP_TRACE_MESSAGE, dir);
        ev.msg_type = TLSP_TRACE_MSG_CHANGE_CIPHER_SPEC;
        ev.name = tlsp_handshake_msg_name(TLSP_TRACE_MSG_CHANGE_CIPHER_SPEC);
        ev.size = len;
        emit(e, &ev);
        return;
    }
    /* Received alerts are reported where the engine reads them; sent ones here. */
    if (dir != TLSP_TRACE_OUT || (type != RECORD_ALERT && type != RECORD_APP_DATA)) {
        return;
    }
    /* The message that made us alert was received in this very step: report it first. */
    note_received(e);
    if (type == RECORD_ALERT && len == 2 && ssl->transform_out == NULL) {
        e->trace.alert_have = 1;              /* plaintext: read level and description */
        return;
    }
    /* Encrypted (TLS 1.3 hides even the record type): known when it is the alert mbedTLS
     * queued, or one the engine itself sends. An alert mbedTLS sends directly under
     * encryption (a TLS 1.3 server rejecting a client's certificate) is not seen. */
    if (ssl->send_alert) {
        desc = ssl->alert_type;
    } else if (e->trace.alert_hint >= 0) {
        desc = e->trace.alert_hint;
    } else if (type == RECORD_ALERT) {
        desc = -1;
    } else {
        return;
    }
    e->trace.alert_hint = -1;
    tlsp_trace_alert(e, TLSP_TRACE_OUT, desc == MBEDTLS_SSL_ALERT_MSG_CLOSE_NOTIFY
                                            ? MBEDTLS_SSL_ALERT_LEVEL_WARNING : MBEDTLS_SSL_ALERT_LEVEL_FATAL, desc);
}

/* Body bytes of a plaintext alert record being sent: level, then description. */
static void alert_byte(tlsp_engine *e, uint8_t byte)
{
    tlsp_trace_state *t = &e->trace;

    if (t->alert_have == 1) {
        t->alert_level = byte;
        t->alert_have = 2;
        return;
    }
    t->alert_have = 0;
    t->alert_hint = -1;
    tlsp_trace_alert(e, TLSP_TRACE_OUT, t->alert_level, byte);
}

/* Follow the record framing of n stream bytes (like tlsp_record_meter_feed()) and report
 * each record whose header completes in them. */
static void scan_records(tlsp_engine *e, tlsp_record_meter *m, tlsp_trace_dir dir,
                         const uint8_t *data, size_t n)
{
    size_t i = 0;

    while (i < n) {
        if (m->header_len < RECORD_HEADER_LEN) {
            m->header[m->header_len++] = data[i++];
            if (m->header_len == RECORD_HEADER_LEN) {
                m->body_left = ((uint32_t) m->header[3] << 8) | m->header[4];
                record_started(e, dir, m->header[0], m->body_left);
                if (m->body_left == 0) {
                    m->header_len = 0;
                }
            }
        } else {
            size_t take = n - i;
            if (take > m->body_left) {
                take = m->body_left;
            }
            while (dir == TLSP_TRACE_OUT && e->trace.alert_have != 0 && take > 0) {
                alert_byte(e, data[i++]);
                take--;
                m->body_left--;
            }
            m->body_left -= (uint32_t) take;
            i += take;
            if (m->body_left == 0) {
                m->header_len = 0;
            }
        }
    }
}

void tlsp_trace_sent(tlsp_engine *e, const uint8_t *buf, size_t n)
{
    if (tracing(e)) {
        scan_records(e, &e->trace.scan_out, TLSP_TRACE_OUT, buf, n);
    }
}

void tlsp_trace_received(tlsp_engine *e, const uint8_t *buf, size_t n)
{
    if (tracing(e)) {
        scan_records(e, &e->trace.scan_in, TLSP_TRACE_IN, buf, n);
    }
}

#else /* !TLSP_TRACE */

/* cppcheck-suppress constParameter ; the public signature, shared with the real setter */
int tlsp_config_set_trace(tlsp_config *cfg, tlsp_trace_fn fn, void *ctx)
{
    (void) fn;
    (void) ctx;
    return cfg == NULL ? TLSP_ERR_BAD_ARG : TLSP_ERR_CONFIG;
}

#endif /* TLSP_TRACE */
