/* registry.c: the list of backends compiled in, and facts every kernel shares. */
#include "kernel.h"

#include <stdio.h>
#include <string.h>

extern const struct kernel_backend backend_cpu;
extern const struct kernel_backend backend_openblas;
extern const struct kernel_backend backend_cublas;
extern const struct kernel_backend backend_cuda;
extern const struct kernel_backend backend_torch;
extern const struct kernel_backend backend_torch_cuda;
extern const struct kernel_backend backend_cupy;
extern const struct kernel_backend backend_numpy;

volatile sig_atomic_t kernel_interrupted = 0;

static const struct kernel_backend *const all_backends[] = {
    &backend_cpu,   &backend_openblas,   &backend_cublas, &backend_cuda,
    &backend_torch, &backend_torch_cuda, &backend_cupy,   &backend_numpy, NULL,
};

const struct kernel_backend *const *kernel_backends(void)
{
    return all_backends;
}

const struct kernel_backend *kernel_backend_find(const char *name)
{
    for (int i = 0; all_backends[i]; i++)
        if (strcmp(all_backends[i]->name, name) == 0)
            return all_backends[i];
    return NULL;
}

/* 1 if b's impl rows can be read: a worker backend's once its worker has
 * said hello (started here on first need), every other backend's always. */
static int impls_known(const struct kernel_backend *b, char *reason)
{
    return !b->worker || b->available(reason);
}

const struct kernel_impl *kernel_impl_at(const struct kernel_backend *b, int op, int k)
{
    char reason[KERNEL_ERR_LEN];
    const char *name = kernel_op(op) ? kernel_op_name(op) : NULL;
    if (!name || !impls_known(b, reason))
        return NULL;
    for (const struct kernel_impl *i = b->impls; i && i->op; i++)
        if (strcmp(i->op, name) == 0 && k-- == 0)
            return i;
    return NULL;
}

const struct kernel_impl *kernel_impl_find(const struct kernel_backend *b, int op, const char *name)
{
    const struct kernel_impl *i;
    for (int k = 0; (i = kernel_impl_at(b, op, k)); k++)
        if (strcmp(i->name, name) == 0)
            return i;
    return NULL;
}

int kernel_impl_serves(const struct kernel_backend *b, const struct kernel_impl *i, enum kernel_dtype d)
{
    return (unsigned)d < DTYPE_COUNT && (!b->worker || (i->flags & KERNEL_SERVES_DTYPE(d)));
}

/* "f32,f64": the dtypes impl row i of b serves, into buf. */
static const char *served_dtypes(const struct kernel_backend *b, const struct kernel_impl *i,
                                 char *buf, size_t len)
{
    size_t used = 0;
    buf[0] = '\0';
    for (int d = 0; d < DTYPE_COUNT && used < len; d++)
        if (kernel_impl_serves(b, i, (enum kernel_dtype)d))
            used += (size_t)snprintf(buf + used, len - used, "%s%s", used ? "," : "",
                                     kernel_dtype_name((enum kernel_dtype)d));
    return buf;
}

const struct kernel_impl *kernel_impl_lookup(const struct kernel_backend *b,
                                             const struct kernel_point *p, char *err)
{
    char reason[KERNEL_ERR_LEN], dtypes[32];
    if (!impls_known(b, reason)) {
        snprintf(err, KERNEL_ERR_LEN, "backend %s is not available: %.400s", b->name, reason);
        return NULL;
    }
    if (!kernel_impl_at(b, p->op, 0)) {
        snprintf(err, KERNEL_ERR_LEN, "backend %s does not serve op %s", b->name,
                 kernel_op_name(p->op));
        return NULL;
    }
    const struct kernel_impl *i = p->impl ? kernel_impl_find(b, p->op, p->impl)
                                          : kernel_impl_at(b, p->op, 0);
    if (!i) {
        snprintf(err, KERNEL_ERR_LEN, "backend %s has no impl '%s' for op %s", b->name, p->impl,
                 kernel_op_name(p->op));
        return NULL;
    }
    if (!kernel_impl_serves(b, i, p->dtype)) {
        snprintf(err, KERNEL_ERR_LEN, "backend %s: impl '%s' of op %s serves %s, not %s", b->name,
                 i->name, kernel_op_name(p->op), served_dtypes(b, i, dtypes, sizeof dtypes),
                 kernel_dtype_name(p->dtype));
        return NULL;
    }
    return i;
}

double kernel_point_bytes(const struct kernel_backend *b, const struct kernel_point *p)
{
    char err[KERNEL_ERR_LEN];
    const struct kernel_impl *i = kernel_impl_lookup(b, p, err);
    return i ? kernel_bytes(p, i->traffic) : 0.0;
}

const char *kernel_dtype_name(enum kernel_dtype dtype)
{
    static const char *const names[DTYPE_COUNT] = { "f32", "f64" };
    return (unsigned)dtype < DTYPE_COUNT ? names[dtype] : "?";
}

size_t kernel_dtype_size(enum kernel_dtype dtype)
{
    return dtype == DTYPE_F64 ? sizeof(double) : sizeof(float);
}

int kernel_check_point(const struct kernel_point *p, char *err)
{
    const struct kernel_op_def *op = kernel_op(p->op);
    if (!op || (unsigned)p->dtype >= DTYPE_COUNT) {
        snprintf(err, KERNEL_ERR_LEN, "unknown op %d or dtype %d", p->op, (int)p->dtype);
        return KERNEL_ERROR;
    }
    if (p->n < 1) {
        snprintf(err, KERNEL_ERR_LEN, "n must be at least 1, got %ld", p->n);
        return KERNEL_ERROR;
    }
    if (op->axis && p->axis != 0 && p->axis != 1) {
        snprintf(err, KERNEL_ERR_LEN, "%s axis must be 0 or 1, got %d", op->name, p->axis);
        return KERNEL_ERROR;
    }
    return KERNEL_OK;
}
