/**
 * \file tlsp_linesim.h
 * \brief A serial line simulator in virtual time: two endpoints (A and B), each a
 *        tlsp_transport, joined by a full-duplex 8N1 line with a baud rate, UART-like
 *        buffers and seeded, reproducible faults. Host only; for tests and benchmarks.
 *
 * Per direction (A->B and B->A):
 *   - the sender's TX FIFO (tx_fifo bytes): send() takes what fits, else TLSP_WANT_WRITE.
 *   - the line: bytes leave the FIFO at baud/10 bytes per second of the port clock
 *     (tlsp_port_millis()), so the clock decides when each byte lands. Time is virtual:
 *     nothing here sleeps; the test moves the clock (tlsp_port_test_*), or lets the
 *     endpoints' wait() move it through the clock callback given to init.
 *   - faults, applied to each byte as it lands, from the direction's own PRNG (same seed,
 *     same faults): drop, bit flips (per bit of the 8 data bits), insertion of a random
 *     byte, duplication, and bursts (burst_len bytes in a row replaced by noise).
 *   - the receiver's RX buffer (rx_buf bytes): a byte that lands while it is full is
 *     lost (an overrun: a UART without flow control).
 * recv() returns what the RX buffer holds; there is no end of input.
 */
#ifndef TLSP_LINESIM_H
#define TLSP_LINESIM_H

#include <stddef.h>
#include <stdint.h>

#include "tlspair/tlsp_transport.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Fault rates per landing byte (bit_error_rate: per data bit). 0 = off. */
typedef struct tlsp_linesim_faults {
    double bit_error_rate;  /**< each of the 8 data bits flips with this probability */
    double drop_rate;       /**< the byte is lost */
    double insert_rate;     /**< a random byte lands before it */
    double dup_rate;        /**< the byte lands twice */
    double burst_rate;      /**< a burst starts at this byte */
    unsigned burst_len;     /**< bytes a burst replaces with noise (0 = 16) */
} tlsp_linesim_faults;

/** What happened in one direction. */
typedef struct tlsp_linesim_stats {
    uint64_t bytes_sent;      /**< taken by send() */
    uint64_t bytes_landed;    /**< put into the RX buffer (inserted and duplicated included) */
    uint64_t bits_flipped;
    uint64_t bytes_dropped;   /**< lost to drop faults */
    uint64_t bytes_inserted;
    uint64_t bytes_duplicated;
    uint64_t burst_bytes;     /**< bytes replaced by noise in bursts */
    uint64_t overruns;        /**< bytes lost because the RX buffer was full */
} tlsp_linesim_stats;

/** Endpoints. */
typedef enum { TLSP_LINESIM_A = 0, TLSP_LINESIM_B = 1 } tlsp_linesim_end;

typedef struct tlsp_linesim tlsp_linesim;

/** One direction of the line (private). */
typedef struct tlsp_linesim_dir {
    uint8_t *tx, *rx;           /* rings */
    size_t tx_size, tx_head, tx_len;
    size_t rx_size, rx_head, rx_len;
    uint64_t last_ms;           /* clock at the last update */
    uint64_t credit;            /* bit-times (in baud * ms units) toward the next byte */
    uint64_t rng;
    unsigned burst_left;
    tlsp_linesim_faults faults;
    double p_flip_byte;         /* chance that at least one bit of a byte flips */
    tlsp_linesim_stats stats;
} tlsp_linesim_dir;

/** An endpoint; its address is the transport's ctx. */
typedef struct tlsp_linesim_port {
    tlsp_linesim *sim;
    int side;
} tlsp_linesim_port;

struct tlsp_linesim {
    uint32_t baud;
    tlsp_linesim_dir dir[2];          /* dir[TLSP_LINESIM_A]: A sends, B receives */
    tlsp_linesim_port port[2];
    void (*advance)(void *arg, uint64_t to_ms);
    void *advance_arg;
};

/**
 * \brief Make a line (allocates its buffers; free with tlsp_linesim_free()).
 * \param baud     bit/s, >= 10 (8N1: baud/10 bytes per second each way).
 * \param tx_fifo  each sender's FIFO in bytes (>= 1).
 * \param rx_buf   each receiver's buffer in bytes (>= 1).
 * \param seed     seeds both directions' fault PRNGs (differently per direction).
 * \return 0; TLSP_ERR_BAD_ARG; TLSP_ERR_NO_MEMORY.
 */
int tlsp_linesim_init(tlsp_linesim *sim, uint32_t baud, size_t tx_fifo, size_t rx_buf,
                      uint64_t seed);

/** \brief Free the buffers. */
void tlsp_linesim_free(tlsp_linesim *sim);

/** \brief Set the faults of the direction `from` sends in (copied; applies to bytes that
 *         land from now on). */
void tlsp_linesim_set_faults(tlsp_linesim *sim, tlsp_linesim_end from,
                             const tlsp_linesim_faults *faults);

/**
 * \brief Let the endpoints' wait() move virtual time: when nothing is ready, wait()
 *        calls advance(arg, t) with the time at which something next happens on that
 *        endpoint (a byte lands, FIFO room frees) or its timeout, whichever is first.
 *        Without it (the default) wait() returns at once (a spurious wake-up).
 */
void tlsp_linesim_set_clock(tlsp_linesim *sim, void (*advance)(void *arg, uint64_t to_ms),
                            void *arg);

/** \brief Fill t with endpoint `end`'s transport. The sim must outlive t. */
void tlsp_linesim_transport(tlsp_linesim *sim, tlsp_linesim_end end, tlsp_transport *t);

/** \brief Bring both directions up to the port clock (bytes land). send/recv/wait do it. */
void tlsp_linesim_update(tlsp_linesim *sim);

/**
 * \brief Port-clock time at which the next byte lands in either direction (at least
 *        now + 1 ms), or UINT64_MAX when both lines are idle.
 */
uint64_t tlsp_linesim_next_event(tlsp_linesim *sim);

/**
 * \brief For single-threaded loops that run both ends: the time to move the clock to
 *        when neither end can progress: the next landing byte or the earliest of
 *        timers[0..n) (e.g. tlsp_link_next_timer() of each link), capped at
 *        now + max_step_ms (engine deadlines are not known here), and at least now + 1.
 */
uint64_t tlsp_linesim_idle_until(tlsp_linesim *sim, const uint64_t *timers, size_t n,
                                 uint32_t max_step_ms);

/** \brief Bytes in flight from `from`: in its FIFO plus waiting in the peer's RX buffer. */
size_t tlsp_linesim_pending(const tlsp_linesim *sim, tlsp_linesim_end from);

/** \brief The counters of the direction `from` sends in. */
const tlsp_linesim_stats *tlsp_linesim_get_stats(const tlsp_linesim *sim, tlsp_linesim_end from);

#ifdef __cplusplus
}
#endif

#endif /* TLSP_LINESIM_H */
