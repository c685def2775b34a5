/*
 * The engine: mbedTLS bound to two byte queues, with the app-side calls that hide
 * mbedTLS's I/O rules (WANT_* codes, write retries, EOF as 0) behind one error model.
 */
#include "tlspair/tlsp_engine.h"

#include <limits.h>
#include <string.h>

#include "mbedtls/platform_util.h"

#include "tlspair/tlsp_heap.h"
#include "tlspair/tlsp_port.h"
#include "tlsp_config_internal.h"
#include "tlsp_engine_internal.h"
#include "tlsp_platform.h"
#include "tlsp_trace_internal.h"

/* ---- mbedTLS's side of the BIO pair ---------------------------------------------------- */

static int bio_send(void *ctx, const unsigned char *buf, size_t len)
{
    tlsp_engine *e = ctx;
    size_t n;

    if (len > INT_MAX) {
        len = INT_MAX;
    }
    n = tlsp_queue_write(&e->net_out, buf, len);
    if (n == 0) {
        return MBEDTLS_ERR_SSL_WANT_WRITE;
    }
    e->counters.bytes_out += n;
    e->counters.records_out += tlsp_record_meter_feed(&e->meter_out, buf, n);
    TLSP_TRACE_SENT(e, buf, n);
    return (int) n;
}

/* Never returns 0 for "empty": mbedTLS reads 0 as end of connection. Only the
 * transport's tlsp_net_in_eof() makes it return 0. */
static int bio_recv(void *ctx, unsigned char *buf, size_t len)
{
    tlsp_engine *e = ctx;
    size_t n;

    if (len > INT_MAX) {
        len = INT_MAX;
    }
    n = tlsp_queue_read(&e->net_in, buf, len);
    if (n == 0) {
        if (e->state & TLSP_ENG_NET_EOF) {
            return 0;
        }
        e->state |= TLSP_ENG_NEED_INPUT;
        return MBEDTLS_ERR_SSL_WANT_READ;
    }
    e->state &= ~TLSP_ENG_NEED_INPUT;
    e->counters.bytes_in += n;
    e->counters.records_in += tlsp_record_meter_feed(&e->meter_in, buf, n);
    TLSP_TRACE_RECEIVED(e, buf, n);
    return (int) n;
}

/* ---- Lifetime ----------------------------------------------------------------------------- */

static int setup_connection(tlsp_engine *e)
{
    mbedtls_ssl_set_bio(&e->ssl, e, bio_send, bio_recv, NULL);
    /* (Without certificates there is no name to check or send: Cortex-M PSK profile.) */
#if defined(MBEDTLS_X509_CRT_PARSE_C)
    if (e->cfg->role == TLSP_CLIENT && (e->cfg->flags & TLSP_CFG_HAS_HOSTNAME)) {
        int ret = mbedtls_ssl_set_hostname(&e->ssl, e->cfg->hostname);
        if (ret != 0) {
            return ret == MBEDTLS_ERR_SSL_ALLOC_FAILED ? TLSP_ERR_NO_MEMORY : TLSP_ERR_BAD_ARG;
        }
    }
    /* Per connection, so that the certificate that failed is noted in this engine. */
    mbedtls_ssl_set_verify(&e->ssl, tlsp_note_cert_problem, e);
#endif
    e->state = TLSP_ENG_INIT;
    e->error = 0;
    e->mbedtls_error = 0;
    e->alert_received = -1;
    e->cert_flags = 0;
    e->handshake_start_ms = 0;
    e->handshake_end_ms = 0;
    e->read_wait_start_ms = 0;
    e->records_at_app_progress = 0;
    e->handshake_bytes_in = 0;
    e->handshake_bytes_out = 0;
    memset(&e->counters, 0, sizeof(e->counters));
    memset(&e->meter_in, 0, sizeof(e->meter_in));
    memset(&e->meter_out, 0, sizeof(e->meter_out));
    memset(&e->cert_problem, 0, sizeof(e->cert_problem));
    TLSP_TRACE_RESET(e);
    return 0;
}

