/* worker_impls.c: a worker's `serve` lines, checked, as impl rows. */
#include "worker_impls.h"

#include <stdio.h>
#include <string.h>

#include "worker_proc.h"

void worker_impls_clear(struct worker_impls *t)
{
    memset(t, 0, sizeof *t);
}

/* Splits line at single spaces into at most max words (each pointing into
 * buf, a copy of line); returns how many, counting an empty one, or max + 1
 * if there are more. */
static int split_words(const char *line, char *buf, size_t len, char **words, int max)
{
    snprintf(buf, len, "%s", line);
    int count = 0;
    for (char *s = buf;; s++) {
        if (count == max)
            return max + 1;
        words[count++] = s;
        s = strchr(s, ' ');
        if (!s)
            return count;
        *s = '\0';
    }
}

/* 1 if name is 1 to WORKER_IMPL_NAME_MAX characters of [a-z0-9_]. */
static int name_ok(const char *name)
{
    size_t len = strlen(name);
    return len >= 1 && len <= WORKER_IMPL_NAME_MAX && strspn(name, "abcdefghijklmnopqrstuvwxyz0123456789_") == len;
}

/* The ops of the table, as "copy, matvec, ..." into buf. */
static const char *op_names(char *buf, size_t len)
{
    size_t used = 0;
    buf[0] = '\0';
    for (int op = 0; op < kernel_op_count() && used < len; op++)
        used += (size_t)snprintf(buf + used, len - used, "%s%s", op ? ", " : "", kernel_op_name(op));
    return buf;
}

/* The dtype bits (KERNEL_SERVES_DTYPE) of a comma list such as "f32,f64";
 * 0 with why in err if it is empty, names an unknown dtype or one twice. */
static unsigned parse_dtypes(const char *list, char *err, size_t errlen)
{
    unsigned bits = 0;
    char buf[64];
    if (strlen(list) >= sizeof buf || !*list)
        return snprintf(err, errlen, "DTYPES '%.40s' is not a comma list of f32 and f64", list), 0;
    snprintf(buf, sizeof buf, "%s", list);
    for (char *s = buf, *comma; s; s = comma ? comma + 1 : NULL) {
        comma = strchr(s, ',');
        if (comma)
            *comma = '\0';
        int d = 0;
        while (d < DTYPE_COUNT && strcmp(s, kernel_dtype_name((enum kernel_dtype)d)) != 0)
            d++;
        if (d == DTYPE_COUNT)
            return snprintf(err, errlen, "dtype '%.20s' is not one of f32, f64", s), 0;
        if (bits & KERNEL_SERVES_DTYPE(d))
            return snprintf(err, errlen, "dtype %s is listed twice", s), 0;
        bits |= KERNEL_SERVES_DTYPE(d);
    }
    return bits;
}

/* The traffic class called name, or TRAFFIC_COUNT. */
static enum kernel_traffic parse_traffic(const char *name)
{
    int t = 0;
    while (t < TRAFFIC_COUNT && strcmp(name, kernel_traffic_name((enum kernel_traffic)t)) != 0)
        t++;
    return (enum kernel_traffic)t;
}

int worker_impls_serve(struct worker_impls *t, const char *line, char *err, size_t errlen)
{
    char buf[WORKER_LINE_MAX + 1], ops[256];
    char *w[5];
    int count = split_words(line, buf, sizeof buf, w, 5);
    if (count != 5 || strcmp(w[0], "serve") != 0)
        return snprintf(err, errlen, "not 'serve OP IMPL DTYPES TRAFFIC' (five words, one space "
                        "between each)"), -1;
    int op = kernel_op_find(w[1]);
    if (op < 0)
        return snprintf(err, errlen, "unknown op '%.40s' (the runner's ops: %s)", w[1],
                        op_names(ops, sizeof ops)), -1;
    if (!name_ok(w[2]))
        return snprintf(err, errlen, "impl name '%.40s' is not 1 to %d characters of a-z, 0-9 and _",
                        w[2], WORKER_IMPL_NAME_MAX), -1;
    unsigned dtypes = parse_dtypes(w[3], err, errlen);
    if (!dtypes)
        return -1;
    enum kernel_traffic traffic = parse_traffic(w[4]);
    if (traffic == TRAFFIC_COUNT)
        return snprintf(err, errlen, "unknown traffic '%.40s' (valid: %s, %s)", w[4],
                        kernel_traffic_name(TRAFFIC_MATERIALISED), kernel_traffic_name(TRAFFIC_FUSED)), -1;
    for (int i = 0; i < t->count; i++)
        if (strcmp(t->rows[i].op, w[1]) == 0 && strcmp(t->rows[i].name, w[2]) == 0)
            return snprintf(err, errlen, "impl %s/%s is served twice", w[1], w[2]), -1;
    if (t->count == WORKER_IMPLS_MAX)
        return snprintf(err, errlen, "more than %d serve lines, the most a worker may register",
                        WORKER_IMPLS_MAX), -1;
    snprintf(t->names[t->count], sizeof t->names[0], "%s", w[2]);
    t->rows[t->count] = (struct kernel_impl){ .op = kernel_op(op)->name, .name = t->names[t->count],
                                              .traffic = traffic, .flags = dtypes };
    t->count++;
    return 0;
}

void worker_impls_copy(struct worker_impls *dst, const struct worker_impls *src)
{
    if (dst == src)
        return;
    memcpy(dst, src, sizeof *dst);
    for (int i = 0; i < dst->count; i++)
        dst->rows[i].name = dst->names[i];
}

int worker_impls_same(const struct worker_impls *a, const struct worker_impls *b)
{
    if (a->count != b->count)
        return 0;
    for (int i = 0; i < a->count; i++)
        if (strcmp(a->rows[i].op, b->rows[i].op) != 0 || strcmp(a->rows[i].name, b->rows[i].name) != 0 ||
            a->rows[i].traffic != b->rows[i].traffic || a->rows[i].flags != b->rows[i].flags)
            return 0;
    return 1;
}
