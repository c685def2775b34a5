/*
 * A minimal test framework: CHECK macros that report file:line and keep going, a runner
 * macro, and a closing line "N passed, N failed" (one line per suite) that CI reads.
 */
#ifndef TLSP_TEST_H
#define TLSP_TEST_H

#include <stdio.h>
#include <string.h>

#include "tlspair/tlsp_error.h"

extern int tlsp_test_checks_failed;
extern int tlsp_test_cases_passed;
extern int tlsp_test_cases_failed;

#define CHECK(cond)                                                                    \
    do {                                                                               \
        if (!(cond)) {                                                                 \
            fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond);   \
            tlsp_test_checks_failed++;                                                 \
        }                                                                              \
    } while (0)

/* Integer equality, printing both values and, for tlspair codes, their meaning. */
#define CHECK_EQ(actual, expected)                                                     \
    do {                                                                               \
        long long check_a_ = (long long) (actual);                                     \
        long long check_e_ = (long long) (expected);                                   \
        if (check_a_ != check_e_) {                                                    \
            fprintf(stderr, "%s:%d: CHECK_EQ failed: %s == %lld (-0x%llx: %s), expected %s == %lld (%s)\n", \
                    __FILE__, __LINE__, #actual, check_a_,                             \
                    check_a_ < 0 ? (unsigned long long) -check_a_ : 0ull,              \
                    tlsp_strerror((int) check_a_), #expected, check_e_,                \
                    tlsp_strerror((int) check_e_));                                    \
            tlsp_test_checks_failed++;                                                 \
        }                                                                              \
    } while (0)

/* How a failed REQUIRE stops its case: return. For the static analyzers (clang's and
 * cppcheck, scripts/static-analysis.sh) the path ends there instead, so that they do not
 * report what a failing case still held (the suite fails anyway); passing paths keep
 * being checked for leaks, by the analyzers and by valgrind. */
#if defined(__clang_analyzer__) || defined(TLSP_CPPCHECK)
#include <stdlib.h>
#define TLSP_TEST_STOP_CASE() abort()
#else
#define TLSP_TEST_STOP_CASE() return
#endif

/* Fatal inside a test case: stop the case (it must be a void function). */
#define REQUIRE(cond)                                                                  \
    do {                                                                               \
        if (!(cond)) {                                                                 \
            fprintf(stderr, "%s:%d: REQUIRE failed: %s\n", __FILE__, __LINE__, #cond); \
            tlsp_test_checks_failed++;                                                 \
            TLSP_TEST_STOP_CASE();                                                     \
        }                                                                              \
    } while (0)

#define REQUIRE_EQ(actual, expected)                                                   \
    do {                                                                               \
        int require_before_ = tlsp_test_checks_failed;                                 \
        CHECK_EQ(actual, expected);                                                    \
        if (tlsp_test_checks_failed != require_before_) {                              \
            TLSP_TEST_STOP_CASE();                                                     \
        }                                                                              \
    } while (0)

#define RUN_TEST(fn) tlsp_test_run(#fn, fn)

/* Runs one case, counts it as passed when it failed no check. */
void tlsp_test_run(const char *name, void (*fn)(void));

/* Prints "<suite>: N passed, N failed" and returns the process exit code. */
int tlsp_test_finish(const char *suite);

#endif /* TLSP_TEST_H */
