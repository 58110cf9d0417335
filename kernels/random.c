/* random.c: splitmix64, a small counter-based generator, so that every
 * array is reproducible from (seed, stream) and cheap to draw. */
#include "random.h"

#include "parallel.h"

static uint64_t splitmix64(uint64_t x)
{
    x += 0x9e3779b97f4a7c15ull;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
    return x ^ (x >> 31);
}

struct fill {
    void *buf;
    enum kernel_dtype dtype;
    uint64_t base;
};

/* Fills elements [begin, end): element i depends on (base, i) alone, so any
 * split over threads gives the same array. */
static void fill_range(void *ctx, long begin, long end)
{
    const struct fill *f = ctx;
    const double scale = 1.0 / 9007199254740992.0; /* 2^-53 */
    if (f->dtype == DTYPE_F64) {
        double *d = f->buf;
        for (long i = begin; i < end; i++)
            d[i] = (double)(splitmix64(f->base + (uint64_t)i) >> 11) * scale;
    } else {
        float *v = f->buf;
        for (long i = begin; i < end; i++)
            v[i] = (float)((double)(splitmix64(f->base + (uint64_t)i) >> 40) * (1.0 / 16777216.0));
    }
}

void random_fill(void *buf, enum kernel_dtype dtype, size_t count, uint64_t seed,
                 enum random_stream stream)
{
    struct fill f = { buf, dtype, splitmix64(seed ^ splitmix64((uint64_t)stream)) };
    parallel_for((long)count, 1L << 16, 0, fill_range, &f);
}
