/* journal.c: an experiment's measured points, one record each, appended
 * and synced as they are measured; see journal.h. The file is text:
 *   flopbench-journal 1 <TAB> <identity>
 *   F <TAB> index <TAB> key <TAB> value          a fact of the next point
 *   P <TAB> index <TAB> run_id <TAB> backend op impl dtype axis n seed
 *     <TAB> iterations rel_err tolerance unwritten count <TAB> samples...
 * where a sample is "batch seconds,round,order,disturbance flags" 
 * (every field tab-separated; tab, newline and backslash in a field written
 * as \t, \n and \\). A record counts once its P line ends with a newline. */
#define _POSIX_C_SOURCE 200809L
#include "journal.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <math.h>
#include <sha2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

#include "provenance.h"

#define JOURNAL_MAGIC "flopbench-journal 2"
#define MAX_FIELDS 16 /* before the batch times */

struct fact {
    char *key, *value;
};

struct record {
    int present;
    char *run_id;
    long iterations, count, unwritten;
    double rel_err, tolerance;
    double *batch;
    long *round;
    int *order, *flags;
    struct fact *facts;
    size_t nfacts;
};

struct journal {
    char path[4096];
    char identity[SHA256_DIGEST_STRING_LENGTH];
    const struct experiment *e;
    struct record *records; /* one per point of e */
    size_t present;
    int fd;                 /* -1 until the first record is written */
    off_t keep;             /* on resume: the bytes of whole records, kept */
    int resume_ok;          /* the file on disk is of this identity */
    struct fact *pending;   /* facts of the point being measured */
    size_t npending;
};

/* The identity of a declaration: the SHA-256 of what must not change for a
 * point to be reused. "" if a part is missing. */
static void identity_of(const struct provenance *prov, char *hex)
{
    static const char *const keys[] = { "runner_commit", "host", "profile", "script_sha256",
                                        "params" };
    SHA2_CTX ctx;
    SHA256Init(&ctx);
    hex[0] = '\0';
    for (size_t i = 0; i < sizeof keys / sizeof *keys; i++) {
        const char *v = provenance_get(prov, keys[i]);
        if (!v)
            return;
        SHA256Update(&ctx, (const uint8_t *)keys[i], strlen(keys[i]) + 1);
        SHA256Update(&ctx, (const uint8_t *)v, strlen(v) + 1);
    }
    SHA256End(&ctx, hex);
}

static void free_facts(struct fact *f, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(f[i].key);
        free(f[i].value);
    }
    free(f);
}

static void free_record(struct record *r)
{
    free(r->run_id);
    free(r->batch);
    free(r->round);
    free(r->order);
    free(r->flags);
    free_facts(r->facts, r->nfacts);
    memset(r, 0, sizeof *r);
}

/* Undoes the escapes of field s in place. Returns 0, or -1 on a bad escape. */
static int unescape(char *s)
{
    char *w = s;
    for (const char *r = s; *r; r++) {
        if (*r != '\\') {
            *w++ = *r;
            continue;
        }
        r++;
        if (*r == 't')
            *w++ = '\t';
        else if (*r == 'n')
            *w++ = '\n';
        else if (*r == '\\')
            *w++ = '\\';
        else
            return -1;
    }
    *w = '\0';
    return 0;
}

/* Writes s escaped to f. */
static void put_field(FILE *f, const char *s)
{
    fputc('\t', f);
    for (; *s; s++) {
        if (*s == '\t')
            fputs("\\t", f);
        else if (*s == '\n')
            fputs("\\n", f);
        else if (*s == '\\')
            fputs("\\\\", f);
        else
            fputc(*s, f);
    }
}

/* Splits line (no newline) at tabs into at most max fields, unescaped.
 * Returns the count, or -1 if a field's escapes are bad. */
static int split(char *line, char **fields, int max)
{
    int n = 0;
    for (char *s = line; n < max;) {
        char *tab = strchr(s, '\t');
        if (tab)
            *tab = '\0';
        if (unescape(s) != 0)
            return -1;
        fields[n++] = s;
        if (!tab)
            break;
        s = tab + 1;
    }
    return n;
}

static int parse_long(const char *s, long lo, long hi, long *v)
{
    char *end;
    errno = 0;
    long x = strtol(s, &end, 10);
    if (end == s || *end || errno || x < lo || x > hi)
        return -1;
    *v = x;
    return 0;
}

static int parse_double(const char *s, double *v)
{
    char *end;
    errno = 0;
    double x = strtod(s, &end);
    if (end == s || *end || errno || !isfinite(x))
        return -1;
    *v = x;
    return 0;
}

