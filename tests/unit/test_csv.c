/* test_csv.c: runner/csv_out.c: awkward fields survive a write and a read,
 * a file appears only on commit and whole, an abort leaves nothing behind,
 * temporary names are unique and never followed through a symlink, and
 * errors name the file. */
#define _POSIX_C_SOURCE 200809L
#include "check.h"
#include "csv_out.h"

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

static char dir[] = "/tmp/flopbench-test-csv-XXXXXX";

static char *in_dir(const char *name)
{
    static char buf[4][256];
    static int next;
    char *p = buf[next++ % 4];
    snprintf(p, sizeof buf[0], "%s/%s", dir, name);
    return p;
}

static int exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

/* How many entries of the test folder start with prefix. */
static int count_prefix(const char *prefix)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    int n = 0;
    while (d && (e = readdir(d)) != NULL)
        n += strncmp(e->d_name, prefix, strlen(prefix)) == 0;
    if (d)
        closedir(d);
    return n;
}

static void write_text(const char *path, const char *text)
{
    FILE *fp = fopen(path, "w");
    CHECK(fp != NULL, "cannot create %s", path);
    if (fp) {
        fputs(text, fp);
        fclose(fp);
    }
}

/* Reads a whole small file into a static buffer. */
static const char *read_text(const char *path)
{
    static char buf[4096];
    FILE *fp = fopen(path, "r");
    size_t n = fp ? fread(buf, 1, sizeof buf - 1, fp) : 0;
    buf[n] = '\0';
    if (fp)
        fclose(fp);
    return buf;
}

/* Collects up to 8 records of up to 8 fields each. */
struct table {
    int rows, counts[8];
    char cell[8][8][64];
    int stop_after;  /* row() returns 7 once this many rows are in */
};

static int collect(void *ctx, const char *const *fields, int count)
{
    struct table *t = ctx;
    if (t->rows < 8) {
        t->counts[t->rows] = count;
        for (int i = 0; i < count && i < 8; i++)
            snprintf(t->cell[t->rows][i], sizeof t->cell[0][0], "%s", fields[i]);
        CHECK(fields[count] == NULL, "fields not NULL-terminated");
    }
    t->rows++;
    return t->stop_after && t->rows >= t->stop_after ? 7 : 0;
}

static void test_round_trip(void)
{
    const char *path = in_dir("round.csv"), *tmp = "round.csv.tmp-";
    const char *row1[] = {"plain", "a,comma", "a \"quote\"", "two\nlines", "", "  lead",
                          "trail\t", "µs ≈ 3·10⁻⁶"};
    const char *row2[] = {"\"", "cr\r\nlf", ",", "\"\"", " ", "x"};
    const char *row3[] = {""};  /* one empty field: must not vanish */
    const char *row4[] = {"last", NULL};  /* NULL is written as empty */
    char err[256] = "";
    struct csv_out *f = csv_out_open(path, err, sizeof err);
    CHECK(f != NULL, "open: %s", err);
    if (!f)
        return;
    CHECK(csv_out_row(f, row1, 8) == 0, "row1");
    CHECK(csv_out_row(f, row2, 6) == 0, "row2");
    CHECK(csv_out_row(f, row3, 1) == 0, "row3");
    CHECK(csv_out_row(f, row4, 2) == 0, "row4");
    CHECK(count_prefix(tmp) == 1, "%s* missing while writing", tmp);
    CHECK(!exists(path), "%s exists before commit", path);
    CHECK(csv_out_commit(f, err, sizeof err) == 0, "commit: %s", err);
    CHECK(exists(path), "%s missing after commit", path);
    CHECK(count_prefix(tmp) == 0, "%s* left after commit", tmp);
    /* Quotes only where needed: the first field is bare, so numbers stay
     * numbers for gnuplot. */
    CHECK(strncmp(read_text(path), "plain,\"a,comma\",", 16) == 0, "file starts: %.40s",
          read_text(path));

    struct table t = {0};
    CHECK(csv_in_read(path, collect, &t, err, sizeof err) == 0, "read: %s", err);
    CHECK(t.rows == 4, "rows %d", t.rows);
    CHECK(t.counts[0] == 8 && t.counts[1] == 6 && t.counts[2] == 1 && t.counts[3] == 2,
          "counts %d %d %d %d", t.counts[0], t.counts[1], t.counts[2], t.counts[3]);
    for (int i = 0; i < 8; i++)
        CHECK(strcmp(t.cell[0][i], row1[i]) == 0, "row1[%d]: got [%s] want [%s]", i,
              t.cell[0][i], row1[i]);
    for (int i = 0; i < 6; i++)
        CHECK(strcmp(t.cell[1][i], row2[i]) == 0, "row2[%d]: got [%s] want [%s]", i,
              t.cell[1][i], row2[i]);
    CHECK(strcmp(t.cell[2][0], "") == 0, "row3: [%s]", t.cell[2][0]);
    CHECK(strcmp(t.cell[3][0], "last") == 0 && strcmp(t.cell[3][1], "") == 0, "row4: [%s] [%s]",
          t.cell[3][0], t.cell[3][1]);
}

