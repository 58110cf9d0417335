/* merge.c: an experiment's shards (DIR/<name>/shard-K-of-N/, each one set
 * written by `runner run --shard K/N`) assembled into DIR/<name>'s own set.
 * Every shard file is input: it is checked to be one set of one split of
 * one declaration measured by one runner before a byte is written. */
#define _GNU_SOURCE
#include "merge.h"

#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "csv_out.h"
#include "lock.h"
#include "provenance.h"
#include "run.h"
#include "set_out.h"
#include "shard.h"

#define KEY_COLUMNS 8 /* experiment .. iterations: the start of both CSV headers */

/* The rows of a CSV file, each a NULL-ended array of strings. */
struct table {
    char ***rows;
    int *widths;
    size_t count, cap;
    int nomem;
};

/* One shard's set, as read. */
struct shard_set {
    struct shard_spec spec;
    char path[PATH_MAX + 64]; /* DIR/<name>/shard-K-of-N */
    struct table prov, summary, samples;
    size_t *index;  /* shard_points, 0-based */
    size_t npoints;
};

/* One merged point: where its rows are. */
struct entry {
    size_t index;   /* in the declaration */
    size_t group;   /* the index of the first point of its round group (its n) */
    const struct shard_set *s;
    size_t row;     /* in s->summary */
    size_t first;   /* its first row in s->samples */
    long samples;
};

static int table_row(void *ctx, const char *const *fields, int count)
{
    struct table *t = ctx;
    if (t->count == t->cap) {
        size_t cap = t->cap ? 2 * t->cap : 256;
        char ***rows = realloc(t->rows, cap * sizeof *rows);
        int *widths = rows ? realloc(t->widths, cap * sizeof *widths) : NULL;
        if (rows)
            t->rows = rows;
        if (!widths)
            return t->nomem = 1;
        t->widths = widths, t->cap = cap;
    }
    char **row = calloc((size_t)count + 1, sizeof *row);
    for (int i = 0; row && i < count; i++)
        if (!(row[i] = strdup(fields[i])))
            break;
    if (!row || (count > 0 && !row[count - 1])) {
        for (int i = 0; row && row[i]; i++)
            free(row[i]);
        free(row);
        return t->nomem = 1;
    }
    t->rows[t->count] = row;
    t->widths[t->count++] = count;
    return 0;
}

static void table_free(struct table *t)
{
    for (size_t i = 0; i < t->count; i++) {
        for (int j = 0; t->rows[i][j]; j++)
            free(t->rows[i][j]);
        free(t->rows[i]);
    }
    free(t->rows);
    free(t->widths);
}

/* Reads path into t; 0, or -1 after saying why. */
static int table_read(const char *path, struct table *t)
{
    char err[8192] = "";
    if (csv_in_read(path, table_row, t, err, sizeof err) != 0 || t->nomem) {
        fprintf(stderr, "runner merge: %s\n", t->nomem ? "out of memory" : err);
        return -1;
    }
    if (t->count == 0)
        return fprintf(stderr, "runner merge: %s: empty, expected a header\n", path), -1;
    return 0;
}

/* The provenance value of key in shard s, or NULL. */
static const char *fact(const struct shard_set *s, const char *key)
{
    for (size_t i = 1; i < s->prov.count; i++)
        if (s->prov.widths[i] == 2 && strcmp(s->prov.rows[i][0], key) == 0)
            return s->prov.rows[i][1];
    return NULL;
}

/* The column of header row h named name, or -1. */
static int column(const struct table *t, const char *name)
{
    for (int i = 0; i < t->widths[0]; i++)
        if (strcmp(t->rows[0][i], name) == 0)
            return i;
    return -1;
}

static void shards_free(struct shard_set *s, long n)
{
    for (long i = 0; s && i < n; i++) {
        table_free(&s[i].prov);
        table_free(&s[i].summary);
        table_free(&s[i].samples);
        free(s[i].index);
    }
    free(s);
}

/* The number of shards the folders in path split the experiment into,
 * or 0 after saying why (none, or several splits). */
