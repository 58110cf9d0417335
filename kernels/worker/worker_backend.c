/* worker_backend.c: the article's frameworks as backends: torch (CPU),
 * torch-cuda, cupy (GPU) and numpy (CPU). Each is a worker process from
 * peers/ (peers/PROTOCOL.md), started once per run on first use and kept
 * across points; its hello registers the impls it serves as the backend's
 * impl rows (worker_impls.c), so nothing here names an impl. As for every
 * backend, the runner draws the inputs from the point's seed and checks the
 * output against its own float64 reference; the worker only runs and times
 * the framework's calls. The files a point's arrays go through are the
 * worker's slots (npy_slot.h), kept across points and made over at each
 * point's length. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "host.h"
#include "kernel.h"
#include "npy.h"
#include "npy_slot.h"
#include "reference.h"
#include "worker_impls.h"
#include "worker_proc.h"

#define WORKER_FACTS 48
#define WORKER_TIMEOUT_DEFAULT 120.0 /* seconds: a cold `import torch` with CUDA takes tens */
#define WORKER_PROTOCOL "2"          /* the version of peers/PROTOCOL.md spoken */

struct worker_fact {
    char key[64];
    char value[256];
};

/* One framework backend and, once started, its worker. */
struct worker_live {
    const struct kernel_backend *backend;
    const char *framework, *device;
    int tried, ok;
    char reason[KERNEL_ERR_LEN];
    char python[PATH_MAX], script[PATH_MAX], dir[PATH_MAX];
    struct worker_proc proc;
    struct worker_fact facts[WORKER_FACTS];
    int nfacts;
    struct worker_impls impls;       /* the backend's impl rows, from the first hello */
    struct worker_impls hello_impls; /* those of the hello in progress */
    int registered;                  /* 1: impls holds a hello's rows */
    char hello_err[KERNEL_ERR_LEN];  /* why a line of the hello was refused */
    long next_handle, starts;
    double last_request_s; /* seconds the last request took, by the runner's clock */
    /* The files a point's arrays go through, kept across points: one for
     * each input of worker_inputs, then the output, in each dtype; files
     * slot-<name>-<dtype>.npy of the folder, set up on first use. */
    struct npy_slot slots[5][DTYPE_COUNT];
};

/* One point set up in a worker. */
struct worker_state {
    struct worker_live *w;
    struct kernel_point p;
    long handle;
    /* Its inputs as worker_inputs lists them, held from setup until verify
     * has compared: each in the worker's slot, borrowed, or where that was
     * borrowed by another point, in a file of its own, removed after setup
     * and kept mapped (own[i]). */
    struct npy_slot *slot[3];
    struct npy_map own[3];
    void *out;
    double *ref;
    double per_call; /* seconds, the last measured; sets the limit of the next batch */
};

/* A point's inputs: each file's name (h<handle>-<name>.npy), its buffer
 * (kernel_draw_input draws it), and whether it is an n x n matrix. */
static const struct worker_input {
    const char *name;
    enum kernel_buffer buffer;
    int square;
} worker_inputs[3] = {
    { "a", BUFFER_A, 1 }, { "x", BUFFER_X, 0 }, { "y", BUFFER_Y, 0 },
};

/* A message into err (KERNEL_ERR_LEN bytes), cut to fit. */
static void say(char *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void say(char *err, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, KERNEL_ERR_LEN, fmt, ap);
    va_end(ap);
}

static double worker_timeout(void)
{
    const char *s = getenv("FLOPBENCH_WORKER_TIMEOUT");
    char *end;
    double t = s ? strtod(s, &end) : 0.0;
    return s && *s && !*end && t > 0.0 && t < 1e6 ? t : WORKER_TIMEOUT_DEFAULT;
}

/* peers/worker.py: $FLOPBENCH_PEERS, else beside the folder of the binary
 * (build/runner and build/tests/test_* both find the tree's peers/). */
static int find_script(char *buf, size_t len)
{
    const char *env = getenv("FLOPBENCH_PEERS");
    if (env && *env) {
        snprintf(buf, len, "%s/worker.py", env);
        return access(buf, R_OK);
    }
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n <= 0)
        return -1;
    exe[n] = '\0';
    char *slash = strrchr(exe, '/');
    if (slash)
        *slash = '\0';
    static const char *const up[] = { "/../peers/worker.py", "/../../peers/worker.py" };
    for (int i = 0; i < 2; i++) {
        char path[PATH_MAX * 2];
        snprintf(path, sizeof path, "%s%s", exe, up[i]);
        if (access(path, R_OK) == 0 && realpath(path, buf))
            return 0;
    }
    return -1;
}