/* Whether the key fields of a P line (fields 3..9) are point p's. */
static int same_point(char **f, const struct point *p)
{
    char axis[16], n[32], seed[32];
    snprintf(axis, sizeof axis, "%d", p->k.axis);
    snprintf(n, sizeof n, "%ld", p->k.n);
    snprintf(seed, sizeof seed, "%" PRIu64, p->k.seed);
    return strcmp(f[3], p->backend->name) == 0 && strcmp(f[4], kernel_op_name(p->k.op)) == 0 &&
           strcmp(f[5], p->impl) == 0 && strcmp(f[6], kernel_dtype_name(p->k.dtype)) == 0 &&
           strcmp(f[7], axis) == 0 && strcmp(f[8], n) == 0 && strcmp(f[9], seed) == 0;
}

/* Reads sample k of record r from text, "batch,round,order,flags" (a
 * batch time above 0, a round from 1, an order from 1, flags from 0).
 * Returns 0 or -1. */
static int parse_sample(char *text, struct record *r, long k)
{
    char *part[4];
    int nparts = 0;
    for (char *c = text; nparts < 4; c++) {
        part[nparts++] = c;
        c = strchr(c, ',');
        if (!c)
            break;
        *c = '\0';
    }
    long order, flags;
    if (nparts != 4 || parse_double(part[0], &r->batch[k]) || !(r->batch[k] > 0.0) ||
        parse_long(part[1], 1, 1000000000L, &r->round[k]) ||
        parse_long(part[2], 1, 1000000000L, &order) || parse_long(part[3], 0, 255, &flags))
        return -1;
    r->order[k] = (int)order;
    r->flags[k] = (int)flags;
    return 0;
}

/* Reads a P line's fields into record r of point p. Returns 0 or -1. */
static int read_point(char **f, int nf, char *rest, const struct point *p, struct record *r)
{
    long count;
    if (nf < 15 || !same_point(f, p) || parse_long(f[10], 1, 1000000000L, &r->iterations) ||
        parse_double(f[11], &r->rel_err) || parse_double(f[12], &r->tolerance) ||
        parse_long(f[13], 0, 0, &r->unwritten) ||
        parse_long(f[14], 1, MEASURE_ROUNDS_PER_SAMPLE * p->sampling.max_samples, &count) || !rest)
        return -1;
    r->batch = calloc((size_t)count, sizeof *r->batch);
    r->round = calloc((size_t)count, sizeof *r->round);
    r->order = calloc((size_t)count, sizeof *r->order);
    r->flags = calloc((size_t)count, sizeof *r->flags);
    r->run_id = strdup(f[2]);
    if (!r->batch || !r->round || !r->order || !r->flags || !r->run_id)
        return -1;
    for (long k = 0; k < count; k++) {
        char *tab = strchr(rest, '\t');
        if ((tab == NULL) != (k == count - 1))
            return -1; /* fewer or more times than count */
        if (tab)
            *tab = '\0';
        if (parse_sample(rest, r, k) != 0 || (k > 0 && r->round[k] <= r->round[k - 1]))
            return -1; /* a point's samples are one a round, in increasing rounds */
        rest = tab ? tab + 1 : NULL;
    }
    r->count = count;
    r->present = 1;
    return 0;
}

/* Reads one line of the journal (its newline removed). Returns 1 for a P
 * record, 0 for a fact, -1 if it is not a record. */
static int read_line(struct journal *j, char *line)
{
    char *f[MAX_FIELDS];
    char *rest = NULL;
    if (line[0] == 'P') { /* the batch times follow the 15 fixed fields */
        char *s = line;
        for (int t = 0; t < 15 && s; t++)
            s = strchr(s, '\t') ? strchr(s, '\t') + 1 : NULL;
        if (s) {
            rest = s;
            s[-1] = '\0';
        }
    }
    int nf = split(line, f, MAX_FIELDS);
    long i;
    if (nf < 2 || parse_long(f[1], 0, (long)j->e->count - 1, &i))
        return -1;
    if (strcmp(f[0], "F") == 0 && nf == 4) {
        struct fact *grown = realloc(j->pending, (j->npending + 1) * sizeof *grown);
        if (!grown)
            return -1;
        j->pending = grown;
        grown[j->npending].key = strdup(f[2]);
        grown[j->npending].value = strdup(f[3]);
        j->npending++;
        return grown[j->npending - 1].key && grown[j->npending - 1].value ? 0 : -1;
    }
    struct record *r = &j->records[i];
    if (strcmp(f[0], "P") != 0)
        return -1;
    free_record(r);
    if (read_point(f, nf, rest, &j->e->points[i], r) != 0) {
        free_record(r);
        return -1;
    }
    r->facts = j->pending;
    r->nfacts = j->npending;
    j->pending = NULL;
    j->npending = 0;
    return 1;
}

