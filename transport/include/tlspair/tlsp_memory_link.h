/**
 * \file tlsp_memory_link.h
 * \brief An in-memory duplex link between two transports: the loopback medium.
 *
 * Two byte queues (A→B, B→A) over caller storage, and a transport for each end. Knobs
 * that make it a test harness as well as a loopback:
 *   - mtu: the most bytes one send or recv call moves (1 = one byte at a time), so
 *     records arrive in arbitrary fragments.
 *   - capacity: a full queue makes send return TLSP_WANT_WRITE (backpressure).
 *   - shutdown: one end stops sending; the other end's recv returns 0 (EOF) once it has
 *     read everything before it.
 * Single-threaded: both ends run in one thread (tlsp_memory_pair_* alternate them).
 */
#ifndef TLSP_MEMORY_LINK_H
#define TLSP_MEMORY_LINK_H

#include <stddef.h>
#include <stdint.h>

#include "tlspair/tlsp_engine.h"
#include "tlspair/tlsp_queue.h"
#include "tlspair/tlsp_transport.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum { TLSP_LINK_A = 0, TLSP_LINK_B = 1 } tlsp_link_side;

typedef struct tlsp_memory_link tlsp_memory_link;

/** One end of the link; its address is the transport's ctx. */
typedef struct tlsp_memory_end {
    tlsp_memory_link *link;
    tlsp_link_side side;
} tlsp_memory_end;

struct tlsp_memory_link {
    tlsp_queue to_b;          /* A sends, B receives */
    tlsp_queue to_a;          /* B sends, A receives */
    size_t mtu;
    int shut[2];              /* shut[side]: that side sends no more */
    tlsp_memory_end end[2];
};

/**
 * \brief Set up a link over two caller buffers.
 * \param buf_a_to_b, size_a_to_b  storage for bytes A sends (>= 1).
 * \param buf_b_to_a, size_b_to_a  storage for bytes B sends (>= 1).
 * \param mtu  most bytes moved per call; 0 = unlimited, 1 = byte at a time.
 * \return 0 or TLSP_ERR_BAD_ARG.
 */
int tlsp_memory_link_init(tlsp_memory_link *link,
                          uint8_t *buf_a_to_b, size_t size_a_to_b,
                          uint8_t *buf_b_to_a, size_t size_b_to_a, size_t mtu);

/** \brief Change the MTU (0 = unlimited). */
void tlsp_memory_link_set_mtu(tlsp_memory_link *link, size_t mtu);

/** \brief Fill t with the transport of one end. The link must outlive t. */
void tlsp_memory_link_transport(tlsp_memory_link *link, tlsp_link_side side,
                                tlsp_transport *t);

/** \brief `side` closes its sending direction: the peer reads EOF after the queued bytes. */
void tlsp_memory_link_shutdown(tlsp_memory_link *link, tlsp_link_side side);

/**
 * \brief Bytes in flight from `from` to the other side (sent, not yet received). Tests use
 *        it to tamper with or inspect the stream in place.
 * \param len  receives the contiguous length at the returned pointer.
 */
uint8_t *tlsp_memory_link_in_flight(tlsp_memory_link *link, tlsp_link_side from, size_t *len);

/**
 * \brief Drive two engines over the link, alternating one tlsp_drive_step() each, until
 *        both handshakes are complete.
 * \param max_idle_rounds  give up after this many rounds in a row in which nothing moved
 *                         (both engines are waiting for each other: a bug or a lost byte).
 * \return 0; the first failure either engine reports (check both with
 *         tlsp_engine_error()); TLSP_ERR_TIMEOUT when max_idle_rounds passed idle.
 */
int tlsp_memory_pair_handshake(tlsp_engine *a, tlsp_engine *b, tlsp_memory_link *link,
                               unsigned max_idle_rounds);

/**
 * \brief Alternate drive steps of both engines once.
 * \param progress  optional; set to 1 if anything moved on either side.
 * \return 0 or the first failure either engine reports (TLSP_ERR_CLOSED included).
 */
int tlsp_memory_pair_step(tlsp_engine *a, tlsp_engine *b, tlsp_memory_link *link,
                          int *progress);

#ifdef __cplusplus
}
#endif

#endif /* TLSP_MEMORY_LINK_H */
