/* devices.c: one run over several GPUs of a host. Each GPU gets a process,
 * `runner run ... --shard K/N` with CUDA_VISIBLE_DEVICES set to it alone,
 * so each process sees one GPU as device 0; the shards are merged when all
 * have ended. */
#define _GNU_SOURCE
#include "devices.h"

#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "measure.h"
#include "merge.h"

extern char **environ;

#define DEVICES_MAX 1024

void devices_free(struct devices *d)
{
    for (int i = 0; d->ids && i < d->count; i++)
        free(d->ids[i]);
    free(d->ids);
    d->ids = NULL;
    d->count = 0;
}

/* Whether id may be a CUDA_VISIBLE_DEVICES entry: an index, or a GPU-/MIG-
 * UUID (letters, digits, '-', '/', ':'). */
static int id_ok(const char *id, size_t len)
{
    return len > 0 && len < 96 && strspn(id, "0123456789abcdefABCDEFGIMU-/:") >= len;
}

/* Appends the entries of the comma list text to d. 0, or -1 with err. */
static int add_list(struct devices *d, const char *text, const char *what, char *err, size_t errlen)
{
    for (const char *c = text;; c++) {
        size_t len = strcspn(c, ",");
        if (!id_ok(c, len) || d->count == DEVICES_MAX)
            return snprintf(err, errlen, "%s: expected GPU indices or UUIDs separated by commas "
                            "(at most %d), got '%s'", what, DEVICES_MAX, text), -1;
        for (int i = 0; i < d->count; i++)
            if (strlen(d->ids[i]) == len && strncmp(d->ids[i], c, len) == 0)
                return snprintf(err, errlen, "%s: GPU '%.*s' named twice", what, (int)len, c), -1;
        char **ids = realloc(d->ids, (size_t)(d->count + 1) * sizeof *ids);
        if (!ids || !(ids[d->count] = strndup(c, len)))
            return d->ids = ids ? ids : d->ids, snprintf(err, errlen, "out of memory"), -1;
        d->ids = ids;
        d->count++;
        c += len;
        if (*c == '\0')
            return 0;
    }
}

/* One entry per GPU the NVIDIA driver lists. */
static int add_driver_gpus(struct devices *d, char *err, size_t errlen)
{
    DIR *dir = opendir("/proc/driver/nvidia/gpus");
    struct dirent *e;
    int count = 0, status = 0;
    while (dir && (e = readdir(dir)) != NULL)
        count += e->d_name[0] != '.';
    if (dir)
        closedir(dir);
    for (int i = 0; i < count && status == 0; i++) {
        char id[16];
        snprintf(id, sizeof id, "%d", i);
        status = add_list(d, id, "--devices all", err, errlen);
    }
    return status;
}

int devices_parse(const char *text, struct devices *d, char *err, size_t errlen)
{
    const char *visible = getenv("CUDA_VISIBLE_DEVICES");
    int status;
    memset(d, 0, sizeof *d);
    if (strcmp(text, "all") != 0)
        status = add_list(d, text, "--devices", err, errlen);
    else if (visible && visible[0])
        status = add_list(d, visible, "--devices all: CUDA_VISIBLE_DEVICES", err, errlen);
    else
        status = add_driver_gpus(d, err, errlen);
    if (status != 0)
        devices_free(d);
    return status;
}

void devices_of_point(const struct point *p, char *buf, size_t len)
{
    const char *visible = getenv("CUDA_VISIBLE_DEVICES");
    if (!p->backend->gpu)
        snprintf(buf, len, "cpu");
    else if (visible && visible[0])
        snprintf(buf, len, "gpu:%.*s", (int)strcspn(visible, ","), visible);
    else
        snprintf(buf, len, "gpu:0");
}

/* environ with CUDA_VISIBLE_DEVICES=id, in a NULL-ended array to free
 * (its strings but the new one are environ's). */
static char **pinned_environ(const char *id, char *entry, size_t len)
{
    size_t n = 0, k = 0;
    while (environ[n])
        n++;
    char **env = calloc(n + 2, sizeof *env);
    if (!env)
        return NULL;
    for (size_t i = 0; i < n; i++)
        if (strncmp(environ[i], "CUDA_VISIBLE_DEVICES=", 21) != 0)
            env[k++] = environ[i];
    snprintf(entry, len, "CUDA_VISIBLE_DEVICES=%s", id);
    env[k] = entry;
    return env;
}

