/* test_npy_slot.c: a reused .npy file. npy_map_reshape makes a file over
 * up, down and at its own length, each time exactly the array NumPy would
 * write (read back strictly by npy_read) and the same file; at its own
 * length it keeps its mapping and its elements. A slot, taken again, is the
 * same file; lent and brought back it rests at its own name; one a borrower
 * replaced, truncated or dropped is not used again, and nothing of it is
 * left behind. */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "npy.h"
#include "npy_slot.h"

static char dir[256]; /* a private folder under $TMPDIR or /tmp */

static const char *in_dir(const char *name, char *buf, size_t len)
{
    snprintf(buf, len, "%s/%s", dir, name);
    return buf;
}

/* The inode of path, or 0 if there is none. */
static ino_t inode(const char *path)
{
    struct stat st;
    return lstat(path, &st) == 0 ? st.st_ino : 0;
}

static long long file_size(const char *path)
{
    struct stat st;
    return lstat(path, &st) == 0 ? (long long)st.st_size : -1;
}

/* path holds exactly an array of dtype and count elements (its header and
 * length, by the strict reader), which is m's mapping, of m's length;
 * element 0 of it is first. */
static void holds(const char *path, const struct npy_map *m, enum kernel_dtype dtype, size_t count,
                  double first, const char *what)
{
    char err[512] = "";
    size_t size = kernel_dtype_size(dtype);
    void *back = malloc(count * size);
    CHECK(back && npy_read(path, dtype, back, count, err, sizeof err) == 0, "%s: %s", what, err);
    CHECK(file_size(path) == (long long)m->length, "%s: the file is %lld bytes, the mapping %zu", what,
          file_size(path), m->length);
    CHECK((size_t)((char *)m->data - (char *)m->base) + count * size == m->length,
          "%s: header and elements make the length", what);
    double got = !back ? -1.0 : dtype == DTYPE_F64 ? ((double *)back)[0] : ((float *)back)[0];
    CHECK(got == first, "%s: element 0 is %g, want %g", what, got, first);
    free(back);
}

static void put(const struct npy_map *m, enum kernel_dtype dtype, size_t i, double v)
{
    if (dtype == DTYPE_F64)
        ((double *)m->data)[i] = v;
    else
        ((float *)m->data)[i] = (float)v;
}

/* Up from a vector to a matrix, in another dtype; down to a vector; at
 * the same length again. */
static void test_reshape(void)
{
    char path[4200], err[512] = "";
    struct npy_map m;
    in_dir("reshape.npy", path, sizeof path);
    CHECK(npy_map_create(path, DTYPE_F32, 10, 0, &m, err, sizeof err) == 0, "create: %s", err);
    ino_t made = inode(path);
    put(&m, DTYPE_F32, 0, 1.5);
    holds(path, &m, DTYPE_F32, 10, 1.5, "made (10,) f32");

    CHECK(npy_map_reshape(&m, path, DTYPE_F64, 300, 300, err, sizeof err) == 0, "up: %s", err);
    put(&m, DTYPE_F64, 0, 2.5);
    put(&m, DTYPE_F64, 300 * 300 - 1, 3.5);
    holds(path, &m, DTYPE_F64, 300 * 300, 2.5, "up to (300, 300) f64");
    CHECK(inode(path) == made, "up: the same file");
    CHECK(((double *)m.data)[300 * 300 - 1] == 3.5, "up: the last element is mapped");

    CHECK(npy_map_reshape(&m, path, DTYPE_F64, 7, 0, err, sizeof err) == 0, "down: %s", err);
    put(&m, DTYPE_F64, 0, 4.5);
    holds(path, &m, DTYPE_F64, 7, 4.5, "down to (7,) f64");
    CHECK(inode(path) == made, "down: the same file");

    void *base = m.base;
    put(&m, DTYPE_F64, 6, 5.5);
    CHECK(npy_map_reshape(&m, path, DTYPE_F64, 7, 0, err, sizeof err) == 0, "same: %s", err);
    holds(path, &m, DTYPE_F64, 7, 4.5, "again (7,) f64");
    CHECK(inode(path) == made && m.base == base, "same length: the same file and mapping");
    CHECK(((double *)m.data)[6] == 5.5, "same length: the elements are kept");

    /* (14,) f32 is the length of (7,) f64: the header says the new shape */
    CHECK(npy_map_reshape(&m, path, DTYPE_F32, 14, 0, err, sizeof err) == 0, "same length: %s", err);
    put(&m, DTYPE_F32, 0, 6.5);
    holds(path, &m, DTYPE_F32, 14, 6.5, "(14,) f32 over (7,) f64");
    CHECK(m.base == base, "(14,) f32 over (7,) f64: the same mapping");
    npy_map_release(&m);
    CHECK(unlink(path) == 0, "%s: %s", path, strerror(errno));

    struct npy_map none = { .fd = -1 };
    CHECK(npy_map_reshape(&none, path, DTYPE_F32, 4, 0, err, sizeof err) == EINVAL &&
          strstr(err, "reshape.npy is not mapped"), "a map that holds nothing is refused: %s", err);
}

