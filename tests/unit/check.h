/* check.h: the unit tests' few macros. Each test binary prints one line
 *   RESULT <name> <passed> <failed> <skipped>
 * that tests/run.sh adds up, and exits non-zero if anything failed. */
#ifndef FLOPBENCH_CHECK_H
#define FLOPBENCH_CHECK_H

#include <math.h>
#include <stdio.h>

static int check_passed, check_failed, check_skipped;

#define CHECK(cond, ...)                                                   \
    do {                                                                   \
        if (cond) {                                                        \
            check_passed++;                                                \
        } else {                                                           \
            check_failed++;                                                \
            fprintf(stderr, "FAIL %s:%d: %s: ", __FILE__, __LINE__, #cond); \
            fprintf(stderr, __VA_ARGS__);                                  \
            fputc('\n', stderr);                                           \
        }                                                                  \
    } while (0)

#define CHECK_NEAR(got, want, tol)                                           \
    CHECK(fabs((double)(got) - (double)(want)) <= (tol), "got %.17g, want %.17g (tol %g)", \
          (double)(got), (double)(want), (double)(tol))

/* A check that cannot run here: counted and printed with its reason. */
#define SKIP(...)                                  \
    do {                                           \
        check_skipped++;                           \
        fprintf(stderr, "SKIP %s: ", __FILE__);    \
        fprintf(stderr, __VA_ARGS__);              \
        fputc('\n', stderr);                       \
    } while (0)

static inline int check_report(const char *name)
{
    printf("RESULT %s %d %d %d\n", name, check_passed, check_failed, check_skipped);
    return check_failed ? 1 : 0;
}

#endif
