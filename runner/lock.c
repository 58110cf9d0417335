/* lock.c: an experiment locked for a run's life: flock(LOCK_EX) on
 * DIR/.<name>.lock, which holds the PID of the run that has it. The holder
 * removes the file before it lets go; a run that got the lock of a file
 * since removed or replaced takes the current one instead, so two runs
 * never both hold an experiment. A crashed run's lock is free (the kernel
 * drops it with the process); its file is reused. */
#define _GNU_SOURCE
#include "lock.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

struct lock {
    int dirfd, fd;
    char file[NAME_MAX + 1]; /* .<name>.lock */
};

/* Whether fd is still the file at l->file (not removed or replaced). */
static int still_there(const struct lock *l, int fd)
{
    struct stat a, b;
    return fstat(fd, &a) == 0 && fstatat(l->dirfd, l->file, &b, AT_SYMLINK_NOFOLLOW) == 0 &&
           a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

/* The PID written in the lock file fd, or 0 if none is there yet. */
static long holder_pid(int fd)
{
    char buf[32];
    ssize_t n = pread(fd, buf, sizeof buf - 1, 0);
    buf[n > 0 ? n : 0] = '\0';
    return strtol(buf, NULL, 10);
}

/* Says why the lock file fd could not be locked. */
static void say_busy(const char *dir, const char *name, int fd, int e, char *err, size_t errlen)
{
    long pid = holder_pid(fd);
    if (e == EINTR)
        snprintf(err, errlen, "interrupted while waiting for %s/%s", dir, name);
    else if (e != EWOULDBLOCK)
        snprintf(err, errlen, "%s/.%s.lock: cannot lock: %s", dir, name, strerror(e));
    else if (pid > 0)
        snprintf(err, errlen, "%s/%s is being written by another run (pid %ld); wait for it, "
                 "or pass --wait", dir, name, pid);
    else
        snprintf(err, errlen, "%s/%s is being written by another run; wait for it, or pass "
                 "--wait", dir, name);
}

/* Locks l->file into l->fd; 0, or -1 with a reason in err. */
static int lock_file(struct lock *l, const char *dir, const char *name, int wait, char *err,
                     size_t errlen)
{
    for (;;) {
        int fd = openat(l->dirfd, l->file, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0666);
        if (fd < 0)
            return snprintf(err, errlen, "%s/%s: %s", dir, l->file, strerror(errno)), -1;
        if (flock(fd, LOCK_EX | (wait ? 0 : LOCK_NB)) != 0) {
            say_busy(dir, name, fd, errno, err, errlen);
            close(fd);
            return -1;
        }
        if (still_there(l, fd))
            return l->fd = fd, 0;
        close(fd); /* its holder removed it as we waited: lock the file there now */
    }
}

struct lock *lock_take(const char *dir, const char *name, int wait, char *err, size_t errlen)
{
    struct lock *l = calloc(1, sizeof *l);
    if (!l)
        return snprintf(err, errlen, "%s/%s: out of memory", dir, name), NULL;
    if (snprintf(l->file, sizeof l->file, ".%s.lock", name) >= (int)sizeof l->file) {
        snprintf(err, errlen, "%s/%s: %s", dir, name, strerror(ENAMETOOLONG));
        return free(l), NULL;
    }
    l->dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (l->dirfd < 0) {
        snprintf(err, errlen, "%s: %s", dir, strerror(errno));
        return free(l), NULL;
    }
    if (lock_file(l, dir, name, wait, err, errlen) != 0) {
        close(l->dirfd);
        return free(l), NULL;
    }
    char pid[32];
    int n = snprintf(pid, sizeof pid, "%ld\n", (long)getpid());
    if (ftruncate(l->fd, 0) != 0 || pwrite(l->fd, pid, (size_t)n, 0) != n)
        fprintf(stderr, "runner: %s/%s: cannot record the PID: %s\n", dir, l->file, strerror(errno));
    return l;
}

void lock_release(struct lock *l)
{
    if (!l)
        return;
    unlinkat(l->dirfd, l->file, 0); /* while still held: see the top of this file */
    close(l->fd);
    close(l->dirfd);
    free(l);
}
