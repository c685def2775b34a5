/**
 * \file tlsp_test_cm_platform_config.h
 * \brief Test only: what the host mbedTLS config needs on top (MBEDTLS_USER_CONFIG_FILE)
 *        for test_port_cortexm to compile core/src/tlsp_mbedtls_platform.c with the hooks
 *        only the Cortex-M profiles use: the date conversion and the small snprintf.
 *
 * The host's mbedTLS library keeps its own mbedtls_platform_gmtime_r(), so the one under
 * test gets another name here, in this executable's sources only.
 */
#ifndef TLSP_TEST_CM_PLATFORM_CONFIG_H
#define TLSP_TEST_CM_PLATFORM_CONFIG_H

#include <stddef.h>

/* As in tlsp_mbedtls_config_cm_ecdsa.h. */
#define MBEDTLS_PLATFORM_GMTIME_R_ALT
#define MBEDTLS_PLATFORM_SNPRINTF_MACRO tlsp_mbedtls_snprintf
int tlsp_mbedtls_snprintf(char *s, size_t n, const char *format, ...);

#define mbedtls_platform_gmtime_r tlsp_test_cm_gmtime_r

#endif /* TLSP_TEST_CM_PLATFORM_CONFIG_H */