/* The interpreters to try, in order: $FLOPBENCH_PYTHON alone, else python3
 * from PATH and then Debian's /usr/bin/python3 (where its packages are). */
static int python_candidates(const char *out[2])
{
    const char *env = getenv("FLOPBENCH_PYTHON");
    if (env && *env)
        return out[0] = env, 1;
    out[0] = "python3";
    out[1] = "/usr/bin/python3";
    return 2;
}

/* Records a `fact KEY VALUE` line of the hello; 0, or -1 and why in
 * w->hello_err. */
static int on_fact(struct worker_live *w, const char *line)
{
    char key[64];
    int end = 0;
    if (sscanf(line, "fact %63[a-z0-9_] %n", key, &end) != 1 || end == 0 || line[end - 1] != ' ' ||
        strlen(line + end) >= sizeof w->facts[0].value || w->nfacts == WORKER_FACTS)
        return -1;
    /* The runner's own facts of a worker are not the worker's to say. */
    if (strcmp(key, "python") == 0 || strcmp(key, "worker_starts") == 0 ||
        strncmp(key, "traffic_", 8) == 0)
        return say(w->hello_err, "worker %s (%s) says fact '%s', which is the runner's to record",
                   w->backend->name, w->script, key), -1;
    struct worker_fact *f = &w->facts[w->nfacts++];
    snprintf(f->key, sizeof f->key, "%s", key);
    snprintf(f->value, sizeof f->value, "%s", line + end);
    return 0;
}

/* Records a `fact` or `serve` line of the hello; 0, or -1 and why in
 * w->hello_err (a line that is neither leaves it empty). */
static int on_hello_line(void *ctx, const char *line)
{
    struct worker_live *w = ctx;
    char why[KERNEL_ERR_LEN];
    if (strncmp(line, "fact ", 5) == 0)
        return on_fact(w, line);
    if (strncmp(line, "serve ", 6) != 0)
        return -1;
    if (worker_impls_serve(&w->hello_impls, line, why, sizeof why) == 0)
        return 0;
    say(w->hello_err, "worker %s (%s) sent '%.120s': %s", w->backend->name, w->script, line, why);
    return -1;
}

/* Makes the hello's impls the backend's rows: at the first hello they are
 * registered; a worker started again must serve the same. 0, or -1 and why. */
static int register_impls(struct worker_live *w, char *err)
{
    if (w->hello_impls.count == 0)
        return say(err, "worker %s (%s) serves no impl: its hello has no serve line",
                   w->backend->name, w->script), -1;
    if (!w->registered) {
        worker_impls_copy(&w->impls, &w->hello_impls);
        w->registered = 1;
        return 0;
    }
    if (!worker_impls_same(&w->impls, &w->hello_impls))
        return say(err, "worker %s (%s), started again, serves other impls than at its first start",
                   w->backend->name, w->script), -1;
    return 0;
}

/* The worker's slot for worker_inputs[i], or for the output: a vector
 * (i = 3) or an n x n matrix (i = 4, copy's), apart so that a run of
 * several ops does not make one file over between the two sizes at every
 * point; in dtype, set up on first use (the folder exists by then). */
static struct npy_slot *worker_slot(struct worker_live *w, int i, enum kernel_dtype dtype)
{
    static const char *const outputs[] = { "out", "outnn" };
    struct npy_slot *slot = &w->slots[i][dtype];
    if (!slot->path[0]) {
        char path[NPY_SLOT_PATH];
        snprintf(path, sizeof path, "%s/slot-%s-%s.npy", w->dir, i < 3 ? worker_inputs[i].name : outputs[i - 3],
                 kernel_dtype_name(dtype));
        npy_slot_init(slot, path);
    }
    return slot;
}

/* Drops every slot of the worker (those borrowed when given back). */
static void drop_slots(struct worker_live *w)
{
    for (int i = 0; i < 5; i++)
        for (int d = 0; d < DTYPE_COUNT; d++)
            if (w->slots[i][d].path[0])
                npy_slot_drop(&w->slots[i][d]);
}

static struct worker_live *all_live[8];
static int nlive;

/* 1 if name is one of the files the runner puts in a worker's folder:
 * the protocol's (h*.npy), the slots' (slot-*.npy) and stderr.log. */
