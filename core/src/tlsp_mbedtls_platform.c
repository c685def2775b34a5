/*
 * The functions mbedTLS calls into tlspair: its allocator (counted), its entropy source
 * (the port), and its clocks (the port). They are wired in at compile time by the
 * project's mbedTLS config (MBEDTLS_PLATFORM_CALLOC_MACRO, MBEDTLS_ENTROPY_HARDWARE_ALT,
 * MBEDTLS_PLATFORM_MS_TIME_ALT) and at run time by tlsp_platform_init() (the wall clock).
 */
#include "tlsp_platform.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mbedtls/platform.h"
#include "mbedtls/platform_time.h"
#include "mbedtls/entropy.h"
#include "psa/crypto.h"

#include "tlspair/tlsp_error.h"
#include "tlspair/tlsp_heap.h"
#include "tlspair/tlsp_port.h"

/* ---- Counted heap ------------------------------------------------------------------- */

/* Each block carries its size in front so free() can count it. The header is as large as
 * the strictest alignment malloc guarantees, so the pointer handed out stays aligned. */
typedef union block_header {
    size_t size;
    max_align_t align;
} block_header;

static tlsp_heap_stats heap;
static size_t heap_limit;

void *tlsp_mbedtls_calloc(size_t count, size_t size)
{
    block_header *block;
    size_t bytes;

    if (count != 0 && size > (SIZE_MAX - sizeof(block_header)) / count) {
        heap.failures++;
        return NULL;
    }
    bytes = count * size;
    if (heap_limit != 0 && bytes > heap_limit - (heap.current < heap_limit ? heap.current : heap_limit)) {
        heap.failures++;
        return NULL;
    }
    block = calloc(1, sizeof(block_header) + bytes);
    if (block == NULL) {
        heap.failures++;
        return NULL;
    }
    block->size = bytes;
    heap.current += bytes;
    if (heap.current > heap.peak) {
        heap.peak = heap.current;
    }
    heap.allocations++;
    return block + 1;
}

void tlsp_mbedtls_free(void *ptr)
{
    block_header *block;

    if (ptr == NULL) {
        return;
    }
    block = (block_header *) ptr - 1;
    heap.current -= block->size;
    /* mbedTLS wipes secrets itself before freeing; this catches what it does not (and
     * makes use-after-free bugs loud). */
    mbedtls_platform_zeroize(block, sizeof(block_header) + block->size);
    free(block);
}

void tlsp_heap_get_stats(tlsp_heap_stats *stats)
{
    if (stats != NULL) {
        *stats = heap;
    }
}

void tlsp_heap_reset_peak(void)
{
    heap.peak = heap.current;
}

void tlsp_heap_set_limit(size_t limit)
{
    heap_limit = limit;
}

/* ---- Entropy and clocks ------------------------------------------------------------- */

int mbedtls_hardware_poll(void *data, unsigned char *output, size_t len, size_t *olen);

int mbedtls_hardware_poll(void *data, unsigned char *output, size_t len, size_t *olen)
{
    (void) data;
    *olen = 0;
    if (tlsp_port_entropy(output, len) != 0) {
        return MBEDTLS_ERR_ENTROPY_SOURCE_FAILED;
    }
    *olen = len;
    return 0;
}

/* psa_generate_random() allocates a copy of its output buffer (3.6 without
 * MBEDTLS_PSA_ASSUME_EXCLUSIVE_BUFFERS), and mbedtls_psa_get_random() reports every
 * failure as MBEDTLS_ERR_ENTROPY_SOURCE_FAILED: an exhausted heap would read as a broken
 * entropy source. */
int tlsp_mbedtls_random(void *p_rng, unsigned char *output, size_t len)
{
    psa_status_t status;

    (void) p_rng;
    status = psa_generate_random(output, len);
    if (status == PSA_SUCCESS) {
        return 0;
    }
    return status == PSA_ERROR_INSUFFICIENT_MEMORY ? MBEDTLS_ERR_SSL_ALLOC_FAILED
                                                   : MBEDTLS_ERR_ENTROPY_SOURCE_FAILED;
}

mbedtls_ms_time_t mbedtls_ms_time(void)
{
    return (mbedtls_ms_time_t) tlsp_port_millis();
}

static mbedtls_time_t wall_time(mbedtls_time_t *out)
{
    int64_t now = tlsp_port_wall_time();
    /* Unknown date: report the epoch, so every certificate is "not yet valid" and
     * verification fails closed rather than accepting an expired certificate. */
    mbedtls_time_t t = (mbedtls_time_t) (now < 0 ? 0 : now);

    if (out != NULL) {
        *out = t;
    }
    return t;
}

int tlsp_platform_init(void)
{
    psa_status_t status;

    mbedtls_platform_set_time(wall_time);
    status = psa_crypto_init();  /* idempotent once it has succeeded */
    if (status == PSA_ERROR_INSUFFICIENT_MEMORY) {
        return TLSP_ERR_NO_MEMORY;
    }
    if (status != PSA_SUCCESS) {
        return TLSP_ERR_ENTROPY;
    }
    return 0;
}
