/*
 * The Cortex-M port's entropy (tlsp_port_cortexm.h): the board's TRNG, or, in NV-seed
 * builds, mbedTLS's NV-seed hooks around the board's seed storage.
 *
 * No register access, so the host tests (tests/port_cortexm/) compile this file as it is,
 * in both builds, against fake board hooks and mbedTLS's own entropy module.
 */
#include "tlsp_port_cortexm.h"

#include <limits.h>
#include <stddef.h>
#include <stdint.h>

#if defined(TLSP_ENTROPY_NV_SEED)

/* No TRNG on this board: mbedTLS's entropy comes from the NV seed alone (the Cortex-M
 * configs leave MBEDTLS_ENTROPY_HARDWARE_ALT out), so nothing calls this. Failing keeps
 * the contract honest should anything ever do so. (buf stays non-const: the signature is
 * the port contract's, tlsp_port.h.) */
int tlsp_port_entropy(uint8_t *buf, size_t len)  /* NOLINT(readability-non-const-parameter) */
{
    (void) buf;
    (void) len;
    return -1;
}

/* mbedTLS's NV-seed hooks (MBEDTLS_PLATFORM_NV_SEED_READ_MACRO / _WRITE_MACRO in
 * tlsp_mbedtls_config_cm_common.h) return the length on success and -1 on failure. */
int tlsp_mbedtls_nv_seed_read(unsigned char *buf, size_t buf_len);
int tlsp_mbedtls_nv_seed_write(unsigned char *buf, size_t buf_len);

int tlsp_mbedtls_nv_seed_read(unsigned char *buf, size_t buf_len)
{
    if (buf_len > (size_t) INT_MAX || tlsp_board_nv_seed_read(buf, buf_len) != 0) {
        return -1;
    }
    return (int) buf_len;
}

int tlsp_mbedtls_nv_seed_write(unsigned char *buf, size_t buf_len)
{
    if (buf_len > (size_t) INT_MAX || tlsp_board_nv_seed_write(buf, buf_len) != 0) {
        return -1;
    }
    return (int) buf_len;
}

#else

int tlsp_port_entropy(uint8_t *buf, size_t len)
{
    return tlsp_board_entropy(buf, len) == 0 ? 0 : -1;
}

#endif /* TLSP_ENTROPY_NV_SEED */