static int runner_file(const char *name)
{
    size_t len = strlen(name);
    int npy = len > 4 && strcmp(name + len - 4, ".npy") == 0;
    return (npy && (name[0] == 'h' || strncmp(name, "slot-", 5) == 0)) ||
           strcmp(name, "stderr.log") == 0;
}

/* Removes the runner's files (runner_file) from the worker's folder, and
 * the folder. */
static void remove_dir(const char *dir)
{
    DIR *d = opendir(dir);
    for (struct dirent *e; d && (e = readdir(d));)
        if (runner_file(e->d_name))
            unlinkat(dirfd(d), e->d_name, 0);
    if (d)
        closedir(d);
    rmdir(dir);
}

/* At exit: every worker quits and its folder goes. */
static void stop_all(void)
{
    for (int i = 0; i < nlive; i++) {
        struct worker_live *w = all_live[i];
        worker_stop(&w->proc, 5.0);
        if (w->dir[0])
            remove_dir(w->dir);
    }
}

/* The private folder the files of this worker's points go through. */
static int make_dir(struct worker_live *w, char *err)
{
    if (w->dir[0])
        return 0;
    const char *tmp = getenv("TMPDIR");
    snprintf(w->dir, sizeof w->dir, "%s/flopbench-%s-XXXXXX", tmp && *tmp ? tmp : "/tmp",
             w->backend->name);
    if (mkdtemp(w->dir))
        return 0;
    say(err, "cannot create a folder in %s: %s", tmp && *tmp ? tmp : "/tmp",
             strerror(errno));
    w->dir[0] = '\0';
    return -1;
}

/* Starts the worker with python and says hello; 0, or -1 with why. */
static int start_with(struct worker_live *w, const char *python, char *err)
{
    char log[PATH_MAX + 16], reply[WORKER_LINE_MAX], msg[KERNEL_ERR_LEN];
    char *argv[] = { (char *)python, "-B", w->script, "--framework", (char *)w->framework,
                     "--device", (char *)w->device, "--dir", w->dir, NULL };
    snprintf(log, sizeof log, "%s/stderr.log", w->dir);
    w->nfacts = 0;
    w->hello_err[0] = '\0';
    worker_impls_clear(&w->hello_impls);
    if (worker_start(&w->proc, argv, log, msg, sizeof msg) != 0)
        return say(err, "%s: %s", python, msg), -1;
    enum worker_result r = worker_request(&w->proc, "hello protocol=" WORKER_PROTOCOL, worker_timeout(),
                                          on_hello_line, w, reply, sizeof reply, msg, sizeof msg);
    char proto[16], device[16];
    if (r != WORKER_OK && w->hello_err[0])
        say(msg, "%s", w->hello_err);
    if (r == WORKER_OK && (worker_field(reply, "protocol", proto, sizeof proto) ||
                           strcmp(proto, WORKER_PROTOCOL) != 0))
        r = WORKER_FAILED, say(msg, "it speaks protocol '%.40s', not " WORKER_PROTOCOL, reply);
    if (r == WORKER_OK && (worker_field(reply, "device", device, sizeof device) ||
                           strcmp(device, w->device) != 0))
        r = WORKER_FAILED, say(msg, "it runs on device '%.40s', not %s", reply, w->device);
    if (r == WORKER_OK && register_impls(w, msg) == 0) {
        snprintf(w->python, sizeof w->python, "%s", python);
        w->starts++;
        return 0;
    }
    if (r == WORKER_OK)
        say(err, "%s: the worker's hello: %s", python, msg);
    else if (r == WORKER_REFUSED && strncmp(msg, "unavailable ", 12) == 0)
        say(err, "%s %s", python, msg + 12); /* "python3 cannot import torch: ..." */
    else if (r != WORKER_OK)
        say(err, "%s: the worker's hello: %s", python, msg);
    worker_stop(&w->proc, 2.0);
    return -1;
}