int tlsp_engine_init(tlsp_engine *e, const tlsp_config *cfg,
                     uint8_t *net_in_buf, size_t net_in_size,
                     uint8_t *net_out_buf, size_t net_out_size)
{
    int ret;

    if (e == NULL) {
        return TLSP_ERR_BAD_ARG;
    }
    memset(e, 0, sizeof(*e));
    mbedtls_ssl_init(&e->ssl);
    ret = tlsp_config_check_usable(cfg);
    if (ret == 0) {
        ret = tlsp_queue_init(&e->net_in, net_in_buf, net_in_size);
    }
    if (ret == 0) {
        ret = tlsp_queue_init(&e->net_out, net_out_buf, net_out_size);
    }
    if (ret != 0) {
        tlsp_engine_free(e);
        return ret;
    }
    ret = mbedtls_ssl_setup(&e->ssl, &cfg->ssl);
    if (ret != 0) {
        tlsp_engine_free(e);
        return ret == MBEDTLS_ERR_SSL_ALLOC_FAILED ? TLSP_ERR_NO_MEMORY : TLSP_ERR_INTERNAL;
    }
    e->cfg = cfg;
    ret = setup_connection(e);
    if (ret != 0) {
        tlsp_engine_free(e);
    }
    return ret;
}

static void wipe_queue(tlsp_queue *q)
{
    if (q->buf != NULL) {
        mbedtls_platform_zeroize(q->buf, q->size);
    }
    tlsp_queue_clear(q);
}

void tlsp_engine_free(tlsp_engine *e)
{
    if (e == NULL) {
        return;
    }
    mbedtls_ssl_free(&e->ssl);
    wipe_queue(&e->net_in);
    wipe_queue(&e->net_out);
    mbedtls_platform_zeroize(e, sizeof(*e));
}

int tlsp_engine_reset(tlsp_engine *e)
{
    int ret;

    if (e == NULL || !(e->state & TLSP_ENG_INIT)) {
        return TLSP_ERR_BAD_ARG;
    }
    wipe_queue(&e->net_in);
    wipe_queue(&e->net_out);
    ret = mbedtls_ssl_session_reset(&e->ssl);
    if (ret == 0) {
        ret = setup_connection(e);
    } else {
        ret = TLSP_ERR_NO_MEMORY;
    }
    if (ret != 0) {
        e->error = ret;
    }
    return ret;
}

/* ---- Net side ----------------------------------------------------------------------------- */

static int flush_pending(tlsp_engine *e);

/* Before handing out net_out, move in what mbedTLS still holds of a half-sent record, so
 * a transport that only peeks and consumes never sees "output pending" with nothing to
 * peek. Failures are recorded (sticky) and reported by the next app-side call. */
static void top_up_net_out(tlsp_engine *e)
{
    if (e->error == 0 && tlsp_mbedtls_output_pending(&e->ssl) != 0) {
        (void) flush_pending(e);
    }
}

const uint8_t *tlsp_net_out_peek(tlsp_engine *e, size_t *len)
{
    if (len == NULL) {
        return NULL;
    }
    *len = 0;
    if (e == NULL || !(e->state & TLSP_ENG_INIT)) {
        return NULL;
    }
    top_up_net_out(e);
    return tlsp_queue_peek(&e->net_out, len);
}

int tlsp_net_out_consume(tlsp_engine *e, size_t n)
{
    if (e == NULL || !(e->state & TLSP_ENG_INIT) || n > tlsp_queue_used(&e->net_out)) {
        return TLSP_ERR_BAD_ARG;
    }
    TLSP_CAPTURE_TAP_QUEUE_HEAD(e, TLSP_CAPTURE_OUT, &e->net_out, n);   /* tlsp_capture.h */
    tlsp_queue_consume(&e->net_out, n);
    return 0;
}

int tlsp_net_out_drain(tlsp_engine *e, uint8_t *buf, size_t len)
{
    size_t n;

    if (e == NULL || !(e->state & TLSP_ENG_INIT) || buf == NULL) {
        return TLSP_ERR_BAD_ARG;
    }
    if (len > INT_MAX) {
        len = INT_MAX;
    }
    top_up_net_out(e);
    n = tlsp_queue_read(&e->net_out, buf, len);
    TLSP_CAPTURE_TAP(e, TLSP_CAPTURE_OUT, buf, n);   /* tlsp_capture.h */
    return (int) n;
}