static long split_of(const char *path)
{
    DIR *d = opendir(path);
    struct dirent *ent;
    long n = 0, other = 0;
    if (!d)
        return fprintf(stderr, "runner merge: %s: %m\n", path), 0;
    while ((ent = readdir(d)) != NULL) {
        struct shard_spec s;
        if (shard_folder_parse(ent->d_name, &s) != 0)
            continue;
        if (n == 0 || n == s.n)
            n = s.n;
        else
            other = s.n;
    }
    closedir(d);
    if (n == 0)
        fprintf(stderr, "runner merge: %s holds no shard (a folder shard-K-of-N, written by "
                "`runner run SCRIPT --shard K/N`)\n", path);
    else if (other)
        fprintf(stderr, "runner merge: %s holds shards of two splits (of %ld and of %ld): "
                "remove the stale ones' folders\n", path, n, other), n = 0;
    return n;
}

/* Whether an interrupted shard left its staging folder in path. */
static int left_staging(const char *path, const char *folder)
{
    DIR *d = opendir(path);
    struct dirent *ent;
    size_t len = strlen(folder);
    int found = 0;
    while (d && !found && (ent = readdir(d)) != NULL)
        found = ent->d_name[0] == '.' && strncmp(ent->d_name + 1, folder, len) == 0 &&
                strncmp(ent->d_name + 1 + len, ".new-", 5) == 0;
    if (d)
        closedir(d);
    return found;
}

/* Says which of the n shards in path have no set; 0 if none is missing. */
static int say_missing(const char *path, const char *dir, long n)
{
    int missing = 0;
    for (long k = 1; k <= n; k++) {
        struct shard_spec s = { .k = k, .n = n };
        char folder[64], file[PATH_MAX + 96];
        shard_folder(&s, folder, sizeof folder);
        snprintf(file, sizeof file, "%s/%s/provenance.csv", path, folder);
        FILE *f = fopen(file, "r");
        if (f) {
            fclose(f);
            continue;
        }
        missing++;
        fprintf(stderr, "runner merge: %s/%s: shard %ld/%ld is missing%s; rerun it: runner run "
                "SCRIPT --shard %ld/%ld --out %s\n", path, folder, k, n,
                left_staging(path, folder) ? " (it was interrupted: its unfinished folder is left)"
                                           : "", k, n, dir);
    }
    return missing;
}

/* Reads shard s's three files from path/shard-K-of-N/. 0 or -1 (said). */
static int shard_read(struct shard_set *s, const char *path)
{
    char folder[64], file[sizeof s->path + 32];
    shard_folder(&s->spec, folder, sizeof folder);
    snprintf(s->path, sizeof s->path, "%s/%s", path, folder);
    const char *names[] = { "provenance.csv", "summary.csv", "samples.csv" };
    struct table *tables[] = { &s->prov, &s->summary, &s->samples };
    for (int i = 0; i < 3; i++) {
        snprintf(file, sizeof file, "%s/%s", s->path, names[i]);
        if (table_read(file, tables[i]) != 0)
            return -1;
    }
    return 0;
}

/* The count in text (a decimal, 0 .. max), or -1. */
static long count_of(const char *text, long max)
{
    char *end;
    long v = text && *text ? strtol(text, &end, 10) : -1;
    return v >= 0 && v <= max && text && *end == '\0' ? v : -1;
}

/* Checks that table t is one set with shard s's run_id and the row count
 * its provenance records under key. */
static int check_rows(const struct shard_set *s, const struct table *t, const char *file,
                      const char *key)
{
    const char *run_id = fact(s, "run_id");
    long want = count_of(fact(s, key), LONG_MAX);
    int last = t->widths[0] - 1;
    if (!run_id || last < KEY_COLUMNS || strcmp(t->rows[0][last], "run_id") != 0)
        return fprintf(stderr, "runner merge: %s/%s: expected a run_id in the provenance and as "
                       "the last column\n", s->path, file), -1;
    if (want != (long)t->count - 1)
        return fprintf(stderr, "runner merge: %s/%s: %zu rows, but its provenance's %s is %s: "
                       "not one set\n", s->path, file, t->count - 1, key,
                       fact(s, key) ? fact(s, key) : "missing"), -1;
    for (size_t i = 1; i < t->count; i++)
        if (t->widths[i] != t->widths[0] || strcmp(t->rows[i][last], run_id) != 0)
            return fprintf(stderr, "runner merge: %s/%s:%zu: expected %d fields and run_id %s: "
                           "not one set\n", s->path, file, i + 1, t->widths[0], run_id), -1;
    return 0;
}

