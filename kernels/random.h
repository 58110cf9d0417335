/* random.h: reproducible inputs: magnitudes uniform in [0.5, 1), signs
 * random. (The article draws rand(), [0, 1); the values do not change a
 * call's time, and these make the check sharp: every term of a sum is at
 * least a quarter in size, and the terms' signs keep each sum's rounding
 * small beside the sum of their magnitudes, so one missing term shows.) */
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

/* Fills count elements of dtype with values of magnitude uniform in
 * [0.5, 1) and random sign, a function of (seed, stream) alone. */
void random_fill(void *buf, enum kernel_dtype dtype, size_t count, uint64_t seed,
                 enum random_stream stream);
/* Elements first .. first + count - 1 of the same array (so a test can draw
 * one row of a matrix too big to hold). */
void random_fill_from(void *buf, enum kernel_dtype dtype, size_t first, size_t count, uint64_t seed,
                      enum random_stream stream);

#ifdef __cplusplus
}
#endif
#endif
