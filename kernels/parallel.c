/* parallel.c: a loop shared by threads that take chunks in turn. */
#define _POSIX_C_SOURCE 200809L
#include "parallel.h"

#include <pthread.h>
#include <stdatomic.h>
#include <unistd.h>

#define CHUNKS_PER_THREAD 8

struct work {
    parallel_fn fn;
    void *ctx;
    long count, chunk;
    atomic_long next;
};

/* Runs chunks until the work runs out; the start routine of each thread. */
static void *work_run(void *arg)
{
    struct work *w = arg;
    long lo;
    while ((lo = atomic_fetch_add(&w->next, w->chunk)) < w->count)
        w->fn(w->ctx, lo, lo + w->chunk < w->count ? lo + w->chunk : w->count);
    return NULL;
}

int parallel_cores(void)
{
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    return cores < 1 ? 1 : cores > PARALLEL_MAX_THREADS ? PARALLEL_MAX_THREADS : (int)cores;
}

void parallel_for(long count, long grain, int threads, parallel_fn fn, void *ctx)
{
    if (threads <= 0)
        threads = parallel_cores();
    if (threads > PARALLEL_MAX_THREADS)
        threads = PARALLEL_MAX_THREADS;
    if (grain < 1)
        grain = 1;
    if (threads <= 1 || count <= grain) {
        fn(ctx, 0, count);
        return;
    }
    long chunk = (count / ((long)CHUNKS_PER_THREAD * threads) + grain - 1) / grain * grain;
    struct work w = { .fn = fn, .ctx = ctx, .count = count, .chunk = chunk > grain ? chunk : grain };
    atomic_init(&w.next, 0);
    pthread_t tid[PARALLEL_MAX_THREADS];
    int started[PARALLEL_MAX_THREADS] = { 0 };
    for (int t = 1; t < threads; t++)
        started[t] = pthread_create(&tid[t], NULL, work_run, &w) == 0;
    work_run(&w);
    for (int t = 1; t < threads; t++)
        if (started[t])
            pthread_join(tid[t], NULL);
}
