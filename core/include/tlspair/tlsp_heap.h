/**
 * \file tlsp_heap.h
 * \brief Where mbedTLS's memory comes from, and how much it used.
 *
 * tlspair's own code allocates nothing. mbedTLS does (record buffers, handshake state,
 * parsed certificates); the project's mbedTLS configs route every such allocation through
 * tlsp_mbedtls_calloc()/tlsp_mbedtls_free() so it is counted here. The memory itself
 * comes from the C library's heap on hosts.
 *
 * The counters are process-wide (mbedTLS has one allocator) and not thread-safe; measure
 * from one thread.
 */
#ifndef TLSP_HEAP_H
#define TLSP_HEAP_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Heap figures in bytes, counting what mbedTLS asked for (not allocator overhead). */
typedef struct tlsp_heap_stats {
    size_t current;     /**< in use now */
    size_t peak;        /**< highest "current" since start or tlsp_heap_reset_peak() */
    size_t allocations; /**< calls that succeeded since start */
    size_t failures;    /**< calls refused (limit or arena exhausted, or system out of memory) */
} tlsp_heap_stats;

/** \brief Read the counters. */
void tlsp_heap_get_stats(tlsp_heap_stats *stats);

/** \brief Restart peak measurement from the current use. */
void tlsp_heap_reset_peak(void);

/**
 * \brief Refuse allocations that would take use above limit bytes (0 = no limit).
 *        For tests of out-of-memory handling and for capping a connection's footprint.
 */
void tlsp_heap_set_limit(size_t limit);

#ifdef __cplusplus
}
#endif

#endif /* TLSP_HEAP_H */
