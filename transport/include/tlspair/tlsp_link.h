/**
 * \file tlsp_link.h
 * \brief A link layer for lossy byte streams (UARTs without flow control, noisy lines):
 *        framing, CRC-32 and selective-repeat ARQ under an unchanged tlsp_transport.
 *
 * The link takes a lower transport (the raw line: a UART, a POSIX serial port, a pty, the
 * line simulator) that may drop, corrupt, insert or repeat bytes, and presents an upper
 * transport that is a reliable, in-order, exactly-once byte stream. tlsp_drive_* and the
 * engine use the upper transport like any other:
 *
 *   static uint8_t link_mem[TLSP_LINK_MEMORY_SIZE(384, 6, 6)];
 *   tlsp_link_config lc;
 *   tlsp_link_config_init(&lc, 115200);            // defaults for this line rate
 *   tlsp_link_init(&link, &lc, &uart, link_mem, sizeof link_mem);
 *   tlsp_link_transport(&link, &upper);
 *   tlsp_drive_handshake(&tls, &upper, 10000);
 *
 * Wire format (docs/link.md). Each frame is COBS-encoded and ends with one 0x00 byte, the
 * only place a 0x00 appears on the line, so a receiver resynchronises at the next 0x00
 * whatever garbage came before. Decoded, a frame is
 *
 *   flags(1) seq(1) ack(1) credit(1) [sack(4)] payload(0..frame_payload) crc32(4, LE)
 *
 * flags: bits 0-1 kind (1 data, 2 ack-only), bit 2 a SACK bitmap follows, bit 3 POLL
 * (answer at once), bit 4 FINAL (this answers a POLL), bits 5-7 zero (version 0).
 * seq: the data frame's sequence number (mod 256). ack: the next sequence number the
 * sender of this frame expects (cumulative: everything before it arrived). credit: how
 * many frames from ack on it can take. sack: bit i set = frame ack+1+i arrived out of
 * order. Every frame carries ack and credit: acknowledgements ride on data for free.
 *
 * ARQ: selective repeat. A serial line never reorders, so a frame that is reported
 * missing while one sent after it arrived is lost, and is resent at once (no timer);
 * the retransmission timer only covers the last frames of a burst and lost acks. The
 * timer doubles on every expiry without word from the peer, up to rto_max_ms, and
 * resets when a valid frame arrives. Without progress (a frame of ours newly reported
 * received, or a POLL answered) for dead_ms while data is outstanding, the link fails:
 * sticky.
 *
 * Pumping. The link has no thread and no interrupt: it reads the lower transport,
 * retransmits and acknowledges inside the upper transport's send, recv and wait calls
 * (and tlsp_link_poll()). The upper wait() never sleeps past the next retransmission.
 * Call one of them regularly, as tlsp_drive_* does, or the peer sees silence.
 *
 * Errors through the upper transport follow tlsp_transport.h: a failed link returns
 * TLSP_ERR_TRANSPORT from send, recv and wait (the driver maps any other code to it
 * anyway); tlsp_link_error() says why: TLSP_ERR_TIMEOUT (dead link), TLSP_ERR_TRANSPORT
 * (the lower transport failed). EOF of the lower transport (a closed pty or socket) is
 * passed up as EOF once every byte that arrived before it was read.
 *
 * Both ends must start together (sequence numbers start at 0): after one end restarts,
 * re-initialise the other too. No malloc, no stdio; the only port hook is
 * tlsp_port_millis(). Single-threaded: do not call into one link from two contexts.
 */
#ifndef TLSP_LINK_H
#define TLSP_LINK_H

#include <stddef.h>
#include <stdint.h>

#include "tlspair/tlsp_transport.h"

