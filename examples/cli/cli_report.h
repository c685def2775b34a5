/*
 * tlspair: what it tells the user on stderr (the handshake summary, a throughput line,
 * the closing line, the one-line reason of a failure) and the exit code of a failure.
 */
#ifndef CLI_REPORT_H
#define CLI_REPORT_H

#include <stdint.h>

#include "tlspair/tlsp_engine.h"

#include "cli.h"

/** The handshake summary: version, suite, peer, time, bytes, resumed (unless quiet). */
void cli_report_handshake(const tlsp_engine *e, const char *where, const cli_opts *o);

/**
 * A throughput line, rewritten in place at most once a second, only when stderr is a
 * terminal, not quiet, and the transfer has run for more than a second. started_ms is
 * when the data phase began (port clock).
 */
void cli_report_progress(const tlsp_engine *e, const cli_opts *o, uint64_t started_ms);

/** Ends the throughput line (if one was printed) and prints what moved (unless quiet). */
void cli_report_end(const tlsp_engine *e, const cli_opts *o, uint64_t started_ms);

/**
 * One line "tlspair: error: <what>: <reason>" on stderr, always (also with --quiet).
 * e may be NULL; with an engine the line names the alert, the certificate problems
 * and the mbedTLS code.
 */
void cli_report_failure(const char *what, int code, const tlsp_engine *e, const cli_opts *o);

/** The exit code for a tlspair or serial error code (CLI_EXIT_*), e may be NULL. */
int cli_exit_code(int code, const tlsp_engine *e);

/* --trace: report cfg's handshakes on stderr ("tlspair: trace: -> ClientHello (187 bytes)"),
 * with every handshake state when level is 2. Returns tlsp_config_set_trace()'s code. */
int cli_report_enable_trace(tlsp_config *cfg, int level);

#endif /* CLI_REPORT_H */
