/* devices.h: one run over several GPUs of a host: one shard a GPU, each
 * process pinned to its GPU with CUDA_VISIBLE_DEVICES, merged at the end. */
#ifndef FLOPBENCH_DEVICES_H
#define FLOPBENCH_DEVICES_H

#include <stddef.h>

#include "experiment.h"
#include "run.h"

struct devices {
    char **ids; /* CUDA_VISIBLE_DEVICES values: an index or a GPU-/MIG- UUID */
    int count;
};

/* Parses "0,1,..." or "all": this host's GPUs, the entries of
 * CUDA_VISIBLE_DEVICES if it is set (a scheduler's allotment), else one
 * per GPU the NVIDIA driver lists (/proc/driver/nvidia/gpus); none on a
 * host without. Returns 0, or -1 with what was expected in err. */
int devices_parse(const char *text, struct devices *d, char *err, size_t errlen);
void devices_free(struct devices *d);

/* Where point p runs, for summary.csv's device column: "cpu", or
 * "gpu:<id>", id the first CUDA_VISIBLE_DEVICES entry (0 when unset). */
void devices_of_point(const struct point *p, char *buf, size_t len);

/* Runs `runner run SCRIPTS --shard K/COUNT` as d->count processes at
 * once, the K-th with CUDA_VISIBLE_DEVICES set to d->ids[K-1], with o's
 * --out, --profile, --quiet and --wait, and --costs costs_dir unless it is
 * NULL; then merges every experiment of
 * lists (merge.c). Returns the worst exit code of the shards and merges
 * (a shard that failed leaves its merge refused, naming it). */
int devices_run(const struct devices *d, const char *const *scripts, int nscripts,
                const struct run_options *o, const char *costs_dir,
                const struct experiment_list *lists, int nlists);

#endif
