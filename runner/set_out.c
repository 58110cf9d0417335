/* set_out.c: an experiment's files committed as one set. They are written
 * into a fresh folder DIR/.<name>.new-XXXXXXXX, synced, and swapped with
 * DIR/<name> by one renameat2(RENAME_EXCHANGE) (or renamed to it when there
 * is none), so after any failure DIR/<name> holds the old set or the new set,
 * whole. The caller holds the experiment's lock (lock.c): every staging
 * folder of that name not its own is then a dead run's, and may be removed. */
#define _GNU_SOURCE
#include "set_out.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "csv_out.h"

/* The files a set may hold: its own, and the temporary names of runners
 * before sets (removed with the set, never carried over). */
static const char *const set_files[] = {
    "samples.csv", "summary.csv", "provenance.csv",
    "samples.csv.tmp", "summary.csv.tmp", "provenance.csv.tmp", NULL,
};

struct set_out {
    int dirfd, stagefd;
    char dir[PATH_MAX], name[NAME_MAX + 1], stage[NAME_MAX + 16];
};

/* count random bytes as 2 * count hex digits into buf; from the clock and
 * the PID if the kernel has no randomness to give. */
static void random_hex(char *buf, size_t count)
{
    unsigned char r[16];
    if (count > sizeof r)
        count = sizeof r;
    if (getrandom(r, count, 0) != (ssize_t)count) {
        struct timespec t;
        clock_gettime(CLOCK_REALTIME, &t);
        unsigned long long x = (unsigned long long)t.tv_nsec * 2654435761u ^ (unsigned long long)getpid();
        for (size_t i = 0; i < count; i++)
            r[i] = (unsigned char)(x >> (8 * (i % 8)));
    }
    for (size_t i = 0; i < count; i++)
        snprintf(buf + 2 * i, 3, "%02x", r[i]);
}

void set_out_run_id(char *buf, size_t len)
{
    char date[32] = "unknown", hex[9];
    struct tm tm;
    time_t now = time(NULL);
    if (now != (time_t)-1 && gmtime_r(&now, &tm))
        strftime(date, sizeof date, "%Y%m%dT%H%M%SZ", &tm);
    random_hex(hex, 4);
    snprintf(buf, len, "%s-%ld-%s", date, (long)getpid(), hex);
}

int set_out_make_dir(const char *path)
{
    char buf[PATH_MAX];
    if (snprintf(buf, sizeof buf, "%s", path) >= (int)sizeof buf)
        return errno = ENAMETOOLONG, -1;
    for (char *s = buf + 1; *s; s++) {
        if (*s != '/')
            continue;
        *s = '\0';
        if (mkdir(buf, 0777) != 0 && errno != EEXIST)
            return -1;
        *s = '/';
    }
    return mkdir(buf, 0777) != 0 && errno != EEXIST ? -1 : 0;
}

int set_out_check(const char *dir, const char *name, char *err, size_t errlen)
{
    char path[PATH_MAX + NAME_MAX + 2];
    struct stat st;
    snprintf(path, sizeof path, "%s/%s", dir, name);
    if (lstat(path, &st) != 0) {
        if (errno == ENOENT)
            return 0;
        return snprintf(err, errlen, "%s: %s", path, strerror(errno)), -1;
    }
    if (S_ISDIR(st.st_mode))
        return 0;
    snprintf(err, errlen, "%s is not a folder (a symlink or a file): refusing to replace it", path);
    return -1;
}

/* Whether entry is one of a set's files. */
static int is_set_file(const char *entry)
{
    for (int i = 0; set_files[i]; i++)
        if (strcmp(entry, set_files[i]) == 0)
            return 1;
    return 0;
}

/* Removes folder sub of dirfd if it holds only a set's files (never
 * following a symlink); else says what was left and why. */
