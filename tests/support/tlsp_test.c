#include "tlsp_test.h"

int tlsp_test_checks_failed;
int tlsp_test_cases_passed;
int tlsp_test_cases_failed;

void tlsp_test_run(const char *name, void (*fn)(void))
{
    int before = tlsp_test_checks_failed;

    fn();
    if (tlsp_test_checks_failed == before) {
        tlsp_test_cases_passed++;
        printf("PASS %s\n", name);
    } else {
        tlsp_test_cases_failed++;
        printf("FAIL %s\n", name);
    }
    fflush(stdout);
}

int tlsp_test_finish(const char *suite)
{
    printf("%s: %d passed, %d failed\n", suite, tlsp_test_cases_passed, tlsp_test_cases_failed);
    return tlsp_test_cases_failed == 0 && tlsp_test_cases_passed > 0 ? 0 : 1;
}
