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
    const char *run_id;  /* carried by every file of every set this run writes */
    int quiet;
    int wait;            /* wait for another run's lock instead of refusing */
    const struct shard_spec *shard; /* NULL, or write out_dir/<experiment>/shard-K-of-N/ */
};

struct lock;
struct shard_spec;

/* Locks experiments[0..count) of one run under o->out_dir (created if
 * missing), in name order, so that two runs waiting for each other's
 * experiments cannot each hold one the other needs; checks that each
 * out_dir/<name> is absent or a folder. locks[i] gets the lock of the i-th
 * in name order. Returns EXIT_OK, or EXIT_OUTPUT (EXIT_INTERRUPTED) after
 * saying why, with no lock held. */
int run_lock_all(const struct experiment *const *experiments, size_t count,
                 const struct run_options *o, struct lock **locks);
void run_unlock_all(struct lock **locks, size_t count);

/* Measures every point of e and commits samples.csv, summary.csv and
 * provenance.csv under out_dir/<name>/ (a shard: out_dir/<name>/shard-K-of-N/)
 * as one set: after any failure the folder holds the old set or the new
 * one, whole. Points that fail are reported and left out; the others are
 * written (a shard writes its set even with none, so the merge sees it). The caller holds e's lock
 * (run_lock_all). Returns an enum run_exit. */
int run_experiment(const struct experiment *e, const struct run_options *o);

#endif