/* Starts shard k (1-based) of d pinned to its GPU; its PID, or -1. */
static pid_t start_shard(const struct devices *d, int k, const char *const *scripts, int nscripts,
                         const struct run_options *o, const char *costs_dir)
{
    char shard[48], entry[128];
    const char *argv[nscripts + 14];
    int a = 0;
    snprintf(shard, sizeof shard, "%d/%d", k, d->count);
    argv[a++] = "runner";
    argv[a++] = "run";
    for (int i = 0; i < nscripts; i++)
        argv[a++] = scripts[i];
    argv[a++] = "--shard", argv[a++] = shard;
    argv[a++] = "--out", argv[a++] = o->out_dir;
    argv[a++] = "--profile", argv[a++] = o->profile;
    if (o->quiet)
        argv[a++] = "--quiet";
    if (o->wait)
        argv[a++] = "--wait";
    if (costs_dir)
        argv[a++] = "--costs", argv[a++] = costs_dir;
    argv[a] = NULL;
    char **env = pinned_environ(d->ids[k - 1], entry, sizeof entry);
    pid_t pid;
    int e = env ? posix_spawn(&pid, "/proc/self/exe", NULL, NULL, (char *const *)argv, env) : ENOMEM;
    free(env);
    if (e != 0)
        return fprintf(stderr, "runner: cannot start shard %s: %s\n", shard, strerror(e)), -1;
    if (!o->quiet)
        fprintf(stderr, "runner: shard %s on GPU %s: pid %ld\n", shard, d->ids[k - 1], (long)pid);
    return pid;
}

/* The exit code of a shard process from its wait status. */
static int shard_exit(int status)
{
    if (WIFSIGNALED(status))
        return WTERMSIG(status) == SIGINT || WTERMSIG(status) == SIGTERM ? EXIT_INTERRUPTED : EXIT_POINT;
    int c = WEXITSTATUS(status);
    return c == EXIT_OK || c == EXIT_WRONG || c == EXIT_USAGE || c == EXIT_UNAVAILABLE ||
           c == EXIT_POINT || c == EXIT_OUTPUT || c == EXIT_INTERRUPTED ? c : EXIT_POINT;
}

/* Waits for every started shard, passing an interrupt on to them. */
static int wait_shards(const pid_t *pids, int count)
{
    int code = EXIT_OK, forwarded = 0;
    for (int i = 0; i < count; i++) {
        int status = 0;
        pid_t r;
        if (pids[i] <= 0)
            continue;
        while ((r = waitpid(pids[i], &status, 0)) < 0 && errno == EINTR) {
            for (int j = 0; measure_interrupted && !forwarded && j < count; j++)
                if (pids[j] > 0)
                    kill(pids[j], SIGINT);
            forwarded = forwarded || measure_interrupted;
        }
        code = run_exit_worse(code, r < 0 ? EXIT_POINT : shard_exit(status));
    }
    return code;
}

int devices_run(const struct devices *d, const char *const *scripts, int nscripts,
                const struct run_options *o, const char *costs_dir,
                const struct experiment_list *lists, int nlists)
{
    pid_t *pids = calloc((size_t)d->count, sizeof *pids);
    int code = EXIT_OK;
    if (!pids)
        return fprintf(stderr, "runner: out of memory\n"), EXIT_POINT;
    for (int k = 1; k <= d->count && code == EXIT_OK; k++)
        if ((pids[k - 1] = start_shard(d, k, scripts, nscripts, o, costs_dir)) < 0)
            code = EXIT_POINT;
    code = run_exit_worse(code, wait_shards(pids, d->count));
    free(pids);
    if (code == EXIT_INTERRUPTED || code == EXIT_USAGE)
        return code;
    for (int i = 0; i < nlists; i++)
        for (size_t j = 0; j < lists[i].count; j++)
            code = run_exit_worse(code, merge_experiment(o->out_dir, lists[i].items[j].name,
                                                         o->quiet, o->wait));
    return code;
}
