/* shard_costs.c: a prior run's summary.csv as the costs of a split. Each
 * row is input: its key columns are kept as text and compared with a
 * point's as the runner writes them; its times must be positive numbers. */
#define _POSIX_C_SOURCE 200809L
#include "shard_costs.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csv_out.h"

/* The columns that tell two points apart, as summary.csv names them. */
static const char *const key_names[] = {
    "backend", "op", "impl", "dtype", "axis", "n", "threads", "graph", "flush_l2",
};
#define KEYS (int)(sizeof key_names / sizeof *key_names)

struct cost_row {
    char *key; /* the key columns joined by '\x1f' */
    double per_call;
};

struct shard_costs {
    struct cost_row *rows;
    size_t count, cap;
    int col[KEYS], median, iterations, run_id; /* column indices, from the header */
    long line;
    char run_id_text[96];
    char *path, *err;
    size_t errlen;
    int bad;
};

/* The key of a row's fields, or of a point's, into buf. */
static void join_key(const char *const *fields, char *buf, size_t len)
{
    size_t used = 0;
    buf[0] = '\0';
    for (int i = 0; i < KEYS && used < len; i++)
        used += (size_t)snprintf(buf + used, len - used, "%s%s", i ? "\x1f" : "", fields[i]);
}

static int read_header(struct shard_costs *c, const char *const *fields, int count)
{
    c->median = c->iterations = c->run_id = -1;
    for (int k = 0; k < KEYS; k++)
        c->col[k] = -1;
    for (int i = 0; i < count; i++) {
        for (int k = 0; k < KEYS; k++)
            if (strcmp(fields[i], key_names[k]) == 0)
                c->col[k] = i;
        if (strcmp(fields[i], "median_s") == 0)
            c->median = i;
        if (strcmp(fields[i], "iterations") == 0)
            c->iterations = i;
        if (strcmp(fields[i], "run_id") == 0)
            c->run_id = i;
    }
    for (int k = 0; k < KEYS; k++)
        if (c->col[k] < 0)
            return snprintf(c->err, c->errlen, "%s: no column '%s': not a summary.csv", c->path,
                            key_names[k]), c->bad = 1;
    if (c->median < 0 || c->iterations < 0)
        return snprintf(c->err, c->errlen, "%s: no column median_s or iterations", c->path),
               c->bad = 1;
    return 0;
}

static int read_row(void *ctx, const char *const *fields, int count)
{
    struct shard_costs *c = ctx;
    if (c->line++ == 1)
        return read_header(c, fields, count);
    const char *keys[KEYS];
    char key[1024], *end;
    for (int k = 0; k < KEYS; k++)
        keys[k] = c->col[k] < count ? fields[c->col[k]] : "";
    errno = 0;
    double median = c->median < count ? strtod(fields[c->median], &end) : 0;
    long iterations = c->iterations < count ? strtol(fields[c->iterations], &end, 10) : 0;
    if (!(median > 0) || !isfinite(median) || iterations < 1 || errno)
        return snprintf(c->err, c->errlen, "%s:%ld: expected a positive median_s and iterations",
                        c->path, c->line), c->bad = 1;
    if (c->count == c->cap) {
        size_t cap = c->cap ? 2 * c->cap : 64;
        struct cost_row *rows = realloc(c->rows, cap * sizeof *rows);
        if (!rows)
            return snprintf(c->err, c->errlen, "out of memory"), c->bad = 1;
        c->rows = rows, c->cap = cap;
    }
    join_key(keys, key, sizeof key);
    if (!(c->rows[c->count].key = strdup(key)))
        return snprintf(c->err, c->errlen, "out of memory"), c->bad = 1;
    c->rows[c->count++].per_call = median;
    if (c->run_id >= 0 && c->run_id < count)
        snprintf(c->run_id_text, sizeof c->run_id_text, "%s", fields[c->run_id]);
    return 0;
}

struct shard_costs *shard_costs_load(const char *dir, const char *name, int *bad, char *err,
                                     size_t errlen)
{
    char path[4096];
    FILE *f;
    *bad = 0;
    snprintf(path, sizeof path, "%s/%s/summary.csv", dir, name);
    if (!(f = fopen(path, "r")))
        return NULL;
    fclose(f);
    struct shard_costs *c = calloc(1, sizeof *c);
    if (!c || !(c->path = strdup(path))) {
        free(c);
        return *bad = 1, snprintf(err, errlen, "out of memory"), NULL;
    }
    c->err = err, c->errlen = errlen, c->line = 1;
    if (csv_in_read(path, read_row, c, err, errlen) != 0 || c->bad) {
        shard_costs_free(c);
        return *bad = 1, NULL;
    }
    return c;
}

void shard_costs_free(struct shard_costs *c)
{
    for (size_t i = 0; c && i < c->count; i++)
        free(c->rows[i].key);
    if (c)
        free(c->rows), free(c->path);
    free(c);
}

int shard_costs_find(const struct shard_costs *c, const struct point *p, double *per_call)
{
    char f[6][32], key[1024];
    snprintf(f[0], 32, "%d", p->k.axis);
    snprintf(f[1], 32, "%ld", p->k.n);
    snprintf(f[2], 32, "%d", p->k.threads);
    snprintf(f[3], 32, "%d", p->k.graph);
    snprintf(f[4], 32, "%d", p->k.flush_l2);
    const char *keys[KEYS] = { p->backend->name, kernel_op_name(p->k.op), p->impl,
                               kernel_dtype_name(p->k.dtype), kernel_op(p->k.op)->axis ? f[0] : "",
                               f[1], f[2], f[3], f[4] };
    join_key(keys, key, sizeof key);
    for (size_t i = 0; i < c->count; i++)
        if (strcmp(c->rows[i].key, key) == 0) {
            *per_call = c->rows[i].per_call;
            return 0;
        }
    return -1;
}

const char *shard_costs_run_id(const struct shard_costs *c)
{
    return c->run_id_text;
}