static void test_abort(void)
{
    const char *path = in_dir("abort.csv"), *tmp = "abort.csv.tmp";
    const char *row[] = {"a", "b"};
    char err[256] = "";
    struct csv_out *f = csv_out_open(path, err, sizeof err);
    CHECK(f != NULL, "open: %s", err);
    if (f) {
        CHECK(csv_out_row(f, row, 2) == 0, "row");
        csv_out_abort(f);
    }
    CHECK(!exists(path), "%s exists after abort", path);
    CHECK(count_prefix(tmp) == 0, "%s* left after abort", tmp);

    /* An existing file survives an aborted rewrite, and a commit replaces it. */
    const char *keep = in_dir("keep.csv");
    write_text(keep, "old,file\n");
    f = csv_out_open(keep, err, sizeof err);
    CHECK(f != NULL, "open: %s", err);
    if (f) {
        CHECK(csv_out_row(f, row, 2) == 0, "row");
        CHECK(strcmp(read_text(keep), "old,file\n") == 0, "changed before commit: %s",
              read_text(keep));
        csv_out_abort(f);
    }
    CHECK(strcmp(read_text(keep), "old,file\n") == 0, "changed by abort: %s", read_text(keep));
    CHECK(count_prefix("keep.csv.tmp") == 0, "tmp left after abort");
    f = csv_out_open(keep, err, sizeof err);
    if (f) {
        CHECK(csv_out_row(f, row, 2) == 0, "row");
        CHECK(csv_out_commit(f, err, sizeof err) == 0, "commit: %s", err);
    }
    CHECK(strcmp(read_text(keep), "a,b\n") == 0, "not replaced: %s", read_text(keep));
}

static void test_open_errors(void)
{
    char err[512] = "";
    const char *path = in_dir("no/such/dir/x.csv");
    CHECK(csv_out_open(path, err, sizeof err) == NULL, "opened in a missing folder");
    CHECK(strstr(err, path) != NULL, "message does not name the path: %s", err);
    CHECK(strstr(err, "No such file or directory") != NULL, "no reason: %s", err);

    const char *ro = in_dir("readonly");
    CHECK(mkdir(ro, 0555) == 0, "mkdir %s", ro);
    if (geteuid() == 0) {
        SKIP("running as root: a read-only folder is writable");
    } else {
        const char *p = in_dir("readonly/x.csv");
        CHECK(csv_out_open(p, err, sizeof err) == NULL, "opened in a read-only folder");
        CHECK(strstr(err, p) != NULL && strstr(err, "Permission denied") != NULL, "message: %s",
              err);
    }
    rmdir(ro);

    /* A commit that cannot rename (PATH is a folder) fails, says why,
     * and leaves no temporary file. */
    const char *d = in_dir("adir");
    CHECK(mkdir(d, 0755) == 0, "mkdir %s", d);
    struct csv_out *f = csv_out_open(d, err, sizeof err);
    CHECK(f != NULL, "open: %s", err);
    if (f) {
        const char *row[] = {"x"};
        csv_out_row(f, row, 1);
        CHECK(csv_out_commit(f, err, sizeof err) == -1, "renamed onto a folder");
        CHECK(strstr(err, d) != NULL, "message: %s", err);
    }
    CHECK(count_prefix("adir.tmp") == 0, "tmp left after a failed commit");
    rmdir(d);
}

