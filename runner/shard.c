/* shard.c: a run split into shards. The split is by rounds (an
 * experiment's points at one n), balanced by the catalogue's bytes, and a
 * function of the declarations alone, so that shards started apart (on
 * other nodes, at other times) agree on it. */
#define _GNU_SOURCE
#include "shard.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "lock.h"
#include "provenance.h"
#include "shard_costs.h"

#define ASSUMED_BYTES_PER_S 1e10 /* what an "auto" sample's time counts as */

int shard_parse(const char *text, struct shard_spec *s, char *err, size_t errlen)
{
    char tail;
    if (sscanf(text, "%ld/%ld%c", &s->k, &s->n, &tail) != 2 || s->n < 1 || s->n > SHARD_MAX ||
        s->k < 1 || s->k > s->n || strspn(text, "0123456789/") != strlen(text))
        return snprintf(err, errlen, "--shard needs K/N with 1 <= K <= N <= %d, got '%s'",
                        SHARD_MAX, text), -1;
    return 0;
}

double shard_point_cost(const struct point *p, double per_call)
{
    const struct sampling *s = &p->sampling;
    double n = (double)p->k.n, batches = (double)(s->warmup + s->samples);
    if (per_call <= 0)
        per_call = kernel_point_bytes(p->backend, &p->k) / ASSUMED_BYTES_PER_S;
    double batch = s->iterations > 0 ? (double)s->iterations * per_call
                                     : (per_call > s->min_batch_time ? per_call : s->min_batch_time);
    return 32.0 * n * n / ASSUMED_BYTES_PER_S + batches * batch +
           (double)(s->samples * s->settle) * per_call;
}

/* One round: an experiment's points at one n. */
struct group {
    const struct experiment *e;
    size_t order; /* of its first point, across all experiments */
    long n;
    double cost;
    long shard;   /* 0-based, once assigned */
};

struct groups {
    struct group *items;
    size_t count, cap;
};

static struct group *group_of(struct groups *g, const struct experiment *e, long n)
{
    for (size_t i = g->count; i-- > 0;)
        if (g->items[i].e == e && g->items[i].n == n)
            return &g->items[i];
    return NULL;
}

/* Adds p's cost to its round's group, appending the group if new. */
static int group_add(struct groups *g, const struct experiment *e, const struct point *p,
                     size_t order, double cost)
{
    struct group *x = group_of(g, e, p->k.n);
    if (!x) {
        if (g->count == g->cap) {
            size_t cap = g->cap ? 2 * g->cap : 64;
            struct group *items = realloc(g->items, cap * sizeof *items);
            if (!items)
                return -1;
            g->items = items, g->cap = cap;
        }
        x = &g->items[g->count++];
        *x = (struct group){ .e = e, .order = order, .n = p->k.n };
    }
    x->cost += cost;
    return 0;
}

static int costliest_first(const void *a, const void *b)
{
    const struct group *x = a, *y = b;
    if (x->cost != y->cost)
        return x->cost < y->cost ? 1 : -1;
    return x->order < y->order ? -1 : x->order > y->order;
}

/* Gives each group, costliest first, to the shard least loaded so far. */
static int assign(struct groups *g, long shards)
{
    double *load = calloc((size_t)shards, sizeof *load);
    if (!load)
        return -1;
    qsort(g->items, g->count, sizeof *g->items, costliest_first);
    for (size_t i = 0; i < g->count; i++) {
        long best = 0;
        for (long k = 1; k < shards; k++)
            if (load[k] < load[best])
                best = k;
        g->items[i].shard = best;
        load[best] += g->items[i].cost;
    }
    free(load);
    return 0;
}

/* Keeps e's points of the groups given to shard s. */
static void keep_shard(struct experiment *e, struct groups *g, const struct shard_spec *s)
{
    size_t kept = 0;
    for (size_t i = 0; i < e->count; i++) {
        const struct group *x = group_of(g, e, e->points[i].k.n);
        if (x && x->shard == s->k - 1) {
            e->points[kept] = e->points[i];
            e->points[kept].k.impl = e->points[kept].impl; /* its own copy, not the old slot's */
            kept++;
        }
    }
    e->count = e->assigned = kept;
}

/* FNV-1a of len bytes at data, continuing from h. */
static unsigned long long fnv1a(unsigned long long h, const void *data, size_t len)
{
    const unsigned char *b = data;
    for (size_t i = 0; i < len; i++)
        h = (h ^ b[i]) * 1099511628211ull;
    return h;
}

/* Adds experiment e's points to g, costed from the prior times in
 * s->costs_dir where they are there; counts and hashes what it used. */