/* Starts the worker on the first interpreter that can run it. */
static int start(struct worker_live *w, char *err)
{
    const char *pythons[2];
    int count = python_candidates(pythons);
    if (find_script(w->script, sizeof w->script) != 0)
        return say(err, "peers/worker.py not found beside the runner "
                        "(set FLOPBENCH_PEERS to the peers/ folder)"), -1;
    if (make_dir(w, err) != 0)
        return -1;
    if (nlive == 0)
        atexit(stop_all);
    if (nlive < (int)(sizeof all_live / sizeof *all_live) &&
        (nlive == 0 || all_live[nlive - 1] != w))
        all_live[nlive++] = w;
    char why[KERNEL_ERR_LEN] = "";
    for (int i = 0; i < count; i++) {
        char one[KERNEL_ERR_LEN];
        if (start_with(w, pythons[i], one) == 0)
            return 0;
        size_t used = strlen(why);
        if (used + 2 < sizeof why)
            snprintf(why + used, sizeof why - used, "%s%.*s", used ? "; " : "",
                     (int)(sizeof why - used - 3), one);
    }
    say(err, "%s", why);
    return -1;
}

static int worker_available(struct worker_live *w, char *reason)
{
    if (!w->tried) {
        w->tried = 1;
        w->ok = start(w, w->reason) == 0;
    }
    say(reason, "%s", w->ok ? "" : w->reason);
    return w->ok;
}

/* Turns a failed request into a kernel_status and a message naming the worker. */
static int request_status(struct worker_live *w, enum worker_result r, const char *what,
                          const char *msg, char *err)
{
    say(err, "worker %s, %s: %s", w->backend->name, what, msg);
    if (r == WORKER_REFUSED && strncmp(msg, "nomem ", 6) == 0)
        return KERNEL_NO_MEMORY;
    return KERNEL_ERROR;
}

/* Sends a request; restarts a worker that died at an earlier point first. */
static int request(struct worker_live *w, const char *line, double timeout, char *reply,
                   size_t replylen, char *err)
{
    char msg[KERNEL_ERR_LEN];
    if (!w->ok && !worker_available(w, msg))
        return say(err, "worker %s: %s", w->backend->name, msg), KERNEL_UNAVAILABLE;
    if (w->proc.pid <= 0) {
        char again[PATH_MAX];
        drop_slots(w); /* made afresh for the new worker */
        snprintf(again, sizeof again, "%s", w->python);
        if (start_with(w, again, msg) != 0)
            return say(err, "worker %s, restarting: %s", w->backend->name, msg), KERNEL_ERROR;
    }
    double t0 = host_clock_seconds();
    enum worker_result r = worker_request(&w->proc, line, timeout, NULL, NULL, reply, replylen,
                                          msg, sizeof msg);
    w->last_request_s = host_clock_seconds() - t0;
    if (r == WORKER_OK)
        return KERNEL_OK;
    if (r == WORKER_REFUSED && strncmp(msg, "unavailable ", 12) == 0)
        worker_stop(&w->proc, 2.0); /* it exits after saying so */
    char what[64];
    snprintf(what, sizeof what, "'%.*s'", (int)strcspn(line, " "), line);
    return request_status(w, r, what, msg, err);
}

/* Bytes of each input, the output and the reference of a point. */
static void point_bytes(const struct kernel_point *p, double *a, double *x, double *y, double *out,
                        double *ref)
{
    double s = (double)kernel_dtype_size(p->dtype);
    *a = kernel_buffer_elements(p, BUFFER_A) * s;
    *x = kernel_buffer_elements(p, BUFFER_X) * s;
    *y = kernel_buffer_elements(p, BUFFER_Y) * s;
    *out = kernel_buffer_elements(p, BUFFER_OUT) * s;
    *ref = kernel_reference_elements(p) * (double)sizeof(double);
}

static int check_point(const struct kernel_backend *b, const struct kernel_point *p, char *err)
{
    int status = kernel_check_point(p, err);
    if (status != KERNEL_OK)
        return status;
    if (!kernel_impl_lookup(b, p, err))
        return KERNEL_ERROR;
    if (p->graph || p->flush_l2)
        return say(err, "backend %s times the framework's own calls: graph "
                        "and flush_l2 do not apply", b->name), KERNEL_ERROR;
    return KERNEL_OK;
}

/* The runner's buffers and the worker's copies; on the GPU, the inputs,
 * the product of a materialised impl and the output. */
