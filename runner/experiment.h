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
    long settle;           /* untimed calls right before each sample */
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
    size_t index;          /* its place in the declaration, from 0 */
};

/* Two points of one N whose paired ratio a claim of the script reads: the
 * rounds of their N go on while its interval is wider than precision
 * (rounds.h). */
struct claim_pair {
    size_t num, den;  /* the points' places in the declaration (point.index) */
    double precision; /* the interval's half-width over the median to reach: 0 < precision < 1 */
    double level;     /* the coverage the report asks of that interval: 0 < level < 1 */
    char *claim;      /* the claim's id */
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
    size_t declared;  /* points the declaration expands to */
    size_t assigned;  /* of those, this run's shard's (all of them unsharded) */
    struct claim_pair *pairs; /* the script's claims on this experiment, resolved to points */
    size_t pair_count;        /* the same in every shard: pairs name declared points */
};

struct experiment_list {
    struct experiment *items;
    size_t count;
};

/* The bounds of a numeric field of a point, as the runner holds it (iterations
 * 0 is "auto", axis -1 "none", target_rel_ci 0 "none"): lo <= v <= hi, and an
 * integer if integer is set. Within them every size computed from a point fits
 * (n^2 elements of 8 bytes, max_samples samples, seed * 1000003 + index below
 * 2^53). flopbench.lua checks the same upper bounds, with the script's line. */
struct field_limit {
    const char *name;
    int integer;
    double lo, hi;
};

/* Every bounded field, ended by a NULL name. */
extern const struct field_limit experiment_limits[];
/* The limit of field name, or NULL if it has none. */
const struct field_limit *experiment_limit(const char *name);
/* Whether name may be an experiment's folder: 1 to 128 of [A-Za-z0-9._-],
 * not starting with '.' (so never ".", ".." or a hidden name). */
int experiment_name_ok(const char *name);

/* Frees what e holds (not e itself). */
void experiment_free(struct experiment *e);
void experiment_list_free(struct experiment_list *list);

#endif
