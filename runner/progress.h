/* progress.h: one line per point on stderr, redrawn in place on a terminal. */
#ifndef FLOPBENCH_PROGRESS_H
#define FLOPBENCH_PROGRESS_H

#include "experiment.h"
#include "measure.h"

struct progress {
    int quiet;     /* print nothing but failures */
    int terminal;  /* stderr is a terminal: redraw the line in place */
    const struct experiment *experiment;
    size_t index;  /* the point being measured */
    const struct point *point;
};

void progress_init(struct progress *pr, int quiet);
/* The point being measured, before it starts. */
void progress_begin(struct progress *pr, const struct experiment *e, size_t index);
/* measure_progress_fn: the estimate so far, redrawn on a terminal. */
void progress_sample(void *ctx, const struct measurement *m);
/* The point's end: its estimate, or why it failed (always printed). */
void progress_end(struct progress *pr, const struct measurement *m, int status, const char *err);

#endif
