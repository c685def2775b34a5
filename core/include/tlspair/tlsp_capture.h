/**
 * \file tlsp_capture.h
 * \brief The net tap: see every ciphertext byte an engine receives and sends.
 *
 * A capture callback set on an engine is told about each range of ciphertext that
 * crosses the engine's net side, in the order it crosses:
 *   - TLSP_CAPTURE_IN: bytes the transport gave the engine (tlsp_net_in_commit(),
 *     tlsp_net_in_feed()), reported when they enter net_in;
 *   - TLSP_CAPTURE_OUT: bytes the transport took from the engine (tlsp_net_out_consume(),
 *     tlsp_net_out_drain()), reported when they leave net_out.
 * Only what really crossed is reported: bytes mbedTLS queued but the transport never
 * took, and space reserved but never committed, are not. tlsp_pcap.h turns the reports
 * into a pcap file (tlsp_pcap_attach()).
 *
 * The tap is a compile-time option, CMake TLSP_CAPTURE (compile definition TLSP_CAPTURE
 * on tlspair_core and everything using it). Without it the engine has no tap fields and
 * no tap calls: nothing is left of it, and tlsp_engine_set_capture() returns
 * TLSP_ERR_CONFIG. The tap sees ciphertext only, never a key or plaintext.
 */
#ifndef TLSP_CAPTURE_H
#define TLSP_CAPTURE_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

struct tlsp_engine;

/** Which way bytes crossed the engine's net side. */
typedef enum {
    TLSP_CAPTURE_IN = 0,   /**< from the peer into the engine (net_in) */
    TLSP_CAPTURE_OUT = 1   /**< from the engine towards the peer (net_out) */
} tlsp_capture_dir;

/**
 * \brief A capture callback.
 * \param ctx   the pointer given to tlsp_engine_set_capture().
 * \param dir   which way the bytes went.
 * \param data  the bytes, valid only during the call (they live in the engine's queue or
 *              the caller's buffer); len >= 1.
 * \note Runs inside the net-side call that moved the bytes. tlsp_net_in_commit() may be
 *       called from an interrupt handler: a tap on such an engine then runs there too, so
 *       keep it short or capture from the main loop (feed/drain) instead. It must not call
 *       the engine it watches. A range that wraps around the end of a queue is reported as
 *       two calls.
 */
typedef void (*tlsp_capture_fn)(void *ctx, tlsp_capture_dir dir, const uint8_t *data, size_t len);

/**
 * \brief Set (or, with fn NULL, remove) an engine's capture callback.
 * \param e    an initialised engine. The tap stays set across tlsp_engine_reset() and ends
 *             with tlsp_engine_free().
 * \param fn   the callback, or NULL to stop capturing.
 * \param ctx  passed to fn; owned by the caller, must outlive the capture.
 * \return 0; TLSP_ERR_BAD_ARG for a NULL or uninitialised engine; TLSP_ERR_CONFIG when
 *         this build has no tap (TLSP_CAPTURE off): nothing would ever be reported.
 */
int tlsp_engine_set_capture(struct tlsp_engine *e, tlsp_capture_fn fn, void *ctx);

#ifdef __cplusplus
}
#endif

#endif /* TLSP_CAPTURE_H */