/* Writes rows of 100 bytes under a file size limit of 1000 bytes: the
 * failure shows in csv_out_row once stdio's buffer fills, or only in the
 * commit's flush for a short file; either way the commit fails, names the
 * temporary file, and leaves neither it nor PATH. */
static void write_past_limit(int rows, int want_row_error)
{
    const char *path = in_dir("big.csv"), *tmp = in_dir("big.csv.tmp-");
    char err[512] = "", field[100];
    memset(field, 'x', sizeof field - 1);
    field[sizeof field - 1] = '\0';
    const char *row[] = {field};
    struct rlimit old, small;
    CHECK(getrlimit(RLIMIT_FSIZE, &old) == 0, "getrlimit");
    small = old;
    small.rlim_cur = 1000;
    struct csv_out *f = csv_out_open(path, err, sizeof err);
    CHECK(f != NULL, "open: %s", err);
    if (!f)
        return;
    CHECK(setrlimit(RLIMIT_FSIZE, &small) == 0, "setrlimit");
    int failed = 0;
    for (int i = 0; i < rows; i++)
        failed |= csv_out_row(f, row, 1) != 0;
    CHECK(failed == want_row_error, "row error %d, want %d", failed, want_row_error);
    int rc = csv_out_commit(f, err, sizeof err);
    CHECK(setrlimit(RLIMIT_FSIZE, &old) == 0, "setrlimit back");
    CHECK(rc == -1, "commit past the size limit succeeded");
    CHECK(strstr(err, tmp) != NULL && strstr(err, "File too large") != NULL, "message: %s", err);
    CHECK(!exists(path), "%s created by a failed write", path);
    CHECK(count_prefix("big.csv.tmp") == 0, "%s* left by a failed write", tmp);
}

static void test_write_error(void)
{
    signal(SIGXFSZ, SIG_IGN);  /* a write past the limit then fails with EFBIG */
    write_past_limit(100, 1);
    write_past_limit(12, 0);
}

/* Two writers of one path get two temporary files; a symlink planted at
 * the old fixed name PATH.tmp is never written through; a file created in
 * a folder must not exist yet, as a file or a symlink. */
static void test_unique_and_no_follow(void)
{
    char err[512] = "";
    const char *path = in_dir("twice.csv"), *outside = in_dir("outside.txt");
    const char *row1[] = {"first"}, *row2[] = {"second"};
    write_text(outside, "outside\n");
    CHECK(symlink(outside, in_dir("twice.csv.tmp")) == 0, "symlink");
    struct csv_out *a = csv_out_open(path, err, sizeof err), *b = csv_out_open(path, err, sizeof err);
    CHECK(a && b, "open: %s", err);
    if (!a || !b)
        return;
    CHECK(count_prefix("twice.csv.tmp-") == 2, "%d temporary files", count_prefix("twice.csv.tmp-"));
    csv_out_row(a, row1, 1);
    csv_out_row(b, row2, 1);
    CHECK(csv_out_commit(a, err, sizeof err) == 0, "commit: %s", err);
    CHECK(strcmp(read_text(path), "first\n") == 0, "a's file: %s", read_text(path));
    CHECK(csv_out_commit(b, err, sizeof err) == 0, "commit: %s", err);
    CHECK(strcmp(read_text(path), "second\n") == 0, "b's file, whole: %s", read_text(path));
    CHECK(strcmp(read_text(outside), "outside\n") == 0, "written through the symlink");

    int dfd = open(dir, O_RDONLY | O_DIRECTORY);
    CHECK(csv_out_create_at(dfd, "twice.csv.tmp", "shown/twice.csv.tmp", err, sizeof err) == NULL,
          "created over a symlink");
    CHECK(strcmp(err, "shown/twice.csv.tmp: File exists") == 0, "message: %s", err);
    CHECK(csv_out_create_at(dfd, "twice.csv", "shown/twice.csv", err, sizeof err) == NULL,
          "created over a file");
    CHECK(strcmp(read_text(outside), "outside\n") == 0, "outside file changed");
    close(dfd);
    remove(in_dir("twice.csv.tmp"));
    remove(path);
    remove(outside);
}