static int add_experiment(struct groups *g, const struct experiment *e, const struct shard_spec *s,
                          size_t *order, size_t *found, unsigned long long *hash, char *err,
                          size_t errlen)
{
    int bad = 0;
    struct shard_costs *c = s->costs_dir ? shard_costs_load(s->costs_dir, e->name, &bad, err, errlen)
                                         : NULL;
    if (bad)
        return -1;
    if (c)
        *hash = fnv1a(*hash, shard_costs_run_id(c), strlen(shard_costs_run_id(c)) + 1);
    for (size_t p = 0; p < e->count; p++) {
        double per_call = 0;
        if (c && shard_costs_find(c, &e->points[p], &per_call) == 0) {
            (*found)++;
            *hash = fnv1a(*hash, &p, sizeof p);
            *hash = fnv1a(*hash, &per_call, sizeof per_call);
        }
        if (group_add(g, e, &e->points[p], (*order)++, shard_point_cost(&e->points[p], per_call)))
            return shard_costs_free(c), snprintf(err, errlen, "out of memory"), -1;
    }
    shard_costs_free(c);
    return 0;
}

int shard_select(struct experiment_list *lists, int nlists, struct shard_spec *s, char *err,
                 size_t errlen)
{
    struct groups g = { 0 };
    size_t order = 0, found = 0, points = 0;
    unsigned long long hash = 14695981039346656037ull;
    int status = 0;
    for (int i = 0; i < nlists && status == 0; i++)
        for (size_t j = 0; j < lists[i].count && status == 0; j++) {
            status = add_experiment(&g, &lists[i].items[j], s, &order, &found, &hash, err, errlen);
            points += lists[i].items[j].count;
        }
    if (status == 0 && assign(&g, s->n) != 0)
        status = -1, snprintf(err, errlen, "out of memory");
    for (int i = 0; i < nlists && status == 0; i++)
        for (size_t j = 0; j < lists[i].count; j++)
            keep_shard(&lists[i].items[j], &g, s);
    free(g.items);
    if (!s->costs_dir)
        snprintf(s->basis, sizeof s->basis, "catalogue bytes");
    else
        snprintf(s->basis, sizeof s->basis, "prior times of %zu of %zu points in %.200s (%016llx)",
                 found, points, s->costs_dir, hash);
    return status;
}

void shard_folder(const struct shard_spec *s, char *buf, size_t len)
{
    snprintf(buf, len, "shard-%ld-of-%ld", s->k, s->n);
}

int shard_folder_parse(const char *name, struct shard_spec *s)
{
    char again[64];
    int used = 0;
    if (sscanf(name, "shard-%ld-of-%ld%n", &s->k, &s->n, &used) != 2 || name[used] != '\0' ||
        s->n < 1 || s->n > SHARD_MAX || s->k < 1 || s->k > s->n)
        return -1;
    shard_folder(s, again, sizeof again);
    return strcmp(again, name) == 0 ? 0 : -1; /* one spelling a shard: no leading zeros or signs */
}

int shard_place(const char *out_dir, const char *name, const struct shard_spec *s, char *dir,
                size_t dirlen, char *set, size_t setlen)
{
    if (!s)
        return snprintf(dir, dirlen, "%s", out_dir) >= (int)dirlen ||
               snprintf(set, setlen, "%s", name) >= (int)setlen ? -1 : 0;
    shard_folder(s, set, setlen);
    return snprintf(dir, dirlen, "%s/%s", out_dir, name) >= (int)dirlen ? -1 : 0;
}

/* The 1-based declaration indices of e's points, comma-separated, in the
 * order the run writes them (group by group: all points at one n, each
 * group where its first point is), in a buffer to free; NULL if out of
 * memory. */
static char *point_list(const struct experiment *e)
{
    char *buf = malloc(e->count * 21 + 1), *listed = calloc(e->count ? e->count : 1, 1);
    size_t used = 0;
    if (!buf || !listed)
        return free(buf), free(listed), NULL;
    buf[0] = '\0';
    for (size_t i = 0; i < e->count; i++) {
        if (listed[i])
            continue;
        for (size_t j = i; j < e->count; j++)
            if (!listed[j] && e->points[j].k.n == e->points[i].k.n) {
                listed[j] = 1;
                used += (size_t)sprintf(buf + used, "%s%zu", used ? "," : "", e->points[j].index + 1);
            }
    }
    free(listed);
    return buf;
}

int shard_add_provenance(struct provenance *p, const struct experiment *e,
                         const struct shard_spec *s)
{
    const char *device = getenv("CUDA_VISIBLE_DEVICES");
    char *points = point_list(e);
    int bad = !points || provenance_setf(p, "shard", "%ld/%ld", s->k, s->n) ||
              provenance_setf(p, "points_declared", "%zu", e->declared) ||
              provenance_setf(p, "shard_assigned", "%zu", e->assigned) ||
              provenance_set(p, "shard_points", points) ||
              provenance_set(p, "shard_basis", s->basis) ||
              provenance_set(p, "shard_device", device ? device : "unset");
    free(points);
    return bad ? -1 : 0;
}

