/**
 * \file tlsp_heap.h
 * \brief Where mbedTLS's memory comes from, and how much it used.
 *
 * tlspair's own code allocates nothing. mbedTLS does (record buffers, handshake state,
 * parsed certificates); the project's mbedTLS configs route every such allocation through
 * tlsp_mbedtls_calloc()/tlsp_mbedtls_free() so it is counted here. The memory itself
 * comes from:
 *   - the C library's heap on hosts (core/config/tlsp_mbedtls_config_host.h);
 *   - a static arena on bare metal: the Cortex-M profiles (tlsp_mbedtls_config_cm_*.h)
 *     build mbedTLS's buffer allocator (MBEDTLS_MEMORY_BUFFER_ALLOC_C), and the
 *     application hands it the arena with tlsp_heap_use_arena() before anything else.
 *     These are the "arena builds" below.
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

/** Smallest arena tlsp_heap_use_arena() accepts; a TLS connection needs far more. */
#define TLSP_HEAP_ARENA_MIN 1024u

/** Heap figures in bytes. current and peak count what mbedTLS asked for (not allocator
 *  overhead); the arena figures count the arena itself. */
typedef struct tlsp_heap_stats {
    size_t current;     /**< in use now */
    size_t peak;        /**< highest "current" since start or tlsp_heap_reset_peak() */
    size_t allocations; /**< calls that succeeded since start */
    size_t failures;    /**< calls refused (limit or arena exhausted, or system out of memory) */
    size_t arena_size;  /**< arena builds: bytes given to tlsp_heap_use_arena(); else 0 */
    size_t arena_high_water; /**< arena builds: how far into the arena any block has ever
                                  reached, with the allocator's headers, alignment and
                                  fragmentation: about the smallest arena that would have
                                  served the same run. Not reset by tlsp_heap_reset_peak().
                                  0 on heap builds. */
} tlsp_heap_stats;

/**
 * \brief Give mbedTLS its memory: a static arena (arena builds only).
 *
 * Call once, before anything else of tlspair's (tlsp_config_init() refuses to start with
 * TLSP_ERR_STATE until an arena is given). The arena then belongs to mbedTLS for the rest
 * of the program: mbedTLS keeps its random generator's and PSA's state in it across
 * connections, so it can be neither taken back nor replaced.
 *
 * Size it from tlsp_heap_stats.arena_high_water measured on the real workload, plus a
 * margin: mbedTLS's allocator puts a header of a few words on every block, and blocks of
 * different lifetimes fragment the arena.
 *
 * \param arena  caller-owned, static storage; need not be aligned (the allocator aligns
 *               inside it, losing at most MBEDTLS_MEMORY_ALIGN_MULTIPLE - 1 bytes).
 * \param size   bytes, at least TLSP_HEAP_ARENA_MIN.
 * \return 0; TLSP_ERR_BAD_ARG (NULL arena, or smaller than TLSP_HEAP_ARENA_MIN);
 *         TLSP_ERR_STATE if an arena was already given, or on a heap build (the host
 *         configs, whose memory comes from the C library).
 */
int tlsp_heap_use_arena(uint8_t *arena, size_t size);

/** \brief Read the counters. */
void tlsp_heap_get_stats(tlsp_heap_stats *stats);

/** \brief Restart peak measurement from the current use. */
void tlsp_heap_reset_peak(void);

/**
 * \brief Refuse allocations that would take use above limit bytes (0 = no limit).
 *        For tests of out-of-memory handling and for capping a connection's footprint.
 * \note On arena builds the arena's size is a hard limit anyway; this one counts what
 *       mbedTLS asked for (not the allocator's headers) and applies below it.
 */
void tlsp_heap_set_limit(size_t limit);

/** Sees one block mbedTLS frees (size bytes at block): as mbedTLS left it (wiped = 0),
 *  then after tlspair's wipe (wiped = 1). */
typedef void (*tlsp_heap_free_observer)(const void *block, size_t size, int wiped, void *ctx);

/**
 * \brief Watch every block mbedTLS frees, for tests and audits of key hygiene.
 *
 * tlspair wipes each block mbedTLS frees, so that no freed memory keeps a secret whatever
 * mbedTLS did (mbedTLS 3.6 frees a copy of the TLS 1.3 PSK without wiping it). The
 * observer sees each block twice, before and after that wipe, just before the memory goes
 * back to the allocator (tests/test_secrets.c).
 * \param observer  NULL stops watching. It must not allocate through mbedTLS.
 * \param ctx       passed to observer as it is.
 * \note Process-wide like the counters, and not thread-safe.
 */
void tlsp_heap_observe_frees(tlsp_heap_free_observer observer, void *ctx);

#ifdef __cplusplus
}
#endif

#endif /* TLSP_HEAP_H */