uint8_t *tlsp_net_in_reserve(tlsp_engine *e, size_t *len)
{
    if (len == NULL) {
        return NULL;
    }
    *len = 0;
    if (e == NULL || !(e->state & TLSP_ENG_INIT)) {
        return NULL;
    }
    return tlsp_queue_reserve(&e->net_in, len);
}

int tlsp_net_in_commit(tlsp_engine *e, size_t n)
{
    size_t space;
    const uint8_t *arrived;

    if (e == NULL || !(e->state & TLSP_ENG_INIT)) {
        return TLSP_ERR_BAD_ARG;
    }
    arrived = tlsp_queue_reserve(&e->net_in, &space);
    if (n > space) {
        return TLSP_ERR_BAD_ARG;
    }
    TLSP_CAPTURE_TAP(e, TLSP_CAPTURE_IN, arrived, n);   /* tlsp_capture.h */
    tlsp_queue_commit(&e->net_in, n);
    return 0;
}

int tlsp_net_in_feed(tlsp_engine *e, const uint8_t *buf, size_t len)
{
    size_t n;

    if (e == NULL || !(e->state & TLSP_ENG_INIT) || buf == NULL) {
        return TLSP_ERR_BAD_ARG;
    }
    if (len > INT_MAX) {
        len = INT_MAX;
    }
    n = tlsp_queue_write(&e->net_in, buf, len);
    TLSP_CAPTURE_TAP(e, TLSP_CAPTURE_IN, buf, n);   /* tlsp_capture.h */
    return (int) n;
}

void tlsp_net_in_eof(tlsp_engine *e)
{
    if (e != NULL && (e->state & TLSP_ENG_INIT)) {
        e->state |= TLSP_ENG_NET_EOF;
    }
}

/* ---- Errors and deadlines -------------------------------------------------------------- */

int tlsp_engine_fail(tlsp_engine *e, int code, int mbedtls_code)
{
    if (e->error == 0) {
        e->error = code;
        e->mbedtls_error = mbedtls_code;
        TLSP_TRACE_FAILED(e);
    }
    return e->error;
}

static int has_output(const tlsp_engine *e)
{
    return tlsp_queue_used(&e->net_out) != 0 || tlsp_mbedtls_output_pending(&e->ssl) != 0;
}

/* A fatal alert of tlspair's own, unless output is still pending (mbedTLS would flush
 * that instead of queueing the alert) or the engine has sent close_notify: nothing may
 * follow it on a closed write side (RFC 8446 6.1, RFC 5246 7.2.1). One call site for all
 * of them: it is code that every image carries. */
static void send_fatal_alert(tlsp_engine *e, unsigned char desc)
{
    if ((e->state & TLSP_ENG_LOCAL_CLOSED) || tlsp_mbedtls_output_pending(&e->ssl) != 0) {
        return;
    }
    TLSP_TRACE_ALERT_HINT(e, desc);
    (void) mbedtls_ssl_send_alert_message(&e->ssl, MBEDTLS_SSL_ALERT_LEVEL_FATAL, desc);
}

/* The mbedTLS result of an I/O step, in tlspair's terms. WANT_READ with output still
 * queued becomes WANT_WRITE: the peer may be waiting for exactly those bytes. */
