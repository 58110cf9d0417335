/* experiment.h: experiments as the runner holds them once a script has
 * declared them: plain C data, validated, with every point expanded. */
#ifndef FLOPBENCH_EXPERIMENT_H
#define FLOPBENCH_EXPERIMENT_H

#include <stddef.h>

#include "kernel.h"

/* How one point is sampled. */
struct sampling {
    long iterations;       /* calls per timed sample; 0 = "auto" */
    double min_batch_time; /* auto: a sample lasts at least this many seconds */
    long warmup;           /* untimed batches before the first sample */
    long samples;          /* timed samples at least */
    long max_samples;      /* and at most */
    double target_rel_ci;  /* stop once rel_ci <= this (0: take exactly `samples`) */
    double max_time;       /* or once the point has sampled this many seconds */
};

struct point {
    const struct kernel_backend *backend;
    struct kernel_point k; /* k.impl points into impl below */
    char impl[48];
    struct sampling sampling;
};

struct experiment {
    char *name;
    char *script;  /* the script's path */
    int line;      /* where experiment{} was called */
    char *params;  /* the whole declaration, as text, for provenance */
    int optional;  /* skip, rather than fail, if a backend is unavailable */
    char *seed;    /* the declared seed(s), as text; point i uses seed * 1000003 + i */
    struct point *points;
    size_t count;
};

struct experiment_list {
    struct experiment *items;
    size_t count;
};

void experiment_list_free(struct experiment_list *list);

#endif
