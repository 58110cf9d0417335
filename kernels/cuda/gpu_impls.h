/* gpu_impls.h: the impl rows of the two GPU backends, each written once.
 * CALLS(f32, f64) makes a row's calls: the CUDA files define it as their
 * functions, cuda_none.c as none, so that a build without nvcc declares the
 * same catalogue: scripts naming these impls still check, `optional`
 * experiments skip them, and their recorded results are read. A template
 * with two arguments goes in parentheses. */
#ifndef FLOPBENCH_GPU_IMPLS_H
#define FLOPBENCH_GPU_IMPLS_H

#include "kernel.h"

#define GPU_END { NULL, NULL, TRAFFIC_MATERIALISED, { NULL, NULL }, 0 }

#define CUBLAS_IMPLS                                                                          \
    { "copy", "memcpy", TRAFFIC_MATERIALISED, CALLS(call_memcpy, call_memcpy), 0 },           \
    { "matvec", "gemv", TRAFFIC_MATERIALISED, CALLS(call_gemv<float>, call_gemv<double>), 0 }, \
    { "matvec", "gemm", TRAFFIC_MATERIALISED,                                                 \
      CALLS(call_gemm_matvec<float>, call_gemm_matvec<double>), 0 },                          \
    { "outer_sum", "gemm", TRAFFIC_MATERIALISED,                                              \
      CALLS(call_gemm_outer<float>, call_gemm_outer<double>), 0 },                            \
    GPU_END

#define CUDA_IMPLS                                                                            \
    { "copy", "kernel", TRAFFIC_MATERIALISED,                                                 \
      CALLS(call_copy_kernel<float>, call_copy_kernel<double>), 0 },                          \
    { "copy", "memcpy", TRAFFIC_MATERIALISED, CALLS(call_copy_memcpy, call_copy_memcpy), 0 }, \
    { "matvec", "rowdot", TRAFFIC_MATERIALISED, CALLS(call_rowdot<float>, call_rowdot<double>), \
      0 },                                                                                    \
    { "outer_sum", "materialized", TRAFFIC_MATERIALISED,                                      \
      CALLS(call_materialized<float>, call_materialized<double>), 0 },                        \
    { "outer_sum", "fused", TRAFFIC_FUSED,                                                    \
      CALLS((call_fused<float, FUSED_TENSOR>), (call_fused<double, FUSED_TENSOR>)), 0 },      \
    { "outer_sum", "fused_simt", TRAFFIC_FUSED,                                               \
      CALLS((call_fused<float, FUSED_SIMT>), (call_fused<double, FUSED_SIMT>)), 0 },          \
    GPU_END

#endif
