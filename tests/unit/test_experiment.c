/* test_experiment.c: runner/experiment.c: every numeric field has a limit
 * within which the runner's sizes fit, and folder names never leave --out. */
#include <string.h>

#include "check.h"
#include "experiment.h"

static void test_limits(void)
{
    const char *fields[] = { "n", "axis", "iterations", "warmup", "settle", "samples", "max_samples", "seed",
                             "threads", "min_batch_time", "max_time", "target_rel_ci" };
    for (size_t i = 0; i < sizeof fields / sizeof *fields; i++)
        CHECK(experiment_limit(fields[i]) != NULL, "no limit for %s", fields[i]);
    CHECK(experiment_limit("name") == NULL, "a limit for a string field");
    const struct field_limit *n = experiment_limit("n"), *t = experiment_limit("threads");
    CHECK(n->hi * n->hi * 8 < 9.2e18, "n^2 * 8 bytes overflows a long: %g", n->hi);
    CHECK(t->integer && t->hi <= 2147483647.0, "threads may not fit an int: %g", t->hi);
    const struct field_limit *seed = experiment_limit("seed");
    CHECK(seed->hi * 1000003.0 + 1e9 < 9007199254740992.0, "point seeds pass 2^53: %g", seed->hi);
    const struct field_limit *ms = experiment_limit("max_samples");
    CHECK(ms->hi * 8 < 1e9, "max_samples needs %g bytes", ms->hi * 8);
}

static void test_names(void)
{
    const char *good[] = { "fig2-cpu", "a", "x.y_z-1", "A9" };
    const char *bad[] = { "", ".", "..", ".hidden", "../x", "a/b", "a b", "x\n", "é" };
    for (size_t i = 0; i < sizeof good / sizeof *good; i++)
        CHECK(experiment_name_ok(good[i]), "refused %s", good[i]);
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        CHECK(!experiment_name_ok(bad[i]), "accepted [%s]", bad[i]);
    char longest[130];
    memset(longest, 'a', sizeof longest);
    longest[128] = '\0';
    CHECK(experiment_name_ok(longest), "refused 128 characters");
    longest[128] = 'a';
    longest[129] = '\0';
    CHECK(!experiment_name_ok(longest), "accepted 129 characters");
}

int main(void)
{
    test_limits();
    test_names();
    return check_report("experiment");
}
