/* rounds.h: measuring the points that are compared together, in rounds:
 * each round takes one sample of each point, in an order shuffled per
 * round, so that drift and interference hit them all alike and their
 * ratios can be paired round by round. */
#ifndef FLOPBENCH_ROUNDS_H
#define FLOPBENCH_ROUNDS_H

#include <stddef.h>
#include <stdint.h>

#include "disturb.h"
#include "measure.h"

/* One point of a group and what measuring it gave. */
struct rounds_point {
    const struct point *point;
    struct measurement m;  /* filled when status is KERNEL_OK (free with measurement_free) */
    int status;            /* a kernel_status */
    char err[KERNEL_ERR_LEN];
    void *state;           /* live between measure_start and measure_end */
    int paired;            /* 1 if measured in the same rounds as another point */
    double memory_s;       /* wall seconds asking what the point needs and what is free */
};

/* Why the rounds of a pair stopped. */
enum rounds_stop {
    ROUNDS_MET,      /* its interval reached its level and precision */
    ROUNDS_FULL,     /* a point took max_samples first: the interval is as it came */
    ROUNDS_FAILED,   /* a point failed or was interrupted: no ratio */
    ROUNDS_UNPAIRED, /* its points were measured in different rounds (smaller groups) */
};

/* Two points of a group whose paired ratio a claim reads. While the ratio's
 * interval is wider than precision (or short of its level), and neither
 * point is full (measure_full) or failed, the group takes more rounds,
 * whatever the points' own stopping rules say. */
struct rounds_pair {
    size_t num, den;  /* indices into the group's pts */
    double precision; /* the rel_ci the paired ratio is to reach */
    double level;     /* the coverage asked of its interval */
    /* Filled by rounds_measure: */
    struct stats_summary ratio; /* over the rounds both points have clean; count 0: none */
    enum rounds_stop stop;
};

/* The paired ratio a / b over the rounds in which both have a clean
 * sample (undisturbed: reading.flags 0), at coverage level. Returns 0; 1
 * if they share no such round (out->count 0); -1 if out of memory or a
 * time is not a positive finite number. */
int rounds_pair_ratio(const struct measurement *a, const struct measurement *b, double level,
                      struct stats_summary *out);
/* 1 if ratio r meets a pair's target: coverage at least level, rel_ci at
 * most precision. */
int rounds_pair_met(const struct stats_summary *r, double level, double precision);

/* Measures pts[0..count) in rounds. The memory guard counts every point
 * live at once; where they do not fit together they are measured in
 * smaller groups (in order, each as many as fit, one at least), and note
 * (notelen bytes) says so and why, else it is "". The order
 * of each round is a Fisher-Yates shuffle drawn from splitmix64 seeded with
 * seed, so the same seed gives the same orders. d (NULL: nothing watched)
 * reads the disturbances of each round; samples of a disturbed round are
 * kept but left out of the statistics. Rounds go on while some point's
 * own rule wants more, or some pair of pairs[0..npairs) (NULL if none) is
 * short of its target; each pair's outcome is filled in. Returns 0, or -1
 * if interrupted (nothing is then left live, and no point's measurement is
 * to be used: free those whose status is KERNEL_OK). */
int rounds_measure(struct rounds_point *pts, size_t count, struct rounds_pair *pairs, size_t npairs,
                   uint64_t seed, struct disturb *d, char *note, size_t notelen);

/* The next number of splitmix64 from *state (advanced). */
uint64_t rounds_random(uint64_t *state);
/* Shuffles order[0..count) with Fisher-Yates, drawing from *state. */
void rounds_shuffle(size_t *order, size_t count, uint64_t *state);

#endif
