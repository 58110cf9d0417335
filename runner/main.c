/* main.c: the command line. The only place that exits. */
#define _POSIX_C_SOURCE 200809L
#include <lua.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "experiment.h"
#include "measure.h"
#include "provenance.h"
#include "report.h"
#include "run.h"
#include "script.h"
#include "set_out.h"

extern const char flopbench_commit[];

static const char usage[] =
    "usage: runner run SCRIPT.lua... [--out DIR] [--profile NAME] [--quiet] [--dry-run] [--wait]\n"
    "       runner list [BACKEND]\n"
    "       runner report SPEC.lua [options] SCRIPT.lua...\n"
    "       runner report --current SCRIPT.lua --profile NAME --results DIR\n"
    "       runner host-tag\n"
    "       runner --help | --version\n"
    "\n"
    "run      measures every experiment the scripts declare; per experiment writes\n"
    "         DIR/<name>/samples.csv, summary.csv and provenance.csv\n"
    "         (DIR defaults to results/<host tag>; times are seconds per call)\n"
    "         --profile NAME  the global `profile` scripts see (default \"full\")\n"
    "         --quiet         no progress on stderr, only failures\n"
    "         --dry-run       check the scripts and list their points; measure nothing\n"
    "         --wait          wait while another run writes one of these experiments\n"
    "                         (without it, the run refuses at once, exit 5)\n"
    "list     the backends, ops, impls and dtypes of this host, and why any is missing;\n"
    "         with BACKEND, exits 0 if it can run here and 1 (saying why) if not\n"
    "report   the paper's figures, number macros and claims table from the results\n"
    "         (`runner report --help` for its options); --current exits 0 if DIR holds\n"
    "         results of SCRIPT's experiments as they are declared now\n"
    "host-tag the name of this host's folder under results/\n"
    "\n"
    "exit codes: 0 ok, 1 a result was wrong, 2 usage or script error, 3 a backend is\n"
    "unavailable, 4 a point could not run, 5 results could not be written (or another run\n"
    "is writing one of the experiments), 130 interrupted\n";

static void on_signal(int sig)
{
    (void)sig;
    measure_interrupted = 1;
    kernel_interrupted = 1;
}

/* "copy: memcpy; matvec: loop; ...": the ops b serves (test ops left out). */
static void print_impls(const struct kernel_backend *b)
{
    const char *sep = "";
    for (int op = 0; op < kernel_op_count(); op++) {
        const struct kernel_impl *impl;
        if (kernel_op(op)->test || !kernel_impl_at(b, op, 0))
            continue;
        printf("%s%s:", sep, kernel_op_name(op));
        for (int i = 0; (impl = kernel_impl_at(b, op, i)); i++)
            printf("%s%s", i ? "," : " ", impl->name);
        sep = "; ";
    }
}

static int cmd_list(int argc, char **argv)
{
    if (argc > 3)
        return fputs(usage, stderr), EXIT_USAGE;
    const struct kernel_backend *const *all = kernel_backends();
    if (argc == 3) {
        const struct kernel_backend *b = kernel_backend_find(argv[2]);
        char reason[KERNEL_ERR_LEN] = "";
        if (!b)
            return fprintf(stderr, "runner: unknown backend '%s'\n", argv[2]), EXIT_USAGE;
        if (!b->available(reason))
            return fprintf(stderr, "%s: unavailable: %s\n", b->name, reason), 1;
        return printf("%s: available\n", b->name), EXIT_OK;
    }
    printf("%-10s %-10s %s\n", "backend", "available", "ops: impls (first is the default)");
    for (int i = 0; all[i]; i++) {
        char reason[KERNEL_ERR_LEN] = "";
        int ok = all[i]->available(reason);
        printf("%-10s %-10s ", all[i]->name, ok ? "yes" : "no");
        print_impls(all[i]);
        printf("\n%-21s %s\n", "", ok ? all[i]->summary : reason);
    }
    printf("dtypes: ");
    for (int d = 0; d < DTYPE_COUNT; d++)
        printf("%s%s", d ? ", " : "", kernel_dtype_name((enum kernel_dtype)d));
    printf("\n");
    return EXIT_OK;
}

/* Drops the points whose backend cannot run here, if the experiment is
 * optional; else says which backend is missing. Returns an exit code. */
