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

/* Measures pts[0..count) in rounds. The memory guard counts every point
 * live at once; where they do not fit together they are measured in
 * smaller groups (in order, each as many as fit, one at least), and note
 * (notelen bytes) says so and why, else it is "". The order
 * of each round is a Fisher-Yates shuffle drawn from splitmix64 seeded with
 * seed, so the same seed gives the same orders. d (NULL: nothing watched)
 * reads the disturbances of each round; samples of a disturbed round are
 * kept but left out of the statistics. Returns 0, or -1 if interrupted
 * (nothing is then left live, and no point's measurement is to be used:
 * free those whose status is KERNEL_OK). */
int rounds_measure(struct rounds_point *pts, size_t count, uint64_t seed, struct disturb *d,
                   char *note, size_t notelen);

/* The next number of splitmix64 from *state (advanced). */
uint64_t rounds_random(uint64_t *state);
/* Shuffles order[0..count) with Fisher-Yates, drawing from *state. */
void rounds_shuffle(size_t *order, size_t count, uint64_t *state);

#endif
