/* main.c: the command line. The only place that exits. */
#define _POSIX_C_SOURCE 200809L
#include <lua.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "devices.h"
#include "experiment.h"
#include "interrupt.h"
#include "measure.h"
#include "merge.h"
#include "provenance.h"
#include "report.h"
#include "run.h"
#include "script.h"
#include "set_out.h"
#include "shard.h"

extern const char flopbench_commit[];

static const char usage[] =
    "usage: runner run SCRIPT.lua... [--out DIR] [--profile NAME] [--quiet] [--dry-run] [--wait]\n"
    "                  [--shard K/N | --devices 0,1,...|all] [--costs DIR]\n"
    "                  [--resume] [--script-memory SIZE] [--max-points N] [--only NAME,...]\n"
    "       runner merge DIR/<experiment>... [--quiet] [--wait]\n"
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
    "         --shard K/N     measure only shard K of N (whole rounds, balanced by cost)\n"
    "                         into DIR/<name>/shard-K-of-N/; `runner merge` joins them\n"
    "         --costs DIR     balance the shards by the times in DIR/<name>/summary.csv\n"
    "         --devices LIST  one shard a GPU, each pinned with CUDA_VISIBLE_DEVICES,\n"
    "                         merged at the end (all: every GPU of this host)\n"
    "         --resume        continue an interrupted or failed run: reuse the points it\n"
    "                         journaled (DIR/.<name>.journal) under the same declaration\n"
    "                         and runner, and measure only the others\n"
    "         --script-memory SIZE  memory a script's Lua state may hold, in bytes or with\n"
    "                         K, M or G (default 1G)\n"
    "         --max-points N  points a script may declare, in all (default 100000)\n"
    "         --only NAME,... measure only these of the scripts' experiments\n"
    "merge    joins the shards DIR/<name>/shard-K-of-N/ into DIR/<name>'s three files;\n"
    "         refuses, naming them, missing or incomplete shards (exit 4) and shards of\n"
    "         other declarations, runners or splits (exit 5)\n"
    "list     the backends, ops, impls and dtypes of this host, and why any is missing;\n"
    "         with BACKEND, exits 0 if it can run here and 1 (saying why) if not\n"
    "report   the paper's figures, number macros and claims table from the results\n"
    "         (`runner report --help` for its options); --current exits 0 if DIR holds\n"
    "         results of SCRIPT's experiments as they are declared now\n"
    "host-tag the name of this host's folder under results/\n"
    "\n"
    "exit codes: 0 ok, 1 a result was wrong, 2 usage or script error, 3 a backend is\n"
    "unavailable, 4 a point could not run, 5 results could not be written (or another run\n"
    "is writing one of the experiments), 130 interrupted (SIGINT, SIGTERM or SIGHUP; a second\n"
    "one exits at once)\n";

/* "copy: memcpy; matvec: loop; ...": the ops b serves (test ops left out).
 * Returns how many it printed (none for a worker backend that cannot
 * start: its impls are its worker's). */
static int print_impls(const struct kernel_backend *b)
{
    int count = 0;
    const char *sep = "";
    for (int op = 0; op < kernel_op_count(); op++) {
        const struct kernel_impl *impl;
        if (kernel_op(op)->test || !kernel_impl_at(b, op, 0))
            continue;
        printf("%s%s:", sep, kernel_op_name(op));
        for (int i = 0; (impl = kernel_impl_at(b, op, i)); i++)
            printf("%s%s", i ? "," : " ", impl->name);
        sep = "; ";
        count++;
    }
    return count;
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
        if (interrupt_pending()) /* its answer would be "interrupted" */
            return fprintf(stderr, "\nrunner: interrupted\n"), EXIT_INTERRUPTED;
        printf("%-10s %-10s ", all[i]->name, ok ? "yes" : "no");
        if (print_impls(all[i]) == 0 && !ok) {
            printf("not available: %s\n%-21s %s\n", reason, "", all[i]->summary);
            continue;
        }
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
        printf("%s %s %s %s %s axis=%s n=%ld iterations=%s samples=%ld..%ld warmup=%ld settle=%ld "
               "target_rel_ci=%g max_time=%g threads=%d graph=%d flush_l2=%d\n",
               e->name, p->backend->name, kernel_op_name(p->k.op), p->impl,
               kernel_dtype_name(p->k.dtype), axis, p->k.n, iterations, s->samples,
               s->max_samples, s->warmup, s->settle, s->target_rel_ci, s->max_time, p->k.threads,
               p->k.graph, p->k.flush_l2);
    }
}

