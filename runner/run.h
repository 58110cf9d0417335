/* run.h: running one experiment's points and writing its files. */
#ifndef FLOPBENCH_RUN_H
#define FLOPBENCH_RUN_H

#include <stddef.h>

#include "experiment.h"

/* Exit codes of `runner run`, worst wins (see README). */
enum run_exit {
    EXIT_OK = 0,
    EXIT_WRONG = 1,       /* a point's output did not match the reference */
    EXIT_USAGE = 2,       /* bad command line or script */
    EXIT_UNAVAILABLE = 3, /* a backend the script needs is not on this host */
    EXIT_POINT = 4,       /* a point could not run (memory, library error) */
    EXIT_OUTPUT = 5,      /* results could not be written */
    EXIT_INTERRUPTED = 130,
};

/* The worse of two exit codes: interrupted, usage, wrong, output,
 * unavailable, then a point that could not run. */
int run_exit_worse(int a, int b);

struct run_options {
    const char *out_dir; /* files go to out_dir/<experiment>/ */
    const char *profile;
    int quiet;
};

/* Measures every point of e and writes samples.csv, summary.csv and
 * provenance.csv under out_dir/<name>/, each written whole or not at all.
 * Points that fail are reported and left out; the others are written.
 * Returns an enum run_exit. */
int run_experiment(const struct experiment *e, const struct run_options *o);

#endif
