/* test_openblas_core.c: whether OpenBLAS's core fits the CPU, on the cases
 * that matter: Prescott on an AVX-512 Xeon (what OpenBLAS 0.3.21 picks
 * without OPENBLAS_CORETYPE), Haswell on AVX2, SkylakeX on AVX-512, an
 * unknown core. */
#include <string.h>

#include "check.h"
#include "cpu/openblas_core.h"

int main(void)
{
    const char *xeon = "fpu sse sse2 ssse3 avx fma avx2 avx512f avx512dq avx512bw\n";
    const char *epyc = "fpu sse sse2 avx fma avx2 bmi2";
    char out[256];
    CHECK(openblas_core_fits("Prescott", xeon, out, sizeof out) == 0, "%s", out);
    CHECK(strcmp(out, "no: Prescott (SSE) on a CPU with AVX-512; OPENBLAS_CORETYPE=SkylakeX would fit") == 0, "%s", out);
    CHECK(openblas_core_fits("SkylakeX", xeon, out, sizeof out) == 1, "%s", out);
    CHECK(openblas_core_fits("Haswell", epyc, out, sizeof out) == 1, "%s", out);
    CHECK(strcmp(out, "yes: Haswell (AVX2) on a CPU with AVX2") == 0, "%s", out);
    CHECK(openblas_core_fits("Zen", epyc, out, sizeof out) == 1, "%s", out);
    CHECK(openblas_core_fits("Sandybridge", epyc, out, sizeof out) == 0, "%s", out);
    /* "avx512f" must be a whole word: "xavx512fy" is no flag */
    CHECK(openblas_core_fits("Haswell", "avx fma avx2 xavx512fy", out, sizeof out) == 1, "%s", out);
    CHECK(openblas_core_fits("Frobnicator", epyc, out, sizeof out) == -1, "%s", out);
    CHECK(strcmp(out, "unknown: core Frobnicator (the CPU has AVX2)") == 0, "%s", out);
    return check_report("openblas_core");
}
