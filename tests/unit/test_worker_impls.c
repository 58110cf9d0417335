/* test_worker_impls.c: a worker's `serve` lines as impl rows: good lines
 * become rows (the first of an op its default, the traffic and dtypes as
 * said), each malformed one is refused with its reason and adds nothing. */
#include <string.h>

#include "check.h"
#include "kernel.h"
#include "worker_impls.h"

/* The line must be refused with a reason that holds want; t keeps its rows. */
static void refused(struct worker_impls *t, const char *line, const char *want)
{
    char err[KERNEL_ERR_LEN] = "";
    int before = t->count;
    int r = worker_impls_serve(t, line, err, sizeof err);
    CHECK(r == -1 && strstr(err, want) != NULL, "'%s': returned %d, said '%s', want '%s'", line, r,
          err, want);
    CHECK(t->count == before && t->rows[t->count].op == NULL, "'%s' added a row", line);
}

static void test_good(void)
{
    struct worker_impls t;
    char err[KERNEL_ERR_LEN] = "";
    worker_impls_clear(&t);
    CHECK(worker_impls_serve(&t, "serve outer_sum article f32,f64 materialised", err, sizeof err) == 0, "%s", err);
    CHECK(worker_impls_serve(&t, "serve outer_sum sums_2 f64 fused", err, sizeof err) == 0, "%s", err);
    CHECK(worker_impls_serve(&t, "serve matvec dot f64,f32 materialised", err, sizeof err) == 0, "%s", err);
    CHECK(t.count == 3 && t.rows[3].op == NULL, "3 rows and the end row, got %d", t.count);
    CHECK(strcmp(t.rows[0].op, "outer_sum") == 0 && strcmp(t.rows[0].name, "article") == 0 &&
          t.rows[0].traffic == TRAFFIC_MATERIALISED &&
          t.rows[0].flags == (KERNEL_SERVES_DTYPE(DTYPE_F32) | KERNEL_SERVES_DTYPE(DTYPE_F64)),
          "row 0 as served");
    CHECK(t.rows[1].traffic == TRAFFIC_FUSED && t.rows[1].flags == KERNEL_SERVES_DTYPE(DTYPE_F64),
          "row 1 fused, f64 only");
    CHECK(!t.rows[0].calls[DTYPE_F32] && !t.rows[0].calls[DTYPE_F64], "a worker's row calls nothing");

    struct worker_impls copy, other;
    worker_impls_copy(&copy, &t);
    CHECK(worker_impls_same(&copy, &t) && copy.rows[1].name == copy.names[1],
          "a copy is the same and holds its own names");
    worker_impls_clear(&t);
    CHECK(strcmp(copy.rows[1].name, "sums_2") == 0, "a copy outlives its source");
    worker_impls_copy(&other, &copy);
    other.rows[2].flags = KERNEL_SERVES_DTYPE(DTYPE_F32);
    CHECK(!worker_impls_same(&other, &copy), "other dtypes are not the same rows");
}

static void test_refused(void)
{
    struct worker_impls t;
    char err[KERNEL_ERR_LEN] = "", line[64];
    worker_impls_clear(&t);
    CHECK(worker_impls_serve(&t, "serve outer_sum article f32,f64 materialised", err, sizeof err) == 0, "%s", err);
    refused(&t, "serve gemm article f32,f64 materialised", "unknown op 'gemm' (the runner's ops: copy, matvec, outer_sum");
    refused(&t, "serve outer_sum article f32,f64 streamed", "unknown traffic 'streamed' (valid: materialised, fused)");
    refused(&t, "serve outer_sum Sums f32 fused", "impl name 'Sums' is not 1 to 31 characters of a-z, 0-9 and _");
    refused(&t, "serve outer_sum a-b f32 fused", "impl name 'a-b'");
    refused(&t, "serve outer_sum abcdefghijklmnopqrstuvwxyz0123456 f32 fused", "impl name");
    refused(&t, "serve outer_sum article f32,f64 materialised", "impl outer_sum/article is served twice");
    refused(&t, "serve outer_sum sums  fused", "DTYPES '' is not a comma list");
    refused(&t, "serve outer_sum sums fused", "not 'serve OP IMPL DTYPES TRAFFIC'");
    refused(&t, "serve outer_sum sums f32 fused extra", "not 'serve OP IMPL DTYPES TRAFFIC'");
    refused(&t, "serve outer_sum sums f16 fused", "dtype 'f16' is not one of f32, f64");
    refused(&t, "serve outer_sum sums f32,f32 fused", "dtype f32 is listed twice");
    refused(&t, "serve outer_sum sums f32, fused", "dtype '' is not one of f32, f64");
    refused(&t, "serve  outer_sum sums f32 fused", "not 'serve OP IMPL DTYPES TRAFFIC'");
    for (int i = t.count; i < WORKER_IMPLS_MAX; i++) {
        snprintf(line, sizeof line, "serve matvec m%d f32 materialised", i);
        CHECK(worker_impls_serve(&t, line, err, sizeof err) == 0, "%s: %s", line, err);
    }
    refused(&t, "serve matvec one_more f32 materialised", "more than 32 serve lines");
    CHECK(t.count == WORKER_IMPLS_MAX && t.rows[WORKER_IMPLS_MAX].op == NULL, "the table ends its rows");
}

int main(void)
{
    test_good();
    test_refused();
    return check_report("test_worker_impls");
}
