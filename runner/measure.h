/* measure.h: measuring one point: memory guard, setup, verification,
 * warm-up, timed samples until the stopping rule, statistics. */
#ifndef FLOPBENCH_MEASURE_H
#define FLOPBENCH_MEASURE_H

#include <signal.h>

#include "experiment.h"
#include "stats.h"

/* Set by the signal handler (interrupt.h): stop before the next batch (a
 * backend also stops within its batch, kernel_interrupted). */
extern volatile sig_atomic_t measure_interrupted;

/* The coverage asked of each median's confidence interval. */
#define MEASURE_CI_LEVEL 0.95

struct measurement {
    long iterations;          /* calls per sample (resolved if "auto") */
    double *per_call;         /* seconds per call of each sample, in order */
    double *batch;            /* seconds of each sample's batch */
    long count;
    struct stats_summary stats;
    struct kernel_check check;
};

/* Called after each sample with what is known so far (stats over count). */
typedef void (*measure_progress_fn)(void *ctx, const struct measurement *m);

/* Measures p. Returns KERNEL_OK with m filled (free with measurement_free),
 * or another kernel_status with the reason in err (KERNEL_ERR_LEN bytes);
 * KERNEL_INTERRUPTED with err "interrupted" if measure_interrupted was set
 * (a batch cut short is never a sample). */
int measure_point(const struct point *p, struct measurement *m, measure_progress_fn progress,
                  void *ctx, char *err);
void measurement_free(struct measurement *m);

#endif
