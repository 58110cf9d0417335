/* fused.cuh: outer_sum without the n x n matrix. Every product x_i y_j is
 * formed in registers (or in the tensor cores' registers) and accumulated;
 * the algebraic shortcut y_j * sum(x) is never taken. */
#ifndef FLOPBENCH_FUSED_CUH
#define FLOPBENCH_FUSED_CUH

#include <cuda_runtime.h>

/* How the products are formed. */
enum fused_unit {
    FUSED_TENSOR, /* f64: DMMA (mma.m16n8k8.f64, sm_90), IEEE products and sums;
                   * f32: TF32 products three times on hi/lo halves (the
                   * "3xTF32" split: float32 accuracy), by wgmma where the
                   * build has sm_90a code for this GPU, else by mma.sync */
    FUSED_SIMT,   /* FFMA / DFMA on the CUDA cores */
};

/* out = the axis sums of x y^T: axis 0 out[j] = sum_i x_i y_j, axis 1
 * out[i] = sum_j x_i y_j. One launch, no scratch, deterministic. */
cudaError_t fused_launch(const float *x, const float *y, float *out, long n, int axis,
                         enum fused_unit unit, cudaStream_t stream);
cudaError_t fused_launch(const double *x, const double *y, double *out, long n, int axis,
                         enum fused_unit unit, cudaStream_t stream);

/* How f32 FUSED_TENSOR forms its products on this GPU (for provenance). */
const char *fused_f32_tensor_path(void);

/* For the tests: 0 makes f32 FUSED_TENSOR use its mma.sync kernel (what a
 * GPU without sm_90a code runs) where it would use wgmma; 1 undoes it. */
extern "C" void fused_allow_wgmma(int on);

#endif