static int worker_memory(struct worker_live *w, const struct kernel_point *p, struct kernel_memory *m,
                         char *err)
{
    double a, x, y, out, ref, reply_free = 0.0;
    int status = check_point(w->backend, p, err);
    if (status != KERNEL_OK)
        return status;
    point_bytes(p, &a, &x, &y, &out, &ref);
    const struct kernel_impl *impl = kernel_impl_lookup(w->backend, p, err);
    double q = kernel_forms_product(p, impl->traffic)
                   ? kernel_buffer_elements(p, BUFFER_PRODUCT) * (double)kernel_dtype_size(p->dtype)
                   : 0.0;
    /* The inputs' files, mapped by the runner and the worker alike, and
     * on the CPU the worker's copy of them; the output's file and the
     * runner's copy; the reference. The files are counted for each point,
     * though it reuses the slots of the points before it (on a tmpfs,
     * pages the host's free memory already leaves out): an upper bound. */
    double inputs = a + x + y, device = 0.0;
    double host = (w->backend->gpu ? 1.0 : 2.0) * inputs + 2.0 * out + ref;
    memset(m, 0, sizeof *m);
    if (w->backend->gpu) {
        char reply[WORKER_LINE_MAX], v[32];
        if ((status = request(w, "memory", worker_timeout(), reply, sizeof reply, err)) != KERNEL_OK)
            return status;
        if (worker_field(reply, "device_free", v, sizeof v) != 0 || sscanf(v, "%lf", &reply_free) != 1 ||
            !(reply_free >= 0.0 && reply_free < 1e18))
            return say(err, "worker %s: 'memory' reply '%.80s' has no device_free",
                            w->backend->name, reply), KERNEL_ERROR;
        device = inputs + q + out;
    } else {
        host += q;
    }
    m->host_need = host < 1e18 ? (size_t)host : (size_t)1e18;
    m->host_free = host_memory_free();
    m->device_need = (size_t)device;
    m->device_free = (size_t)reply_free;
    return KERNEL_OK;
}

/* The status of a file that could not be made (errno value e). */
static int file_status(int e)
{
    return e == ENOSPC || e == ENOMEM ? KERNEL_NO_MEMORY : KERNEL_ERROR;
}

/* dir/h<handle>-<name>.npy into buf. */
static const char *handle_path(const struct worker_state *s, const char *name, char *buf, size_t len)
{
    snprintf(buf, len, "%s/h%ld-%s.npy", s->w->dir, s->handle, name);
    return buf;
}

/* The mapping input i is in: its slot's or its own file's; NULL if the
 * point has no such input, or once the inputs went back. */
static const struct npy_map *input_map(const struct worker_state *s, int i)
{
    if (s->slot[i])
        return &s->slot[i]->map;
    return s->own[i].base ? &s->own[i] : NULL;
}

/* Gives the inputs back: the slots to the worker for its next point, the
 * own files' mappings unmapped. */
static void release_inputs(struct worker_state *s)
{
    for (int i = 0; i < 3; i++) {
        if (s->slot[i])
            npy_slot_give(s->slot[i]);
        s->slot[i] = NULL;
        npy_map_release(&s->own[i]);
    }
}

static void state_free(struct worker_state *s)
{
    release_inputs(s);
    free(s->out);
    free(s->ref);
    free(s);
}

/* Gives each slot's file the name h<handle>-<name>.npy for the setup
 * request (an own file has it already). */
static int name_inputs(struct worker_state *s, char *err)
{
    char path[PATH_MAX + 64];
    for (int i = 0; i < 3; i++)
        if (s->slot[i] && npy_slot_lend(s->slot[i], handle_path(s, worker_inputs[i].name, path,
                                                               sizeof path), err, KERNEL_ERR_LEN) != 0)
            return KERNEL_ERROR;
    return KERNEL_OK;
}

/* Takes the names back from the worker: each slot's file to rest (or
 * whatever the worker left in its place removed), each own file removed;
 * the mappings stay. */
static void unname_inputs(const struct worker_state *s)
{
    char path[PATH_MAX + 64];
    for (int i = 0; i < 3; i++)
        if (s->slot[i])
            npy_slot_back(s->slot[i]);
        else if (s->own[i].base)
            unlink(handle_path(s, worker_inputs[i].name, path, sizeof path));
}

/* A file for input i, mapped shared: the worker's slot for it, or, if
 * another point holds that, a file of the point's own. 0 or the errno
 * value, with why in err. */
static int input_file(struct worker_state *s, int i, char *err)
{
    char path[PATH_MAX + 64];
    size_t n = (size_t)s->p.n, cols = worker_inputs[i].square ? n : 0;
    struct npy_slot *slot = worker_slot(s->w, i, s->p.dtype);
    if (slot->busy)
        return npy_map_create(handle_path(s, worker_inputs[i].name, path, sizeof path), s->p.dtype, n,
                              cols, &s->own[i], err, KERNEL_ERR_LEN);
    int e = npy_slot_take(slot, s->p.dtype, n, cols, err, KERNEL_ERR_LEN);
    if (!e)
        s->slot[i] = slot;
    return e;
}

