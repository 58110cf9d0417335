/* parallel.h: splitting a loop over threads, for kernels and for the
 * host-side work around them (input fills, the float64 reference). */
#ifndef FLOPBENCH_PARALLEL_H
#define FLOPBENCH_PARALLEL_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

#define PARALLEL_MAX_THREADS 64

/* Does the work for [begin, end). */
typedef void (*parallel_fn)(void *ctx, long begin, long end);

/* Calls fn over [0, count) in chunks (multiples of grain) on up to threads
 * threads (0: the cores online), the caller's own among them. Threads take
 * chunks in turn until none is left, so a thread slowed by other work takes
 * fewer. Runs on the caller alone if threads are 1 or count <= grain, or if
 * no thread can be started. */
void parallel_for(long count, long grain, int threads, parallel_fn fn, void *ctx);
/* The cores online, at least 1, at most PARALLEL_MAX_THREADS. */
int parallel_cores(void);

#ifdef __cplusplus
}
#endif
#endif