static int progress_or_fail(tlsp_engine *e, int ret)
{
    int code;

    if (ret == MBEDTLS_ERR_SSL_WANT_READ) {
        return has_output(e) ? TLSP_WANT_WRITE : TLSP_WANT_READ;
    }
    if (ret == MBEDTLS_ERR_SSL_WANT_WRITE) {
        return TLSP_WANT_WRITE;
    }
    code = tlsp_engine_map_error(e, ret);
    if (code == TLSP_ERR_CLOSED) {
        if (!(e->state & TLSP_ENG_PEER_CLOSED)) {
            TLSP_TRACE_ALERT_IN(e, MBEDTLS_SSL_ALERT_LEVEL_WARNING, MBEDTLS_SSL_ALERT_MSG_CLOSE_NOTIFY);
        }
        e->state |= TLSP_ENG_PEER_CLOSED;
        return TLSP_ERR_CLOSED;
    }
    if ((e->state & TLSP_ENG_HANDSHAKE_DONE) && e->error == 0) {
        /* After the handshake mbedTLS fails on some input without the alert the RFCs
         * require, so the peer would not learn why:
         * - BAD_INPUT_DATA: a record header longer than the input buffer; it owes
         *   record_overflow (RFC 5246 6.2.3, RFC 8446 5.2). During a handshake mbedTLS
         *   also uses this code for other faults, with an alert of its own or the one
         *   tlsp_handshake() adds.
         * - UNEXPECTED_MESSAGE, INVALID_RECORD: a TLS 1.3 KeyUpdate or renegotiation
         *   attempt, an unknown record type; it owes unexpected_message (RFC 8446 6.2,
         *   RFC 5246 7.2.2).
         * A warning mbedTLS sent earlier (a refused TLS 1.2 renegotiation) does not stand
         * in for either: the last record sent being an alert says nothing about this
         * failure. */
        if (ret == MBEDTLS_ERR_SSL_BAD_INPUT_DATA) {
            send_fatal_alert(e, MBEDTLS_SSL_ALERT_MSG_RECORD_OVERFLOW);
        } else if (ret == MBEDTLS_ERR_SSL_UNEXPECTED_MESSAGE || ret == MBEDTLS_ERR_SSL_INVALID_RECORD) {
            send_fatal_alert(e, MBEDTLS_SSL_ALERT_MSG_UNEXPECTED_MESSAGE);
        }
    }
    return tlsp_engine_fail(e, code, ret);
}

/* Reads the clock only when a deadline is running: this runs on every poll. */
static int check_deadlines(tlsp_engine *e)
{
    const tlsp_config *cfg = e->cfg;

    if (!(e->state & TLSP_ENG_HANDSHAKE_DONE)) {
        if (cfg->handshake_timeout_ms != 0 && (e->state & TLSP_ENG_HANDSHAKE_STARTED) &&
            tlsp_port_millis() - e->handshake_start_ms >= cfg->handshake_timeout_ms) {
            return tlsp_engine_fail(e, TLSP_ERR_TIMEOUT, 0);
        }
    } else if (cfg->read_timeout_ms != 0 && e->read_wait_start_ms != 0 &&
               mbedtls_ssl_get_bytes_avail(&e->ssl) == 0) {
        /* Counted from the start of the wait, not from the last byte that arrived: a
         * peer that keeps sending records without application data (alerts, tickets,
         * empty records, ChangeCipherSpec) must not hold a read open forever. Data
         * decrypted and waiting for the application stops the clock. */
        if (tlsp_port_millis() - e->read_wait_start_ms >= cfg->read_timeout_ms) {
            return tlsp_engine_fail(e, TLSP_ERR_TIMEOUT, 0);
        }
    }
    return 0;
}

/* Common entry check: a usable engine without a sticky failure. */
static int check_engine(const tlsp_engine *e)
{
    if (e == NULL || !(e->state & TLSP_ENG_INIT)) {
        return TLSP_ERR_BAD_ARG;
    }
    return e->error;
}

/* Hand mbedTLS's half-written record to net_out. 0 when none is left. */
static int flush_pending(tlsp_engine *e)
{
    int ret;

    if (tlsp_mbedtls_output_pending(&e->ssl) == 0) {
        return 0;
    }
    ret = tlsp_mbedtls_flush(&e->ssl);
    if (ret == 0) {
        return 0;
    }
    return progress_or_fail(e, ret);
}

/* ---- App side ----------------------------------------------------------------------------- */

/* A handshake failure must reach the peer as an alert (RFC 5246 7.2, RFC 8446 6.2), or
 * the peer waits until its deadline. mbedTLS sends one for most failures, not all (a
 * missing TLS 1.2 client certificate is silent): add one only when it did not, so the
 * peer never gets two. Failures that come from the peer or the medium, or that leave
 * mbedTLS unreliable, get none.
 *
 * Whether mbedTLS alerted: the failed step sent something (step_bytes_out, from
 * run_handshake_steps()); a step that fails writes nothing but its alert. The type of
 * the last record mbedTLS wrote does not tell: under TLS 1.3 encryption every record,
 * alerts included, has the type application_data. */
