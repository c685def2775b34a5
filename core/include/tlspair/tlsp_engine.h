/**
 * \file tlsp_engine.h
 * \brief The I/O-free TLS engine: one connection, two byte queues (a "BIO pair").
 *
 * The engine never touches a socket, a UART or a clock of its own. mbedTLS reads ciphertext
 * from the engine's net_in queue and writes ciphertext to its net_out queue; the caller (or
 * a transport and the driver loop, see tlsp_transport.h) moves bytes between those queues
 * and the medium:
 *
 *   application ── tlsp_write() ──►  engine  ── net_out ──► transport ──► medium
 *   application ◄── tlsp_read() ───  engine  ◄── net_in ─── transport ◄── medium
 *
 * Net side (the transport's calls):
 *   - zero-copy: tlsp_net_out_peek()/tlsp_net_out_consume() and
 *     tlsp_net_in_reserve()/tlsp_net_in_commit(). Reserve, commit and consume only move a
 *     queue index, so an interrupt handler or DMA completion may call them (one producer
 *     and one consumer per queue, see tlsp_queue.h). Peek and drain may also move the
 *     rest of a record mbedTLS has half-sent into net_out: call them from the main loop.
 *   - copying: tlsp_net_out_drain() and tlsp_net_in_feed().
 *   - tlsp_net_in_eof(): the medium closed; no more bytes will come.
 *
 * App side: tlsp_handshake(), tlsp_read(), tlsp_write(), tlsp_close(), tlsp_poll(), and
 * tlsp_status() to learn what the engine wants next.
 *
 * The golden rule of the loop: whenever TLSP_STATUS_NET_OUT is set, drain net_out before
 * waiting for input. App-side calls help: they never return TLSP_WANT_READ while net_out
 * holds bytes; they return TLSP_WANT_WRITE instead.
 *
 * Memory: the engine struct and both queue buffers belong to the caller. mbedTLS allocates
 * its record buffers and handshake state through tlsp's heap hook (tlsp_heap.h). tlspair
 * itself never calls malloc.
 *
 * Threads: an engine is used by one thread at a time (plus at most one interrupt-context
 * producer on net_in).
 */
#ifndef TLSP_ENGINE_H
#define TLSP_ENGINE_H

#include <stddef.h>
#include <stdint.h>

#include "mbedtls/ssl.h"

#include "tlspair/tlsp_capture.h"
#include "tlspair/tlsp_config.h"
#include "tlspair/tlsp_error.h"
#include "tlspair/tlsp_keylog.h"
#include "tlspair/tlsp_queue.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- Status flags: what the engine wants next (tlsp_status()) -------------------------- */
#define TLSP_STATUS_NET_OUT        0x0001u /**< net_out holds bytes: drain them to the medium */
#define TLSP_STATUS_NEED_NET_IN    0x0002u /**< blocked until more peer bytes arrive */
#define TLSP_STATUS_NET_IN_FULL    0x0004u /**< net_in has no free space: call the app side first */
#define TLSP_STATUS_HANDSHAKE_DONE 0x0010u /**< handshake complete; read/write allowed */
#define TLSP_STATUS_APP_READABLE   0x0020u /**< decrypted bytes wait in the engine: tlsp_read() */
#define TLSP_STATUS_APP_WRITABLE   0x0040u /**< tlsp_write() would accept bytes now */
#define TLSP_STATUS_PEER_CLOSED    0x0100u /**< peer sent close_notify (clean end) */
#define TLSP_STATUS_LOCAL_CLOSED   0x0200u /**< we sent (queued) close_notify */
#define TLSP_STATUS_NET_EOF        0x0400u /**< the transport reported end of input */
#define TLSP_STATUS_FAILED         0x1000u /**< sticky failure: see tlsp_engine_error() */

/** Byte and record counters, ciphertext unless named app_. */
typedef struct tlsp_counters {
    uint64_t bytes_in, bytes_out;            /**< TLS bytes read from net_in / written to net_out */
    uint64_t records_in, records_out;        /**< complete TLS records in each direction */
    uint64_t app_bytes_in, app_bytes_out;    /**< plaintext delivered to / accepted from the app */
} tlsp_counters;

/** A small incremental parser of the TLS record framing, used for the record counters. */
typedef struct tlsp_record_meter {
    uint8_t header[5];
    uint8_t header_len;                      /**< header bytes seen of the current record */
    uint32_t body_left;                      /**< body bytes still to come */
} tlsp_record_meter;

