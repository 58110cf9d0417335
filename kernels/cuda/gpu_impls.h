/* gpu_impls.h: the impls of the two GPU backends, each list once. Their CUDA
 * files index their call tables in this order; cuda_none.c lists the same
 * names in a build without nvcc, so that scripts naming them still check,
 * `optional` experiments skip them, and their recorded results are read. */
#ifndef FLOPBENCH_GPU_IMPLS_H
#define FLOPBENCH_GPU_IMPLS_H

#include <stddef.h>

static const char *const cublas_copy_impls[] = { "memcpy", NULL };
static const char *const cublas_matvec_impls[] = { "gemv", "gemm", NULL };
static const char *const cublas_outer_impls[] = { "gemm", NULL };

static const char *const cuda_copy_impls[] = { "kernel", "memcpy", NULL };
static const char *const cuda_matvec_impls[] = { "rowdot", NULL };
static const char *const cuda_outer_impls[] = { "materialized", "fused", "fused_simt", NULL };

#endif