static void alert_peer_if_silent(tlsp_engine *e, int code, uint64_t step_bytes_out)
{
    unsigned char desc;

    switch (code) {
    case TLSP_ERR_CERT_REJECTED:
        desc = MBEDTLS_SSL_ALERT_MSG_BAD_CERT;
        break;
    case TLSP_ERR_NO_CERT:
    case TLSP_ERR_PSK:
    case TLSP_ERR_NEGOTIATION:
    case TLSP_ERR_HANDSHAKE:
        desc = MBEDTLS_SSL_ALERT_MSG_HANDSHAKE_FAILURE;
        break;
    default:
        return;
    }
    if (e->counters.bytes_out == step_bytes_out) {
        send_fatal_alert(e, desc);
    }
}

static void handshake_completed(tlsp_engine *e)
{
    e->state |= TLSP_ENG_HANDSHAKE_DONE;
    e->handshake_end_ms = tlsp_port_millis();
    e->handshake_bytes_in = e->counters.bytes_in;
    e->handshake_bytes_out = e->counters.bytes_out;
    e->records_at_app_progress = e->counters.records_in;
    TLSP_TRACE_DONE(e);
}

/* mbedtls_ssl_handshake() is exactly this loop. Stepping it here lets the engine note
 * whether the handshake resumes a session while mbedTLS still knows: it frees that state
 * in the handshake's last step. The decision is made early (Client/ServerHello) and never
 * changes afterwards, so the value seen before the last step is the final one. */
static int run_handshake_steps(tlsp_engine *e, uint64_t *step_bytes_out)
{
    /* Not mbedtls_ssl_is_handshake_over(): it is already true while a TLS 1.3 server
     * still has its NewSessionTicket states to run (they are numbered after
     * HANDSHAKE_OVER), and stopping there would leave the ticket unsent until the next
     * write. mbedtls_ssl_handshake() loops until the state is exactly HANDSHAKE_OVER. */
    while (!tlsp_mbedtls_handshake_finished(&e->ssl)) {
        int ret;

        if (tlsp_mbedtls_handshake_resumed(&e->ssl)) {
            e->state |= TLSP_ENG_RESUMED;
        } else {
            e->state &= ~TLSP_ENG_RESUMED;
        }
        TLSP_TRACE_BEFORE_STEP(e);
        /* A step starts by flushing what the one before left (WANT_WRITE). Doing that
         * here first makes every byte sent after *step_bytes_out this step's own. */
        ret = tlsp_mbedtls_flush(&e->ssl);
        *step_bytes_out = e->counters.bytes_out;
        if (ret == 0) {
            ret = mbedtls_ssl_handshake_step(&e->ssl);
        }
        TLSP_TRACE_AFTER_STEP(e);
        if (ret != 0) {
            return ret;
        }
    }
    return 0;
}

/* Allocations the heap hook has refused so far (tlsp_heap.h; process-wide). */
static size_t heap_refusals(void)
{
    tlsp_heap_stats st;

    tlsp_heap_get_stats(&st);
    return st.failures;
}

int tlsp_handshake(tlsp_engine *e)
{
    int ret = check_engine(e);
    size_t refusals;
    uint64_t step_bytes_out = 0;

    if (ret != 0) {
        return ret;
    }
    if (e->state & TLSP_ENG_HANDSHAKE_DONE) {
        return 0;
    }
    if (!(e->state & TLSP_ENG_HANDSHAKE_STARTED)) {
        e->state |= TLSP_ENG_HANDSHAKE_STARTED;
        e->handshake_start_ms = tlsp_port_millis();
    }
    refusals = heap_refusals();
    ret = run_handshake_steps(e, &step_bytes_out);
    if (ret == 0) {
        handshake_completed(e);
        return 0;
    }
    ret = progress_or_fail(e, ret);
    /* mbedTLS often reports a failed allocation as the alert it sends for it (a TLS 1.3
     * server whose key derivation runs out of memory says HANDSHAKE_FAILURE). A refused
     * allocation during this very call is the better explanation for a generic code. */
    if ((ret == TLSP_ERR_HANDSHAKE || ret == TLSP_ERR_PSK || ret == TLSP_ERR_NEGOTIATION ||
         ret == TLSP_ERR_ENTROPY || ret == TLSP_ERR_INTERNAL) && heap_refusals() != refusals) {
        e->error = ret = TLSP_ERR_NO_MEMORY;
    }
    if (ret == TLSP_WANT_READ || ret == TLSP_WANT_WRITE) {
        int late = check_deadlines(e);
        if (late != 0) {
            return late;
        }
    } else if (ret != 0) {
        alert_peer_if_silent(e, ret, step_bytes_out);
    }
    return ret;
}