/* Parses shard_points into s->index. 0, or -1 after saying why. */
static int read_points(struct shard_set *s, size_t declared)
{
    const char *text = fact(s, "shard_points");
    size_t n = text && *text ? 1 : 0;
    for (const char *c = text; c && *c; c++)
        n += *c == ',';
    s->index = calloc(n ? n : 1, sizeof *s->index);
    if (!s->index)
        return fprintf(stderr, "runner merge: out of memory\n"), -1;
    for (const char *c = text; n > 0 && s->npoints < n; c++) {
        char *end;
        unsigned long long v = strtoull(c, &end, 10);
        if (end == c || v < 1 || v > declared || (*end != ',' && *end != '\0'))
            return fprintf(stderr, "runner merge: %s/provenance.csv: shard_points must be "
                           "indices 1..%zu, comma-separated\n", s->path, declared), -1;
        s->index[s->npoints++] = (size_t)v - 1;
        c = end;
        if (*c == '\0')
            break;
    }
    return 0;
}

/* Whether shard s measured every point it was given; says so if not. */
static int complete(const struct shard_set *s)
{
    long points = count_of(fact(s, "points"), LONG_MAX);
    if (points >= 0 && points == (long)s->summary.count - 1 && points == (long)s->npoints)
        return 1;
    fprintf(stderr, "runner merge: %s: shard %ld/%ld is incomplete: %zu of %s points measured",
            s->path, s->spec.k, s->spec.n, s->summary.count - 1,
            fact(s, "points") ? fact(s, "points") : "?");
    for (size_t i = 1; i < s->prov.count; i++)
        if (s->prov.widths[i] == 2 && strncmp(s->prov.rows[i][0], "failed_point_", 13) == 0)
            fprintf(stderr, "; %s", s->prov.rows[i][1]);
    fprintf(stderr, "\n");
    return 0;
}

/* The keys in which every shard must agree with the first. */
static const char *const agreed[] = {
    "experiment", "params", "profile", "seed", "script_sha256", "runner_commit", "runner_dirty",
    "points_declared", "shard_basis", NULL,
};

/* Checks that shard s belongs with the first, one of: same declaration,
 * runner and split, same headers. */
static int check_agrees(const struct shard_set *s, const struct shard_set *first)
{
    for (int i = 0; agreed[i]; i++) {
        const char *a = fact(first, agreed[i]), *b = fact(s, agreed[i]);
        if (!a || !b || strcmp(a, b) != 0)
            return fprintf(stderr, "runner merge: %s: shard %ld/%ld and shard %ld/%ld differ in "
                           "%s ('%s' and '%s'): shards must come from one declaration, one runner "
                           "and one split\n", s->path, first->spec.k, first->spec.n, s->spec.k,
                           s->spec.n, agreed[i], a ? a : "missing", b ? b : "missing"), -1;
    }
    const struct table *t[] = { &s->summary, &s->samples }, *u[] = { &first->summary, &first->samples };
    for (int i = 0; i < 2; i++)
        for (int j = 0; j < t[i]->widths[0]; j++)
            if (t[i]->widths[0] != u[i]->widths[0] || strcmp(t[i]->rows[0][j], u[i]->rows[0][j]))
                return fprintf(stderr, "runner merge: %s: its %s header differs from shard %ld/%ld's\n",
                               s->path, i ? "samples.csv" : "summary.csv", first->spec.k,
                               first->spec.n), -1;
    return 0;
}

