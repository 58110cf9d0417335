/* shard.h: a run split into N shards: which points shard K measures,
 * where it writes them, and the locks that keep shards, unsharded runs and
 * merges of one experiment from writing over each other. */
#ifndef FLOPBENCH_SHARD_H
#define FLOPBENCH_SHARD_H

#include <stddef.h>

#include "experiment.h"

/* Shard k of n, 1 <= k <= n <= SHARD_MAX. */
struct shard_spec {
    long k, n;
    const char *costs_dir; /* NULL: costs from the catalogue; else a prior run's times there */
    char basis[320];       /* what the split was balanced by (shard_select), for the provenance */
};
#define SHARD_MAX 10000

/* Parses "K/N". Returns 0, or -1 with what was expected in err. */
int shard_parse(const char *text, struct shard_spec *s, char *err, size_t errlen);

/* The estimated seconds of measuring p, a call taking per_call seconds
 * (the catalogue's bytes a call at 10 GB/s when per_call is 0): its
 * warm-up and samples, each `iterations` calls (with "auto", the longer of
 * min_batch_time and one call), plus drawing its inputs and checking it
 * (32 n^2 bytes at 10 GB/s). */
double shard_point_cost(const struct point *p, double per_call);

/* Keeps in every experiment of lists[0..nlists) only shard s's points. The
 * points of one experiment at one n (a round) are one group; the groups
 * of all the experiments, costliest first, each go to the shard of least
 * cost so far (the lowest K on a tie). Costs are estimated from the
 * catalogue, or with s->costs_dir from the times in
 * costs_dir/<experiment>/summary.csv where it has the point. The split
 * depends only on the declarations (and those times), so every shard
 * computes the same one. Sets e->assigned and s->basis. Returns 0, or -1
 * with the reason in err (a prior summary that is not one, no memory). */
int shard_select(struct experiment_list *lists, int nlists, struct shard_spec *s, char *err,
                 size_t errlen);

/* "shard-K-of-N": shard s's folder inside its experiment's. */
void shard_folder(const struct shard_spec *s, char *buf, size_t len);
/* Where experiment name's set goes under out_dir: the folder dir and the
 * set's name in it (out_dir and name unsharded; out_dir/name and
 * shard-K-of-N for shard s). -1 if a path does not fit. */
int shard_place(const char *out_dir, const char *name, const struct shard_spec *s, char *dir,
                size_t dirlen, char *set, size_t setlen);
/* Parses a shard's folder name; 0 with *s filled, or -1 if it is not one. */
int shard_folder_parse(const char *name, struct shard_spec *s);

struct provenance;
/* Adds the keys the merge checks: shard ("K/N"), shard_points (the 1-based
 * declaration indices of e's points this shard measures, in order),
 * shard_assigned, points_declared, shard_basis (s->basis) and shard_device (the
 * CUDA_VISIBLE_DEVICES it ran with, or "unset"). Returns 0 or -1 (memory). */
int shard_add_provenance(struct provenance *p, const struct experiment *e,
                         const struct shard_spec *s);

struct lock;
/* Locks experiment name under dir for writing. Unsharded (s NULL):
 * DIR/.<name>.lock, and no shard of it may be being written. Shard s:
 * DIR/.<name>.shard-K-of-N.lock, and no unsharded run or merge may hold
 * DIR/.<name>.lock; shards of one experiment run side by side. With wait,
 * waits for the other run; else refuses at once. NULL with the reason in
 * err (naming the holder's PID). */
struct lock *shard_lock_experiment(const char *dir, const char *name, const struct shard_spec *s,
                                   int wait, char *err, size_t errlen);

#endif