/* The runner's side of a point: its inputs drawn straight into .npy files
 * mapped shared (the worker maps them too, so nothing is written or read
 * twice), which stay the runner's inputs for the reference; the output and
 * the reference. NULL with why in err. */
static struct worker_state *state_new(struct worker_live *w, const struct kernel_point *p, int *status,
                                      char *err)
{
    double a, x, y, out, ref;
    point_bytes(p, &a, &x, &y, &out, &ref);
    struct worker_state *s = calloc(1, sizeof *s);
    if (!s)
        return *status = KERNEL_NO_MEMORY, say(err, "out of host memory for n = %ld", p->n), NULL;
    *s = (struct worker_state){ .w = w, .p = *p, .handle = ++w->next_handle };
    for (int i = 0; i < 3; i++)
        s->own[i].fd = -1;
    s->out = malloc((size_t)out);
    s->ref = ref > 0 ? malloc((size_t)ref) : NULL;
    if (!s->out || (ref > 0 && !s->ref)) {
        state_free(s);
        return *status = KERNEL_NO_MEMORY, say(err, "out of host memory for n = %ld", p->n), NULL;
    }
    for (int i = 0; i < 3; i++) {
        const struct worker_input *in = &worker_inputs[i];
        size_t count = (size_t)kernel_buffer_elements(p, in->buffer);
        if (count == 0)
            continue;
        int e = input_file(s, i, err);
        if (e) {
            unname_inputs(s);
            state_free(s);
            return *status = file_status(e), NULL;
        }
        kernel_draw_input(p, in->buffer, input_map(s, i)->data);
    }
    return s;
}

static int worker_setup(struct worker_live *w, const struct kernel_point *p, void **state, char *err)
{
    *state = NULL;
    int status = check_point(w->backend, p, err);
    if (status != KERNEL_OK)
        return status;
    char reason[KERNEL_ERR_LEN];
    if (!worker_available(w, reason))
        return say(err, "%s", reason), KERNEL_UNAVAILABLE;
    struct worker_state *s = state_new(w, p, &status, err);
    if (!s)
        return status;
    s->p.impl = kernel_impl_lookup(w->backend, p, err)->name;
    char line[256], reply[WORKER_LINE_MAX];
    snprintf(line, sizeof line, "setup h=%ld op=%s impl=%s dtype=%s axis=%d n=%ld threads=%d",
             s->handle, kernel_op_name(p->op), s->p.impl, kernel_dtype_name(p->dtype), p->axis,
             p->n, p->threads);
    status = name_inputs(s, err);
    if (status == KERNEL_OK)
        status = request(w, line, worker_timeout(), reply, sizeof reply, err);
    unname_inputs(s);
    /* the worker had the files' paths until now: a truncated one would be
     * a SIGBUS when the reference reads it (and its slot is dropped when
     * given back, not used again) */
    for (int i = 0; i < 3 && status == KERNEL_OK; i++) {
        char path[PATH_MAX + 64], why[KERNEL_ERR_LEN];
        const struct npy_map *m = input_map(s, i);
        if (m && npy_map_intact(m, handle_path(s, worker_inputs[i].name, path, sizeof path), why,
                                sizeof why) != 0)
            status = (say(err, "worker %s changed an input it was to read: %s", w->backend->name,
                          why), KERNEL_ERROR);
    }
    if (status != KERNEL_OK) {
        state_free(s);
        return status;
    }
    *state = s;
    return KERNEL_OK;
}

/* The output's file for one call, named path (h<handle>-out.npy), made
 * exactly count elements of the point's dtype and poisoned, so that an
 * element the worker leaves unwritten shows: the worker's output slot,
 * lent (*slot), or if another point holds that, a file of the call's own
 * (*slot NULL). Returns a kernel status. */
