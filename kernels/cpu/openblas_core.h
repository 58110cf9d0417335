/* openblas_core.h: whether the core OpenBLAS chose at load fits the CPU it
 * runs on (OpenBLAS 0.3.21 picks "Prescott", SSE3 kernels, for an AVX-512
 * Xeon it does not know unless OPENBLAS_CORETYPE is set). */
#ifndef FLOPBENCH_OPENBLAS_CORE_H
#define FLOPBENCH_OPENBLAS_CORE_H

#include <stddef.h>

/* Writes into out (len bytes) "yes: CORE (ISA) on a CPU with ISA" or "no:
 * ..." naming a core that would fit, from the core's name and the CPU's
 * flags (the "flags" line of /proc/cpuinfo, space-separated). Returns 1 if
 * it fits, 0 if not, -1 if the core is unknown here ("unknown: ..."). */
int openblas_core_fits(const char *core, const char *cpu_flags, char *out, size_t len);
/* The "flags" line of /proc/cpuinfo into buf (len bytes); "" if none. */
void openblas_cpu_flags(char *buf, size_t len);

#endif
