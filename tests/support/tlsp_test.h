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

/* Fatal inside a test case: stop the case (it must be a void function). */
#define REQUIRE(cond)                                                                  \
    do {                                                                               \
        if (!(cond)) {                                                                 \
            fprintf(stderr, "%s:%d: REQUIRE failed: %s\n", __FILE__, __LINE__, #cond); \
            tlsp_test_checks_failed++;                                                 \
            return;                                                                    \
        }                                                                              \
    } while (0)

#define REQUIRE_EQ(actual, expected)                                                   \
    do {                                                                               \
        int require_before_ = tlsp_test_checks_failed;                                 \
        CHECK_EQ(actual, expected);                                                    \
        if (tlsp_test_checks_failed != require_before_) {                              \
            return;                                                                    \
        }                                                                              \
    } while (0)

#define RUN_TEST(fn) tlsp_test_run(#fn, fn)

/* Runs one case, counts it as passed when it failed no check. */
void tlsp_test_run(const char *name, void (*fn)(void));

/* Prints "<suite>: N passed, N failed" and returns the process exit code. */
int tlsp_test_finish(const char *suite);

#endif /* TLSP_TEST_H */
