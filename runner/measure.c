/* measure.c: the measurement of one point. Knows kernels and statistics,
 * nothing of Lua or CSV. */
#include "measure.h"

#include <math.h>
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

int measure_memory(const struct point *p, struct kernel_memory *m, char *err)
{
    memset(m, 0, sizeof *m);
    return p->backend->memory(&p->k, m, err);
}

int measure_fits(const struct kernel_memory *m, char *err)
{
    char need[32], have[32];
    if (m->host_need > m->host_free) {
        snprintf(err, KERNEL_ERR_LEN, "needs %s of host memory, %s available",
                 human_bytes((double)m->host_need, need, sizeof need),
                 human_bytes((double)m->host_free, have, sizeof have));
        return KERNEL_NO_MEMORY;
    }
    if (m->device_need > m->device_free) {
        snprintf(err, KERNEL_ERR_LEN, "needs %s of GPU memory, %s free",
                 human_bytes((double)m->device_need, need, sizeof need),
                 human_bytes((double)m->device_free, have, sizeof have));
        return KERNEL_NO_MEMORY;
    }
    return KERNEL_OK;
}

/* Resolves "auto" iterations: grows the batch until one lasts at least
 * min_batch_time. A batch of at least a sixteenth of that is timed well
 * enough to size the next from: CALIBRATE_MARGIN times the target, so that
 * the samples land just above it. A shorter one sizes the next to last a
 * quarter of the target (at most 100 times as many calls): timed well, and
 * short of the target. These batches also warm the kernel up. */
#define CALIBRATE_MARGIN 1.08

static int calibrate(const struct point *p, void *state, long *iterations, char *err)
{
    const double target = p->sampling.min_batch_time;
    long it = 1;
    for (;;) {
        if (measure_interrupted)
            return snprintf(err, KERNEL_ERR_LEN, "interrupted"), KERNEL_INTERRUPTED;
        double t = 0.0;
        int status = p->backend->run(state, it, &t, err);
        if (status != KERNEL_OK)
            return status;
        if (t >= target || it >= (1L << 30))
            break;
        double grow = t >= target / 16.0 ? CALIBRATE_MARGIN * target / t
                      : t > 0.0          ? 0.25 * target / t
                                         : 100.0;
        double next = (double)it * (grow > 100.0 ? 100.0 : grow);
        it = next > (double)(1L << 30) ? (1L << 30) : next >= (double)it + 1.0 ? (long)next : it + 1;
    }
    *iterations = it;
    return KERNEL_OK;
}

int measure_done(const struct point *p, const struct measurement *m)
{
    const struct sampling *s = &p->sampling;
    if (m->count >= m->capacity)
        return 1;
    if (m->clean_count < s->samples)
        return 0;
    if (m->clean_count >= s->max_samples)
        return 1;
    return m->stats.rel_ci <= s->target_rel_ci || m->sampled_s >= s->max_time;
}

int measure_full(const struct point *p, const struct measurement *m)
{
    return m->count >= m->capacity || m->clean_count >= p->sampling.max_samples;
}

int measurement_alloc(struct measurement *m, size_t count)
{
    if (count <= SIZE_MAX / sizeof(struct disturb_reading)) {
        m->per_call = calloc(count, sizeof *m->per_call);
        m->batch = calloc(count, sizeof *m->batch);
        m->clean = calloc(count, sizeof *m->clean);
        m->round = calloc(count, sizeof *m->round);
        m->order = calloc(count, sizeof *m->order);
        m->reading = calloc(count, sizeof *m->reading);
    }
    if (!m->per_call || !m->batch || !m->clean || !m->round || !m->order || !m->reading) {
        measurement_free(m);
        return -1;
    }
    m->capacity = (long)count;
    return 0;
}

/* Room for MEASURE_ROUNDS_PER_SAMPLE * max_samples samples. */
static int allocate(const struct sampling *s, struct measurement *m, char *err)
{
    /* 1 <= samples <= max_samples: measure_done stops before the arrays are full */
    if (s->samples < 1 || s->max_samples < s->samples)
        return snprintf(err, KERNEL_ERR_LEN, "samples %ld, max_samples %ld: need 1 <= samples <= max_samples",
                        s->samples, s->max_samples), KERNEL_ERROR;
    if (measurement_alloc(m, (size_t)s->max_samples * MEASURE_ROUNDS_PER_SAMPLE) != 0)
        return snprintf(err, KERNEL_ERR_LEN, "out of memory for %ld samples", s->max_samples),
               KERNEL_NO_MEMORY;
    return KERNEL_OK;
}

