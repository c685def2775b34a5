/**
 * \file tlsp_drive.h
 * \brief The driver loop: pump one engine over one transport until a goal or a deadline.
 *
 * Each tlsp_drive_* call loops { drain net_out to the transport; pull transport bytes into
 * net_in; run the engine } until its goal is met, the engine fails, or timeout_ms passes on
 * the port clock. Between passes with no progress it sleeps in the transport's wait() (or
 * spins if the transport has none). Output is always drained before waiting for input.
 *
 * Return codes are the engine's (tlsp_error.h). TLSP_ERR_TIMEOUT from a drive call means
 * its own deadline passed; unlike the engine's deadlines it does not fail the engine, so
 * the caller may drive again. Transport failures return TLSP_ERR_TRANSPORT; transport EOF
 * is handed to the engine (tlsp_net_in_eof), which turns it into TLSP_ERR_CLOSED or
 * TLSP_ERR_TRUNCATED.
 */
#ifndef TLSP_DRIVE_H
#define TLSP_DRIVE_H

#include <stddef.h>
#include <stdint.h>

#include "tlspair/tlsp_engine.h"
#include "tlspair/tlsp_transport.h"

#ifdef __cplusplus
extern "C" {
#endif

/**
 * \brief One non-blocking pass: send what net_out holds, receive what fits in net_in, then
 *        tlsp_poll() the engine.
 * \param progress  optional; set to 1 if any byte moved or the engine's state changed.
 * \return 0; TLSP_ERR_TRANSPORT; TLSP_ERR_CLOSED or a failure from the engine.
 */
int tlsp_drive_step(tlsp_engine *e, const tlsp_transport *t, int *progress);

/**
 * \brief Sleep in the transport's wait() until it may move bytes, at most until deadline
 *        (port clock, ms) and never longer than 100 ms at a time, so the caller's loop
 *        re-checks engine deadlines regularly. Asks for writability too while net_out
 *        holds bytes. For custom loops built from tlsp_drive_step().
 * \return 0 when it is worth stepping again (also after a spurious wake-up, or at once
 *         if the transport has no wait()); TLSP_ERR_TIMEOUT when the deadline has passed;
 *         TLSP_ERR_TRANSPORT if wait() failed.
 */
int tlsp_drive_wait(tlsp_engine *e, const tlsp_transport *t, uint64_t deadline);

/**
 * \brief Run the handshake to completion.
 * \return 0 when done and its last flight sent, also when the peer's close_notify came
 *         right behind its last flight (the next read returns TLSP_ERR_CLOSED);
 *         TLSP_ERR_TIMEOUT; a failure (after sending the alert the engine queued, where
 *         the transport takes it).
 */
int tlsp_drive_handshake(tlsp_engine *e, const tlsp_transport *t, uint32_t timeout_ms);

/**
 * \brief Write all len bytes and flush them to the transport.
 * \return 0 when all bytes are handed to the transport; TLSP_ERR_TIMEOUT (some bytes may
 *         have been sent); a failure.
 * \note   The peer's end of input without close_notify, arriving once all len bytes are
 *         encrypted, does not fail the call (a half-closed peer still reads); the next
 *         read reports TLSP_ERR_TRUNCATED.
 */
int tlsp_drive_write(tlsp_engine *e, const tlsp_transport *t,
                     const uint8_t *buf, size_t len, uint32_t timeout_ms);

/**
 * \brief Read until at least one byte is available, then return what tlsp_read() gives.
 * \return bytes read (1..len); TLSP_ERR_CLOSED at a clean end; TLSP_ERR_TIMEOUT; a failure.
 */
int tlsp_drive_read(tlsp_engine *e, const tlsp_transport *t,
                    uint8_t *buf, size_t len, uint32_t timeout_ms);

/**
 * \brief Read exactly len bytes.
 * \param got  receives the bytes read even when the call fails part way.
 * \return 0; TLSP_ERR_CLOSED if the peer closed cleanly before len bytes; TLSP_ERR_TIMEOUT;
 *         a failure.
 */
int tlsp_drive_read_exact(tlsp_engine *e, const tlsp_transport *t,
                          uint8_t *buf, size_t len, size_t *got, uint32_t timeout_ms);

/**
 * \brief Send close_notify and flush it to the transport. Does not wait for the peer's.
 * \return 0; TLSP_ERR_TIMEOUT; a failure. As with tlsp_drive_write(), the peer's end of
 *         input arriving during the flush is left for the next read to report.
 */
int tlsp_drive_close(tlsp_engine *e, const tlsp_transport *t, uint32_t timeout_ms);

#ifdef __cplusplus
}
#endif

#endif /* TLSP_DRIVE_H */
