/*
 * tlspair: the data phase of one connection. Full duplex between stdin/stdout (or the
 * connection itself, with --echo) and a TLS engine whose handshake is done, over one
 * cli_link, in one poll() loop.
 */
#ifndef CLI_PUMP_H
#define CLI_PUMP_H

#include "tlspair/tlsp_engine.h"

#include "cli.h"
#include "cli_link.h"

/** Returned by cli_pump() when stdin or stdout failed (already reported on stderr). */
#define CLI_PUMP_IO_ERROR 1
/** Returned by cli_pump() when SIGINT/SIGTERM arrived. */
#define CLI_PUMP_STOPPED 2

/**
 * Run the handshake over l within timeout_ms (the engine's own deadline, from the
 * config, applies as well), looking at cli_stop_signal between steps.
 * \return 0 once the handshake is done (also when the peer's close_notify came right
 *         behind its last flight: the data phase answers it); TLSP_ERR_TIMEOUT; a
 *         failure; CLI_PUMP_STOPPED.
 */
int cli_handshake(tlsp_engine *e, cli_link *l, uint32_t timeout_ms);

/**
 * Move plaintext until both ends have closed:
 *   - stdin (not with --echo) goes into the connection; at its end tlspair queues
 *     close_notify, sends it, then half-closes TCP (cli_link_half_close());
 *   - the peer's plaintext goes to stdout, or back to the peer with --echo;
 *   - when the peer's close_notify arrives, what is already read from stdin is still
 *     sent, then our close_notify; stdin is not read any more.
 * After our close_notify, a peer that sends nothing for o->timeout_ms gives
 * TLSP_ERR_TIMEOUT. With o->sess_out the session is saved as soon as that is possible
 * (*session_saved: 0 not yet, 1 saved, -1 failed).
 * \param stdin_eof  in/out: stdin already ended (a server's stdin ends only once).
 * \return 0 after a clean close both ways; a TLSP_ERR_* code (TLSP_ERR_TRUNCATED when the
 *         medium ended without close_notify); CLI_PUMP_IO_ERROR; CLI_PUMP_STOPPED.
 */
int cli_pump(tlsp_engine *e, cli_link *l, const cli_opts *o, int *stdin_eof, int *session_saved);

#endif /* CLI_PUMP_H */
