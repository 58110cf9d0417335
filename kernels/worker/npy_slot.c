/* npy_slot.c: reusable .npy files, made over for each borrower
 * (npy_map_reshape) and lent to a worker by renaming. */
#define _POSIX_C_SOURCE 200809L
#include "npy_slot.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

void npy_slot_init(struct npy_slot *s, const char *path)
{
    memset(s, 0, sizeof *s);
    s->map.fd = -1;
    snprintf(s->path, sizeof s->path, "%s", path);
}

int npy_slot_take(struct npy_slot *s, enum kernel_dtype dtype, size_t rows, size_t cols,
                  char *err, size_t errlen)
{
    if (s->busy)
        return snprintf(err, errlen, "%s is borrowed already", s->path), EBUSY;
    int e = s->map.base ? npy_map_reshape(&s->map, s->path, dtype, rows, cols, err, errlen)
                        : npy_map_create(s->path, dtype, rows, cols, &s->map, err, errlen);
    if (e) {
        npy_slot_drop(s);
        return e;
    }
    s->busy = 1;
    return 0;
}

int npy_slot_lend(struct npy_slot *s, const char *name, char *err, size_t errlen)
{
    if (!s->busy || s->lent[0])
        return snprintf(err, errlen, "%s is not borrowed, or lent already", s->path), -1;
    if (rename(s->path, name) != 0) {
        int e = errno;
        s->stale = 1; /* its file may be gone: made afresh at the next take */
        return snprintf(err, errlen, "cannot rename %s to %s: %s", s->path, name, strerror(e)), -1;
    }
    snprintf(s->lent, sizeof s->lent, "%s", name);
    return 0;
}

/* 1 if path names the file open as fd (not through a symlink). */
static int same_file(const char *path, int fd)
{
    struct stat at, own;
    return lstat(path, &at) == 0 && fstat(fd, &own) == 0 && at.st_dev == own.st_dev &&
           at.st_ino == own.st_ino;
}

void npy_slot_back(struct npy_slot *s)
{
    if (!s->lent[0])
        return;
    if (!same_file(s->lent, s->map.fd) || rename(s->lent, s->path) != 0) {
        /* Whatever is there goes (nothing, if the name is gone); the slot's
         * own file is then unnamed, or named where it is not to stay. */
        unlink(s->lent);
        s->stale = 1;
    }
    s->lent[0] = '\0';
}

void npy_slot_give(struct npy_slot *s)
{
    char why[256];
    npy_slot_back(s);
    s->busy = 0;
    if (s->stale || !s->map.base || npy_map_intact(&s->map, s->path, why, sizeof why) != 0)
        npy_slot_drop(s);
}

void npy_slot_drop(struct npy_slot *s)
{
    if (s->busy) {
        s->stale = 1;
        return;
    }
    /* A file that cannot be removed (or is gone already: a stale slot's)
     * is no error here: the next take's O_EXCL create names it, and the
     * worker's folder goes at exit. */
    if (s->path[0])
        unlink(s->path);
    npy_map_release(&s->map);
    s->stale = 0;
}