static int output_file(struct worker_state *s, const char *path, size_t count, struct npy_slot **slot,
                       char *err)
{
    size_t n = (size_t)s->p.n, rows = count == n * n ? n : count, cols = count == n * n && n > 1 ? n : 0;
    struct npy_slot *mine = worker_slot(s->w, cols ? 4 : 3, s->p.dtype);
    *slot = NULL;
    if (mine->busy) {
        struct npy_map own;
        int e = npy_map_create(path, s->p.dtype, rows, cols, &own, err, KERNEL_ERR_LEN);
        if (e)
            return file_status(e);
        reference_poison(own.data, s->p.dtype, count);
        npy_map_release(&own);
        return KERNEL_OK;
    }
    int e = npy_slot_take(mine, s->p.dtype, rows, cols, err, KERNEL_ERR_LEN);
    if (e)
        return file_status(e);
    reference_poison(mine->map.data, s->p.dtype, count);
    if (npy_slot_lend(mine, path, err, KERNEL_ERR_LEN) != 0) {
        npy_slot_give(mine);
        return KERNEL_ERROR;
    }
    *slot = mine;
    return KERNEL_OK;
}

/* Runs one call into the output's file (output_file) and reads what is
 * then at its name strictly into s->out: the file written in place, or
 * one the worker put there instead (its result of another dtype or
 * length, which the reader names). The name is then taken back: the
 * slot's file to rest (a slot whose file was replaced is dropped), any
 * other removed. */
static int call_out(struct worker_state *s, size_t count, char *err)
{
    char line[64], reply[WORKER_LINE_MAX], path[PATH_MAX + 64], why[KERNEL_ERR_LEN];
    struct npy_slot *slot;
    int status = output_file(s, handle_path(s, "out", path, sizeof path), count, &slot, err);
    if (status != KERNEL_OK)
        return status;
    snprintf(line, sizeof line, "call h=%ld", s->handle);
    status = request(s->w, line, worker_timeout(), reply, sizeof reply, err);
    s->per_call = s->w->last_request_s;
    if (status == KERNEL_OK && npy_read(path, s->p.dtype, s->out, count, why, sizeof why) != 0)
        status = (say(err, "worker %s's output: %s", s->w->backend->name, why), KERNEL_WRONG);
    if (slot)
        npy_slot_give(slot);
    else
        unlink(path);
    return status;
}

/* Compares s->out with the reference of the point's inputs: those the
 * state holds, or, at a verify after the first (they went back at the
 * first), the same inputs drawn again from the seed into memory of its
 * own. */
static int compare(struct worker_state *s, struct kernel_check *check, char *err)
{
    void *again[3] = { NULL, NULL, NULL };
    const void *in[3];
    int status = KERNEL_OK;
    for (int i = 0; i < 3; i++) {
        const struct npy_map *m = input_map(s, i);
        size_t count = (size_t)kernel_buffer_elements(&s->p, worker_inputs[i].buffer);
        in[i] = m ? m->data : NULL;
        if (m || count == 0)
            continue;
        in[i] = again[i] = malloc(count * kernel_dtype_size(s->p.dtype));
        if (!again[i]) {
            status = (say(err, "out of host memory for n = %ld", s->p.n), KERNEL_NO_MEMORY);
            break;
        }
        kernel_draw_input(&s->p, worker_inputs[i].buffer, again[i]);
    }
    if (status == KERNEL_OK)
        status = kernel_op_check(&s->p, in[0], in[1], in[2], s->out, s->ref, check, err);
    for (int i = 0; i < 3; i++)
        free(again[i]);
    return status;
}

static int worker_verify(void *state, struct kernel_check *check, char *err)
{
    struct worker_state *s = state;
    int status = call_out(s, (size_t)kernel_buffer_elements(&s->p, BUFFER_OUT), err);
    if (status == KERNEL_OK)
        status = compare(s, check, err);
    /* Nothing needs the inputs after the comparison: the slots go back,
     * free for the next point. */
    release_inputs(s);
    return status;
}

static int worker_run(void *state, long iterations, double *seconds, char *err)
{
    struct worker_state *s = state;
    if (iterations < 1)
        return say(err, "iterations must be at least 1, got %ld", iterations), KERNEL_ERROR;
    char line[96], reply[WORKER_LINE_MAX], v[64];
    snprintf(line, sizeof line, "time h=%ld iterations=%ld", s->handle, iterations);
    double limit = worker_timeout() + 20.0 * (double)iterations * s->per_call;
    int status = request(s->w, line, limit, reply, sizeof reply, err);
    if (status != KERNEL_OK)
        return status;
    /* A batch takes some time, and no more than the request did (its clock
     * starts after ours and stops before; 1 ms of slack for the clocks). */
    char *end = NULL;
    double t = worker_field(reply, "seconds", v, sizeof v) == 0 ? strtod(v, &end) : NAN;
    if (!end || *end || !isfinite(t) || t <= 0.0 || t > s->w->last_request_s + 1e-3)
        return say(err, "worker %s: 'time' reply '%.80s' is not seconds=<a time above 0 and within "
                   "the request's %.3g s>", s->w->backend->name, reply, s->w->last_request_s), KERNEL_ERROR;
    *seconds = t;
    s->per_call = t / (double)iterations;
    return KERNEL_OK;
}

