/**
 * \file tlsp_trace.h
 * \brief Handshake trace: what crossed the wire, step by step, through a caller callback.
 *
 * With a trace callback on its config, every engine reports its handshake as events:
 *   - each handshake state mbedTLS enters (TLSP_TRACE_STATE);
 *   - each handshake message sent or received, by name and size, TLS 1.2 and 1.3, the
 *     TLS 1.3 messages that travel encrypted included (TLSP_TRACE_MESSAGE), and
 *     ChangeCipherSpec records (the TLS 1.3 compatibility ones too);
 *   - the negotiated version, cipher suite and key-exchange group as they become known
 *     (TLSP_TRACE_NEGOTIATED), and a summary when the handshake completes
 *     (TLSP_TRACE_DONE: resumed or full, PSK identity);
 *   - alerts sent and received, by name (TLSP_TRACE_ALERT);
 *   - the reason for a failure, in words (TLSP_TRACE_FAILED; the text of
 *     tlsp_engine_describe_error()).
 * tlsp_trace_format() makes one human line of an event, e.g.
 *   "-> ClientHello (187 bytes)", "<- alert bad_certificate (42)",
 *   "negotiated TLSv1.3 TLS1-3-AES-128-GCM-SHA256 group secp256r1".
 *
 * Nothing here needs stdio or malloc: the callback decides where lines go (a UART, a
 * ring buffer, stderr). The callback runs inside tlspair calls (tlsp_handshake(),
 * tlsp_read(), the net-side calls...) on the engine's thread: it must not call back into
 * that engine, and should be quick.
 *
 * Compile-time switch: the CMake option TLSP_TRACE (default ON) defines the macro
 * TLSP_TRACE for the library and everything that links it. With it OFF every hook in the
 * engine compiles to nothing, the engine struct has no trace fields, and
 * tlsp_config_set_trace() returns TLSP_ERR_CONFIG; tlsp_trace_format() still works.
 *
 * Why the callback sits on the config, not on each engine: a config already describes
 * how every connection made with it behaves, engines are often created by code the
 * application does not own (a server loop, the driver examples), and one setter then
 * covers every connection, including ones made after tlsp_engine_reset(). Each event
 * carries its engine, so one callback can still tell connections apart.
 */
#ifndef TLSP_TRACE_H
#define TLSP_TRACE_H

#include <stddef.h>

#include "tlspair/tlsp_config.h"
#include "tlspair/tlsp_engine.h"

#ifdef __cplusplus
extern "C" {
#endif

/** What an event reports. */
typedef enum tlsp_trace_kind {
    TLSP_TRACE_STATE = 1,    /**< mbedTLS entered handshake state `name` */
    TLSP_TRACE_MESSAGE,      /**< a handshake message (or ChangeCipherSpec) crossed: dir, msg_type, name, size */
    TLSP_TRACE_NEGOTIATED,   /**< negotiated parameters became known: text */
    TLSP_TRACE_ALERT,        /**< an alert crossed: dir, alert, alert_level, name */
    TLSP_TRACE_DONE,         /**< the handshake completed: text (version, suite, resumed...) */
    TLSP_TRACE_FAILED        /**< the engine failed: error and, in text, the reason in words */
} tlsp_trace_kind;

/** Which way a message or alert went. */
typedef enum tlsp_trace_dir {
    TLSP_TRACE_NONE = 0,     /**< not a message (state, negotiated, done, failed) */
    TLSP_TRACE_IN,           /**< received from the peer ("<-") */
    TLSP_TRACE_OUT           /**< sent to the peer ("->") */
} tlsp_trace_dir;

/** msg_type of a ChangeCipherSpec record (not a handshake message: no TLS number). */
#define TLSP_TRACE_MSG_CHANGE_CIPHER_SPEC 0x100

/**
 * \brief One trace event. Every pointer in it is valid only during the callback: copy
 *        what you keep.
 */
typedef struct tlsp_trace_event {
    tlsp_trace_kind kind;
    tlsp_trace_dir dir;
    const tlsp_engine *engine;  /**< the engine reporting (read-only use in the callback) */
    int msg_type;               /**< MESSAGE: TLS HandshakeType (1 ClientHello, 2 ServerHello...;
                                     a HelloRetryRequest is 2 with name "HelloRetryRequest"),
                                     or TLSP_TRACE_MSG_CHANGE_CIPHER_SPEC; else -1 */
    const char *name;           /**< MESSAGE: message name; STATE: state name; ALERT: alert
                                     name ("bad_certificate", or "unknown" when the alert
                                     went encrypted and its description is not known);
                                     else NULL */
    size_t size;                /**< MESSAGE: the handshake message's bytes including its
                                     4-byte header, as hashed into the transcript, without
                                     record framing or encryption (1 for ChangeCipherSpec) */
    int size_exact;             /**< MESSAGE: 1 when size is exact; 0 only for a TLS 1.3
                                     server's own NewSessionTicket, measured from its
                                     encrypted record (padding included: an upper bound) */
    int alert;                  /**< ALERT: description number (42...), -1 when unknown */
    int alert_level;            /**< ALERT: 1 warning, 2 fatal */
    int error;                  /**< FAILED: the TLSP_ERR_* code */
    const char *text;           /**< NEGOTIATED, DONE, FAILED: the details in words */
} tlsp_trace_event;

/**
 * \brief Trace callback.
 * \param ctx  the pointer given to tlsp_config_set_trace().
 * \param ev   the event; valid only during the call.
 */
typedef void (*tlsp_trace_fn)(void *ctx, const tlsp_trace_event *ev);

/**
 * \brief Report the handshakes of every engine using cfg to fn.
 * \param cfg  initialised config; set before attaching engines (engines read it live, so a
 *             change reaches them too, but the config must not change while one runs).
 * \param fn   callback, or NULL to stop tracing.
 * \param ctx  passed to fn unchanged.
 * \return 0; TLSP_ERR_BAD_ARG (cfg NULL or not initialised); TLSP_ERR_CONFIG when the
 *         library was built without TLSP_TRACE (nothing would ever be reported).
 */
int tlsp_config_set_trace(tlsp_config *cfg, tlsp_trace_fn fn, void *ctx);

/**
 * \brief One human-readable line for an event, without a newline, e.g.
 *        "-> Certificate (512 bytes)", "state SERVER_HELLO", "<- alert unknown_ca (48)",
 *        "failed: certificate rejected: ...".
 * \param ev   the event.
 * \param buf  output; always NUL-terminated when len >= 1 (truncated if too small).
 * \param len  size of buf.
 * \return the length of the full line (excluding the NUL) — when it is >= len the line
 *         was truncated and a buffer of return + 1 bytes holds it all; TLSP_ERR_BAD_ARG
 *         for a NULL ev, or a NULL buf with len > 0. Call with buf NULL and len 0 to
 *         learn the size needed.
 */
int tlsp_trace_format(const tlsp_trace_event *ev, char *buf, size_t len);

/**
 * \brief Name of a TLS alert description: "bad_certificate" for 42; "unknown" for a
 *        number TLS does not define. Static string.
 */
const char *tlsp_alert_name(int alert);

/**
 * \brief Name of a TLS handshake message type: "ClientHello" for 1; "unknown" otherwise.
 *        Static string.
 */
const char *tlsp_handshake_msg_name(int msg_type);

#ifdef __cplusplus
}
#endif

#endif /* TLSP_TRACE_H */
