/* worker_impls.h: the impl rows of a framework backend, registered at run
 * time from its worker's hello (`serve OP IMPL DTYPES TRAFFIC` lines,
 * peers/PROTOCOL.md). Each line is input: checked against the ops table,
 * the dtypes and the traffic classes before it becomes a row. */
#ifndef FLOPBENCH_WORKER_IMPLS_H
#define FLOPBENCH_WORKER_IMPLS_H

#include <stddef.h>

#include "kernel.h"

#define WORKER_IMPLS_MAX 32     /* rows one hello may register */
#define WORKER_IMPL_NAME_MAX 31 /* characters of an impl's name */

/* Rows as every backend has them (struct kernel_impl, ended by an op of
 * NULL; the first row of an op is its default), each calling nothing of
 * the runner's, its flags the dtypes it serves (KERNEL_SERVES_DTYPE). */
struct worker_impls {
    struct kernel_impl rows[WORKER_IMPLS_MAX + 1];
    char names[WORKER_IMPLS_MAX][WORKER_IMPL_NAME_MAX + 1];
    int count;
};

/* Empties t: no rows. */
void worker_impls_clear(struct worker_impls *t);

/* Adds the row that one `serve OP IMPL DTYPES TRAFFIC` line declares.
 * Returns 0, or -1 with why in err (the line is not added): a line not of
 * five words, an op not in the ops table, a name outside [a-z0-9_] or
 * longer than WORKER_IMPL_NAME_MAX, DTYPES not a comma list of known
 * dtypes without repeats, an unknown traffic class, a second row of the
 * same op and name, or more than WORKER_IMPLS_MAX rows. */
int worker_impls_serve(struct worker_impls *t, const char *line, char *err, size_t errlen);

/* Copies src into dst, its names included. */
void worker_impls_copy(struct worker_impls *dst, const struct worker_impls *src);

/* 1 if a and b hold the same rows in the same order, else 0. */
int worker_impls_same(const struct worker_impls *a, const struct worker_impls *b);

#endif
