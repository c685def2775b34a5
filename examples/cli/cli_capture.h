/*
 * tlspair --pcap FILE and --keylog FILE: what crossed the wire, and the keys to read it
 * (docs/capture.md). One connection per pcap file; key log lines are appended.
 */
#ifndef CLI_CAPTURE_H
#define CLI_CAPTURE_H

#include <stdio.h>

#include "tlspair/tlsp_engine.h"
#include "tlspair/tlsp_pcap.h"

#include "cli.h"

typedef struct cli_capture {
    FILE *pcap_file;
    tlsp_pcap pcap;
    FILE *keylog_file;
} cli_capture;

/** The WARNING on stderr that --keylog gives (even with --quiet): call once at start. */
void cli_capture_warn(const cli_opts *o);

/**
 * Start capturing a fresh engine (before its handshake) as the options ask. Returns 0, or
 * CLI_EXIT_USAGE after a message when a file cannot be written or the build lacks the
 * feature (then nothing is left open).
 */
int cli_capture_start(cli_capture *c, tlsp_engine *e, const cli_opts *o);

/**
 * Stop capturing e (before tlsp_engine_free()): close the pcap's TCP connection and both
 * files. Returns 0, or -1 after a warning when a file could not be written completely.
 */
int cli_capture_stop(cli_capture *c, tlsp_engine *e);

#endif /* CLI_CAPTURE_H */