/* Checks shard s on its own, as the folder name and the experiment say. */
static int check_shard(struct shard_set *s, const char *name, size_t *declared)
{
    char want[64];
    const char *shard = fact(s, "shard"), *exp = fact(s, "experiment");
    long d = count_of(fact(s, "points_declared"), 100000000);
    snprintf(want, sizeof want, "%ld/%ld", s->spec.k, s->spec.n);
    if (!shard || strcmp(shard, want) != 0 || !exp || strcmp(exp, name) != 0 || d < 0)
        return fprintf(stderr, "runner merge: %s/provenance.csv: expected shard %s of experiment "
                       "'%s' with points_declared, got shard '%s' of '%s'\n", s->path, want, name,
                       shard ? shard : "missing", exp ? exp : "missing"), -1;
    *declared = (size_t)d;
    if (check_rows(s, &s->summary, "summary.csv", "summary_rows") ||
        check_rows(s, &s->samples, "samples.csv", "samples_rows") || read_points(s, *declared))
        return -1;
    for (int i = 0; i < KEY_COLUMNS; i++)
        if (strcmp(s->summary.rows[0][i], s->samples.rows[0][i]) != 0)
            return fprintf(stderr, "runner merge: %s: summary.csv and samples.csv do not start "
                           "with the same key columns\n", s->path), -1;
    return 0;
}

/* Fills the entries of shard s from e (its summary rows, in order, each
 * with its run of samples rows). Returns the next free entry, or NULL. */
static struct entry *add_entries(const struct shard_set *s, struct entry *e)
{
    /* samples.csv holds every round's sample: the clean ones (samples) and
     * those of disturbed rounds (disturbed) */
    int col = column(&s->summary, "samples"), ncol = column(&s->summary, "n");
    int dcol = column(&s->summary, "disturbed");
    struct entry *start = e;
    size_t next = 1;
    for (size_t r = 1; r < s->summary.count; r++, e++) {
        long c = col < 0 ? -1 : count_of(s->summary.rows[r][col], 100000);
        long d = dcol < 0 ? 0 : count_of(s->summary.rows[r][dcol], 100000);
        c = c < 0 || d < 0 ? -1 : c + d;
        *e = (struct entry){ .index = s->index[r - 1], .s = s, .row = r, .first = next, .samples = c };
        for (long j = 0; c >= 0 && j < c && next + (size_t)j < s->samples.count; j++)
            for (int f = 0; f < KEY_COLUMNS; f++)
                if (strcmp(s->samples.rows[next + (size_t)j][f], s->summary.rows[r][f]) != 0)
                    c = -1;
        if (c < 0 || next + (size_t)c > s->samples.count)
            return fprintf(stderr, "runner merge: %s: samples.csv does not hold summary.csv row "
                           "%zu's samples where they belong\n", s->path, r + 1), NULL;
        next += (size_t)c;
    }
    /* a run writes its points group by group (all at one n, in one shard),
     * a group's first point first: a group is a run of rows of one n */
    for (struct entry *x = start; x < e; x++)
        x->group = x > start && ncol >= 0 &&
                           strcmp(s->summary.rows[x->row][ncol], s->summary.rows[x[-1].row][ncol]) == 0
                       ? x[-1].group
                       : x->index;
    return e;
}

/* The order a single run writes: group by group, then as declared. */
static int by_index(const void *a, const void *b)
{
    const struct entry *x = a, *y = b;
    if (x->group != y->group)
        return x->group < y->group ? -1 : 1;
    return x->index < y->index ? -1 : x->index > y->index;
}

/* Keys each shard writes for itself: the merge writes its own. */
static int own_key(const char *key)
{
    static const char *const own[] = { "shard", "shard_points", "shard_assigned", "shard_device",
                                       "run_id", "summary_rows", "samples_rows", "points",
                                       "date_utc", NULL };
    for (int i = 0; own[i]; i++)
        if (strcmp(key, own[i]) == 0)
            return 1;
    return 0;
}