/** Connection facts for logs and tests (tlsp_engine_info()). */
typedef struct tlsp_info {
    const char *version;          /**< "TLSv1.2", "TLSv1.3", or "none" before the handshake */
    const char *ciphersuite;      /**< mbedTLS suite name, or "none" */
    char peer_subject[160];       /**< peer certificate subject DN, "" if none */
    uint32_t handshake_ms;        /**< first handshake call to completion (port clock) */
    uint64_t handshake_bytes_in;  /**< ciphertext received up to handshake completion */
    uint64_t handshake_bytes_out; /**< ciphertext sent up to handshake completion */
    int resumed;                  /**< 1 if the handshake was abbreviated: a saved session
                                       (ticket or session ID) was resumed, so no
                                       certificate was sent or verified (tlsp_session.h) */
    tlsp_counters counters;       /**< totals so far */
} tlsp_info;

/** A date and time of a certificate's validity (UTC), for failure descriptions. */
typedef struct tlsp_cert_date {
    uint16_t year;
    uint8_t mon, day, hour, min, sec;
} tlsp_cert_date;

/** What the engine noted about a peer certificate that failed verification (private:
 *  tlsp_engine_describe_error() puts it in words). */
typedef struct tlsp_cert_problem {
    char subject_cn[64];          /* first certificate of the chain with a problem: its CN */
    char issuer[96];              /* its issuer DN */
    char leaf_names[128];         /* the leaf's DNS names (SANs, else CN), comma-separated */
    tlsp_cert_date not_before, not_after;
    uint8_t depth;                /* 0 = the leaf */
    uint8_t noted;                /* 1 once a problem certificate was seen */
} tlsp_cert_problem;

#if defined(TLSP_TRACE)
/** Trace bookkeeping (private; tlsp_trace.h). */
typedef struct tlsp_trace_state {
    /* the transcript hook the trace wraps (mbedTLS's handshake->update_checksum) */
    int (*saved_checksum)(mbedtls_ssl_context *, const unsigned char *, size_t);
    uint64_t in_seen_bytes;       /* bytes_in when the last received message was reported */
    size_t in_seen_msglen;        /* ...and mbedTLS's in_msglen / in_hslen then */
    size_t in_seen_hslen;
    uint32_t hdr_len;             /* a handshake header hashed on its own: body length */
    int hdr_type;                 /* ...and type, -1 if none pending */
    int last_state;               /* the mbedTLS state last reported */
    int step_state;               /* the state the current step started in */
    int alert_hint;               /* description of an alert the engine itself is sending */
    uint8_t reported;             /* REPORTED_* bits (tlsp_trace.c) */
    uint8_t alert_have;           /* plaintext alert being sent: 1 = level next, 2 = description */
    uint8_t alert_level;
    tlsp_record_meter scan_in, scan_out; /* record starts, for ChangeCipherSpec and alerts */
} tlsp_trace_state;
#endif

/** Caller-allocated engine. Fields are private: use the functions. */
typedef struct tlsp_engine {
    mbedtls_ssl_context ssl;
    const tlsp_config *cfg;
    tlsp_queue net_in;
    tlsp_queue net_out;
    unsigned state;                 /* TLSP_ENG_* bits in tlsp_engine.c */
    int error;                      /* sticky failure, 0 if none */
    int mbedtls_error;              /* mbedTLS code behind error, 0 if none */
    int alert_received;             /* alert description from the peer, -1 if none */
    unsigned cert_flags;            /* TLSP_CERT_* of the last verification */
    uint64_t handshake_start_ms;
    uint64_t handshake_end_ms;
    uint64_t read_wait_start_ms;    /* when tlsp_read() began waiting, 0 = not waiting */
    uint64_t records_at_app_progress; /* counters.records_in when the app last had data */
    uint64_t handshake_bytes_in, handshake_bytes_out;
    tlsp_counters counters;
    tlsp_record_meter meter_in, meter_out;
#if defined(TLSP_CAPTURE)
    tlsp_capture_fn capture_fn;     /* tlsp_capture.h; NULL = not capturing */
    void *capture_ctx;
#endif
#if defined(TLSP_KEYLOG)
    tlsp_keylog_fn keylog_fn;       /* tlsp_keylog.h; NULL = not logging */
    void *keylog_ctx;
#endif
    tlsp_cert_problem cert_problem; /* for tlsp_engine_describe_error() */
#if defined(TLSP_TRACE)
    tlsp_trace_state trace;
#endif
} tlsp_engine;

/* ---- Lifetime ------------------------------------------------------------------------ */

