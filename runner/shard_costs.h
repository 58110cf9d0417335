/* shard_costs.h: a prior run's times, read from its summary.csv, as the
 * costs a split is balanced by (runner run --shard K/N --costs DIR). */
#ifndef FLOPBENCH_SHARD_COSTS_H
#define FLOPBENCH_SHARD_COSTS_H

#include <stddef.h>

#include "experiment.h"

struct shard_costs;

/* Reads DIR/<name>/summary.csv. NULL if there is none (the split then
 * counts the catalogue's bytes for that experiment); else its rows, even
 * none. *bad is set, with the reason in err, if the file is there but is
 * not a summary (a missing column, a time that is not a positive number,
 * no memory). */
struct shard_costs *shard_costs_load(const char *dir, const char *name, int *bad, char *err,
                                     size_t errlen);
void shard_costs_free(struct shard_costs *c);
/* The median seconds per call c records for point p (same backend, op,
 * impl, dtype, axis, n, threads, graph, flush_l2): 0, or -1 if c has no
 * such row. */
int shard_costs_find(const struct shard_costs *c, const struct point *p, double *per_call);
/* The run_id of c's rows ("" if none), for the provenance. */
const char *shard_costs_run_id(const struct shard_costs *c);

#endif