/* The point of e declared at index, or NULL if this run does not hold it
 * (another shard's). */
static const struct point *declared_point(const struct experiment *e, size_t index)
{
    for (size_t i = 0; i < e->count; i++)
        if (e->points[i].index == index)
            return &e->points[i];
    return NULL;
}

/* "outer_sum/article axis 0" for point p, with its backend and dtype where
 * they differ from other's. */
static void pair_side(const struct point *p, const struct point *other, char *buf, size_t len)
{
    int used = snprintf(buf, len, "%s/%s", kernel_op_name(p->k.op), p->impl);
    if (used >= 0 && (size_t)used < len && kernel_op(p->k.op)->axis)
        used += snprintf(buf + used, len - (size_t)used, " axis %d", p->k.axis);
    if (used >= 0 && (size_t)used < len && p->backend != other->backend)
        used += snprintf(buf + used, len - (size_t)used, " on %s", p->backend->name);
    if (used >= 0 && (size_t)used < len && p->k.dtype != other->k.dtype)
        snprintf(buf + used, len - (size_t)used, " in %s", kernel_dtype_name(p->k.dtype));
}

/* --dry-run: one line per claim pair of e whose points this run holds. */
static void print_pairs(const struct experiment *e)
{
    for (size_t i = 0; i < e->pair_count; i++) {
        const struct claim_pair *c = &e->pairs[i];
        const struct point *num = declared_point(e, c->num), *den = declared_point(e, c->den);
        char a[128], b[128];
        if (!num || !den)
            continue;
        pair_side(num, den, a, sizeof a);
        pair_side(den, num, b, sizeof b);
        printf("claim %s: %s n=%ld %s over %s, +-%g%% at %g%%\n", c->claim, e->name, num->k.n, a, b,
               100 * c->precision, 100 * c->level);
    }
}

struct run_args {
    const char **scripts;
    int nscripts;
    int dry_run;
    struct script_limits limits;
    struct run_options opt;
    struct shard_spec shard;
    const char *devices; /* --devices, as given */
    const char *only;    /* --only, as given */
};

/* Parses SIZE (digits, then K, M or G: binary multiples) into *bytes,
 * from 1 MiB to 1 TiB. Returns 0 or -1. */
static int parse_size(const char *text, size_t *bytes)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(text, &end, 10);
    int shift = 0;
    if (end == text || errno || text[0] == '-')
        return -1;
    if (*end && end[1] == '\0')
        shift = *end == 'K' ? 10 : *end == 'M' ? 20 : *end == 'G' ? 30 : -1;
    else if (*end)
        shift = -1;
    if (shift < 0 || v > (1ULL << 40) >> shift || v << shift < (1ULL << 20))
        return -1;
    *bytes = (size_t)(v << shift);
    return 0;
}

/* Parses N, a whole number from 1 to 10^9. Returns 0 or -1. */
static int parse_count(const char *text, long *n)
{
    char *end;
    errno = 0;
    long v = strtol(text, &end, 10);
    if (end == text || *end || errno || v < 1 || v > 1000000000L)
        return -1;
    *n = v;
    return 0;
}