/* Whether lock file `file` in dirfd is free of an exclusive holder: 0
 * free (or absent), -1 held (or interrupted while waiting, with wait),
 * its holder's PID in *pid and errno's value in *e. */
static int probe(int dirfd, const char *file, int wait, long *pid, int *e)
{
    int fd = openat(dirfd, file, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0)
        return errno == ENOENT ? 0 : (*e = errno, *pid = 0, -1);
    int status = 0;
    if (flock(fd, LOCK_SH | (wait ? 0 : LOCK_NB)) != 0) {
        char buf[32];
        ssize_t n = pread(fd, buf, sizeof buf - 1, 0);
        buf[n > 0 ? n : 0] = '\0';
        *pid = strtol(buf, NULL, 10);
        *e = errno;
        status = -1;
    }
    close(fd);
    return status;
}

/* Why a probe failed, into err. */
static void say_held(const char *dir, const char *what, long pid, int e, char *err, size_t errlen)
{
    char who[48] = "";
    if (pid > 0)
        snprintf(who, sizeof who, " (pid %ld)", pid);
    if (e == EWOULDBLOCK)
        snprintf(err, errlen, "%s/%s is being written by another run%s; wait for it, or pass "
                 "--wait", dir, what, who);
    else if (e == EINTR)
        snprintf(err, errlen, "interrupted while waiting for %s/%s", dir, what);
    else
        snprintf(err, errlen, "%s/%s: cannot check its lock: %s", dir, what, strerror(e));
}

/* 0 if no shard of experiment name is being written (waiting for them
 * with wait); else -1 with the first one held named in err. */
static int probe_shards(const char *dir, const char *name, int wait, char *err, size_t errlen)
{
    int dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    DIR *d = dirfd >= 0 ? fdopendir(dup(dirfd)) : NULL;
    size_t len = strlen(name);
    struct dirent *ent;
    int status = 0;
    while (d && status == 0 && (ent = readdir(d)) != NULL) {
        struct shard_spec s;
        char folder[NAME_MAX + 1], what[NAME_MAX + 32];
        size_t n = strlen(ent->d_name);
        if (ent->d_name[0] != '.' || strncmp(ent->d_name + 1, name, len) != 0 ||
            ent->d_name[1 + len] != '.' || n < len + 7 || strcmp(ent->d_name + n - 5, ".lock") != 0)
            continue;
        snprintf(folder, sizeof folder, "%.*s", (int)(n - len - 7), ent->d_name + len + 2);
        if (shard_folder_parse(folder, &s) != 0)
            continue;
        long pid;
        int e;
        if (probe(dirfd, ent->d_name, wait, &pid, &e) != 0) {
            snprintf(what, sizeof what, "%s/%s", name, folder);
            say_held(dir, what, pid, e, err, errlen);
            status = -1;
        }
    }
    if (d)
        closedir(d);
    if (dirfd >= 0)
        close(dirfd);
    return status;
}

/* Shard s's lock: its own file, taken; then the experiment's, probed. */
static struct lock *lock_shard(const char *dir, const char *name, const struct shard_spec *s,
                               int wait, char *err, size_t errlen)
{
    char lock_name[NAME_MAX + 1], whole[NAME_MAX + 8];
    snprintf(lock_name, sizeof lock_name, "%s.shard-%ld-of-%ld", name, s->k, s->n);
    snprintf(whole, sizeof whole, ".%s.lock", name);
    for (;;) {
        struct lock *l = lock_take(dir, lock_name, wait, err, errlen);
        if (!l)
            return NULL;
        int dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        long pid = 0;
        int e = dirfd < 0 ? errno : 0;
        if (dirfd >= 0 && probe(dirfd, whole, 0, &pid, &e) == 0) {
            close(dirfd);
            return l;
        }
        if (dirfd >= 0)
            close(dirfd);
        lock_release(l); /* never hold a shard's lock while waiting for the whole */
        say_held(dir, name, pid, e, err, errlen);
        if (!wait || e != EWOULDBLOCK)
            return NULL;
        struct lock *w = lock_take(dir, name, 1, err, errlen); /* until the other run ends */
        if (!w)
            return NULL;
        lock_release(w);
        err[0] = '\0';
    }
}

struct lock *shard_lock_experiment(const char *dir, const char *name, const struct shard_spec *s,
                                   int wait, char *err, size_t errlen)
{
    if (s)
        return lock_shard(dir, name, s, wait, err, errlen);
    struct lock *l = lock_take(dir, name, wait, err, errlen);
    if (l && probe_shards(dir, name, wait, err, errlen) != 0) {
        lock_release(l);
        return NULL;
    }
    return l;
}