#ifdef __cplusplus
extern "C" {
#endif

#define TLSP_LINK_MIN_PAYLOAD   16u    /**< smallest frame_payload */
#define TLSP_LINK_MAX_PAYLOAD   4096u  /**< largest frame_payload */
#define TLSP_LINK_MAX_WINDOW    32u    /**< largest tx_window / rx_window (SACK bitmap width) */

/** Bytes of frame header: flags, seq, ack, credit. */
#define TLSP_LINK_HEADER        4u
/** Bytes of the optional SACK bitmap. */
#define TLSP_LINK_SACK          4u
/** Bytes of the CRC-32 trailer. */
#define TLSP_LINK_CRC           4u
/** Largest decoded frame for a payload size. */
#define TLSP_LINK_FRAME_MAX(payload) \
    (TLSP_LINK_HEADER + TLSP_LINK_SACK + (size_t) (payload) + TLSP_LINK_CRC)
/** Largest COBS encoding of n bytes (one code byte per 254 data bytes, rounded up). */
#define TLSP_LINK_COBS_MAX(n)   ((size_t) (n) + (size_t) (n) / 254u + 1u)
/** Largest frame on the line: encoded frame, a leading and a trailing 0x00. */
#define TLSP_LINK_WIRE_MAX(payload) (TLSP_LINK_COBS_MAX(TLSP_LINK_FRAME_MAX(payload)) + 2u)

/** Per-slot bookkeeping kept in the caller's memory (sizes are part of the RAM formula). */
typedef struct tlsp_link_tx_slot {
    uint64_t sent_ms;      /* port clock at the last transmission */
    uint32_t sent_order;   /* transmission counter at the last transmission */
    uint16_t len;          /* payload bytes */
    uint8_t sacked;        /* the peer reported it (out of order) */
    uint8_t sends;         /* transmissions so far (0 = queued, not yet sent) */
} tlsp_link_tx_slot;

typedef struct tlsp_link_rx_slot {
    uint16_t len;          /* payload bytes */
    uint8_t present;       /* holds a frame */
    uint8_t reserved;
} tlsp_link_rx_slot;

/**
 * Caller memory for a link: RAM formula (bytes, with P = frame_payload, T = tx_window,
 * R = rx_window):
 *
 *   T * (sizeof(tlsp_link_tx_slot) + P)       send window: frames kept until acknowledged
 * + R * (sizeof(tlsp_link_rx_slot) + P)       receive window: in-order and out-of-order frames
 * + TLSP_LINK_WIRE_MAX(P)                      one encoded frame on its way to the line
 * + TLSP_LINK_FRAME_MAX(P)                     one frame being decoded from the line
 * + 8                                          alignment slack
 *
 * sizeof(tlsp_link_tx_slot) is 16 and sizeof(tlsp_link_rx_slot) 4 on common ABIs, so
 * P = 256, T = R = 4 needs 1088 + 1040 + 272 + 268 + 8 = 2676 bytes (T = R = 8: 4804),
 * plus sizeof(tlsp_link) (264 bytes on Cortex-M).
 */
#define TLSP_LINK_MEMORY_SIZE(payload, tx_window, rx_window)                           \
    ((size_t) (tx_window) * (sizeof(tlsp_link_tx_slot) + (size_t) (payload)) +        \
     (size_t) (rx_window) * (sizeof(tlsp_link_rx_slot) + (size_t) (payload)) +        \
     TLSP_LINK_WIRE_MAX(payload) + TLSP_LINK_FRAME_MAX(payload) + 8u)

/** Link parameters. Start from tlsp_link_config_init(), then change what you need. */
typedef struct tlsp_link_config {
    uint32_t baud;           /**< line rate in bit/s (8N1), >= 10; sizes the derived timers */
    uint16_t frame_payload;  /**< most data bytes per frame, TLSP_LINK_MIN..MAX_PAYLOAD */
    uint8_t tx_window;       /**< frames sent and not yet acknowledged, 1..32 */
    uint8_t rx_window;       /**< frames the receiver holds (unread + out of order), 1..32 */
    uint32_t rto_initial_ms; /**< first retransmission timeout; 0 = derived (below) */
    uint32_t rto_max_ms;     /**< backoff ceiling, >= rto_initial_ms; 0 = derived */
    uint32_t dead_ms;        /**< no progress this long while data waits: the link fails;
                                  0 = derived */
} tlsp_link_config;

/** Counters; they only grow (until tlsp_link_init()). */
typedef struct tlsp_link_stats {
    uint64_t frames_sent;       /**< frames written to the line, all kinds, retransmissions too */
    uint64_t data_frames_sent;  /**< data frames, retransmissions included */
    uint64_t acks_sent;         /**< ack-only frames (standalone acknowledgements, polls, answers) */
    uint64_t retransmissions;   /**< data frames sent again (fast + timeout) */
    uint64_t timeouts;          /**< retransmission timer expiries */
    uint64_t frames_received;   /**< frames that passed the CRC, all kinds */
    uint64_t crc_errors;        /**< frames that failed the CRC */
    uint64_t bad_frames;        /**< frames that were malformed (bad COBS, too short or long, bad flags) */
    uint64_t duplicates;        /**< data frames received again (already held or delivered) */
    uint64_t out_of_window;     /**< data frames beyond the advertised credit, dropped */
    uint64_t garbage_bytes;     /**< line bytes discarded: every byte of a bad or CRC-failed frame */
    uint64_t line_bytes_out;    /**< bytes written to the lower transport */
    uint64_t line_bytes_in;     /**< bytes read from the lower transport */
    uint64_t bytes_delivered;   /**< payload bytes handed to the upper recv() */
    uint64_t bytes_accepted;    /**< payload bytes taken by the upper send() */
} tlsp_link_stats;

/** A link. Caller-allocated; fields are private (read them with the functions below). */
typedef struct tlsp_link {
    tlsp_link_config cfg;
    tlsp_transport lower;
    tlsp_link_stats stats;
    int error;                   /* sticky failure, 0 if none */
    int lower_eof;               /* the lower transport reported end of input */

    /* send side */
    tlsp_link_tx_slot *tx_meta;
    uint8_t *tx_data;            /* tx_window * frame_payload */
    uint8_t tx_head;             /* slot index of snd_una */
    uint8_t snd_una;             /* oldest unacknowledged sequence number */
    uint8_t snd_next;            /* next sequence number to transmit for the first time */
    uint8_t snd_end;             /* one past the last queued frame */
    uint8_t peer_credit;         /* frames the peer takes from snd_una on */
    uint8_t backoff;             /* retransmission timer doublings since the last progress */
    uint8_t polling;             /* a POLL is out, unanswered */
    uint8_t waiting;             /* data waits for the peer (dead-link clock runs) */
    uint8_t delivered_known;     /* delivered_order is valid */
    uint32_t send_counter;       /* transmission order of data frames */
    uint32_t delivered_order;    /* latest sent_order the peer reported received: any
                                    frame sent before it and not reported is lost */
    uint64_t progress_ms;        /* last progress (ack advanced, poll answered) or start of waiting */
    uint64_t poll_ms;            /* when the last POLL went out */

    /* receive side */
    tlsp_link_rx_slot *rx_meta;
    uint8_t *rx_data;            /* rx_window * frame_payload */
    uint8_t rx_head;             /* slot index of rcv_read */
    uint8_t rcv_read;            /* sequence number of the frame the app reads next */
    uint8_t rcv_next;            /* next in-order sequence number expected */
    uint8_t ack_due;             /* an acknowledgement should go out */
    uint8_t answer_due;          /* the peer POLLed: an ack with FINAL should go out */
    uint8_t credit_sent;         /* credit in the last frame sent */
    uint16_t rx_read_off;        /* bytes of the head frame already read */

    /* the line */
    uint8_t *wire;               /* encoded frame being written */
    size_t wire_len, wire_off;
    uint8_t wire_started;        /* a delimiter went out since init (no leading one needed) */
    uint8_t *frame;              /* frame being decoded */
    size_t frame_len;
    size_t frame_raw;            /* line bytes of the frame so far (for garbage_bytes) */
    uint8_t cobs_left;           /* data bytes left in the current COBS block */
    uint8_t cobs_code;           /* current COBS block code, 0 = expecting the first */
    uint8_t frame_bad;           /* frame overflowed or broke COBS: drop at the delimiter */
} tlsp_link;

/**
 * \brief Defaults for a line rate: 384-byte payloads, windows of 6, timers derived.
 *
 * Timers left at 0 are derived by tlsp_link_init() from baud and frame_payload (so
 * they follow later changes to those): retransmission timeout = twice the line time of
 * four full frames, plus 20 ms (P = 384 at 115200 baud: 298 ms); backoff ceiling 4 times
 * that, capped at 5 s; dead link after 8 ceilings, at least 10 s.
 * \param baud  line rate in bit/s (8N1: baud/10 bytes per second); 0 is taken as 115200.
 */
void tlsp_link_config_init(tlsp_link_config *cfg, uint32_t baud);

/**
 * \brief Bytes of caller memory tlsp_link_init() needs for cfg (TLSP_LINK_MEMORY_SIZE).
 * \return the size, or 0 if cfg is invalid.
 */
size_t tlsp_link_memory_size(const tlsp_link_config *cfg);

/**
 * \brief Set up a link over a lower transport.
 * \param link   caller-allocated; must outlive every use of its upper transport.
 * \param cfg    copied.
 * \param lower  the raw line, copied (its ctx must outlive the link). send and recv are
 *               required; wait is optional (without it the upper wait cannot sleep).
 * \param mem    caller memory of at least tlsp_link_memory_size(cfg) bytes, any
 *               alignment; owned by the link until it is no longer used. Not wiped.
 * \return 0; TLSP_ERR_BAD_ARG (NULLs, out-of-range config, mem too small).
 */
int tlsp_link_init(tlsp_link *link, const tlsp_link_config *cfg,
                   const tlsp_transport *lower, void *mem, size_t mem_size);

/**
 * \brief Fill t with the link's upper transport (reliable byte stream).
 *
 * send: takes up to len bytes into free send-window space and transmits; TLSP_WANT_WRITE
 *       when the window is full (the peer has not acknowledged yet).
 * recv: in-order bytes; TLSP_WANT_READ when none; 0 after lower EOF once all is read.
 * wait: sleeps in the lower wait() no later than the next retransmission, pumping the
 *       link whenever it wakes, until the events or timeout_ms; returns the ready subset.
 * All three return TLSP_ERR_TRANSPORT once the link has failed (see tlsp_link_error()).
 */
void tlsp_link_transport(tlsp_link *link, tlsp_transport *t);

/**
 * \brief Pump once without moving application bytes: read the line, retransmit,
 *        acknowledge. For loops that keep the link alive while the application is busy.
 * \return 0, or the sticky failure (tlsp_link_error()).
 */
int tlsp_link_poll(tlsp_link *link);

/**
 * \brief Port-clock time (ms) at which the link next needs a pump (a retransmission or
 *        poll timer, or the dead-link deadline); UINT64_MAX when nothing is scheduled.
 *        Event loops sleep until the earlier of this and line input.
 */
uint64_t tlsp_link_next_timer(const tlsp_link *link);

/**
 * \brief 1 when every byte taken by send() has been acknowledged by the peer and no
 *        acknowledgement of ours is pending (safe to stop pumping), else 0.
 */
int tlsp_link_idle(const tlsp_link *link);

/** \brief The sticky failure: 0, TLSP_ERR_TIMEOUT (dead link) or TLSP_ERR_TRANSPORT. */
int tlsp_link_error(const tlsp_link *link);

/** \brief The link's counters (a pointer into link; valid while link is). */
const tlsp_link_stats *tlsp_link_get_stats(const tlsp_link *link);

/* ---- Framing primitives (also used by tests) ---------------------------------------- */

/**
 * \brief CRC-32 (IEEE 802.3: reflected polynomial 0xEDB88320, init and final xor
 *        0xFFFFFFFF); "123456789" gives 0xCBF43926.
 * \param crc  0 to start, or a previous result to continue over more bytes.
 */
uint32_t tlsp_link_crc32(uint32_t crc, const uint8_t *data, size_t len);

/**
 * \brief COBS-encode len bytes (no delimiter is added).
 * \param out  at least TLSP_LINK_COBS_MAX(len) bytes; must not overlap in.
 * \return bytes written; never contains 0x00.
 */
size_t tlsp_link_cobs_encode(const uint8_t *in, size_t len, uint8_t *out);

/**
 * \brief Decode one COBS block sequence (without its delimiter).
 * \param out  at least len bytes; may be in (decoding never runs ahead of reading).
 * \return bytes decoded, or -1 if in holds a 0x00 or ends inside a block.
 */
long tlsp_link_cobs_decode(const uint8_t *in, size_t len, uint8_t *out);

#ifdef __cplusplus
}
#endif

#endif /* TLSP_LINK_H */
