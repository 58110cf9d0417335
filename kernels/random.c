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
    uint64_t base, first;
};

/* Fills elements [begin, end): element i depends on (base, first + i)
 * alone, so any split over threads gives the same array. A value is
 * 0.5 + (52 or 23 random bits) * 2^-53 or 2^-24 (exact in its dtype), its
 * sign from the lowest bit. */
static void fill_range(void *ctx, long begin, long end)
{
    const struct fill *f = ctx;
    for (long i = begin; i < end; i++) {
        uint64_t r = splitmix64(f->base + f->first + (uint64_t)i);
        double sign = (r & 1) ? -1.0 : 1.0;
        if (f->dtype == DTYPE_F64)
            ((double *)f->buf)[i] = sign * (0.5 + (double)(r >> 12) * 0x1p-53);
        else
            ((float *)f->buf)[i] = (float)(sign * (0.5 + (double)(r >> 41) * 0x1p-24));
    }
}

void random_fill(void *buf, enum kernel_dtype dtype, size_t count, uint64_t seed,
                 enum random_stream stream)
{
    random_fill_from(buf, dtype, 0, count, seed, stream);
}

void random_fill_from(void *buf, enum kernel_dtype dtype, size_t first, size_t count, uint64_t seed,
                      enum random_stream stream)
{
    struct fill f = { buf, dtype, splitmix64(seed ^ splitmix64((uint64_t)stream)), first };
    parallel_for((long)count, 1L << 16, 0, fill_range, &f);
}