/**
 * \brief Attach an engine to a config and two caller buffers.
 * \param e             caller-allocated, not initialised.
 * \param cfg           finished configuration; must outlive the engine.
 * \param net_in_buf    storage for incoming ciphertext, net_in_size >= 1 bytes.
 * \param net_out_buf   storage for outgoing ciphertext, net_out_size >= 1 bytes.
 *                      Both stay owned by the caller and must stay valid and otherwise
 *                      untouched until tlsp_engine_free(). Any size works (mbedTLS copes
 *                      with partial transfers); one full record (16 KiB + 29 by default,
 *                      or the configured record size + 29) each way avoids extra passes.
 * \return 0; TLSP_ERR_BAD_ARG; TLSP_ERR_CONFIG if the config cannot make a secure
 *         connection (a verifying client without a CA chain or hostname, a server without
 *         a certificate or PSK); TLSP_ERR_NO_MEMORY.
 * \note On failure the engine is left freed.
 */
int tlsp_engine_init(tlsp_engine *e, const tlsp_config *cfg,
                     uint8_t *net_in_buf, size_t net_in_size,
                     uint8_t *net_out_buf, size_t net_out_size);

/**
 * \brief Free the engine: mbedTLS state released and wiped, both queue buffers wiped
 *        (they held ciphertext and, transiently, nothing else), struct zeroed.
 * \param e  may be NULL. Does not send close_notify: call tlsp_close() first for that.
 */
void tlsp_engine_free(tlsp_engine *e);

/**
 * \brief Make the engine ready for a new connection with the same config and buffers
 *        (clears a sticky failure, the queues and the counters).
 * \return 0 or TLSP_ERR_NO_MEMORY (sticky).
 */
int tlsp_engine_reset(tlsp_engine *e);

/* ---- Net side -------------------------------------------------------------------------- */

/**
 * \brief Contiguous pending ciphertext to send, in place.
 * \param len  receives the byte count at the returned pointer (0 when nothing is pending).
 * \return Pointer valid until the next consume or app-side call; NULL when nothing pending.
 * \note Moves any rest of a record mbedTLS holds into net_out first, so whenever
 *       TLSP_STATUS_NET_OUT is set, peek returns bytes (unless the engine just failed).
 *       Not for interrupt context.
 */
const uint8_t *tlsp_net_out_peek(tlsp_engine *e, size_t *len);

/**
 * \brief Mark n bytes from tlsp_net_out_peek() as sent.
 * \return 0; TLSP_ERR_BAD_ARG if n exceeds what is pending.
 */
int tlsp_net_out_consume(tlsp_engine *e, size_t n);

/**
 * \brief Copy up to len pending ciphertext bytes out (peek + consume).
 * \return bytes copied (0 when nothing pending); TLSP_ERR_BAD_ARG.
 */
int tlsp_net_out_drain(tlsp_engine *e, uint8_t *buf, size_t len);

/**
 * \brief Contiguous free space for incoming ciphertext, in place.
 * \param len  receives the byte count writable at the returned pointer (0 when full).
 * \return Pointer into net_in; write, then tlsp_net_in_commit(). NULL when full (the
 *         app side must run first: tlsp_read(), tlsp_handshake() or tlsp_poll()).
 */
uint8_t *tlsp_net_in_reserve(tlsp_engine *e, size_t *len);

/**
 * \brief Make n bytes written at the tlsp_net_in_reserve() pointer visible to the engine.
 *        Only moves an index: safe from an interrupt handler.
 * \return 0; TLSP_ERR_BAD_ARG if n exceeds the reserved space.
 */
int tlsp_net_in_commit(tlsp_engine *e, size_t n);

/**
 * \brief Copy up to len received ciphertext bytes in (reserve + commit).
 * \return bytes accepted, which is less than len when net_in fills up (the rest must be
 *         fed again later: nothing is dropped silently); TLSP_ERR_BAD_ARG.
 */
int tlsp_net_in_feed(tlsp_engine *e, const uint8_t *buf, size_t len);

/**
 * \brief The transport reached end of input (peer closed the connection, cable gone).
 *        Bytes already in net_in are still processed; after them, a read returns
 *        TLSP_ERR_CLOSED if close_notify came first, otherwise TLSP_ERR_TRUNCATED.
 */
void tlsp_net_in_eof(tlsp_engine *e);

/* ---- App side -------------------------------------------------------------------------- */

/**
 * \brief Advance the handshake as far as the queued bytes allow.
 * \return 0 when the handshake is complete (and on every later call);
 *         TLSP_WANT_WRITE: net_out has bytes to send (always drain before waiting);
 *         TLSP_WANT_READ: waiting for peer bytes and nothing left to send;
 *         TLSP_ERR_TIMEOUT when the handshake deadline passed;
 *         another TLSP_ERR_* failure (sticky; the peer has been sent an alert where TLS
 *         allows, so drain net_out once more before closing the medium).
 */
