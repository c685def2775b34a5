/*
 * tlspair: client sessions in files (--sess-in, --sess-out, --sess-key), over
 * tlsp_session.h. Plain files hold the session's secrets: they are written mode 0600;
 * with --sess-key they are sealed (AES-GCM) as well.
 */
#ifndef CLI_SESSION_H
#define CLI_SESSION_H

#include "tlspair/tlsp_engine.h"

#include "cli.h"

/**
 * Before the handshake: offer the session saved in o->sess_in. Never fails the
 * connection: a missing or unusable file gives a warning on stderr (unless quiet) and
 * the handshake is a full one. Returns 1 if a session was loaded, 0 if not, or
 * CLI_EXIT_USAGE negated for a bad --sess-key (a usage error).
 */
int cli_session_load(tlsp_engine *e, const cli_opts *o);

/**
 * Try to save the session to o->sess_out. Returns 1 when saved, 0 when not yet (TLS 1.3
 * before the ticket arrived), -1 on a failure already reported on stderr (a save that
 * fails is not retried).
 */
int cli_session_save(tlsp_engine *e, const cli_opts *o);

#endif /* CLI_SESSION_H */