/* Reads the records of the journal at j->path if it is of j's identity.
 * Returns 0 (also when there is none, or it is another's), or -1 on a read
 * error. */
static int read_journal(struct journal *j, char *err, size_t errlen)
{
    FILE *f = fopen(j->path, "r");
    if (!f && errno == ENOENT)
        return 0;
    if (!f)
        return snprintf(err, errlen, "cannot read %s: %s", j->path, strerror(errno)), -1;
    char *line = NULL, header[128];
    size_t cap = 0;
    ssize_t len = getline(&line, &cap, f);
    snprintf(header, sizeof header, "%s\t%s\n", JOURNAL_MAGIC, j->identity);
    if (len < 0 || strcmp(line, header) != 0) {
        fprintf(stderr, "runner: %s is of another declaration or runner (the script, its "
                        "declaration, the profile, the host or the runner commit differ); "
                        "measuring every point\n", j->path);
        free(line);
        fclose(f);
        return 0;
    }
    j->resume_ok = 1;
    j->keep = (off_t)len;
    off_t at = (off_t)len;
    for (long number = 2; (len = getline(&line, &cap, f)) > 0; number++) {
        at += (off_t)len;
        if (line[len - 1] != '\n')
            break; /* torn by a kill: dropped */
        line[len - 1] = '\0';
        int kind = read_line(j, line);
        if (kind < 0) {
            fprintf(stderr, "runner: %s:%ld: not a journal record; the records after it are "
                            "dropped\n", j->path, number);
            break;
        }
        if (kind == 1)
            j->keep = at;
    }
    free_facts(j->pending, j->npending);
    j->pending = NULL;
    j->npending = 0;
    free(line);
    fclose(f);
    for (size_t i = 0; i < j->e->count; i++)
        j->present += j->records[i].present;
    return 0;
}

struct journal *journal_open(const char *path, const struct experiment *e,
                             const struct provenance *prov, int resume, char *err, size_t errlen)
{
    struct journal *j = calloc(1, sizeof *j);
    if (j)
        j->records = calloc(e->count ? e->count : 1, sizeof *j->records);
    if (!j || !j->records) {
        free(j);
        return snprintf(err, errlen, "out of memory for the journal"), NULL;
    }
    j->e = e;
    j->fd = -1;
    if ((size_t)snprintf(j->path, sizeof j->path, "%s", path) >= sizeof j->path) {
        journal_close(j, 0);
        return snprintf(err, errlen, "journal path too long: %s", path), NULL;
    }
    identity_of(prov, j->identity);
    if (resume && j->identity[0] && read_journal(j, err, errlen) != 0) {
        journal_close(j, 0);
        return NULL;
    }
    return j;
}

size_t journal_count(const struct journal *j)
{
    return j->present;
}

int journal_has(const struct journal *j, size_t i)
{
    return i < j->e->count && j->records[i].present;
}

const char *journal_reuse(const struct journal *j, size_t i, const struct point *p,
                          struct measurement *m, journal_fact_fn fact, void *ctx)
{
    const struct record *r = i < j->e->count ? &j->records[i] : NULL;
    (void)p; /* the record was matched to point i's fields when it was read */
    if (!r || !r->present)
        return NULL;
    memset(m, 0, sizeof *m);
    if (measurement_alloc(m, (size_t)r->count) != 0)
        return NULL;
    m->iterations = r->iterations;
    m->count = r->count;
    for (long k = 0; k < r->count; k++) {
        m->batch[k] = r->batch[k];
        m->per_call[k] = r->batch[k] / (double)r->iterations;
        m->round[k] = r->round[k];
        m->order[k] = r->order[k];
        /* the clocks and steal of a round are not journaled, its flags are */
        m->reading[k] = (struct disturb_reading){ .sm_mhz = NAN, .mem_mhz = NAN, .steal = NAN,
                                                  .cpu_mhz = NAN, .flags = r->flags[k] };
        if (!r->flags[k])
            m->clean[m->clean_count++] = m->per_call[k];
    }
    m->check.rel_err = r->rel_err;
    m->check.tolerance = r->tolerance;
    m->check.unwritten = r->unwritten;
    if (m->clean_count == 0 ||
        stats_summarise(m->clean, m->clean_count, MEASURE_CI_LEVEL, &m->stats) != 0) {
        measurement_free(m);
        return NULL;
    }
    for (size_t k = 0; k < r->nfacts; k++)
        fact(ctx, r->facts[k].key, r->facts[k].value);
    return r->run_id;
}

