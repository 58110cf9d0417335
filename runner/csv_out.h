/* csv_out.h: CSV files written through libcsv, never torn.
 * A file is written under PATH.tmp and renamed onto PATH by csv_out_commit;
 * csv_out_abort removes the temporary file and leaves PATH as it was. */
#ifndef FLOPBENCH_CSV_OUT_H
#define FLOPBENCH_CSV_OUT_H

#include <stddef.h>

struct csv_out;

/* Opens PATH.tmp for writing. NULL with a reason in err (errlen bytes) on failure. */
struct csv_out *csv_out_open(const char *path, char *err, size_t errlen);
/* Writes one row of count fields, each quoted by libcsv where needed.
 * Returns 0, or -1 on a write error (remembered until commit). */
int csv_out_row(struct csv_out *f, const char *const *fields, int count);
/* Flushes, closes and renames onto PATH. Returns 0, or -1 with a reason
 * (the temporary file is then removed). Frees f in both cases. */
int csv_out_commit(struct csv_out *f, char *err, size_t errlen);
/* Closes and removes the temporary file; PATH is untouched. Frees f. */
void csv_out_abort(struct csv_out *f);

/* Reads a CSV file through libcsv, calling row() once per record with its
 * fields (NUL-terminated). row returns 0 to go on, non-zero to stop (that
 * value is returned). Returns 0, or -1 with a reason in err. */
typedef int (*csv_row_fn)(void *ctx, const char *const *fields, int count);
int csv_in_read(const char *path, csv_row_fn row, void *ctx, char *err, size_t errlen);

#endif
