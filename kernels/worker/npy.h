/* npy.h: arrays in NumPy's .npy format (version 1.0), the form in which the
 * runner hands inputs to a worker and takes its output back. Only what the
 * protocol uses: little-endian float32 or float64, C order. */
#ifndef FLOPBENCH_NPY_H
#define FLOPBENCH_NPY_H

#include <stddef.h>

#include "kernel.h"

/* A .npy file created new (or made over, npy_map_reshape) and mapped
 * shared, so that the runner and a worker see the same memory: data is its
 * count elements. */
struct npy_map {
    void *base;   /* the mapping of the whole file (NULL: none) */
    size_t length;
    void *data;   /* base + the header's length */
    int fd;       /* the file, open while base is mapped */
};

/* Creates path new (O_EXCL, never through a symlink) as a version 1.0
 * array of dtype and shape (rows,) or (rows, cols), C order, its room
 * allocated and its elements uninitialised, and maps it shared into *m.
 * Returns 0, or the errno value (ENOSPC: the file system is full) with why
 * in err, the file then removed. */
int npy_map_create(const char *path, enum kernel_dtype dtype, size_t rows, size_t cols,
                   struct npy_map *m, char *err, size_t errlen);
/* Makes m's file (named path, for messages) exactly a version 1.0 array
 * of dtype and shape (rows,) or (rows, cols), C order: the header
 * rewritten, the length grown with posix_fallocate (a full file system is
 * ENOSPC here, not a SIGBUS when the mapping is written) or cut with
 * ftruncate, and the file mapped again if its length changed. A file of
 * unchanged length keeps its mapping and its pages. The elements are
 * unspecified. Returns 0, or the errno value with why in err, m then
 * released and its file left for the caller to remove. */
int npy_map_reshape(struct npy_map *m, const char *path, enum kernel_dtype dtype, size_t rows,
                    size_t cols, char *err, size_t errlen);
/* 0 if m's file still has the length it was made with (reading a mapping
 * past a truncated file's end is a SIGBUS); else -1 and why, naming path. */
int npy_map_intact(const struct npy_map *m, const char *path, char *err, size_t errlen);
/* Unmaps and closes m (nothing for what it does not hold). */
void npy_map_release(struct npy_map *m);

/* Reads a float array of dtype and exactly count elements (any shape whose
 * product is count) from path into out. A file of another dtype, byte
 * order, order, element count or length is refused with why in err.
 * Returns 0 or -1. */
int npy_read(const char *path, enum kernel_dtype dtype, void *out, size_t count, char *err,
             size_t errlen);

#endif