/* End of input reached (mbedTLS's read gave 0): clean if close_notify came first. */
static int input_ended(tlsp_engine *e)
{
    if (e->state & TLSP_ENG_PEER_CLOSED) {
        return TLSP_ERR_CLOSED;
    }
    return tlsp_engine_fail(e, TLSP_ERR_TRUNCATED, MBEDTLS_ERR_SSL_CONN_EOF);
}

/* mbedTLS can stop with WANT_READ while it still holds input it has not processed: a
 * NewSessionTicket it has just announced (kept for the next call), or a second handshake
 * message in the same record. Another call processes it; waiting for the network
 * instead would leave it there. The pass limit only guards against a library bug. */
#define MAX_HELD_INPUT_PASSES 64

static int mbedtls_read_all_held(tlsp_engine *e, unsigned char *buf, size_t len)
{
    unsigned passes;
    int ret = MBEDTLS_ERR_SSL_WANT_READ;

    for (passes = 0; passes < MAX_HELD_INPUT_PASSES; passes++) {
        ret = mbedtls_ssl_read(&e->ssl, buf, len);
        TLSP_TRACE_AFTER_READ(e);
        if (ret == MBEDTLS_ERR_SSL_RECEIVED_NEW_SESSION_TICKET) {
            continue;
        }
        if (ret == MBEDTLS_ERR_SSL_WANT_READ && mbedtls_ssl_get_bytes_avail(&e->ssl) == 0 &&
            mbedtls_ssl_check_pending(&e->ssl)) {
            continue;
        }
        break;
    }
    return ret == MBEDTLS_ERR_SSL_RECEIVED_NEW_SESSION_TICKET ? MBEDTLS_ERR_SSL_WANT_READ : ret;
}

/* ---- Bound on records without application data (docs/SECURITY.md, "Resource bounds") --
 * mbedTLS 3.6 accepts some records without limit after the handshake: warning alerts
 * (ssl_msg.c, "Silently ignore: fetch new message"), TLS 1.3 ChangeCipherSpec (ignored at
 * any time), TLS 1.2 HelloRequests and ClientHellos (each refused with a no_renegotiation
 * warning) and TLS 1.3 NewSessionTickets. Its only count is of consecutive empty records
 * (ssl->nb_zero, at most 3, and any non-empty record resets it). So the engine counts
 * complete records since the application last had data and fails the connection, with an
 * unexpected_message alert as OpenSSL does for its own limits, past this many. */
#define MAX_RECORDS_WITHOUT_APP_DATA 32u

/* Call after mbedtls_read_all_held() returned ret. Records the failure (sticky) and
 * returns it; data read in the same call is still the application's to take. */
static int check_records_without_app_data(tlsp_engine *e, int ret)
{
    uint64_t junk = e->counters.records_in - e->records_at_app_progress;

    if (ret < 0 && ret != MBEDTLS_ERR_SSL_WANT_READ) {
        return 0; /* mbedTLS's own failure explains this better */
    }
    if (ret > 0 || mbedtls_ssl_get_bytes_avail(&e->ssl) != 0) {
        /* The last record fetched holds the data; only those before it were junk. */
        if (junk > 0) {
            junk--;
        }
        e->records_at_app_progress = e->counters.records_in;
    }
    if (junk <= MAX_RECORDS_WITHOUT_APP_DATA || e->error != 0) {
        return 0;
    }
    send_fatal_alert(e, MBEDTLS_SSL_ALERT_MSG_UNEXPECTED_MESSAGE);
    return tlsp_engine_fail(e, TLSP_ERR_BAD_RECORD, MBEDTLS_ERR_SSL_UNEXPECTED_MESSAGE);
}
/* ---- End of the bound on records without application data ------------------------------ */