static int parse_run(int argc, char **argv, struct run_args *a)
{
    a->opt.profile = "full";
    a->limits = (struct script_limits){ SCRIPT_DEFAULT_MEMORY, SCRIPT_DEFAULT_MAX_POINTS };
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
        else if (strcmp(argv[i], "--shard") == 0 && i + 1 < argc) {
            char err[256];
            if (shard_parse(argv[++i], &a->shard, err, sizeof err) != 0)
                return fprintf(stderr, "runner: %s\n%s", err, usage), -1;
            a->opt.shard = &a->shard;
        } else if (strcmp(argv[i], "--costs") == 0 && i + 1 < argc)
            a->shard.costs_dir = argv[++i];
        else if (strcmp(argv[i], "--devices") == 0 && i + 1 < argc)
            a->devices = argv[++i];
        else if (strcmp(argv[i], "--resume") == 0)
            a->opt.resume = 1;
        else if (strcmp(argv[i], "--only") == 0 && i + 1 < argc)
            a->only = argv[++i];
        else if (strcmp(argv[i], "--script-memory") == 0 && i + 1 < argc) {
            if (parse_size(argv[++i], &a->limits.memory) != 0)
                return fprintf(stderr, "runner: --script-memory needs a size from 1M to 1024G, such "
                                       "as 512M or 2G, not '%s'\n", argv[i]), -1;
        } else if (strcmp(argv[i], "--max-points") == 0 && i + 1 < argc) {
            if (parse_count(argv[++i], &a->limits.max_points) != 0)
                return fprintf(stderr, "runner: --max-points needs a whole number from 1 to "
                                       "1000000000, not '%s'\n", argv[i]), -1;
        }
        else if (argv[i][0] == '-')
            return fprintf(stderr, "runner: unknown or incomplete option '%s'\n%s", argv[i], usage), -1;
        else
            a->scripts[a->nscripts++] = argv[i];
    }
    if (a->nscripts == 0)
        return fprintf(stderr, "runner: run needs a script\n%s", usage), -1;
    if (a->opt.out_dir && !a->opt.out_dir[0])
        return fprintf(stderr, "runner: --out needs a folder, not an empty string\n%s", usage), -1;
    if (a->shard.costs_dir && !a->opt.shard && !a->devices)
        return fprintf(stderr, "runner: --costs goes with --shard or --devices\n%s", usage), -1;
    if (a->opt.shard && a->devices)
        return fprintf(stderr, "runner: --shard and --devices do not go together (--devices "
                       "makes the shards)\n%s", usage), -1;
    if (a->only && (a->opt.shard || a->devices))
        return fprintf(stderr, "runner: --only does not go with --shard or --devices (a split is "
                       "of all the scripts declare)\n%s", usage), -1;
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

/* 1 if name is one of the comma-separated names of list. */
static int listed(const char *list, const char *name)
{
    size_t len = strlen(name);
    for (const char *s = list; *s;) {
        size_t word = strcspn(s, ",");
        if (word == len && strncmp(s, name, len) == 0)
            return 1;
        s += word + (s[word] == ',');
    }
    return 0;
}

/* --only: keeps the experiments it names and frees the others; exit 2
 * after saying so if it names one no script declares, or is no list of
 * names. */
static int keep_only(const char *only, struct experiment_list *lists, int nlists)
{
    if (!only[0] || only[0] == ',' || only[strlen(only) - 1] == ',' || strstr(only, ",,"))
        return fprintf(stderr, "runner: --only needs experiment names, separated by commas, "
                       "not '%s'\n", only), EXIT_USAGE;
    for (const char *s = only; *s;) {
        size_t word = strcspn(s, ",");
        int found = 0;
        for (int i = 0; i < nlists && !found; i++)
            for (size_t j = 0; j < lists[i].count && !found; j++)
                found = strlen(lists[i].items[j].name) == word &&
                        strncmp(lists[i].items[j].name, s, word) == 0;
        if (!found) {
            fprintf(stderr, "runner: --only: no experiment '%.*s' in the scripts (they declare:", (int)word, s);
            for (int i = 0; i < nlists; i++)
                for (size_t j = 0; j < lists[i].count; j++)
                    fprintf(stderr, " %s", lists[i].items[j].name);
            fprintf(stderr, ")\n");
            return EXIT_USAGE;
        }
        s += word + (s[word] == ',');
    }
    for (int i = 0; i < nlists; i++) {
        size_t kept = 0;
        for (size_t j = 0; j < lists[i].count; j++) {
            if (listed(only, lists[i].items[j].name))
                lists[i].items[kept++] = lists[i].items[j];
            else
                experiment_free(&lists[i].items[j]);
        }
        lists[i].count = kept;
    }
    return EXIT_OK;
}

