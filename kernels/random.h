/* random.h: reproducible uniform [0, 1) inputs, as the article's rand(). */
#ifndef FLOPBENCH_RANDOM_H
#define FLOPBENCH_RANDOM_H

#include <stddef.h>
#include <stdint.h>

#include "kernel.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Which input an array is; each draws its own stream from the point's seed. */
enum random_stream { STREAM_MATRIX = 1, STREAM_X = 2, STREAM_Y = 3 };

/* Fills count elements of dtype with uniform [0, 1) values, a function of
 * (seed, stream) alone. */
void random_fill(void *buf, enum kernel_dtype dtype, size_t count, uint64_t seed,
                 enum random_stream stream);

#ifdef __cplusplus
}
#endif
#endif
