/* random.c: splitmix64, a small counter-based generator, so that every
 * array is reproducible from (seed, stream) and cheap to draw. */
#include "random.h"

static uint64_t splitmix64(uint64_t x)
{
    x += 0x9e3779b97f4a7c15ull;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
    return x ^ (x >> 31);
}

void random_fill(void *buf, enum kernel_dtype dtype, size_t count, uint64_t seed,
                 enum random_stream stream)
{
    uint64_t base = splitmix64(seed ^ splitmix64((uint64_t)stream));
    const double scale = 1.0 / 9007199254740992.0; /* 2^-53 */
    if (dtype == DTYPE_F64) {
        double *d = buf;
        for (size_t i = 0; i < count; i++)
            d[i] = (double)(splitmix64(base + i) >> 11) * scale;
    } else {
        float *f = buf;
        for (size_t i = 0; i < count; i++)
            f[i] = (float)((double)(splitmix64(base + i) >> 40) * (1.0 / 16777216.0));
    }
}
