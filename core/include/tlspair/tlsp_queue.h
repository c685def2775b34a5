/**
 * \file tlsp_queue.h
 * \brief A fixed-size byte ring over caller-provided storage: one half of the BIO pair.
 *
 * The engine owns two of these (net_in, net_out); transports and the memory pair use them
 * too. The struct is public only so it can be embedded in caller-allocated structs; use the
 * functions, not the fields.
 *
 * Concurrency: single producer, single consumer. The producer only moves `head`, the
 * consumer only moves `tail`, each with a compiler barrier after the data, so an interrupt
 * handler may produce (reserve/commit) while the main loop consumes on the same core.
 * Nothing here is safe for two producers or two consumers, or across cores without
 * further barriers.
 *
 * Zero-copy: peek/consume expose the stored bytes in place, reserve/commit expose free space
 * in place. Both give the largest *contiguous* region; when the data wraps around the end
 * of the storage, a second peek (or reserve) after consume (or commit) returns the rest.
 */
#ifndef TLSP_QUEUE_H
#define TLSP_QUEUE_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/** A byte ring. Indices run over [0, 2*size) so a full ring and an empty one differ. */
typedef struct tlsp_queue {
    uint8_t *buf;            /**< caller's storage; not owned */
    size_t size;             /**< capacity in bytes */
    volatile size_t head;    /**< producer index, [0, 2*size) */
    volatile size_t tail;    /**< consumer index, [0, 2*size) */
} tlsp_queue;

/**
 * \brief Set up a queue over caller storage.
 * \param q     the queue.
 * \param buf   storage; the caller keeps ownership and must keep it alive and untouched
 *              while the queue is in use.
 * \param size  capacity in bytes, 1 .. SIZE_MAX/2.
 * \return 0, or TLSP_ERR_BAD_ARG for NULL or an out-of-range size.
 */
int tlsp_queue_init(tlsp_queue *q, uint8_t *buf, size_t size);

/** \brief Empty the queue (forget all stored bytes). Not safe while a producer runs. */
void tlsp_queue_clear(tlsp_queue *q);

/** \brief Bytes stored and not yet consumed. */
size_t tlsp_queue_used(const tlsp_queue *q);

/** \brief Bytes that can still be stored. */
size_t tlsp_queue_free(const tlsp_queue *q);

/**
 * \brief Contiguous stored bytes, in place.
 * \param q    the queue.
 * \param len  receives the number of bytes readable at the returned pointer (0 when empty).
 * \return Pointer into the queue's storage, valid until the next consume; NULL when empty.
 */
const uint8_t *tlsp_queue_peek(const tlsp_queue *q, size_t *len);

/** \brief Drop n stored bytes from the front. n larger than used() is clamped to used(). */
void tlsp_queue_consume(tlsp_queue *q, size_t n);

/**
 * \brief Contiguous free space, in place.
 * \param q    the queue.
 * \param len  receives the number of bytes writable at the returned pointer (0 when full).
 * \return Pointer into the queue's storage to write into, then tlsp_queue_commit(); NULL
 *         when full.
 */
uint8_t *tlsp_queue_reserve(tlsp_queue *q, size_t *len);

/** \brief Make n bytes written at the reserved pointer visible. Clamped to free(). */
void tlsp_queue_commit(tlsp_queue *q, size_t n);

/** \brief Copy in up to len bytes. \return bytes stored (less than len when full). */
size_t tlsp_queue_write(tlsp_queue *q, const uint8_t *data, size_t len);

/** \brief Copy out up to len bytes. \return bytes copied (less than len when fewer stored). */
size_t tlsp_queue_read(tlsp_queue *q, uint8_t *out, size_t len);

#ifdef __cplusplus
}
#endif

#endif /* TLSP_QUEUE_H */
