/* test_provenance.c: runner/provenance.c: the ordered key/value list, the
 * host's facts, a script's hash, the CSV it writes, and the host tag. */
#define _POSIX_C_SOURCE 200809L
#include "check.h"
#include "csv_out.h"
#include "provenance.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char dir[] = "/tmp/flopbench-test-provenance-XXXXXX";

static void test_set_get(void)
{
    struct provenance *p = provenance_new();
    CHECK(p != NULL, "new");
    if (!p)
        return;
    CHECK(provenance_get(p, "seed") == NULL, "empty list has a key");
    CHECK(provenance_set(p, "seed", "1") == 0, "set");
    CHECK(provenance_set(p, "experiment", "fig2") == 0, "set");
    CHECK(provenance_setf(p, "n", "%d..%d step %d", 1000, 20000, 500) == 0, "setf");
    CHECK(strcmp(provenance_get(p, "seed"), "1") == 0, "seed");
    CHECK(strcmp(provenance_get(p, "n"), "1000..20000 step 500") == 0, "n: %s",
          provenance_get(p, "n"));
    /* Replacing keeps the value copied, not the caller's buffer. */
    char value[] = "42";
    CHECK(provenance_set(p, "seed", value) == 0, "replace");
    value[0] = 'X';
    CHECK(strcmp(provenance_get(p, "seed"), "42") == 0, "seed after replace: %s",
          provenance_get(p, "seed"));
    /* Many keys: the list grows. */
    char key[32];
    for (int i = 0; i < 100; i++) {
        snprintf(key, sizeof key, "k%d", i);
        CHECK(provenance_setf(p, key, "%d", i * i) == 0, "set %s", key);
    }
    CHECK(strcmp(provenance_get(p, "k99"), "9801") == 0, "k99");
    CHECK(strcmp(provenance_get(p, "experiment"), "fig2") == 0, "experiment lost");
    provenance_free(p);
    provenance_free(NULL);
}

static void test_host(void)
{
    const char *keys[] = {"host",          "cpu_model",       "cpu_cores",       "os",
                          "compiler",      "cflags",          "kernel_cflags",   "nvcc_flags",
                          "runner_commit", "runner_dirty",    "date_utc"};
    struct provenance *p = provenance_new();
    CHECK(p && provenance_add_host(p) == 0, "add_host");
    if (!p)
        return;
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
        const char *v = provenance_get(p, keys[i]);
        CHECK(v && *v, "%s missing or empty", keys[i]);
    }
    const char *v = provenance_get(p, "runner_dirty");
    CHECK(v && (!strcmp(v, "0") || !strcmp(v, "1")), "runner_dirty: %s", v ? v : "(null)");
    v = provenance_get(p, "cpu_cores");
    CHECK(v && atol(v) >= 1, "cpu_cores: %s", v ? v : "(null)");
    /* 2024-05-01T12:34:56Z */
    v = provenance_get(p, "date_utc");
    CHECK(v && strlen(v) == 20 && v[4] == '-' && v[10] == 'T' && v[19] == 'Z', "date_utc: %s",
          v ? v : "(null)");
    /* Library facts are the backends' (describe), not the host's. */
    CHECK(provenance_get(p, "openblas_version") == NULL, "add_host reads OpenBLAS itself");
    v = provenance_get(p, "compiler");
    CHECK(v && strcmp(v, "unknown") != 0, "compiler: %s", v ? v : "(null)");
    if (access("/proc/cpuinfo", R_OK) == 0) {
        v = provenance_get(p, "cpu_model");
        CHECK(v && strcmp(v, "unknown") != 0, "cpu_model: %s", v ? v : "(null)");
    } else {
        SKIP("no /proc/cpuinfo");
    }
    provenance_free(p);
}