static void test_read(void)
{
    char err[512] = "";
    struct table t = {0};

    /* The last line lacks its newline; CRLF line ends are read too. */
    const char *p = in_dir("nonl.csv");
    write_text(p, "k,v\r\na,\"b,c\"\r\nlast,row");
    CHECK(csv_in_read(p, collect, &t, err, sizeof err) == 0, "read: %s", err);
    CHECK(t.rows == 3, "rows %d", t.rows);
    CHECK(strcmp(t.cell[1][1], "b,c") == 0, "[%s]", t.cell[1][1]);
    CHECK(t.counts[2] == 2 && strcmp(t.cell[2][0], "last") == 0 && strcmp(t.cell[2][1], "row") == 0,
          "last row: %d [%s] [%s]", t.counts[2], t.cell[2][0], t.cell[2][1]);

    /* row() stops the read, and its value is returned. */
    memset(&t, 0, sizeof t);
    t.stop_after = 2;
    CHECK(csv_in_read(p, collect, &t, err, sizeof err) == 7, "stop value not returned");
    CHECK(t.rows == 2, "rows after stop %d", t.rows);

    /* An empty file has no records. */
    p = in_dir("empty.csv");
    write_text(p, "");
    memset(&t, 0, sizeof t);
    CHECK(csv_in_read(p, collect, &t, err, sizeof err) == 0 && t.rows == 0, "empty: %s", err);

    /* A missing file names itself. */
    p = in_dir("missing.csv");
    CHECK(csv_in_read(p, collect, &t, err, sizeof err) == -1, "missing file read");
    CHECK(strstr(err, p) != NULL, "message: %s", err);

    /* Malformed (strict mode): text after a closing quote, on line 3. */
    p = in_dir("bad.csv");
    write_text(p, "a,b\nc,d\ne,\"f\"g\nh,i\n");
    memset(&t, 0, sizeof t);
    CHECK(csv_in_read(p, collect, &t, err, sizeof err) == -1, "malformed file read");
    char want[300];
    snprintf(want, sizeof want, "%s:3:", p);
    CHECK(strstr(err, want) != NULL, "message lacks %s: %s", want, err);

    /* A quoted field never closed (a torn file) is an error, not a short read. */
    p = in_dir("torn.csv");
    write_text(p, "a,b\nc,\"d");
    memset(&t, 0, sizeof t);
    CHECK(csv_in_read(p, collect, &t, err, sizeof err) == -1, "torn file read");
    CHECK(strstr(err, p) != NULL, "message: %s", err);
}

static void test_many_rows(void)
{
    /* More than one 64 KiB read: records across chunk boundaries. */
    const char *path = in_dir("many.csv");
    char err[256] = "", a[32], b[32];
    struct csv_out *f = csv_out_open(path, err, sizeof err);
    CHECK(f != NULL, "open: %s", err);
    if (!f)
        return;
    for (int i = 0; i < 20000; i++) {
        snprintf(a, sizeof a, "%d", i);
        snprintf(b, sizeof b, "v,%d\n", i * 7);
        const char *row[] = {a, b};
        if (csv_out_row(f, row, 2) != 0)
            CHECK(0, "row %d", i);
    }
    CHECK(csv_out_commit(f, err, sizeof err) == 0, "commit: %s", err);
    struct table t = {0};
    CHECK(csv_in_read(path, collect, &t, err, sizeof err) == 0, "read: %s", err);
    CHECK(t.rows == 20000, "rows %d", t.rows);
    remove(path);
}

static void cleanup(void)
{
    const char *names[] = {"round.csv", "abort.csv", "keep.csv", "nonl.csv", "empty.csv",
                           "bad.csv", "torn.csv"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        remove(in_dir(names[i]));
    CHECK(rmdir(dir) == 0, "%s not empty at the end", dir);
}

int main(void)
{
    if (!mkdtemp(dir)) {
        perror(dir);
        return 1;
    }
    test_round_trip();
    test_abort();
    test_open_errors();
    test_write_error();
    test_unique_and_no_follow();
    test_read();
    test_many_rows();
    cleanup();
    return check_report("csv");
}
