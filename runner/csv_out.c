/* csv_out.c: CSV files through libcsv. Written files are never torn: a
 * file is either created under a unique temporary name beside PATH
 * (PATH.tmp-XXXXXX, O_EXCL, so a planted file or symlink there is never
 * followed) and renamed onto PATH by csv_out_commit, or created under its
 * final name in a private folder that the caller commits (set_out.c). Read
 * files are parsed strictly; a malformed one is an error naming the file
 * and line. */
#define _GNU_SOURCE
#include "csv_out.h"

#include <csv.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct csv_out {
    FILE *fp;
    int dirfd;         /* the folder holding the file: AT_FDCWD or the caller's */
    char *name;        /* the file's final name in dirfd */
    char *tmp;         /* its temporary name in dirfd, renamed onto name; NULL if none */
    char *shown;       /* the file being written, as messages name it */
    int err;           /* errno of the first failed write, 0 if none */
};

static void say(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Formats a reason into err, if the caller gave room for one. */
static void say(char *err, size_t errlen, const char *fmt, ...)
{
    if (!err || !errlen)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
}

static void csv_out_free(struct csv_out *f)
{
    free(f->name);
    free(f->tmp);
    free(f->shown);
    free(f);
}

/* A writer for fd, which holds the file shown; takes fd over. */
static struct csv_out *wrap_fd(int fd, int dirfd, const char *name, const char *tmp,
                               const char *shown, char *err, size_t errlen)
{
    struct csv_out *f = calloc(1, sizeof *f);
    if (!f || !(f->name = strdup(name)) || (tmp && !(f->tmp = strdup(tmp))) ||
        !(f->shown = strdup(shown)) || !(f->fp = fdopen(fd, "w"))) {
        say(err, errlen, "%s: out of memory", shown);
        close(fd);
        if (f)
            csv_out_free(f);
        return NULL;
    }
    f->dirfd = dirfd;
    return f;
}

/* The mode a file created with 0666 would get under the current umask. */
static mode_t created_mode(void)
{
    mode_t mask = umask(0);
    umask(mask);
    return 0666 & ~mask;
}

struct csv_out *csv_out_open(const char *path, char *err, size_t errlen)
{
    size_t n = strlen(path);
    char *tmp = malloc(n + sizeof ".tmp-XXXXXX");
    if (!tmp) {
        say(err, errlen, "%s: out of memory", path);
        return NULL;
    }
    memcpy(tmp, path, n);
    memcpy(tmp + n, ".tmp-XXXXXX", sizeof ".tmp-XXXXXX");
    int fd = mkostemp(tmp, O_CLOEXEC);  /* O_EXCL: never an existing name */
    if (fd < 0 || fchmod(fd, created_mode()) != 0) {
        say(err, errlen, "%s: cannot create a temporary file beside it: %s", path, strerror(errno));
        if (fd >= 0)
            close(fd), unlink(tmp);
        free(tmp);
        return NULL;
    }
    struct csv_out *f = wrap_fd(fd, AT_FDCWD, path, tmp, tmp, err, errlen);
    if (!f)
        unlink(tmp);
    free(tmp);
    return f;
}

struct csv_out *csv_out_create_at(int dirfd, const char *name, const char *shown, char *err,
                                  size_t errlen)
{
    int fd = openat(dirfd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666);
    if (fd < 0) {
        say(err, errlen, "%s: %s", shown, strerror(errno));
        return NULL;
    }
    struct csv_out *f = wrap_fd(fd, dirfd, name, NULL, shown, err, errlen);
    if (!f)
        unlinkat(dirfd, name, 0);
    return f;
}

/* Whether libcsv's reader would not give the field back as written bare:
 * a delimiter, quote or line break inside it, or blanks at either end
 * (which the reader trims from unquoted fields). */
static int needs_quotes(const char *s, size_t n)
{
    if (n && (s[0] == ' ' || s[0] == '\t' || s[n - 1] == ' ' || s[n - 1] == '\t'))
        return 1;
    return strpbrk(s, ",\"\r\n") != NULL;
}

/* Writes one field, quoted by libcsv where needed. A record's only field,
 * when empty, is written "", since an empty line is no record at all. */
static int write_field(FILE *fp, const char *s, int alone)
{
    size_t n = strlen(s);
    if (needs_quotes(s, n) || (alone && n == 0))
        return csv_fwrite(fp, s, n) == 0 ? 0 : -1;  /* quoted, quotes doubled */
    return fwrite(s, 1, n, fp) == n ? 0 : -1;
}

int csv_out_row(struct csv_out *f, const char *const *fields, int count)
{
    if (f->err)
        return -1;
    if (count < 1)
        return 0;  /* a record of no fields has no CSV form */
    for (int i = 0; i < count; i++) {
        const char *s = fields[i] ? fields[i] : "";
        errno = 0;
        if ((i && fputc(',', f->fp) == EOF) || write_field(f->fp, s, count == 1) != 0) {
            f->err = errno ? errno : EIO;
            return -1;
        }
    }
    if (fputc('\n', f->fp) == EOF) {
        f->err = errno ? errno : EIO;
        return -1;
    }
    return 0;
}

/* Flushes, syncs and closes f's file; 0, or -1 with what failed in err. */
static int finish(struct csv_out *f, char *err, size_t errlen)
{
    int e = f->err;
    const char *what = "write";
    if (!e && fflush(f->fp) != 0)
        e = errno, what = "write";
    if (!e && fsync(fileno(f->fp)) != 0)
        e = errno, what = "fsync";
    if (fclose(f->fp) != 0 && !e)
        e = errno, what = "close";
    f->fp = NULL;
    if (e)
        say(err, errlen, "%s: %s failed: %s", f->shown, what, strerror(e));
    return e ? -1 : 0;
}

int csv_out_commit(struct csv_out *f, char *err, size_t errlen)
{
    int status = finish(f, err, errlen);
    if (status == 0 && f->tmp && renameat(f->dirfd, f->tmp, f->dirfd, f->name) != 0) {
        say(err, errlen, "%s: cannot rename %s onto it: %s", f->name, f->tmp, strerror(errno));
        status = -1;
    }
    if (status != 0)
        unlinkat(f->dirfd, f->tmp ? f->tmp : f->name, 0);
    csv_out_free(f);
    return status;
}

void csv_out_abort(struct csv_out *f)
{
    if (!f)
        return;
    fclose(f->fp);  /* the file is being thrown away: its errors do not matter */
    unlinkat(f->dirfd, f->tmp ? f->tmp : f->name, 0);
    csv_out_free(f);
}

/* The reader: libcsv calls on_field() for each field and on_row() at the end
 * of each record; the fields are kept, NUL-terminated, in one buffer. */
struct reader {
    csv_row_fn row;
    void *ctx;
    char *buf;       /* the record's fields, each NUL-terminated */
    size_t used, cap;
    size_t *offs;    /* where each field starts in buf */
    const char **ptrs;
    int count, fcap;
    int stop;        /* row()'s non-zero answer */
    int nomem;
};

static void on_field(void *s, size_t len, void *data)
{
    struct reader *r = data;
    if (r->stop || r->nomem)
        return;
    if (r->count == r->fcap) {
        int ncap = r->fcap ? 2 * r->fcap : 16;
        size_t *offs = r->fcap < INT_MAX / 2 ? realloc(r->offs, (size_t)ncap * sizeof *offs) : NULL;
        if (!offs) {
            r->nomem = 1;
            return;
        }
        r->offs = offs;
        r->fcap = ncap;
    }
    if (r->cap - r->used < len + 1) {
        size_t ncap = r->cap ? r->cap : 256;
        while (ncap - r->used < len + 1)
            ncap *= 2;
        char *buf = realloc(r->buf, ncap);
        if (!buf) {
            r->nomem = 1;
            return;
        }
        r->buf = buf;
        r->cap = ncap;
    }
    if (len)
        memcpy(r->buf + r->used, s, len);
    r->buf[r->used + len] = '\0';
    r->offs[r->count++] = r->used;
    r->used += len + 1;
}

static void on_row(int c, void *data)
{
    struct reader *r = data;
    (void)c;
    if (r->stop || r->nomem)
        return;
    const char **ptrs = realloc(r->ptrs, ((size_t)r->count + 1) * sizeof *ptrs);
    if (!ptrs) {
        r->nomem = 1;
        return;
    }
    r->ptrs = ptrs;
    for (int i = 0; i < r->count; i++)
        ptrs[i] = r->buf + r->offs[i];
    ptrs[r->count] = NULL;
    r->stop = r->row(r->ctx, ptrs, r->count);
    r->count = 0;
    r->used = 0;
}

static void reader_free(struct reader *r)
{
    free(r->buf);
    free(r->offs);
    free(r->ptrs);
}

int csv_in_read(const char *path, csv_row_fn row, void *ctx, char *err, size_t errlen)
{
    FILE *fp = fopen(path, "rb");
    if (!fp) {
        say(err, errlen, "%s: %s", path, strerror(errno));
        return -1;
    }
    struct csv_parser p;
    if (csv_init(&p, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL) != 0) {
        say(err, errlen, "%s: cannot start the CSV parser", path);
        fclose(fp);
        return -1;
    }
    struct reader r = {.row = row, .ctx = ctx};
    char chunk[65536];
    long line = 1;  /* the line the parser has reached, for messages */
    int rc = 0;
    size_t n;
    while (!r.stop && !r.nomem && (n = fread(chunk, 1, sizeof chunk, fp)) > 0) {
        size_t done = csv_parse(&p, chunk, n, on_field, on_row, &r);
        for (size_t i = 0; i < done; i++)
            line += chunk[i] == '\n';
        if (done != n) {
            say(err, errlen, "%s:%ld: malformed CSV (%s)", path, line,
                csv_strerror(csv_error(&p)));
            rc = -1;
            break;
        }
    }
    if (rc == 0 && !r.stop && !r.nomem && ferror(fp)) {
        say(err, errlen, "%s: read error: %s", path, strerror(errno));
        rc = -1;
    }
    /* The last record may lack its newline: csv_fini ends it. */
    if (rc == 0 && !r.stop && !r.nomem && csv_fini(&p, on_field, on_row, &r) != 0) {
        say(err, errlen, "%s: malformed CSV (a quoted field is still open at the end)", path);
        rc = -1;
    }
    if (rc == 0 && r.nomem) {
        say(err, errlen, "%s: out of memory", path);
        rc = -1;
    }
    if (rc == 0 && r.stop)
        rc = r.stop;
    csv_free(&p);
    reader_free(&r);
    if (fclose(fp) != 0 && rc == 0) {
        say(err, errlen, "%s: %s", path, strerror(errno));
        rc = -1;
    }
    return rc;
}
