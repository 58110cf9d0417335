/* cublas_backend.cu: the backend that calls cuBLAS as CuPy and PyTorch do.
 * copy: cudaMemcpyAsync device to device.
 * matvec: our row-major A is, to column-major cuBLAS, A^T with lda = n, so
 *   y = A x is gemv with CUBLAS_OP_T ("gemv"), or gemm with one column
 *   ("gemm"), as cupy.matmul and torch.mm call it for a matrix and a vector.
 * outer_sum: gemm with k = 1 writes Q, then our reduction (reduce.cu). Q is
 *   row-major, Q[i][j] = x_i y_j; cuBLAS sees the same bytes as the
 *   column-major Q^T = y x^T, an n x 1 times a 1 x n product.
 * The handle runs on the state's stream with its own workspace, so that a
 * batch can be captured as a CUDA graph. Default math mode: no TF32. */
#include <stdio.h>

#include "gpu_common.cuh"
#include "gpu_impls.h"
#include "reduce.cuh"

/* cuBLAS by element type. */
static cublasStatus_t blas_gemv(cublasHandle_t h, cublasOperation_t op, int m, int n,
                                const float *alpha, const float *a, int lda, const float *x,
                                int incx, const float *beta, float *y, int incy)
{
    return cublasSgemv(h, op, m, n, alpha, a, lda, x, incx, beta, y, incy);
}
static cublasStatus_t blas_gemv(cublasHandle_t h, cublasOperation_t op, int m, int n,
                                const double *alpha, const double *a, int lda, const double *x,
                                int incx, const double *beta, double *y, int incy)
{
    return cublasDgemv(h, op, m, n, alpha, a, lda, x, incx, beta, y, incy);
}
static cublasStatus_t blas_gemm(cublasHandle_t h, cublasOperation_t ta, cublasOperation_t tb, int m,
                                int n, int k, const float *alpha, const float *a, int lda,
                                const float *b, int ldb, const float *beta, float *c, int ldc)
{
    return cublasSgemm(h, ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}
static cublasStatus_t blas_gemm(cublasHandle_t h, cublasOperation_t ta, cublasOperation_t tb, int m,
                                int n, int k, const double *alpha, const double *a, int lda,
                                const double *b, int ldb, const double *beta, double *c, int ldc)
{
    return cublasDgemm(h, ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}

static int call_memcpy(struct gpu_state *st, char *err)
{
    const size_t bytes = (size_t)st->n * (size_t)st->n * st->elem;
    GPU_CHECK(cudaMemcpyAsync(st->out, st->a, bytes, cudaMemcpyDeviceToDevice, st->stream));
    return KERNEL_OK;
}

/* y = A x: y = op(A_cm) x with op = T, A_cm the n x n column-major view. */
template <typename T>
static int call_gemv(struct gpu_state *st, char *err)
{
    const int n = (int)st->n;
    const T one = 1, zero = 0;
    CUBLAS_CHECK(blas_gemv(st->blas, CUBLAS_OP_T, n, n, &one, (const T *)st->a, n,
                           (const T *)st->x, 1, &zero, (T *)st->out, 1));
    return KERNEL_OK;
}

/* y (n x 1) = op(A_cm) (n x n, op = T) times x (n x 1): m = n, n = 1, k = n. */
template <typename T>
static int call_gemm_matvec(struct gpu_state *st, char *err)
{
    const int n = (int)st->n;
    const T one = 1, zero = 0;
    CUBLAS_CHECK(blas_gemm(st->blas, CUBLAS_OP_T, CUBLAS_OP_N, n, 1, n, &one, (const T *)st->a, n,
                           (const T *)st->x, n, &zero, (T *)st->out, n));
    return KERNEL_OK;
}

/* Q_cm (n x n, ldc = n) = y (n x 1, lda = n) times x^T (1 x n, ldb = 1):
 * Q_cm[j][i] = y_j x_i, which is row-major Q[i][j] = x_i y_j. Then the sums. */
template <typename T>
static int call_gemm_outer(struct gpu_state *st, char *err)
{
    const int n = (int)st->n;
    const T one = 1, zero = 0;
    CUBLAS_CHECK(blas_gemm(st->blas, CUBLAS_OP_N, CUBLAS_OP_N, n, n, 1, &one, (const T *)st->y, n,
                           (const T *)st->x, 1, &zero, (T *)st->q, n));
    GPU_CHECK(reduce_launch<T>((const T *)st->q, (T *)st->out, st->n, st->point.axis, st->stream));
    return KERNEL_OK;
}


extern "C" const struct kernel_backend backend_cublas;

#define CALLS(f32, f64) { KERNEL_FN(f32), KERNEL_FN(f64) }
static const struct kernel_impl blas_impls[] = { CUBLAS_IMPLS }; /* gpu_impls.h */

/* The call for p, or NULL with why in err. */
static gpu_call_fn blas_call(const struct kernel_point *p, char *err)
{
    const struct kernel_impl *impl = kernel_impl_lookup(&backend_cublas, p, err);
    if (impl && (unsigned)p->dtype >= DTYPE_COUNT)
        snprintf(err, KERNEL_ERR_LEN, "unknown dtype %d", (int)p->dtype);
    return impl && (unsigned)p->dtype < DTYPE_COUNT ? (gpu_call_fn)impl->calls[p->dtype] : NULL;
}

static int blas_memory(const struct kernel_point *p, struct kernel_memory *m, char *err)
{
    if (!blas_call(p, err))
        return KERNEL_ERROR;
    return gpu_memory(&backend_cublas, p, 1, m, err);
}

static int blas_setup(const struct kernel_point *p, void **state, char *err)
{
    *state = NULL;
    gpu_call_fn call = blas_call(p, err);
    if (!call)
        return KERNEL_ERROR;
    return gpu_setup(&backend_cublas, p, call, 1, state, err);
}

static void blas_describe(const struct kernel_point *p, kernel_fact_fn fact, void *ctx)
{
    gpu_describe(p, fact, ctx);
    fact(ctx, "cublas_math_mode", "CUBLAS_DEFAULT_MATH");
}

extern "C" const struct kernel_backend backend_cublas = {
    "cublas",
    "cuBLAS",
    "cuBLAS gemv/gemm (as CuPy and PyTorch call it) with our reductions",
    blas_impls,
    gpu_available,
    blas_memory,
    blas_setup,
    gpu_verify,
    gpu_run,
    gpu_teardown,
    blas_describe,
    1, /* gpu */
    0, /* worker */
};
