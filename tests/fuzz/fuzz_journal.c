/* fuzz_journal.c: libFuzzer target for the journal reader (runner run
 * --resume). Each input is the body of a journal, after the header of the
 * declaration it is read for (three points of the cpu backend): it is read
 * as a resume reads it and every point taken from it. A record it refuses
 * is fine; a crash, a sanitizer report or a leak is a bug, and so is a
 * reused point whose samples are not positive or more than the point may
 * have. */
#define _POSIX_C_SOURCE 200809L
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "journal.h"
#include "provenance.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char dir[64], path[128], header[256];
static struct point points[3];
static struct experiment exp_ = { .name = "x", .points = points, .count = 3 };
static struct provenance *prov;

static void ignore_fact(void *ctx, const char *key, const char *value)
{
    (void)ctx, (void)key, (void)value;
}

/* The folder, the declaration, and the header its journal starts with
 * (written by journal_record itself). */
static void setup(void)
{
    snprintf(dir, sizeof dir, "/tmp/fuzz_journal.%ld", (long)getpid());
    snprintf(path, sizeof path, "%s/.x.journal", dir);
    if (mkdir(dir, 0700) != 0)
        abort();
    for (int i = 0; i < 3; i++) {
        struct point *p = &points[i];
        p->backend = kernel_backend_find("cpu");
        snprintf(p->impl, sizeof p->impl, "loop");
        p->k = (struct kernel_point){ .op = kernel_op_find("matvec"), .dtype = DTYPE_F32, .axis = -1,
                                      .n = 64 << i, .impl = p->impl, .seed = 1000003u + (unsigned)i };
        p->sampling = (struct sampling){ .iterations = 10, .samples = 2, .max_samples = 5 };
    }
    prov = provenance_new();
    const char *facts[][2] = { { "runner_commit", "c" }, { "host", "h" }, { "profile", "tiny" },
                               { "script_sha256", "s" }, { "params", "{ }" } };
    for (int i = 0; i < 5; i++)
        if (!prov || provenance_set(prov, facts[i][0], facts[i][1]) != 0)
            abort();
    double batch[2] = { 1e-3, 2e-3 };
    long round[2] = { 1, 2 };
    int order[2] = { 1, 1 };
    struct disturb_reading reading[2] = { { .flags = 0 }, { .flags = 0 } };
    struct measurement m = { .iterations = 10, .batch = batch, .round = round, .order = order,
                             .reading = reading, .count = 2 };
    char err[512];
    struct journal *j = journal_open(path, &exp_, prov, 0, err, sizeof err);
    if (!j || journal_record(j, 0, &points[0], &m, "run", err, sizeof err) != 0)
        abort();
    journal_close(j, 0);
    FILE *f = fopen(path, "r");
    if (!f || !fgets(header, sizeof header, f))
        abort();
    fclose(f);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!prov)
        setup();
    FILE *f = fopen(path, "wb");
    if (!f || fputs(header, f) < 0 || fwrite(data, 1, size, f) != size || fclose(f) != 0)
        abort();
    char err[512];
    struct journal *j = journal_open(path, &exp_, prov, 1, err, sizeof err);
    if (!j)
        abort();
    for (size_t i = 0; i < 3; i++) {
        struct measurement m;
        if (!journal_reuse(j, i, &points[i], &m, ignore_fact, NULL))
            continue;
        if (m.count < 1 || m.count > MEASURE_ROUNDS_PER_SAMPLE * points[i].sampling.max_samples ||
            m.iterations < 1 || m.clean_count < 1 || m.clean_count > m.count)
            abort();
        for (long k = 0; k < m.count; k++)
            if (!(m.batch[k] > 0.0))
                abort();
        measurement_free(&m);
    }
    journal_close(j, 0);
    return 0;
}