static void worker_teardown(void *state)
{
    struct worker_state *s = state;
    if (!s)
        return;
    char line[64], reply[WORKER_LINE_MAX], err[KERNEL_ERR_LEN];
    snprintf(line, sizeof line, "free h=%ld", s->handle);
    if (s->w->proc.pid > 0)
        request(s->w, line, worker_timeout(), reply, sizeof reply, err);
    state_free(s);
}

/* Facts of the worker's hello, as <backend>_<key> (torch_cuda_device_name),
 * and the traffic of p's impl as <backend>_traffic_<op>_<impl>. */
static void worker_describe(struct worker_live *w, const struct kernel_point *p, kernel_fact_fn fact,
                            void *ctx)
{
    char prefix[32], key[128];
    snprintf(prefix, sizeof prefix, "%s", w->backend->name);
    for (char *c = prefix; *c; c++)
        if (*c == '-')
            *c = '_';
    snprintf(key, sizeof key, "%s_python", prefix);
    fact(ctx, key, w->python[0] ? w->python : "none");
    snprintf(key, sizeof key, "%s_worker_starts", prefix);
    char starts[24];
    snprintf(starts, sizeof starts, "%ld", w->starts);
    fact(ctx, key, starts);
    for (int i = 0; i < w->nfacts; i++) {
        snprintf(key, sizeof key, "%s_%s", prefix, w->facts[i].key);
        fact(ctx, key, w->facts[i].value);
    }
    /* The traffic of the point's impl, which the report reads from the
     * results: it knows no worker's impls without starting one. */
    char err[KERNEL_ERR_LEN];
    const struct kernel_impl *impl = p ? kernel_impl_lookup(w->backend, p, err) : NULL;
    if (impl) {
        snprintf(key, sizeof key, "%s_traffic_%s_%s", prefix, impl->op, impl->name);
        fact(ctx, key, kernel_traffic_name(impl->traffic));
    }
}

/* One backend: its table (its impl rows are its worker's registered ones)
 * and the functions that need its worker without a point state to find it
 * by. */
#define WORKER_BACKEND(var, NAME, LABEL, FRAMEWORK, DEVICE, GPU, SUMMARY)                         \
    extern const struct kernel_backend var;                                                     \
    static struct worker_live var##_live = { .backend = &var, .framework = FRAMEWORK,           \
                                             .device = DEVICE };                                \
    static int var##_available(char *r) { return worker_available(&var##_live, r); }            \
    static int var##_memory(const struct kernel_point *p, struct kernel_memory *m, char *e)     \
    { return worker_memory(&var##_live, p, m, e); }                                             \
    static int var##_setup(const struct kernel_point *p, void **s, char *e)                     \
    { return worker_setup(&var##_live, p, s, e); }                                              \
    static void var##_describe(const struct kernel_point *p, kernel_fact_fn f, void *c)         \
    { worker_describe(&var##_live, p, f, c); }                                                  \
    const struct kernel_backend var = {                                                         \
        .name = NAME, .label = LABEL, .summary = SUMMARY, .impls = var##_live.impls.rows,       \
        .available = var##_available, .memory = var##_memory, .setup = var##_setup,             \
        .verify = worker_verify, .run = worker_run, .teardown = worker_teardown,                \
        .describe = var##_describe, .gpu = GPU, .worker = 1,                                    \
    }

WORKER_BACKEND(backend_torch, "torch", "PyTorch", "torch", "cpu", 0,
               "PyTorch on the CPU (a worker: peers/torch_peer.py)");
WORKER_BACKEND(backend_torch_cuda, "torch-cuda", "PyTorch", "torch", "cuda", 1,
               "PyTorch on the GPU, timed with CUDA events (a worker: peers/torch_peer.py)");
WORKER_BACKEND(backend_cupy, "cupy", "CuPy", "cupy", "cuda", 1,
               "CuPy on the GPU, timed with CUDA events (a worker: peers/cupy_peer.py)");
WORKER_BACKEND(backend_numpy, "numpy", "NumPy", "numpy", "cpu", 0,
               "NumPy on the CPU, CuPy's counterpart (a worker: peers/numpy_peer.py)");
