/* measure.h: measuring one point: memory guard, setup, verification,
 * warm-up, timed samples until the stopping rule, statistics over the
 * samples of undisturbed rounds. rounds.c takes the samples of several
 * points in rounds. */
#ifndef FLOPBENCH_MEASURE_H
#define FLOPBENCH_MEASURE_H

#include <signal.h>

#include "disturb.h"
#include "experiment.h"
#include "stats.h"

/* Set by the signal handler (interrupt.h): stop before the next batch (a
 * backend also stops within its batch, kernel_interrupted). */
extern volatile sig_atomic_t measure_interrupted;

/* The coverage asked of each median's confidence interval. */
#define MEASURE_CI_LEVEL 0.95

/* Wall seconds a point spent in each step, for the run's account of where
 * its time went (samples: measurement.sampled_s). */
struct measure_times {
    double setup_s;     /* inputs drawn and copied to where the backend runs */
    double check_s;     /* the float64 reference computed, one call checked against it */
    double calibrate_s; /* batches grown until one lasts min_batch_time */
    double warmup_s;
    double settle_s;    /* the untimed calls right before each sample */
    double teardown_s;
};

struct measurement {
    long iterations;          /* calls per sample (resolved if "auto") */
    double *per_call;         /* seconds per call of each sample, in order */
    double *batch;            /* seconds of each sample's batch */
    long *round;              /* the round each sample was taken in, from 1 */
    int *order;               /* its place in that round, from 1 */
    struct disturb_reading *reading; /* what disturbed its round (flags 0: nothing) */
    double *clean;            /* per_call of the samples of undisturbed rounds */
    long count, clean_count;  /* samples taken, and those of them undisturbed */
    long capacity;            /* room for MEASURE_ROUNDS_PER_SAMPLE * max_samples */
    double sampled_s;         /* wall seconds spent in this point's batches */
    struct stats_summary stats; /* over the clean samples alone */
    struct kernel_check check;
    struct measure_times times;
};

/* Disturbed rounds are left out, so a point has room for this many rounds
 * per sample asked for (max_samples): at most half of them may be disturbed
 * before it stops short. */
#define MEASURE_ROUNDS_PER_SAMPLE 2

/* Called after each sample with what is known so far (stats over count). */
typedef void (*measure_progress_fn)(void *ctx, const struct measurement *m);

/* What point p needs and what is free, before anything is allocated. */
int measure_memory(const struct point *p, struct kernel_memory *m, char *err);
/* KERNEL_OK if need fits in free, else KERNEL_NO_MEMORY and what it needs in err. */
int measure_fits(const struct kernel_memory *m, char *err);

/* Sets p up: fresh inputs, the check against the reference, "auto"
 * iterations resolved, the warm-up. On KERNEL_OK *state is live and m ready
 * for samples (measure_end and measurement_free release them); otherwise
 * nothing is left allocated and err says why. */
int measure_start(const struct point *p, void **state, struct measurement *m, char *err);
/* Takes one sample, the order-th of round round. */
int measure_sample(const struct point *p, void *state, struct measurement *m, long round, int order,
                   char *err);
/* Records what disturbed the round of sample index; an undisturbed sample
 * joins the statistics. Returns KERNEL_OK, or KERNEL_ERROR if they fail. */
int measure_record(struct measurement *m, long index, const struct disturb_reading *r, char *err);
/* 1 once p's stopping rule is met: samples clean samples, then max_samples,
 * the target relative interval or max_time; or no room is left. */
int measure_done(const struct point *p, const struct measurement *m);
/* 1 if p may take no more samples (max_samples clean, or no room). */
int measure_full(const struct point *p, const struct measurement *m);
/* KERNEL_OK if m has a clean sample, else KERNEL_ERROR and why. */
int measure_usable(const struct measurement *m, char *err);
/* Tears p's state down; m (NULL: none) is charged the time it took. */
void measure_end(const struct point *p, void *state, struct measurement *m);

/* Measures p alone: memory guard, measure_start, samples until the stopping
 * rule, no disturbance watched. Returns KERNEL_OK with m filled (free with
 * measurement_free), or another kernel_status with the reason in err
 * (KERNEL_ERR_LEN bytes); KERNEL_INTERRUPTED with err "interrupted" if
 * measure_interrupted was set (a batch cut short is never a sample). */
int measure_point(const struct point *p, struct measurement *m, measure_progress_fn progress,
                  void *ctx, char *err);
/* Allocates m's arrays (zeroed) for count samples and sets its capacity;
 * 0, or -1 with nothing left allocated. */
int measurement_alloc(struct measurement *m, size_t count);
void measurement_free(struct measurement *m);

#endif