/* Sets key to its shards' distinct values, "; " between them. */
static int set_joined(struct provenance *p, const struct shard_set *s, long n, const char *key)
{
    size_t len = 1;
    for (long i = 0; i < n; i++)
        len += (fact(&s[i], key) ? strlen(fact(&s[i], key)) : 0) + 2;
    char *buf = malloc(len);
    if (!buf)
        return -1;
    buf[0] = '\0';
    for (long i = 0; i < n; i++) {
        const char *v = fact(&s[i], key);
        int seen = !v;
        for (long j = 0; j < i && !seen; j++)
            seen = fact(&s[j], key) && strcmp(fact(&s[j], key), v) == 0;
        if (!seen)
            strcat(strcat(buf, buf[0] ? "; " : ""), v);
    }
    int status = provenance_set(p, key, buf);
    free(buf);
    return status;
}

/* Each shard's own facts, as shard_K_<fact>. */
static int add_shard_facts(struct provenance *p, const struct shard_set *s)
{
    static const char *const facts[][2] = {
        { "host", "host" }, { "device", "shard_device" }, { "run_id", "run_id" },
        { "date_utc", "date_utc" }, { "points", "points" }, { "cpu_model", "cpu_model" },
    };
    for (size_t i = 0; i < sizeof facts / sizeof *facts; i++) {
        char key[96];
        snprintf(key, sizeof key, "shard_%ld_%s", s->spec.k, facts[i][0]);
        if (provenance_set(p, key, fact(s, facts[i][1]) ? fact(s, facts[i][1]) : "") != 0)
            return -1;
    }
    return 0;
}

/* The merged provenance: the shards' facts (differing ones joined), then
 * the merge's own keys. NULL if out of memory. */
static struct provenance *merged_facts(const struct shard_set *s, long n, const char *run_id,
                                       long rows, long samples)
{
    struct provenance *p = provenance_new();
    int bad = !p;
    for (long i = 0; i < n && !bad; i++)
        for (size_t r = 1; r < s[i].prov.count && !bad; r++) {
            const char *key = s[i].prov.rows[r][0];
            if (s[i].prov.widths[r] == 2 && !own_key(key) && !provenance_get(p, key))
                bad = set_joined(p, s, n, key);
        }
    const char *first_date = NULL;
    for (long i = 0; i < n; i++) {
        const char *d = fact(&s[i], "date_utc");
        if (d && (!first_date || strcmp(d, first_date) < 0))
            first_date = d;
    }
    char now[32] = "unknown";
    time_t t = time(NULL);
    struct tm tm;
    if (gmtime_r(&t, &tm))
        strftime(now, sizeof now, "%Y-%m-%dT%H:%M:%SZ", &tm);
    bad = bad || provenance_set(p, "date_utc", first_date ? first_date : "unknown") ||
          provenance_set(p, "merged_utc", now) || provenance_setf(p, "merged_shards", "%ld", n) ||
          provenance_setf(p, "points", "%ld", rows);
    for (long i = 0; i < n && !bad; i++)
        bad = add_shard_facts(p, &s[i]);
    bad = bad || provenance_set(p, "run_id", run_id) ||
          provenance_setf(p, "summary_rows", "%ld", rows) ||
          provenance_setf(p, "samples_rows", "%ld", samples);
    if (bad)
        provenance_free(p), p = NULL;
    return p;
}

/* Writes row with its last field (run_id) replaced. */
static void write_row(struct csv_out *f, char **row, int width, const char *run_id)
{
    const char *fields[width];
    for (int i = 0; i < width - 1; i++)
        fields[i] = row[i];
    fields[width - 1] = run_id;
    csv_out_row(f, fields, width); /* a failed row is remembered by f, and its commit says why */
}

/* Commits *f and clears it; 0 or -1 with err. */
static int commit(struct csv_out **f, char *err, size_t errlen)
{
    int status = *f ? csv_out_commit(*f, err, errlen) : -1;
    *f = NULL;
    return status;
}