static void remove_set_folder(int dirfd, const char *dir, const char *sub)
{
    int fd = openat(dirfd, sub, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    int e = fd < 0 ? errno : 0;
    for (int i = 0; fd >= 0 && set_files[i]; i++)
        if (unlinkat(fd, set_files[i], 0) != 0 && errno != ENOENT && !e)
            e = errno;
    if (fd >= 0)
        close(fd);
    if (unlinkat(dirfd, sub, AT_REMOVEDIR) == 0)
        return;
    e = e ? e : errno;
    fprintf(stderr, "runner: left %s/%s: %s\n", dir, sub,
            e == ENOTEMPTY || e == EEXIST ? "it holds files that are not the set's" : strerror(e));
}

/* Whether entry is a staging folder's name for experiment name. */
static int is_stage_of(const char *entry, const char *name)
{
    size_t n = strlen(name);
    return entry[0] == '.' && strncmp(entry + 1, name, n) == 0 &&
           strncmp(entry + 1 + n, ".new-", 5) == 0 && strlen(entry + 6 + n) == 8;
}

void set_out_sweep(const char *dir, const char *name)
{
    int dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    DIR *d = dirfd >= 0 ? fdopendir(dup(dirfd)) : NULL;
    struct dirent *e;
    while (d && (e = readdir(d)) != NULL)
        if (is_stage_of(e->d_name, name))
            remove_set_folder(dirfd, dir, e->d_name);
    if (d)
        closedir(d);
    if (dirfd >= 0)
        close(dirfd);
}

/* Creates the staging folder .<name>.new-XXXXXXXX in s->dirfd. */
static int make_stage(struct set_out *s)
{
    for (int tries = 0; tries < 100; tries++) {
        char hex[9];
        random_hex(hex, 4);
        snprintf(s->stage, sizeof s->stage, ".%s.new-%s", s->name, hex);
        if (mkdirat(s->dirfd, s->stage, 0777) == 0)
            break;
        if (errno != EEXIST)
            return -1;
    }
    s->stagefd = openat(s->dirfd, s->stage, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (s->stagefd < 0) {
        int e = errno;
        unlinkat(s->dirfd, s->stage, AT_REMOVEDIR);
        return errno = e, -1;
    }
    return 0;
}

struct set_out *set_out_begin(const char *dir, const char *name, char *err, size_t errlen)
{
    struct set_out *s = calloc(1, sizeof *s);
    if (!s)
        return snprintf(err, errlen, "%s/%s: out of memory", dir, name), NULL;
    if (snprintf(s->dir, sizeof s->dir, "%s", dir) >= (int)sizeof s->dir ||
        snprintf(s->name, sizeof s->name - 16, "%s", name) >= (int)sizeof s->name - 16) {
        snprintf(err, errlen, "%s/%s: %s", dir, name, strerror(ENAMETOOLONG));
        return free(s), NULL;
    }
    s->stagefd = -1;
    s->dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (s->dirfd < 0 || make_stage(s) != 0) {
        snprintf(err, errlen, "cannot create a folder for %s in %s: %s", name, dir, strerror(errno));
        if (s->dirfd >= 0)
            close(s->dirfd);
        return free(s), NULL;
    }
    return s;
}

struct csv_out *set_out_file(struct set_out *s, const char *file, char *err, size_t errlen)
{
    char shown[sizeof s->dir + 2 * sizeof s->name];
    snprintf(shown, sizeof shown, "%s/%s/%s", s->dir, s->stage, file);
    return csv_out_create_at(s->stagefd, file, shown, err, errlen);
}

static void set_out_free(struct set_out *s)
{
    close(s->stagefd);
    close(s->dirfd);
    free(s);
}

void set_out_abort(struct set_out *s)
{
    if (!s)
        return;
    remove_set_folder(s->dirfd, s->dir, s->stage);
    set_out_free(s);
}

/* Moves every entry of folder old that is not a set's file into folder
 * name (what a user kept beside the files stays with the experiment). */
static void carry_extras(struct set_out *s)
{
    int oldfd = openat(s->dirfd, s->stage, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    DIR *d = oldfd >= 0 ? fdopendir(oldfd) : NULL;
    struct dirent *e;
    while (d && (e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0 || is_set_file(e->d_name))
            continue;
        char to[sizeof s->name + NAME_MAX + 2];
        snprintf(to, sizeof to, "%s/%s", s->name, e->d_name);
        if (renameat2(oldfd, e->d_name, s->dirfd, to, RENAME_NOREPLACE) != 0)
            fprintf(stderr, "runner: cannot move %s/%s/%s into %s/%s: %s\n", s->dir, s->stage,
                    e->d_name, s->dir, s->name, strerror(errno));
    }
    if (d)
        closedir(d);
    else if (oldfd >= 0)
        close(oldfd);
}

/* Puts the staged set in place of DIR/<name>; *swapped tells whether the
 * staging name now holds the old set. */
static int swap_in(struct set_out *s, int *swapped, char *err, size_t errlen)
{
    *swapped = renameat2(s->dirfd, s->stage, s->dirfd, s->name, RENAME_EXCHANGE) == 0;
    if (*swapped)
        return 0;
    if (errno == ENOENT && renameat2(s->dirfd, s->stage, s->dirfd, s->name, RENAME_NOREPLACE) == 0)
        return 0;
    if (errno == EINVAL)
        snprintf(err, errlen, "cannot swap %s/%s with %s/%s: this file system cannot exchange "
                 "folders atomically (%s); remove %s/%s or write to another --out", s->dir,
                 s->stage, s->dir, s->name, strerror(errno), s->dir, s->name);
    else
        snprintf(err, errlen, "cannot move %s/%s to %s/%s: %s", s->dir, s->stage, s->dir, s->name,
                 strerror(errno));
    return -1;
}

int set_out_commit(struct set_out *s, char *err, size_t errlen)
{
    int swapped = 0;
    if (fsync(s->stagefd) != 0) {
        snprintf(err, errlen, "%s/%s: fsync failed: %s", s->dir, s->stage, strerror(errno));
        set_out_abort(s);
        return -1;
    }
    if (swap_in(s, &swapped, err, errlen) != 0) {
        set_out_abort(s);
        return -1;
    }
    int status = 0;
    if (fsync(s->dirfd) != 0) {
        snprintf(err, errlen, "%s: fsync failed: %s (the new %s is in place, but may not "
                 "survive a crash)", s->dir, strerror(errno), s->name);
        status = -1;
    }
    if (swapped) {
        carry_extras(s);
        remove_set_folder(s->dirfd, s->dir, s->stage);
    }
    set_out_free(s);
    return status;
}