static int check_backends(struct experiment *e)
{
    size_t kept = 0;
    const struct kernel_backend *skipped = NULL; /* points come grouped by backend */
    for (size_t i = 0; i < e->count; i++) {
        char reason[KERNEL_ERR_LEN] = "";
        const struct kernel_backend *b = e->points[i].backend;
        if (b->available(reason)) {
            e->points[kept] = e->points[i];
            e->points[kept].k.impl = e->points[kept].impl; /* its own impl, not slot i's */
            kept++;
            continue;
        }
        if (!e->optional) {
            fprintf(stderr, "%s:%d: experiment '%s' needs backend '%s', unavailable here: %s\n"
                            "(mark the experiment `optional = true` to skip it instead)\n",
                    e->script, e->line, e->name, b->name, reason);
            return EXIT_UNAVAILABLE;
        }
        if (b != skipped)
            fprintf(stderr, "%s: skipping backend '%s' (optional): %s\n", e->name, b->name, reason);
        skipped = b;
    }
    e->count = kept;
    return EXIT_OK;
}

/* --dry-run: one line per point, as the run would measure them. */
static void print_points(const struct experiment *e)
{
    for (size_t i = 0; i < e->count; i++) {
        const struct point *p = &e->points[i];
        const struct sampling *s = &p->sampling;
        char axis[8] = "-", iterations[24] = "auto";
        if (kernel_op(p->k.op)->axis)
            snprintf(axis, sizeof axis, "%d", p->k.axis);
        if (s->iterations > 0)
            snprintf(iterations, sizeof iterations, "%ld", s->iterations);
        printf("%s %s %s %s %s axis=%s n=%ld iterations=%s samples=%ld..%ld warmup=%ld "
               "target_rel_ci=%g max_time=%g threads=%d graph=%d flush_l2=%d\n",
               e->name, p->backend->name, kernel_op_name(p->k.op), p->impl,
               kernel_dtype_name(p->k.dtype), axis, p->k.n, iterations, s->samples,
               s->max_samples, s->warmup, s->target_rel_ci, s->max_time, p->k.threads, p->k.graph,
               p->k.flush_l2);
    }
}

struct run_args {
    const char **scripts;
    int nscripts;
    int dry_run;
    struct run_options opt;
};

static int parse_run(int argc, char **argv, struct run_args *a)
{
    a->opt.profile = "full";
    for (int i = 2; i < argc; i++) {
        if (strcmp(argv[i], "--out") == 0 && i + 1 < argc)
            a->opt.out_dir = argv[++i];
        else if (strcmp(argv[i], "--profile") == 0 && i + 1 < argc)
            a->opt.profile = argv[++i];
        else if (strcmp(argv[i], "--quiet") == 0)
            a->opt.quiet = 1;
        else if (strcmp(argv[i], "--dry-run") == 0)
            a->dry_run = 1;
        else if (strcmp(argv[i], "--wait") == 0)
            a->opt.wait = 1;
        else if (argv[i][0] == '-')
            return fprintf(stderr, "runner: unknown or incomplete option '%s'\n%s", argv[i], usage), -1;
        else
            a->scripts[a->nscripts++] = argv[i];
    }
    if (a->nscripts == 0)
        return fprintf(stderr, "runner: run needs a script\n%s", usage), -1;
    if (a->opt.out_dir && !a->opt.out_dir[0])
        return fprintf(stderr, "runner: --out needs a folder, not an empty string\n%s", usage), -1;
    return 0;
}

/* 0, or -1 after saying so, if experiment e's name was declared by an
 * earlier script of this run (its results would overwrite the other's). */
static int check_unique(const struct experiment_list *lists, int nlists, const struct experiment *e)
{
    for (int i = 0; i < nlists; i++)
        for (size_t j = 0; j < lists[i].count; j++)
            if (strcmp(lists[i].items[j].name, e->name) == 0) {
                fprintf(stderr, "%s:%d: experiment '%s': also declared at %s:%d\n", e->script,
                        e->line, e->name, lists[i].items[j].script, lists[i].items[j].line);
                return -1;
            }
    return 0;
}

/* Loads every script first, so that a mistake in any stops the run
 * before anything is measured. */