/* Writes entries[0..count) of the shards as dir/name's set. 0 or -1 (said). */
static int write_set(const char *dir, const char *name, const struct shard_set *s, long n,
                     const struct entry *entries, size_t count)
{
    char err[8192] = "", run_id[96];
    long samples = 0;
    set_out_run_id(run_id, sizeof run_id);
    for (size_t i = 0; i < count; i++)
        samples += entries[i].samples;
    struct provenance *p = merged_facts(s, n, run_id, (long)count, samples);
    set_out_sweep(dir, name);
    struct set_out *set = p ? set_out_begin(dir, name, err, sizeof err) : NULL;
    struct csv_out *sum = set ? set_out_file(set, "summary.csv", err, sizeof err) : NULL;
    struct csv_out *smp = sum ? set_out_file(set, "samples.csv", err, sizeof err) : NULL;
    struct csv_out *prov = smp ? set_out_file(set, "provenance.csv", err, sizeof err) : NULL;
    int status = prov ? 0 : -1;
    if (prov) {
        write_row(sum, s[0].summary.rows[0], s[0].summary.widths[0], "run_id");
        write_row(smp, s[0].samples.rows[0], s[0].samples.widths[0], "run_id");
        for (size_t i = 0; i < count; i++) {
            const struct entry *e = &entries[i];
            write_row(sum, e->s->summary.rows[e->row], e->s->summary.widths[e->row], run_id);
            for (long j = 0; j < e->samples; j++)
                write_row(smp, e->s->samples.rows[e->first + (size_t)j], e->s->samples.widths[0], run_id);
        }
        provenance_write_rows(p, prov);
        status = commit(&prov, err, sizeof err) || commit(&smp, err, sizeof err) ||
                 commit(&sum, err, sizeof err) ? -1 : 0;
    }
    struct csv_out *open_files[] = { sum, smp, prov };
    for (int i = 0; i < 3; i++)
        if (open_files[i])
            csv_out_abort(open_files[i]);
    if (set && status == 0)
        status = set_out_commit(set, err, sizeof err);
    else if (set)
        set_out_abort(set);
    provenance_free(p);
    if (status != 0)
        fprintf(stderr, "runner merge: %s\n", err[0] ? err : "out of memory");
    return status;
}

/* Checks the n shards of path and orders their points; the entries (to
 * free) in *out. Returns an exit code. */
static int gather(struct shard_set *s, long n, const char *path, const char *name,
                  struct entry **out, size_t *count)
{
    size_t declared = 0, first_declared = 0, rows = 0, assigned = 0;
    int code = EXIT_OK;
    for (long i = 0; i < n; i++) {
        if (shard_read(&s[i], path) || check_shard(&s[i], name, &declared) ||
            (i > 0 && check_agrees(&s[i], &s[0])))
            return EXIT_OUTPUT;
        if (i == 0)
            first_declared = declared;
        if (!complete(&s[i]))
            code = EXIT_POINT;
        rows += s[i].summary.count - 1;
        assigned += (size_t)count_of(fact(&s[i], "shard_assigned"), LONG_MAX);
    }
    if (code != EXIT_OK)
        return fprintf(stderr, "runner merge: %s: rerun each incomplete shard (runner run SCRIPT "
                       "--shard K/%ld), then merge again\n", path, n), code;
    if (assigned != first_declared)
        return fprintf(stderr, "runner merge: %s: the shards were given %zu points of the %zu "
                       "declared: not one split\n", path, assigned, first_declared), EXIT_OUTPUT;
    struct entry *e = *out = calloc(rows ? rows : 1, sizeof *e);
    for (long i = 0; e && i < n; i++)
        e = add_entries(&s[i], e);
    if (!e)
        return *out ? EXIT_OUTPUT : (fprintf(stderr, "runner merge: out of memory\n"), EXIT_OUTPUT);
    const struct entry **seen = calloc(first_declared ? first_declared : 1, sizeof *seen);
    if (!seen)
        return fprintf(stderr, "runner merge: out of memory\n"), EXIT_OUTPUT;
    for (size_t i = 0; i < rows; i++) {
        const struct entry *x = &(*out)[i], *twin = x->index < first_declared ? seen[x->index] : NULL;
        if (twin) {
            fprintf(stderr, "runner merge: %s: point %zu of the declaration is in %s and in %s: "
                    "not one split\n", path, x->index + 1, twin->s->path, x->s->path);
            free(seen);
            return EXIT_OUTPUT;
        }
        if (x->index < first_declared)
            seen[x->index] = x;
    }
    free(seen);
    qsort(*out, rows, sizeof **out, by_index);
    *count = rows;
    return EXIT_OK;
}

