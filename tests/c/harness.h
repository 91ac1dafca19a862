/* harness.h — the native tests' tiny harness.
 *
 * Each test is a `static void test_name(void)`; main() calls RUN(test_name) for each and returns
 * TH_EXIT(). Every RUN prints one numbered line, "3 - test_name: PASSED" or "... FAILED", and a failed
 * EXPECT prints its file, line and message (the first few per test, so a broken loop does not flood
 * the log). The process exits 1 when anything failed, so ctest sees it; a test that ran no EXPECT at
 * all counts as failed, because a test that cannot fail is a defect.
 */
#ifndef SF_TESTS_HARNESS_H
#define SF_TESTS_HARNESS_H

#include <stdio.h>

static int th_run_count;    /* tests run so far */
static int th_fail_count;   /* tests that failed */
static int th_cur_failures; /* failed EXPECTs in the current test */
static int th_cur_checks;   /* EXPECTs evaluated in the current test */

#define TH_MAX_REPORTS 5 /* failure messages printed per test */

#define EXPECT(cond, ...)                                                                                              \
    do {                                                                                                               \
        th_cur_checks++;                                                                                               \
        if (!(cond)) {                                                                                                 \
            if (th_cur_failures++ < TH_MAX_REPORTS) {                                                                  \
                fprintf(stderr, "  %s:%d: expected %s: ", __FILE__, __LINE__, #cond);                                  \
                fprintf(stderr, __VA_ARGS__);                                                                          \
                fputc('\n', stderr);                                                                                   \
            }                                                                                                          \
        }                                                                                                              \
    } while (0)

#define RUN(fn)                                                                                                        \
    do {                                                                                                               \
        th_cur_failures = 0;                                                                                           \
        th_cur_checks = 0;                                                                                             \
        fn();                                                                                                          \
        th_run_count++;                                                                                                \
        int th_ok_ = th_cur_failures == 0 && th_cur_checks > 0;                                                        \
        if (!th_ok_) th_fail_count++;                                                                                  \
        printf("%d - %s: %s", th_run_count, #fn, th_ok_ ? "PASSED" : "FAILED");                                        \
        if (th_cur_checks == 0)                                                                                        \
            printf(" (no checks ran)");                                                                                \
        else if (th_cur_failures)                                                                                      \
            printf(" (%d of %d checks)", th_cur_failures, th_cur_checks);                                              \
        printf("\n");                                                                                                  \
        fflush(stdout);                                                                                                \
    } while (0)

#define TH_EXIT() (printf("tests run %d, failed %d\n", th_run_count, th_fail_count), th_fail_count ? 1 : 0)

#endif
