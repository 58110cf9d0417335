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

int kernel_impl_index(const struct kernel_backend *b, enum kernel_op op, const char *name)
{
    const char *const *impls = b->impls[op];
    for (int i = 0; impls && impls[i]; i++)
        if (strcmp(impls[i], name) == 0)
            return i;
    return -1;
}

int kernel_impl_lookup(const struct kernel_backend *b, const struct kernel_point *p, char *err)
{
    if ((unsigned)p->op >= OP_COUNT || !b->impls[p->op]) {
        snprintf(err, KERNEL_ERR_LEN, "backend %s does not serve op %s", b->name,
                 kernel_op_name(p->op));
        return -1;
    }
    int k = p->impl ? kernel_impl_index(b, p->op, p->impl) : 0;
    if (k < 0)
        snprintf(err, KERNEL_ERR_LEN, "backend %s has no impl '%s' for op %s", b->name, p->impl,
                 kernel_op_name(p->op));
    return k;
}

const char *kernel_op_name(enum kernel_op op)
{
    static const char *const names[OP_COUNT] = { "copy", "matvec", "outer_sum" };
    return (unsigned)op < OP_COUNT ? names[op] : "?";
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
    if ((unsigned)p->op >= OP_COUNT || (unsigned)p->dtype >= DTYPE_COUNT) {
        snprintf(err, KERNEL_ERR_LEN, "unknown op %d or dtype %d", (int)p->op, (int)p->dtype);
        return KERNEL_ERROR;
    }
    if (p->n < 1) {
        snprintf(err, KERNEL_ERR_LEN, "n must be at least 1, got %ld", p->n);
        return KERNEL_ERROR;
    }
    if (p->op == OP_OUTER_SUM && p->axis != 0 && p->axis != 1) {
        snprintf(err, KERNEL_ERR_LEN, "outer_sum axis must be 0 or 1, got %d", p->axis);
        return KERNEL_ERROR;
    }
    return KERNEL_OK;
}

int kernel_impl_is_fused(const char *impl)
{
    return impl && strstr(impl, "fused") != NULL;
}

double kernel_flops(const struct kernel_point *p)
{
    double n = (double)p->n;
    return p->op == OP_COPY ? 0.0 : 2.0 * n * n - n;
}

double kernel_bytes(const struct kernel_point *p)
{
    double n = (double)p->n, s = (double)kernel_dtype_size(p->dtype);
    switch (p->op) {
    case OP_COPY:
        return 2.0 * s * n * n;
    case OP_MATVEC:
        return s * (n * n + 2.0 * n);
    case OP_OUTER_SUM:
        return kernel_impl_is_fused(p->impl) ? 3.0 * s * n : s * (2.0 * n * n + 3.0 * n);
    default:
        return 0.0;
    }
}