int tlsp_handshake(tlsp_engine *e);

/**
 * \brief Read decrypted application data.
 * \param buf, len  caller buffer; len >= 1.
 * \return bytes read (1..len);
 *         TLSP_WANT_READ / TLSP_WANT_WRITE: nothing available yet (see tlsp_handshake());
 *         TLSP_ERR_CLOSED: the peer closed cleanly and everything it sent was read;
 *         TLSP_ERR_TRUNCATED: the transport ended without close_notify (sticky);
 *         TLSP_ERR_TIMEOUT: the read deadline passed with no application data (sticky);
 *         TLSP_ERR_STATE before the handshake completed (not sticky);
 *         another failure (sticky). Never returns 0.
 * \note Also processes post-handshake messages (session tickets, alerts) on the way.
 */
int tlsp_read(tlsp_engine *e, uint8_t *buf, size_t len);

/**
 * \brief Encrypt application data into net_out.
 * \param buf, len  caller data, len >= 1; copied (encrypted) before the call returns.
 * \return bytes accepted (1..len): may be fewer than len (one record at a time, or net_out
 *         full); call again with the rest. Accepted bytes are never lost and never need
 *         to be passed again: unlike mbedtls_ssl_write() there is no "retry with the same
 *         arguments" rule.
 *         TLSP_WANT_WRITE: nothing accepted, net_out is full: drain it and call again;
 *         TLSP_ERR_STATE before the handshake completed or after tlsp_close() (not sticky);
 *         a failure (sticky).
 */
int tlsp_write(tlsp_engine *e, const uint8_t *buf, size_t len);

/**
 * \brief Queue a close_notify alert (clean shutdown of our sending direction).
 * \return 0 when queued (drain net_out to send it), also on repeat calls;
 *         TLSP_WANT_WRITE when net_out must be drained first;
 *         a sticky failure if the engine has failed (no alert is sent then).
 * \note After close, tlsp_read() still returns what the peer sends until its close_notify.
 */
int tlsp_close(tlsp_engine *e);

/**
 * \brief Do the work the queued input allows without taking application data: advance
 *        the handshake, process alerts, close_notify and post-handshake messages, flush
 *        pending output, check deadlines. Call it from the transport loop whenever input
 *        arrives or time passes, so an engine whose application is not reading still
 *        answers its peer.
 * \return 0; TLSP_ERR_CLOSED once the peer closed cleanly; a failure (sticky).
 */
int tlsp_poll(tlsp_engine *e);

/** \brief TLSP_STATUS_* flags: what the engine wants next. Cheap; no side effects. */
unsigned tlsp_status(const tlsp_engine *e);

/* ---- Diagnostics ----------------------------------------------------------------------- */

/** \brief The sticky failure code, or 0. */
int tlsp_engine_error(const tlsp_engine *e);

/** \brief The mbedTLS error code behind the last failure (negative), or 0. */
int tlsp_engine_mbedtls_error(const tlsp_engine *e);

/** \brief The alert description the peer sent (e.g. 48 unknown_ca), or -1 if none. */
int tlsp_engine_alert_received(const tlsp_engine *e);

/** \brief TLSP_CERT_* reasons from the last peer-certificate verification, 0 if it passed. */
unsigned tlsp_engine_cert_flags(const tlsp_engine *e);

/**
 * \brief The engine's failure in words: what happened and what to check, e.g.
 *        "certificate rejected: expired (notAfter 2021-01-01 00:00:00): check the
 *        certificate's dates and this device's clock", or "the peer rejected our
 *        certificate (unknown_ca): the peer does not trust the CA that signed it...".
 *        More specific than tlsp_strerror(): it uses the certificate that failed, the
 *        expected hostname, the alert the peer sent and the configured versions.
 * \param e    the engine.
 * \param buf  output, always NUL-terminated when len >= 1; may be NULL when len is 0.
 * \param len  size of buf. 256 bytes hold every description in practice.
 * \return the length of the whole description (excluding the NUL), like snprintf: when
 *         it is >= len the text was truncated, and len = return + 1 holds all of it.
 *         "no failure" when the engine has not failed. TLSP_ERR_BAD_ARG for a NULL
 *         engine, or a NULL buf with len > 0.
 */
int tlsp_engine_describe_error(const tlsp_engine *e, char *buf, size_t len);

/**
 * \brief Fill info with the negotiated parameters and counters.
 * \return 0 or TLSP_ERR_BAD_ARG.
 */
int tlsp_engine_info(const tlsp_engine *e, tlsp_info *info);

#ifdef __cplusplus
}
#endif

#endif /* TLSP_ENGINE_H */
