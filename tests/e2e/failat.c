/* failat.c: an LD_PRELOAD shim for tests/e2e/sets.sh. FLOPBENCH_FAILAT=NAME:K
 * makes the K-th call of NAME (fsync, openat, mkdirat, renameat2, unlinkat)
 * fail with errno FLOPBENCH_FAILAT_ERRNO (default EIO); every other call goes
 * through. With FLOPBENCH_FAILAT_SIGNAL="SIG..." the K-th call instead
 * raises each signal SIG in turn, then goes through (signals at that
 * moment, for tests/fault.sh). Only the runner's own calls are counted: stdio's go to
 * glibc directly. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>

int fsync(int fd);
int openat(int dirfd, const char *path, int flags, ...);
int mkdirat(int dirfd, const char *path, mode_t mode);
int renameat2(int olddirfd, const char *oldpath, int newdirfd, const char *newpath,
              unsigned int flags);
int unlinkat(int dirfd, const char *path, int flags);

/* Whether this call of name is the one to fail (then errno is set). */
static int fail_now(const char *name)
{
    static long calls[8];
    static const char *const names[] = { "fsync", "openat", "mkdirat", "renameat2", "unlinkat" };
    const char *want = getenv("FLOPBENCH_FAILAT");
    size_t n = strlen(name);
    if (!want || strncmp(want, name, n) != 0 || want[n] != ':')
        return 0;
    for (int i = 0; i < 5; i++)
        if (strcmp(names[i], name) == 0 && ++calls[i] == atol(want + n + 1)) {
            const char *sig = getenv("FLOPBENCH_FAILAT_SIGNAL");
            for (char *end; sig && *sig; sig = end)
                if (raise((int)strtol(sig, &end, 10)) != 0 || end == sig)
                    break;
            if (sig)
                return 0;
            const char *e = getenv("FLOPBENCH_FAILAT_ERRNO");
            errno = e ? atoi(e) : EIO;
            return 1;
        }
    return 0;
}

#define REAL(name) ((__typeof__(&name))dlsym(RTLD_NEXT, #name))

int fsync(int fd)
{
    return fail_now("fsync") ? -1 : REAL(fsync)(fd);
}

int openat(int dirfd, const char *path, int flags, ...)
{
    va_list ap;
    va_start(ap, flags);
    mode_t mode = (flags & O_CREAT) ? (mode_t)va_arg(ap, int) : 0;
    va_end(ap);
    return fail_now("openat") ? -1 : REAL(openat)(dirfd, path, flags, mode);
}

int mkdirat(int dirfd, const char *path, mode_t mode)
{
    return fail_now("mkdirat") ? -1 : REAL(mkdirat)(dirfd, path, mode);
}

int renameat2(int olddirfd, const char *oldpath, int newdirfd, const char *newpath,
              unsigned int flags)
{
    return fail_now("renameat2") ? -1 : REAL(renameat2)(olddirfd, oldpath, newdirfd, newpath, flags);
}

int unlinkat(int dirfd, const char *path, int flags)
{
    return fail_now("unlinkat") ? -1 : REAL(unlinkat)(dirfd, path, flags);
}
