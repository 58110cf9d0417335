/* measure.c: the measurement of one point. Knows kernels and statistics,
 * nothing of Lua or CSV. */
#include "measure.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host.h"

volatile sig_atomic_t measure_interrupted = 0;

#define CI_LEVEL MEASURE_CI_LEVEL

/* Writes bytes as "12.3 GB" into buf. */
static const char *human_bytes(double bytes, char *buf, size_t len)
{
    const char *units[] = { "B", "KB", "MB", "GB", "TB" };
    int u = 0;
    while (bytes >= 1000.0 && u < 4) {
        bytes /= 1000.0;
        u++;
    }
    snprintf(buf, len, "%.1f %s", bytes, units[u]);
    return buf;
}

/* Refuses a point that does not fit in free host or device memory, before
 * anything is allocated. */
static int check_memory(const struct point *p, char *err)
{
    struct kernel_memory m = { 0 };
    int status = p->backend->memory(&p->k, &m, err);
    if (status != KERNEL_OK)
        return status;
    char need[32], have[32];
    if (m.host_need > m.host_free) {
        snprintf(err, KERNEL_ERR_LEN, "needs %s of host memory, %s available",
                 human_bytes((double)m.host_need, need, sizeof need),
                 human_bytes((double)m.host_free, have, sizeof have));
        return KERNEL_NO_MEMORY;
    }
    if (m.device_need > m.device_free) {
        snprintf(err, KERNEL_ERR_LEN, "needs %s of GPU memory, %s free",
                 human_bytes((double)m.device_need, need, sizeof need),
                 human_bytes((double)m.device_free, have, sizeof have));
        return KERNEL_NO_MEMORY;
    }
    return KERNEL_OK;
}

/* Resolves "auto" iterations: grows the batch until one lasts at least
 * min_batch_time. These batches also warm the kernel up. */
static int calibrate(const struct point *p, void *state, long *iterations, char *err)
{
    long it = 1;
    for (;;) {
        if (measure_interrupted)
            return snprintf(err, KERNEL_ERR_LEN, "interrupted"), KERNEL_INTERRUPTED;
        double t = 0.0;
        int status = p->backend->run(state, it, &t, err);
        if (status != KERNEL_OK)
            return status;
        if (t >= p->sampling.min_batch_time || it >= (1L << 30))
            break;
        double grow = t > 0.0 ? 1.25 * p->sampling.min_batch_time / t : 10.0;
        long next = (long)((double)it * (grow < 2.0 ? 2.0 : grow > 100.0 ? 100.0 : grow));
        it = next > it ? next : it + 1;
    }
    *iterations = it;
    return KERNEL_OK;
}

/* 1 once the stopping rule is met after the sample just taken. */
static int enough(const struct sampling *s, const struct measurement *m, double elapsed)
{
    if (m->count < s->samples)
        return 0;
    if (m->count >= s->max_samples)
        return 1;
    return m->stats.rel_ci <= s->target_rel_ci || elapsed >= s->max_time;
}

static int take_samples(const struct point *p, void *state, struct measurement *m,
                        measure_progress_fn progress, void *ctx, char *err)
{
    const struct sampling *s = &p->sampling;
    /* 1 <= samples <= max_samples: enough() stops before the arrays are full */
    if (s->samples < 1 || s->max_samples < s->samples)
        return snprintf(err, KERNEL_ERR_LEN, "samples %ld, max_samples %ld: need 1 <= samples <= max_samples",
                        s->samples, s->max_samples), KERNEL_ERROR;
    size_t count = (size_t)s->max_samples;
    if (count <= SIZE_MAX / sizeof(double)) {
        m->per_call = calloc(count, sizeof *m->per_call);
        m->batch = calloc(count, sizeof *m->batch);
    }
    if (!m->per_call || !m->batch) {
        snprintf(err, KERNEL_ERR_LEN, "out of memory for %ld samples", s->max_samples);
        return KERNEL_NO_MEMORY;
    }
    double start = host_clock_seconds();
    do {
        if (measure_interrupted)
            return snprintf(err, KERNEL_ERR_LEN, "interrupted"), KERNEL_INTERRUPTED;
        double t = 0.0;
        int status = p->backend->run(state, m->iterations, &t, err);
        if (status != KERNEL_OK)
            return status;
        m->batch[m->count] = t;
        m->per_call[m->count] = t / (double)m->iterations;
        m->count++;
        if (stats_summarise(m->per_call, m->count, CI_LEVEL, &m->stats) != 0)
            return snprintf(err, KERNEL_ERR_LEN, "no statistics: a sample is not a number, or memory ran out"), KERNEL_ERROR;
        if (progress)
            progress(ctx, m);
    } while (!enough(s, m, host_clock_seconds() - start));
    return KERNEL_OK;
}

static int measure_state(const struct point *p, void *state, struct measurement *m,
                         measure_progress_fn progress, void *ctx, char *err)
{
    int status = p->backend->verify(state, &m->check, err);
    if (status != KERNEL_OK)
        return status;
    m->iterations = p->sampling.iterations;
    if (m->iterations == 0 && (status = calibrate(p, state, &m->iterations, err)) != KERNEL_OK)
        return status;
    for (long w = 0; w < p->sampling.warmup; w++) {
        double t;
        if (measure_interrupted)
            return snprintf(err, KERNEL_ERR_LEN, "interrupted"), KERNEL_INTERRUPTED;
        if ((status = p->backend->run(state, m->iterations, &t, err)) != KERNEL_OK)
            return status;
    }
    return take_samples(p, state, m, progress, ctx, err);
}

int measure_point(const struct point *p, struct measurement *m, measure_progress_fn progress,
                  void *ctx, char *err)
{
    memset(m, 0, sizeof *m);
    int status = check_memory(p, err);
    if (status != KERNEL_OK)
        return status;
    void *state = NULL;
    status = p->backend->setup(&p->k, &state, err);
    if (status != KERNEL_OK)
        return status;
    status = measure_state(p, state, m, progress, ctx, err);
    p->backend->teardown(state);
    if (status != KERNEL_OK)
        measurement_free(m);
    return status;
}

void measurement_free(struct measurement *m)
{
    free(m->per_call);
    free(m->batch);
    m->per_call = m->batch = NULL;
    m->count = 0;
}
