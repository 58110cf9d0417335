/* npy_slot.h: a reusable .npy file. A worker keeps one for each array a
 * point hands over (an input or the output, in one dtype); each point
 * borrows it, made exactly its array's length (a file of unchanged length
 * keeps its pages), and lends it to the worker under the protocol's name
 * for the length of a request. One borrower at a time. */
#ifndef FLOPBENCH_NPY_SLOT_H
#define FLOPBENCH_NPY_SLOT_H

#include <limits.h>

#include "kernel.h"
#include "npy.h"

#define NPY_SLOT_PATH (PATH_MAX + 64)

struct npy_slot {
    char path[NPY_SLOT_PATH]; /* where its file rests between lends ("": not set up) */
    char lent[NPY_SLOT_PATH]; /* the name it is lent under ("": at rest) */
    struct npy_map map;       /* its file, mapped (base NULL: none yet, made at the next take) */
    int busy;                 /* 1 from npy_slot_take to npy_slot_give */
    int stale;                /* 1: dropped when given back, not used again */
};

/* A slot with no file yet, resting at path. */
void npy_slot_init(struct npy_slot *s, const char *path);
/* Borrows a free slot: its file made (or made over) exactly an array of
 * dtype and shape (rows,) or (rows, cols) (npy_map_reshape), mapped at
 * s->map.data, its elements unspecified. Returns 0; EBUSY if it is
 * borrowed; or the errno value (ENOSPC: the file system is full) with why
 * in err, the slot then dropped and free. */
int npy_slot_take(struct npy_slot *s, enum kernel_dtype dtype, size_t rows, size_t cols,
                  char *err, size_t errlen);
/* Renames a borrowed slot's file to name until npy_slot_back. Returns 0,
 * or -1 with why in err: the slot is then stale (its file may be gone),
 * dropped when given back and made afresh at the next take. */
int npy_slot_lend(struct npy_slot *s, const char *name, char *err, size_t errlen);
/* Ends a lend (nothing if none): the file at the lent name, if it is the
 * slot's own, goes back to rest; anything else there (a file the borrower
 * put in its place) is removed, and the slot is stale. The mapping stays
 * the borrower's either way. */
void npy_slot_back(struct npy_slot *s);
/* Ends a borrow, and a lend if one is on: the slot is free, its file kept
 * for the next take, unless it is stale or its length is no longer the one
 * it was made with (someone truncated it): then it is dropped. */
void npy_slot_give(struct npy_slot *s);
/* Drops a free slot: its file unmapped and removed, made afresh at the
 * next take. A borrowed one is only marked stale: its borrower's mapping
 * stays until npy_slot_give. */
void npy_slot_drop(struct npy_slot *s);

#endif
