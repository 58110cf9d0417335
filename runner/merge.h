/* merge.h: the shards of an experiment assembled into one set. */
#ifndef FLOPBENCH_MERGE_H
#define FLOPBENCH_MERGE_H

/* Merges DIR/<name>/shard-K-of-N/ (K = 1..N) into DIR/<name>'s
 * samples.csv, summary.csv and provenance.csv, one set, points in their
 * declaration's order, run_id the merge's. Refuses, naming them, shards
 * that are missing or incomplete (EXIT_POINT: rerun them) and shards of
 * different declarations, runners or splits, or files that are not one
 * set (EXIT_OUTPUT). Holds DIR/<name>'s lock (waiting for it with wait).
 * Returns an enum run_exit. */
int merge_experiment(const char *dir, const char *name, int quiet, int wait);

/* `runner merge DIR/<experiment>... [--quiet] [--wait]`. */
int merge_command(int argc, char **argv);

#endif
