/*
 * Forced into every file cppcheck analyses (scripts/static-analysis.sh, --include).
 *
 * cppcheck reads no system headers (it knows the C library from its own library files),
 * but mbedTLS's headers test <limits.h>'s CHAR_BIT in #if: without it
 * mbedtls/check_config.h stops at "#error Mbed TLS requires a platform with 8-bit chars"
 * and the file is not analysed at all. 8 on every platform tlspair supports.
 */
#ifndef TLSP_CPPCHECK_PLATFORM_H
#define TLSP_CPPCHECK_PLATFORM_H

#define CHAR_BIT 8

/* "cppcheck is reading this": tests/support/tlsp_test.h then ends a case's path at a
 * failed REQUIRE, as it does for clang's analyzer (__clang_analyzer__). */
#define TLSP_CPPCHECK 1

#endif
