/**
 * \file tlsp_pcap.h
 * \brief A pcap writer for what crossed an engine's net side, that Wireshark and tshark
 *        dissect as TLS with no options: I/O-free, no malloc, no stdio (Cortex-M too).
 *
 * The engine's two ciphertext streams become one made-up TCP connection in a classic
 * pcap file (libpcap format 2.4, link type Ethernet, microsecond timestamps):
 *
 *   client 192.0.2.1:49152  ──TCP──  server 192.0.2.2:443     (RFC 5737 example addresses)
 *
 * A SYN, SYN-ACK, ACK opens it (tlsp_pcap_begin()); each stream's bytes go in segments of
 * at most TLSP_PCAP_MSS bytes with consecutive sequence numbers, each acknowledging what
 * the other side has sent so far (plus a bare ACK from the receiver whenever one side
 * has sent TLSP_PCAP_ACK_EVERY bytes unanswered, so that no window looks full); FIN
 * both ways closes it (tlsp_pcap_end()). IPv4 and TCP checksums are valid. Timestamps come
 * from the port clock (tlsp_port_millis()), shifted to the wall clock
 * (tlsp_port_wall_time()) when the port knows the date. The medium itself (a UART, a
 * link layer, a real TCP connection) does not appear: only the TLS bytes do.
 *
 * The file goes out through a caller sink, a few bytes to 1.5 KiB per call, so it can be a
 * FILE, a socket, a RAM buffer or a console line encoder.
 *
 *   tlsp_pcap cap;
 *   tlsp_pcap_begin(&cap, sink, sink_ctx);   // file header + TCP open
 *   tlsp_pcap_attach(&cap, &engine);         // the engine's tap feeds it (TLSP_CAPTURE)
 *   ... run the connection ...
 *   tlsp_engine_set_capture(&engine, NULL, NULL);
 *   tlsp_pcap_end(&cap);                     // TCP close
 *
 * To read the TLS inside, give tshark the key log (tlsp_keylog.h):
 *   tshark -r cap.pcap -o tls.keylog_file:keys.txt -V
 */
#ifndef TLSP_PCAP_H
#define TLSP_PCAP_H

#include <stddef.h>
#include <stdint.h>

#include "tlspair/tlsp_capture.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Largest TCP payload per packet (Ethernet MTU 1500 - IPv4 20 - TCP 20). */
#define TLSP_PCAP_MSS 1460u
/** One side sends a bare ACK after this many bytes of the other side's unanswered. */
#define TLSP_PCAP_ACK_EVERY 32768u
/** The made-up connection's ports. */
#define TLSP_PCAP_CLIENT_PORT 49152u
#define TLSP_PCAP_SERVER_PORT 443u
/** Initial sequence numbers (fixed, so that files are reproducible). */
#define TLSP_PCAP_CLIENT_ISN 0x10000000u
#define TLSP_PCAP_SERVER_ISN 0x20000000u

/**
 * \brief Where the file's bytes go.
 * \param ctx   the pointer given to tlsp_pcap_begin().
 * \param data  the next bytes of the file, valid only during the call; len >= 1.
 * \return 0 when all len bytes were taken; nonzero on failure, which makes the writer
 *         fail (sticky: it writes nothing more).
 */
typedef int (*tlsp_pcap_sink)(void *ctx, const uint8_t *data, size_t len);

/** Which side of the made-up TCP connection sent a stream. */
typedef enum {
    TLSP_PCAP_FROM_CLIENT = 0,
    TLSP_PCAP_FROM_SERVER = 1
} tlsp_pcap_side;

/** Caller-allocated writer. Fields are private: use the functions. */
typedef struct tlsp_pcap {
    tlsp_pcap_sink sink;
    void *sink_ctx;
    uint32_t next_seq[2];       /* by tlsp_pcap_side: the next sequence number it sends */
    uint32_t acked[2];          /* by side: how far the other side has acknowledged it */
    uint16_t ip_id[2];          /* by side: the next IPv4 identification */
    int64_t wall_offset_ms;     /* wall clock minus port clock, 0 when the date is unknown */
    int engine_is_server;       /* tlsp_pcap_attach(): which side the engine plays */
    int error;                  /* sticky failure, 0 if none */
    unsigned state;             /* TLSP_PCAP_* bits in tlsp_pcap.c */
} tlsp_pcap;

/**
 * \brief Start a file: write the pcap file header and the TCP three-way handshake.
 * \param w         caller-allocated writer (any previous contents are overwritten).
 * \param sink      where the bytes go; must not be NULL.
 * \param sink_ctx  passed to sink; owned by the caller, must outlive the writer's use.
 * \return 0; TLSP_ERR_BAD_ARG (NULL); TLSP_ERR_TRANSPORT when the sink failed (sticky).
 */
int tlsp_pcap_begin(tlsp_pcap *w, tlsp_pcap_sink sink, void *sink_ctx);

/**
 * \brief Write the next len bytes one side sent, as TCP segments of at most TLSP_PCAP_MSS.
 * \param w     a writer after tlsp_pcap_begin(), before tlsp_pcap_end().
 * \param from  the sending side.
 * \param data  the bytes (read only during the call); len 0 writes nothing.
 * \return 0; TLSP_ERR_BAD_ARG; TLSP_ERR_STATE before begin or after end;
 *         TLSP_ERR_TRANSPORT when the sink failed now or before (sticky).
 */
int tlsp_pcap_data(tlsp_pcap *w, tlsp_pcap_side from, const uint8_t *data, size_t len);

/**
 * \brief Close the made-up connection (FIN from the client, FIN from the server, last
 *        ACK). Nothing more may be written; the file is complete.
 * \return 0; TLSP_ERR_BAD_ARG; TLSP_ERR_STATE when not begun or already ended;
 *         TLSP_ERR_TRANSPORT when the sink failed now or before (sticky).
 */
int tlsp_pcap_end(tlsp_pcap *w);

/** \brief The writer's sticky failure (TLSP_ERR_TRANSPORT), or 0. */
int tlsp_pcap_error(const tlsp_pcap *w);

/**
 * \brief The capture callback (tlsp_capture.h) that feeds a writer: what the engine sent
 *        is written as its side's stream, what it received as the peer's. ctx is the
 *        writer; tlsp_pcap_attach() sets it up. A sink failure is kept in the writer
 *        (tlsp_pcap_error()), never reported to the engine: capturing cannot break the
 *        connection.
 */
void tlsp_pcap_tap(void *ctx, tlsp_capture_dir dir, const uint8_t *data, size_t len);

/**
 * \brief Capture an engine into a begun writer: set the engine's tap to tlsp_pcap_tap()
 *        and note which side (client or server) the engine plays by its config.
 * \param w  a writer after tlsp_pcap_begin(); must stay valid while the tap is set.
 * \param e  an initialised engine. Attach before its handshake starts, or the file misses
 *           the first bytes. Stop with tlsp_engine_set_capture(e, NULL, NULL) (or free
 *           the engine) before tlsp_pcap_end().
 * \return 0; TLSP_ERR_BAD_ARG; TLSP_ERR_CONFIG when the build has no tap (TLSP_CAPTURE off).
 */
int tlsp_pcap_attach(tlsp_pcap *w, struct tlsp_engine *e);

#ifdef __cplusplus
}
#endif

#endif /* TLSP_PCAP_H */