/* Loads every script first, so that a mistake in any stops the run
 * before anything is measured. */
static int load_all(struct run_args *a, struct experiment_list *lists)
{
    for (int i = 0; i < a->nscripts; i++) {
        char err[2048];
        if (script_load_experiments(a->scripts[i], a->opt.profile, &a->limits, &lists[i], err,
                                    sizeof err)) {
            if (interrupt_pending())
                return fprintf(stderr, "runner: interrupted while reading %s\n", a->scripts[i]),
                       EXIT_INTERRUPTED;
            fprintf(stderr, "%s\n", err);
            return EXIT_USAGE;
        }
        for (size_t j = 0; j < lists[i].count; j++)
            if (check_unique(lists, i, &lists[i].items[j]) != 0)
                return EXIT_USAGE;
    }
    if (a->only) {
        int code = keep_only(a->only, lists, a->nscripts);
        if (code != EXIT_OK)
            return code;
    }
    /* the split is of the declared points, whatever this host can run */
    char err[4096];
    if (a->opt.shard && shard_select(lists, a->nscripts, &a->shard, err, sizeof err) != 0)
        return fprintf(stderr, "runner: --costs: %s\n", err), EXIT_USAGE;
    for (int i = 0; i < a->nscripts; i++) {
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

/* --devices: reads the list, and pins this process to the one GPU of a
 * one-GPU list (before any backend starts CUDA). 0, or -1 after saying why. */
static int pin_devices(const struct run_args *a, struct devices *d)
{
    char err[512];
    if (devices_parse(a->devices, d, err, sizeof err) != 0)
        return fprintf(stderr, "runner: %s\n", err), -1;
    if (d->count == 1 && setenv("CUDA_VISIBLE_DEVICES", d->ids[0], 1) != 0)
        return fprintf(stderr, "runner: out of memory\n"), -1;
    if (d->count == 0)
        fprintf(stderr, "runner: --devices all: this host has no GPU; one process\n");
    return 0;
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
    struct devices d = { 0 };
    int code = a.devices && pin_devices(&a, &d) != 0 ? EXIT_USAGE : load_all(&a, lists);
    for (int i = 0; a.dry_run && code == EXIT_OK && i < a.nscripts; i++)
        for (size_t j = 0; j < lists[i].count; j++) {
            print_points(&lists[i].items[j]);
            print_pairs(&lists[i].items[j]);
        }
    struct stat st;
    int out_existed = stat(a.opt.out_dir, &st) == 0;
    if (!a.dry_run && code == EXIT_OK)
        code = d.count > 1 ? devices_run(&d, a.scripts, a.nscripts, &a.opt, a.shard.costs_dir, lists,
                                         a.nscripts)
                           : measure_all(lists, a.nscripts, &a.opt);
    devices_free(&d);
    if (!out_existed)
        rmdir(a.opt.out_dir); /* the folder this run made, if it stayed empty */
    for (int i = 0; i < a.nscripts; i++)
        experiment_list_free(&lists[i]);
    free(lists);
    return code;
}

/* Runs the command argv[1]; returns its exit code. */
static int dispatch(int argc, char **argv)
{
    const char *cmd = argv[1];
    if (strcmp(cmd, "run") == 0)
        return cmd_run(argc, argv);
    if (strcmp(cmd, "merge") == 0)
        return merge_command(argc, argv);
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
    interrupt_install();
    int code = dispatch(argc, argv);
    fflush(stdout);
    if (!interrupt_pending())
        return code;
    if (code != EXIT_INTERRUPTED) /* run has said where its files stand */
        fprintf(stderr, "\nrunner: interrupted\n");
    return EXIT_INTERRUPTED;
}