static void test_script(void)
{
    char path[256], err[512] = "";
    snprintf(path, sizeof path, "%s/abc.lua", dir);
    FILE *fp = fopen(path, "wb");
    CHECK(fp != NULL, "create %s", path);
    if (!fp)
        return;
    fputs("abc", fp);  /* no newline: the bytes "abc" exactly */
    fclose(fp);
    struct provenance *p = provenance_new();
    CHECK(provenance_add_script(p, path, err, sizeof err) == 0, "add_script: %s", err);
    /* SHA-256("abc"), the FIPS 180-2 example */
    const char *want = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
    const char *got = provenance_get(p, "script_sha256");
    CHECK(got && strcmp(got, want) == 0, "sha256: %s", got ? got : "(null)");
    got = provenance_get(p, "script_path");
    CHECK(got && strcmp(got, path) == 0, "script_path: %s", got ? got : "(null)");
    remove(path);

    /* An empty file: SHA-256("") */
    fp = fopen(path, "wb");
    if (fp)
        fclose(fp);
    CHECK(provenance_add_script(p, path, err, sizeof err) == 0, "add_script: %s", err);
    got = provenance_get(p, "script_sha256");
    CHECK(got && !strcmp(got, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
          "sha256 of empty: %s", got ? got : "(null)");
    remove(path);

    CHECK(provenance_add_script(p, path, err, sizeof err) == -1, "missing script hashed");
    CHECK(strstr(err, path) != NULL, "message: %s", err);
    provenance_free(p);
}

struct readback {
    int rows, bad;
    const struct provenance *p;
};

static int check_row(void *ctx, const char *const *fields, int count)
{
    struct readback *r = ctx;
    if (count != 2) {
        r->bad++;
    } else if (r->rows == 0) {
        r->bad += strcmp(fields[0], "key") != 0 || strcmp(fields[1], "value") != 0;
    } else {
        const char *v = provenance_get(r->p, fields[0]);
        if (!v || strcmp(v, fields[1]) != 0) {
            fprintf(stderr, "row %d: %s = [%s], want [%s]\n", r->rows, fields[0], fields[1],
                    v ? v : "(null)");
            r->bad++;
        }
    }
    r->rows++;
    return 0;
}

/* Records the key order, to check it is insertion order. */
static int collect_keys(void *ctx, const char *const *fields, int count)
{
    char *keys = ctx;
    (void)count;
    strcat(keys, fields[0]);
    strcat(keys, " ");
    return 0;
}

static void test_write(void)
{
    char path[256], err[512] = "";
    snprintf(path, sizeof path, "%s/provenance.csv", dir);
    struct provenance *p = provenance_new();
    CHECK(provenance_set(p, "experiment", "fig2-cpu") == 0, "set");
    CHECK(provenance_add_host(p) == 0, "add_host");
    CHECK(provenance_set(p, "params", "{ n = range(1000, 20000, 500),\n  op = \"matvec\" }") == 0,
          "set");
    CHECK(provenance_set(p, "seed", "1") == 0, "set");
    CHECK(provenance_set(p, "experiment", "fig2-gpu") == 0, "replace");
    CHECK(provenance_write(p, path, err, sizeof err) == 0, "write: %s", err);
    struct readback r = {.p = p};
    CHECK(csv_in_read(path, check_row, &r, err, sizeof err) == 0, "read: %s", err);
    CHECK(r.bad == 0, "%d rows differ", r.bad);
    CHECK(r.rows == 1 + 11 + 3, "rows %d", r.rows);  /* header, host facts, three set */
    char keys[1024] = "";
    CHECK(csv_in_read(path, collect_keys, keys, err, sizeof err) == 0, "read: %s", err);
    CHECK(strncmp(keys, "key experiment host cpu_model ", 30) == 0, "order: %s", keys);
    CHECK(strstr(keys, " params seed ") != NULL, "order: %s", keys);
    remove(path);

    char bad[300];
    snprintf(bad, sizeof bad, "%s/no/such/provenance.csv", dir);
    CHECK(provenance_write(p, bad, err, sizeof err) == -1, "wrote into a missing folder");
    CHECK(strstr(err, bad) != NULL, "message: %s", err);
    provenance_free(p);
}

static void tag_is(const char *env, const char *want)
{
    char buf[64];
    CHECK(setenv("FLOPBENCH_HOST", env, 1) == 0, "setenv");
    provenance_host_tag(buf, sizeof buf);
    CHECK(strcmp(buf, want) == 0, "tag of [%s]: [%s], want [%s]", env, buf, want);
}

static void test_host_tag(void)
{
    tag_is("h100-node1.cluster", "h100-node1.cluster");
    tag_is("my host/../x", "my_host_.._x");
    tag_is("..", "_.");
    tag_is(".hidden", "_hidden");
    tag_is("-rf", "_rf");
    tag_is("gpu\xc3\xa9", "gpu__");  /* each byte of UTF-8 "é" */

    /* Truncated to the buffer, still terminated. */
    char small[5];
    CHECK(setenv("FLOPBENCH_HOST", "abcdefgh", 1) == 0, "setenv");
    provenance_host_tag(small, sizeof small);
    CHECK(strcmp(small, "abcd") == 0, "truncated: %s", small);

    /* Unset or empty: the host name, sanitised, never empty. */
    char buf[64], host[256];
    CHECK(unsetenv("FLOPBENCH_HOST") == 0, "unsetenv");
    provenance_host_tag(buf, sizeof buf);
    CHECK(buf[0] != '\0', "empty tag");
    CHECK(strspn(buf, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-") ==
              strlen(buf),
          "unsafe tag %s", buf);
    if (gethostname(host, sizeof host) == 0 && strlen(host) < sizeof buf &&
        strspn(host, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-") ==
            strlen(host))
        CHECK(strcmp(buf, host) == 0, "tag %s, host %s", buf, host);
    tag_is("", buf);
}

int main(void)
{
    if (!mkdtemp(dir)) {
        perror(dir);
        return 1;
    }
    test_set_get();
    test_host();
    test_script();
    test_write();
    test_host_tag();
    if (rmdir(dir) != 0)
        CHECK(0, "%s not empty at the end", dir);
    return check_report("provenance");
}