int measure_sample(const struct point *p, void *state, struct measurement *m, long round, int order,
                   char *err)
{
    if (measure_interrupted)
        return snprintf(err, KERNEL_ERR_LEN, "interrupted"), KERNEL_INTERRUPTED;
    if (m->count >= m->capacity)
        return snprintf(err, KERNEL_ERR_LEN, "no room for another sample"), KERNEL_ERROR;
    double t = 0.0, start = host_clock_seconds();
    /* The point's own calls right before its batch: in a round the point
     * before it left the caches, the memory and the clocks in its state. */
    int status = p->sampling.settle > 0 ? p->backend->run(state, p->sampling.settle, &t, err) : KERNEL_OK;
    double settled = host_clock_seconds();
    m->times.settle_s += settled - start;
    if (status != KERNEL_OK)
        return status;
    status = p->backend->run(state, m->iterations, &t, err);
    m->sampled_s += host_clock_seconds() - settled;
    if (status != KERNEL_OK)
        return status;
    m->batch[m->count] = t;
    m->per_call[m->count] = t / (double)m->iterations;
    m->round[m->count] = round;
    m->order[m->count] = order;
    m->count++;
    return KERNEL_OK;
}

int measure_record(struct measurement *m, long index, const struct disturb_reading *r, char *err)
{
    m->reading[index] = *r;
    if (r->flags)
        return KERNEL_OK;
    m->clean[m->clean_count++] = m->per_call[index];
    if (stats_summarise(m->clean, m->clean_count, CI_LEVEL, &m->stats) != 0)
        return snprintf(err, KERNEL_ERR_LEN, "no statistics: a sample is not a number, or memory ran out"),
               KERNEL_ERROR;
    return KERNEL_OK;
}

int measure_usable(const struct measurement *m, char *err)
{
    if (m->clean_count > 0)
        return KERNEL_OK;
    snprintf(err, KERNEL_ERR_LEN, "every one of its %ld rounds was disturbed (throttled GPU or CPU steal)",
             m->count);
    return KERNEL_ERROR;
}

/* Seconds since *mark, and *mark moved to now. */
static double lap(double *mark)
{
    double now = host_clock_seconds(), t = now - *mark;
    *mark = now;
    return t;
}

int measure_start(const struct point *p, void **state, struct measurement *m, char *err)
{
    memset(m, 0, sizeof *m);
    *state = NULL;
    double mark = host_clock_seconds();
    int status = allocate(&p->sampling, m, err);
    if (status == KERNEL_OK)
        status = p->backend->setup(&p->k, state, err);
    m->times.setup_s = lap(&mark);
    if (status == KERNEL_OK)
        status = p->backend->verify(*state, &m->check, err);
    m->times.check_s = lap(&mark);
    m->iterations = p->sampling.iterations;
    long warmup = p->sampling.warmup;
    if (status == KERNEL_OK && m->iterations == 0) {
        status = calibrate(p, *state, &m->iterations, err);
        /* its last batch ran the sample's calls, untimed: the first warm-up */
        warmup = warmup > 0 ? warmup - 1 : 0;
    }
    m->times.calibrate_s = lap(&mark);
    for (long w = 0; status == KERNEL_OK && w < warmup; w++) {
        double t;
        if (measure_interrupted)
            status = (snprintf(err, KERNEL_ERR_LEN, "interrupted"), KERNEL_INTERRUPTED);
        else
            status = p->backend->run(*state, m->iterations, &t, err);
    }
    m->times.warmup_s = lap(&mark);
    if (status != KERNEL_OK) {
        if (*state)
            p->backend->teardown(*state);
        *state = NULL;
        measurement_free(m);
    }
    return status;
}

void measure_end(const struct point *p, void *state, struct measurement *m)
{
    double start = host_clock_seconds();
    if (state)
        p->backend->teardown(state);
    if (m)
        m->times.teardown_s += host_clock_seconds() - start;
}

/* A reading that saw nothing: what a point measured alone records. */
static const struct disturb_reading unwatched = {
    .sm_mhz = NAN, .mem_mhz = NAN, .steal = NAN, .cpu_mhz = NAN,
};

int measure_point(const struct point *p, struct measurement *m, measure_progress_fn progress,
                  void *ctx, char *err)
{
    struct kernel_memory mem;
    memset(m, 0, sizeof *m);
    int status = measure_memory(p, &mem, err);
    if (status == KERNEL_OK)
        status = measure_fits(&mem, err);
    if (status != KERNEL_OK)
        return status;
    void *state;
    if ((status = measure_start(p, &state, m, err)) != KERNEL_OK)
        return status;
    do {
        status = measure_sample(p, state, m, m->count + 1, 1, err);
        if (status == KERNEL_OK)
            status = measure_record(m, m->count - 1, &unwatched, err);
        if (status == KERNEL_OK && progress)
            progress(ctx, m);
    } while (status == KERNEL_OK && !measure_done(p, m));
    measure_end(p, state, m);
    if (status != KERNEL_OK)
        measurement_free(m);
    return status;
}

void measurement_free(struct measurement *m)
{
    free(m->per_call);
    free(m->batch);
    free(m->clean);
    free(m->round);
    free(m->order);
    free(m->reading);
    m->per_call = m->batch = m->clean = NULL;
    m->round = NULL;
    m->order = NULL;
    m->reading = NULL;
    m->count = m->clean_count = 0;
}