/* Taken, lent under the protocol's name, brought back, given, taken again:
 * one file all along, at rest under its own name between lends. */
static void test_reuse(void)
{
    char path[4200], lent[4200], err[512] = "";
    struct npy_slot s;
    npy_slot_init(&s, in_dir("slot-a-f64.npy", path, sizeof path));
    in_dir("h1-a.npy", lent, sizeof lent);
    CHECK(npy_slot_take(&s, DTYPE_F64, 64, 64, err, sizeof err) == 0 && s.busy, "take: %s", err);
    ino_t made = inode(path);
    CHECK(made != 0, "the file rests at %s", path);
    CHECK(npy_slot_take(&s, DTYPE_F64, 64, 64, err, sizeof err) == EBUSY && strstr(err, "borrowed"),
          "a borrowed slot is not taken twice: %s", err);
    put(&s.map, DTYPE_F64, 0, 7.0);
    CHECK(npy_slot_lend(&s, lent, err, sizeof err) == 0, "lend: %s", err);
    CHECK(inode(lent) == made && inode(path) == 0, "lent: the file is at %s alone", lent);
    holds(lent, &s.map, DTYPE_F64, 64 * 64, 7.0, "lent (64, 64)");
    npy_slot_back(&s);
    CHECK(inode(path) == made && inode(lent) == 0, "back: the file is at %s alone", path);
    npy_slot_give(&s);
    CHECK(!s.busy && s.map.base && inode(path) == made, "given: free, the file kept");

    void *base = s.map.base;
    CHECK(npy_slot_take(&s, DTYPE_F64, 64, 64, err, sizeof err) == 0, "again: %s", err);
    CHECK(inode(path) == made && s.map.base == base && ((double *)s.map.data)[0] == 7.0,
          "the same length again: the same file, mapping and elements");
    npy_slot_give(&s);
    CHECK(npy_slot_take(&s, DTYPE_F64, 9, 0, err, sizeof err) == 0, "down: %s", err);
    put(&s.map, DTYPE_F64, 0, 8.0);
    holds(path, &s.map, DTYPE_F64, 9, 8.0, "the slot down to (9,)");
    CHECK(inode(path) == made, "down: the same file");
    npy_slot_give(&s); /* a give without a lend */
    CHECK(!s.busy && inode(path) == made, "given again, kept");
    npy_slot_drop(&s);
    CHECK(!s.map.base && inode(path) == 0, "dropped: unmapped and removed");
    CHECK(npy_slot_take(&s, DTYPE_F32, 5, 0, err, sizeof err) == 0 && inode(path) != 0,
          "a dropped slot is made afresh: %s", err);
    npy_slot_give(&s);
    npy_slot_drop(&s);
}

