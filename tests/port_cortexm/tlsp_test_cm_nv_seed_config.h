/**
 * \file tlsp_test_cm_nv_seed_config.h
 * \brief Test only: the host mbedTLS config turned into the NV-seed entropy setup of the
 *        Cortex-M profiles (MBEDTLS_USER_CONFIG_FILE for test_port_cortexm_nv_seed).
 *
 * As tlsp_mbedtls_config_cm_common.h does with TLSP_ENTROPY_NV_SEED: the NV seed is the
 * only entropy source, reached through the port's hooks, and the entropy accumulator is
 * SHA-256 (the Cortex-M profiles have no SHA-512), so seeds are 32 bytes.
 */
#ifndef TLSP_TEST_CM_NV_SEED_CONFIG_H
#define TLSP_TEST_CM_NV_SEED_CONFIG_H

#include <stddef.h>

#undef MBEDTLS_ENTROPY_HARDWARE_ALT
#define MBEDTLS_ENTROPY_FORCE_SHA256
#define MBEDTLS_ENTROPY_NV_SEED
#define MBEDTLS_PLATFORM_NV_SEED_READ_MACRO  tlsp_mbedtls_nv_seed_read
#define MBEDTLS_PLATFORM_NV_SEED_WRITE_MACRO tlsp_mbedtls_nv_seed_write
int tlsp_mbedtls_nv_seed_read(unsigned char *buf, size_t buf_len);
int tlsp_mbedtls_nv_seed_write(unsigned char *buf, size_t buf_len);

#endif /* TLSP_TEST_CM_NV_SEED_CONFIG_H */
