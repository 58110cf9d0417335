/* host.h: facts of the host every backend needs: a clock and free memory. */
#ifndef FLOPBENCH_HOST_H
#define FLOPBENCH_HOST_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Seconds from a monotonic clock. */
double host_clock_seconds(void);
/* Bytes of memory available to a new allocation (MemAvailable); 0 if unknown. */
size_t host_memory_free(void);

#ifdef __cplusplus
}
#endif
#endif