/* What a borrower did to the lent file decides whether the slot is kept. */
static void test_not_reused(void)
{
    char path[4200], lent[4200], err[512] = "";
    struct npy_slot s;
    npy_slot_init(&s, in_dir("slot-out-f32.npy", path, sizeof path));
    in_dir("h2-out.npy", lent, sizeof lent);

    /* replaced (a worker's np.save of a result of another dtype) */
    CHECK(npy_slot_take(&s, DTYPE_F32, 16, 0, err, sizeof err) == 0, "take: %s", err);
    CHECK(npy_slot_lend(&s, lent, err, sizeof err) == 0, "lend: %s", err);
    CHECK(unlink(lent) == 0, "unlink %s", lent);
    int fd = open(lent, O_WRONLY | O_CREAT | O_EXCL, 0600);
    CHECK(fd >= 0 && write(fd, "not the slot", 12) == 12 && close(fd) == 0, "a file of its own at %s", lent);
    put(&s.map, DTYPE_F32, 0, 1.0); /* the borrower's mapping stays valid */
    npy_slot_back(&s);
    CHECK(s.stale && inode(lent) == 0 && inode(path) == 0, "replaced: the replacement removed, stale");
    npy_slot_give(&s);
    CHECK(!s.busy && !s.map.base, "a replaced slot is dropped when given back");

    /* truncated through its lent name */
    CHECK(npy_slot_take(&s, DTYPE_F32, 16, 0, err, sizeof err) == 0, "take afresh: %s", err);
    CHECK(npy_slot_lend(&s, lent, err, sizeof err) == 0, "lend: %s", err);
    CHECK(truncate(lent, 64) == 0, "truncate %s", lent);
    npy_slot_back(&s);
    CHECK(!s.stale && inode(path) != 0, "truncated: its own file, back at rest");
    npy_slot_give(&s);
    CHECK(!s.map.base && inode(path) == 0 && inode(lent) == 0, "a truncated slot is dropped");

    /* the lent name gone */
    CHECK(npy_slot_take(&s, DTYPE_F32, 16, 0, err, sizeof err) == 0, "take: %s", err);
    CHECK(npy_slot_lend(&s, lent, err, sizeof err) == 0 && unlink(lent) == 0, "lent and unlinked");
    npy_slot_give(&s); /* back, then given */
    CHECK(!s.map.base && inode(path) == 0, "a slot whose file went is dropped");

    /* dropped while borrowed (its worker restarted): the mapping stays until given back */
    CHECK(npy_slot_take(&s, DTYPE_F32, 16, 0, err, sizeof err) == 0, "take: %s", err);
    npy_slot_drop(&s);
    CHECK(s.busy && s.stale && s.map.base && inode(path) != 0, "a borrowed slot is only marked");
    put(&s.map, DTYPE_F32, 15, 2.0);
    npy_slot_give(&s);
    CHECK(!s.busy && !s.map.base && inode(path) == 0, "and dropped when given back");

    /* a name that cannot be had: the lend fails, the file stays at rest */
    CHECK(npy_slot_take(&s, DTYPE_F32, 16, 0, err, sizeof err) == 0, "take: %s", err);
    CHECK(npy_slot_lend(&s, in_dir("no-such-dir/h3-out.npy", lent, sizeof lent), err, sizeof err) == -1 &&
          strstr(err, "cannot rename") && strstr(err, "no-such-dir/h3-out.npy"), "a lend that fails says so: %s", err);
    CHECK(inode(path) != 0 && !s.lent[0] && s.stale, "and the file stays at rest, the slot stale");
    npy_slot_give(&s);
    CHECK(!s.map.base && inode(path) == 0, "dropped when given back");

    /* its resting file removed by someone else: the lend fails, and the
     * next take makes it afresh */
    CHECK(npy_slot_take(&s, DTYPE_F32, 16, 0, err, sizeof err) == 0, "take: %s", err);
    npy_slot_give(&s);
    CHECK(unlink(path) == 0, "unlink %s", path);
    CHECK(npy_slot_take(&s, DTYPE_F32, 16, 0, err, sizeof err) == 0, "take: %s", err);
    in_dir("h4-out.npy", lent, sizeof lent);
    CHECK(npy_slot_lend(&s, lent, err, sizeof err) == -1 && s.stale, "a lend of a gone file fails: %s", err);
    npy_slot_give(&s);
    CHECK(npy_slot_take(&s, DTYPE_F32, 16, 0, err, sizeof err) == 0 && inode(path) != 0, "made afresh: %s", err);
    CHECK(npy_slot_lend(&s, lent, err, sizeof err) == 0, "and lent: %s", err);
    npy_slot_give(&s);
    npy_slot_drop(&s);
}

int main(void)
{
    const char *tmp = getenv("TMPDIR");
    snprintf(dir, sizeof dir, "%s/flopbench-test-npy-slot-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(dir)) {
        perror(dir);
        return 1;
    }
    test_reshape();
    test_reuse();
    test_not_reused();
    CHECK(rmdir(dir) == 0, "%s is not empty at the end: %s", dir, strerror(errno));
    return check_report("npy_slot");
}