void journal_fact(struct journal *j, const char *key, const char *value)
{
    struct fact *grown = realloc(j->pending, (j->npending + 1) * sizeof *grown);
    if (!grown)
        return; /* the record then lacks it: a resume would report fewer facts */
    j->pending = grown;
    grown[j->npending].key = strdup(key);
    grown[j->npending].value = strdup(value);
    if (grown[j->npending].key && grown[j->npending].value)
        j->npending++;
    else
        free(grown[j->npending].key), free(grown[j->npending].value);
}

/* Opens the file for the first record: the kept records of a resumed
 * journal, or a fresh journal with its header. Returns 0 or -1 (errno). */
static int open_file(struct journal *j)
{
    if (j->resume_ok) {
        j->fd = open(j->path, O_WRONLY | O_CLOEXEC | O_NOFOLLOW);
        if (j->fd >= 0 && (ftruncate(j->fd, j->keep) != 0 || lseek(j->fd, 0, SEEK_END) < 0))
            return -1;
        return j->fd >= 0 ? 0 : -1;
    }
    j->fd = open(j->path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0644);
    if (j->fd < 0)
        return -1;
    char header[128];
    int len = snprintf(header, sizeof header, "%s\t%s\n", JOURNAL_MAGIC, j->identity);
    return write(j->fd, header, (size_t)len) == len ? 0 : -1;
}

/* The text of point i's record: its facts, then its P line. NULL if out of
 * memory. */
static char *record_text(struct journal *j, size_t i, const struct point *p,
                         const struct measurement *m, const char *run_id, size_t *len)
{
    char *text = NULL, buf[64];
    FILE *f = open_memstream(&text, len);
    if (!f)
        return NULL;
    for (size_t k = 0; k < j->npending; k++) {
        fprintf(f, "F\t%zu", i);
        put_field(f, j->pending[k].key);
        put_field(f, j->pending[k].value);
        fputc('\n', f);
    }
    fprintf(f, "P\t%zu", i);
    put_field(f, run_id);
    fprintf(f, "\t%s\t%s\t%s\t%s\t%d\t%ld\t%" PRIu64 "\t%ld\t%.17g\t%.17g\t%ld\t%ld", p->backend->name,
            kernel_op_name(p->k.op), p->impl, kernel_dtype_name(p->k.dtype), p->k.axis, p->k.n,
            p->k.seed, m->iterations, m->check.rel_err, m->check.tolerance, m->check.unwritten,
            m->count);
    for (long k = 0; k < m->count; k++) {
        snprintf(buf, sizeof buf, "%.17g", m->batch[k]);
        fprintf(f, "\t%s,%ld,%d,%d", buf, m->round[k], m->order[k], m->reading[k].flags);
    }
    fputc('\n', f);
    if (fclose(f) != 0) {
        free(text);
        return NULL;
    }
    return text;
}

int journal_record(struct journal *j, size_t i, const struct point *p, const struct measurement *m,
                   const char *run_id, char *err, size_t errlen)
{
    size_t len = 0;
    char *text = record_text(j, i, p, m, run_id, &len);
    free_facts(j->pending, j->npending);
    j->pending = NULL;
    j->npending = 0;
    if (!text)
        return snprintf(err, errlen, "out of memory for the journal"), -1;
    int status = j->fd >= 0 || open_file(j) == 0 ? 0 : -1;
    for (size_t done = 0; status == 0 && done < len;) {
        ssize_t w = write(j->fd, text + done, len - done);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            status = -1;
        else
            done += (size_t)w;
    }
    if (status == 0 && fdatasync(j->fd) != 0)
        status = -1;
    free(text);
    if (status != 0)
        return snprintf(err, errlen, "cannot write %s: %s", j->path, strerror(errno)), -1;
    return 0;
}

void journal_close(struct journal *j, int done)
{
    if (!j)
        return;
    if (j->fd >= 0)
        close(j->fd);
    if (done)
        unlink(j->path); /* absent if nothing was ever recorded: fine */
    for (size_t i = 0; i < j->e->count; i++)
        free_record(&j->records[i]);
    free(j->records);
    free_facts(j->pending, j->npending);
    free(j);
}