static int load_all(const struct run_args *a, struct experiment_list *lists)
{
    for (int i = 0; i < a->nscripts; i++) {
        char err[2048];
        if (script_load_experiments(a->scripts[i], a->opt.profile, &lists[i], err, sizeof err)) {
            fprintf(stderr, "%s\n", err);
            return EXIT_USAGE;
        }
        for (size_t j = 0; j < lists[i].count; j++)
            if (check_unique(lists, i, &lists[i].items[j]) != 0)
                return EXIT_USAGE;
        for (size_t j = 0; !a->dry_run && j < lists[i].count; j++) {
            int code = check_backends(&lists[i].items[j]);
            if (code != EXIT_OK)
                return code;
        }
    }
    return EXIT_OK;
}

/* Locks every experiment of the run, then measures them in script order;
 * the locks are held until the last is written. */
static int measure_all(struct experiment_list *lists, int nlists, const struct run_options *o)
{
    size_t count = 0, k = 0;
    for (int i = 0; i < nlists; i++)
        count += lists[i].count;
    const struct experiment **all = calloc(count ? count : 1, sizeof *all);
    struct lock **locks = calloc(count ? count : 1, sizeof *locks);
    if (!all || !locks) {
        free(all), free(locks);
        return fprintf(stderr, "runner: out of memory\n"), EXIT_OUTPUT;
    }
    for (int i = 0; i < nlists; i++)
        for (size_t j = 0; j < lists[i].count; j++)
            all[k++] = &lists[i].items[j];
    int code = run_lock_all(all, count, o, locks); /* on failure, none is held */
    if (code == EXIT_OK) {
        for (size_t i = 0; i < count && code != EXIT_INTERRUPTED; i++)
            code = run_exit_worse(code, run_experiment(all[i], o));
        run_unlock_all(locks, count);
    }
    free(all);
    free(locks);
    return code;
}

static int cmd_run(int argc, char **argv)
{
    const char *scripts[argc];
    struct run_args a = { .scripts = scripts };
    char default_out[512], tag[256], run_id[96];
    if (parse_run(argc, argv, &a) != 0)
        return EXIT_USAGE;
    if (!a.opt.out_dir) {
        provenance_host_tag(tag, sizeof tag);
        snprintf(default_out, sizeof default_out, "results/%s", tag);
        a.opt.out_dir = default_out;
    }
    set_out_run_id(run_id, sizeof run_id);
    a.opt.run_id = run_id;
    struct experiment_list *lists = calloc((size_t)a.nscripts, sizeof *lists);
    if (!lists)
        return fprintf(stderr, "runner: out of memory\n"), EXIT_POINT;
    int code = load_all(&a, lists);
    for (int i = 0; a.dry_run && code == EXIT_OK && i < a.nscripts; i++)
        for (size_t j = 0; j < lists[i].count; j++)
            print_points(&lists[i].items[j]);
    if (!a.dry_run && code == EXIT_OK)
        code = measure_all(lists, a.nscripts, &a.opt);
    for (int i = 0; i < a.nscripts; i++)
        experiment_list_free(&lists[i]);
    free(lists);
    return code;
}

int main(int argc, char **argv)
{
    if (argc < 2)
        return fputs(usage, stderr), EXIT_USAGE;
    const char *cmd = argv[1];
    if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 || strcmp(cmd, "help") == 0)
        return fputs(usage, stdout), EXIT_OK;
    if (strcmp(cmd, "--version") == 0) {
        printf("flopbench runner %s (%s, CUDA backends %s)\n", flopbench_commit, LUA_RELEASE,
               FLOPBENCH_CUDA ? "built" : "not built");
        return EXIT_OK;
    }
    struct sigaction sa = { .sa_handler = on_signal };
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    if (strcmp(cmd, "run") == 0)
        return cmd_run(argc, argv);
    if (strcmp(cmd, "list") == 0)
        return cmd_list(argc, argv);
    if (strcmp(cmd, "report") == 0)
        return report_command(argc, argv);
    if (strcmp(cmd, "host-tag") == 0) {
        char tag[256];
        provenance_host_tag(tag, sizeof tag);
        return printf("%s\n", tag), EXIT_OK;
    }
    fprintf(stderr, "runner: unknown command '%s'\n%s", cmd, usage);
    return EXIT_USAGE;
}