int merge_experiment(const char *dir, const char *name, int quiet, int wait)
{
    char path[PATH_MAX], err[8192] = "";
    if (snprintf(path, sizeof path, "%s/%s", dir, name) >= (int)sizeof path)
        return fprintf(stderr, "runner merge: %s/%s: path too long\n", dir, name), EXIT_OUTPUT;
    struct lock *l = shard_lock_experiment(dir, name, NULL, wait, err, sizeof err);
    if (!l)
        return fprintf(stderr, "runner merge: %s\n", err), EXIT_OUTPUT;
    if (set_out_check(dir, name, err, sizeof err) != 0) {
        lock_release(l);
        return fprintf(stderr, "runner merge: %s\n", err), EXIT_OUTPUT;
    }
    long n = split_of(path);
    int code = n == 0 ? EXIT_OUTPUT : say_missing(path, dir, n) ? EXIT_POINT : EXIT_OK;
    struct shard_set *s = code == EXIT_OK && n > 0 && n <= SHARD_MAX ? calloc((size_t)n, sizeof *s)
                                                                     : NULL;
    struct entry *entries = NULL;
    size_t count = 0;
    if (code == EXIT_OK && !s)
        code = (fprintf(stderr, "runner merge: out of memory\n"), EXIT_OUTPUT);
    for (long i = 0; s && i < n; i++)
        s[i].spec = (struct shard_spec){ .k = i + 1, .n = n };
    if (s)
        code = gather(s, n, path, name, &entries, &count);
    if (code == EXIT_OK && write_set(dir, name, s, n, entries, count) != 0)
        code = EXIT_OUTPUT;
    if (code == EXIT_OK && !quiet)
        fprintf(stderr, "%s: %zu points of %ld shards merged into %s/\n", name, count, n, path);
    free(entries);
    shards_free(s, n);
    lock_release(l);
    return code;
}

int merge_command(int argc, char **argv)
{
    int quiet = 0, wait = 0, folders = 0, code = EXIT_OK;
    for (int i = 2; i < argc; i++) {
        if (strcmp(argv[i], "--quiet") == 0)
            quiet = 1;
        else if (strcmp(argv[i], "--wait") == 0)
            wait = 1;
        else if (argv[i][0] == '-')
            return fprintf(stderr, "runner merge: unknown option '%s'\nusage: runner merge "
                           "DIR/<experiment>... [--quiet] [--wait]\n", argv[i]), EXIT_USAGE;
        else
            folders++;
    }
    if (folders == 0)
        return fprintf(stderr, "usage: runner merge DIR/<experiment>... [--quiet] [--wait]\n"),
               EXIT_USAGE;
    for (int i = 2; i < argc && code != EXIT_INTERRUPTED; i++) {
        if (argv[i][0] == '-')
            continue;
        char path[PATH_MAX];
        size_t len = (size_t)snprintf(path, sizeof path, "%s", argv[i]);
        while (len > 1 && path[len - 1] == '/')
            path[--len] = '\0';
        char *slash = strrchr(path, '/');
        const char *name = slash ? slash + 1 : path;
        if (!experiment_name_ok(name)) {
            fprintf(stderr, "runner merge: '%s' is not DIR/<experiment>: an experiment's folder "
                    "is 1 to 128 of letters, digits, '.', '_', '-', not starting with '.'\n", argv[i]);
            code = run_exit_worse(code, EXIT_USAGE);
            continue;
        }
        if (slash == path)
            code = run_exit_worse(code, merge_experiment("/", name, quiet, wait));
        else if (slash)
            *slash = '\0', code = run_exit_worse(code, merge_experiment(path, name, quiet, wait));
        else
            code = run_exit_worse(code, merge_experiment(".", name, quiet, wait));
    }
    return code;
}
