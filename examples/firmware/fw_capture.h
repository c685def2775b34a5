/*
 * Firmware images built with FW_CAPTURE stream what crossed their TLS engine's net side
 * over the console (UART0), as a pcap file in text lines, and the key log lines when the
 * build has the key log (TLSP_KEYLOG): docs/capture.md, "On firmware". The host tool
 * examples/capture/tlspair-console2pcap.c turns a console log back into the two files.
 *
 * Line format (one per line, among the firmware's other console lines):
 *
 *   TLSPCAP <seq> <hex> *<crc>        up to FW_CAPTURE_LINE_BYTES bytes of the pcap file
 *   TLSPCAP-END <lines> <bytes> *<crc>
 *   TLSKEYLOG <seq> <key log line> *<crc>
 *   TLSKEYLOG-END <lines> *<crc>
 *
 * <seq> counts lines of each kind from 0 (decimal); <crc> is the CRC-32 (IEEE, as
 * fw_stream.h computes it) of everything before " *", as 8 lower-case hex digits. A
 * garbled, missing or repeated line is detected by the tool, never used.
 */
#ifndef FW_CAPTURE_H
#define FW_CAPTURE_H

#include "tlspair/tlsp_engine.h"

/** Pcap bytes per console line (96 hex digits). */
#define FW_CAPTURE_LINE_BYTES 48u

/**
 * Start streaming a fresh engine's capture (and key log, when built in) to the console.
 * Returns 0 or a TLSP_ERR_* code (TLSP_ERR_CONFIG: the build has no tap, TLSP_CAPTURE).
 */
int fw_capture_start(tlsp_engine *e);

/** Stop: close the pcap's TCP connection, print the last line and the end lines. */
void fw_capture_end(tlsp_engine *e);

#endif /* FW_CAPTURE_H */
