/* npy.h: arrays in NumPy's .npy format (version 1.0), the form in which the
 * runner hands inputs to a worker and takes its output back. Only what the
 * protocol uses: little-endian float32 or float64, C order. */
#ifndef FLOPBENCH_NPY_H
#define FLOPBENCH_NPY_H

#include <stddef.h>

#include "kernel.h"

/* Writes count elements of dtype at data to path as an array of shape
 * (rows,) when cols is 0, else (rows, cols); rows * (cols or 1) must be
 * count. The file is created new (O_EXCL, never through a symlink); it is
 * a hand-over, not a record, so it is not synced. Returns 0, or -1 with the
 * reason (errno text) in err. */
int npy_write(const char *path, enum kernel_dtype dtype, const void *data, size_t rows,
              size_t cols, char *err, size_t errlen);

/* A .npy file created new and mapped shared, so that the runner and a
 * worker see the same memory: data is its count elements. */
struct npy_map {
    void *base;   /* the mapping of the whole file (NULL: none) */
    size_t length;
    void *data;   /* base + the header's length */
};

/* Creates path new (O_EXCL, never through a symlink) as an array of dtype
 * and shape (rows,) or (rows, cols) as npy_write does, with its elements
 * uninitialised, and maps it shared into *m. Returns 0, or -1 with why in
 * err (the file then removed). */
int npy_map_create(const char *path, enum kernel_dtype dtype, size_t rows, size_t cols,
                   struct npy_map *m, char *err, size_t errlen);
/* Unmaps m (nothing if it holds no mapping). */
void npy_map_release(struct npy_map *m);

/* Reads a float array of dtype and exactly count elements (any shape whose
 * product is count) from path into out. A file of another dtype, byte
 * order, order, element count or length is refused with why in err.
 * Returns 0 or -1. */
int npy_read(const char *path, enum kernel_dtype dtype, void *out, size_t count, char *err,
             size_t errlen);

#endif