int tlsp_read(tlsp_engine *e, uint8_t *buf, size_t len)
{
    int ret = check_engine(e);

    if (ret != 0) {
        return ret;
    }
    if (buf == NULL || len == 0) {
        return TLSP_ERR_BAD_ARG;
    }
    if (!(e->state & TLSP_ENG_HANDSHAKE_DONE)) {
        return TLSP_ERR_STATE;
    }
    if ((e->state & TLSP_ENG_PEER_CLOSED) && mbedtls_ssl_get_bytes_avail(&e->ssl) == 0) {
        return TLSP_ERR_CLOSED;
    }
    if (len > INT_MAX) {
        len = INT_MAX;
    }
    ret = mbedtls_read_all_held(e, buf, len);
    if (check_records_without_app_data(e, ret) != 0 && ret <= 0) {
        return e->error;
    }
    if (ret > 0) {
        e->read_wait_start_ms = 0;
        e->counters.app_bytes_in += (uint64_t) ret;
        return ret;
    }
    if (ret == 0) {
        return input_ended(e);
    }
    ret = progress_or_fail(e, ret);
    if (ret == TLSP_WANT_READ || ret == TLSP_WANT_WRITE) {
        int late;
        if (e->read_wait_start_ms == 0 && e->cfg->read_timeout_ms != 0) {
            e->read_wait_start_ms = tlsp_port_millis();
        }
        late = check_deadlines(e);
        if (late != 0) {
            return late;
        }
    }
    return ret;
}

/* Process queued input records (alerts, close_notify, tickets) without taking
 * application data: mbedtls_ssl_read() with length 0 stops at the first application
 * record and leaves it buffered. */
static int process_input(tlsp_engine *e)
{
    unsigned char unused;
    int ret;

    if (e->state & TLSP_ENG_PEER_CLOSED) {
        return TLSP_ERR_CLOSED;
    }
    if (mbedtls_ssl_get_bytes_avail(&e->ssl) != 0) {
        return 0;
    }
    if (tlsp_queue_used(&e->net_in) == 0 && !(e->state & TLSP_ENG_NET_EOF) &&
        !mbedtls_ssl_check_pending(&e->ssl)) {
        return 0;
    }
    ret = mbedtls_read_all_held(e, &unused, 0);
    if (check_records_without_app_data(e, ret) != 0) {
        return e->error;
    }
    if (ret == 0) {
        /* Either an application record is now buffered, or the input ended. */
        if (mbedtls_ssl_get_bytes_avail(&e->ssl) != 0) {
            return 0;
        }
        if ((e->state & TLSP_ENG_NET_EOF) && tlsp_queue_used(&e->net_in) == 0) {
            return input_ended(e);
        }
        return 0;
    }
    ret = progress_or_fail(e, ret);
    return (ret == TLSP_WANT_READ || ret == TLSP_WANT_WRITE) ? 0 : ret;
}

int tlsp_write(tlsp_engine *e, const uint8_t *buf, size_t len)
{
    int ret = check_engine(e);
    int max_payload;
    size_t chunk;

    if (ret != 0) {
        return ret;
    }
    if (buf == NULL || len == 0) {
        return TLSP_ERR_BAD_ARG;
    }
    if (!(e->state & TLSP_ENG_HANDSHAKE_DONE) || (e->state & TLSP_ENG_LOCAL_CLOSED)) {
        return TLSP_ERR_STATE;
    }
    /* A write-only application still has to see the peer's alerts. */
    ret = process_input(e);
    if (ret != 0 && ret != TLSP_ERR_CLOSED) {
        return ret;
    }
    ret = flush_pending(e);
    if (ret != 0) {
        return ret;
    }
    max_payload = mbedtls_ssl_get_max_out_record_payload(&e->ssl);
    if (max_payload <= 0) {
        return tlsp_engine_fail(e, TLSP_ERR_INTERNAL, max_payload);
    }
    chunk = len;
    if (chunk > e->cfg->record_size) {
        chunk = e->cfg->record_size;
    }
    if (chunk > (size_t) max_payload) {
        chunk = (size_t) max_payload;
    }
    ret = mbedtls_ssl_write(&e->ssl, buf, chunk);
    if (ret == MBEDTLS_ERR_SSL_RECEIVED_NEW_SESSION_TICKET) {
        /* mbedTLS finished handling a ticket it held instead of writing: write now. */
        ret = mbedtls_ssl_write(&e->ssl, buf, chunk);
    }
    if (ret == MBEDTLS_ERR_SSL_WANT_WRITE && tlsp_mbedtls_output_pending(&e->ssl) != 0) {
        /* The record is encrypted and partly handed over; mbedTLS holds the rest and
         * flush_pending() sends it. The caller's bytes are taken: report them. */
        ret = (int) chunk;
    }
    if (ret > 0) {
        e->counters.app_bytes_out += (uint64_t) ret;
        return ret;
    }
    return progress_or_fail(e, ret);
}

int tlsp_close(tlsp_engine *e)
{
    int ret = check_engine(e);

    if (ret != 0) {
        return ret;
    }
    if (e->state & TLSP_ENG_LOCAL_CLOSED) {
        return 0;
    }
    if (!(e->state & TLSP_ENG_HANDSHAKE_DONE)) {
        return TLSP_ERR_STATE;
    }
    /* Flush first: mbedtls_ssl_send_alert_message() flushes older output *instead of*
     * sending the alert when some is pending, and would still report success. */
    ret = flush_pending(e);
    if (ret != 0) {
        return ret;
    }
    TLSP_TRACE_ALERT_HINT(e, MBEDTLS_SSL_ALERT_MSG_CLOSE_NOTIFY);
    ret = mbedtls_ssl_close_notify(&e->ssl);
    if (ret == 0 || (ret == MBEDTLS_ERR_SSL_WANT_WRITE && tlsp_mbedtls_output_pending(&e->ssl) != 0)) {
        e->state |= TLSP_ENG_LOCAL_CLOSED;
        return 0;
    }
    return progress_or_fail(e, ret);
}

int tlsp_poll(tlsp_engine *e)
{
    int ret = check_engine(e);

    if (ret != 0) {
        return ret;
    }
    ret = flush_pending(e);
    if (ret != 0 && ret != TLSP_WANT_WRITE) {
        return ret;
    }
    if (!(e->state & TLSP_ENG_HANDSHAKE_DONE)) {
        ret = tlsp_handshake(e);
        if (ret != 0) {
            return (ret == TLSP_WANT_READ || ret == TLSP_WANT_WRITE) ? 0 : ret;
        }
    }
    ret = process_input(e);
    if (ret != 0) {
        return ret;
    }
    return check_deadlines(e);
}

unsigned tlsp_status(const tlsp_engine *e)
{
    unsigned s = 0;
    size_t pending;

    if (e == NULL || !(e->state & TLSP_ENG_INIT)) {
        return 0;
    }
    pending = tlsp_mbedtls_output_pending(&e->ssl);
    if (tlsp_queue_used(&e->net_out) != 0 || pending != 0) {
        s |= TLSP_STATUS_NET_OUT;
    }
    if ((e->state & TLSP_ENG_NEED_INPUT) && tlsp_queue_used(&e->net_in) == 0 &&
        !(e->state & TLSP_ENG_NET_EOF)) {
        s |= TLSP_STATUS_NEED_NET_IN;
    }
    if (tlsp_queue_free(&e->net_in) == 0) {
        s |= TLSP_STATUS_NET_IN_FULL;
    }
    if (e->state & TLSP_ENG_HANDSHAKE_DONE) {
        s |= TLSP_STATUS_HANDSHAKE_DONE;
        if (mbedtls_ssl_get_bytes_avail(&e->ssl) != 0) {
            s |= TLSP_STATUS_APP_READABLE;
        }
        if (e->error == 0 && !(e->state & TLSP_ENG_LOCAL_CLOSED) &&
            (pending == 0 || tlsp_queue_free(&e->net_out) >= pending)) {
            s |= TLSP_STATUS_APP_WRITABLE;
        }
    }
    if (e->state & TLSP_ENG_PEER_CLOSED) {
        s |= TLSP_STATUS_PEER_CLOSED;
    }
    if (e->state & TLSP_ENG_LOCAL_CLOSED) {
        s |= TLSP_STATUS_LOCAL_CLOSED;
    }
    if (e->state & TLSP_ENG_NET_EOF) {
        s |= TLSP_STATUS_NET_EOF;
    }
    if (e->error != 0) {
        s |= TLSP_STATUS_FAILED;
    }
    return s;
}
