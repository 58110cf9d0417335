/* csv_out.h: CSV files written through libcsv, never torn.
 * csv_out_open writes under a unique PATH.tmp-XXXXXX that csv_out_commit
 * renames onto PATH; csv_out_create_at writes a new file under its final
 * name in a folder the caller commits as a whole. csv_out_abort removes
 * what was written and leaves PATH as it was. */
#ifndef FLOPBENCH_CSV_OUT_H
#define FLOPBENCH_CSV_OUT_H

#include <stddef.h>

struct csv_out;

/* Creates a unique temporary file beside PATH for writing (never an
 * existing name, so never through a symlink). NULL with a reason in err
 * (errlen bytes) on failure. */
struct csv_out *csv_out_open(const char *path, char *err, size_t errlen);
/* Creates NAME in the folder dirfd (O_EXCL | O_NOFOLLOW: it must not exist);
 * shown is its path for messages. dirfd must stay open until commit or
 * abort. NULL with a reason in err on failure. */
struct csv_out *csv_out_create_at(int dirfd, const char *name, const char *shown, char *err,
                                  size_t errlen);
/* Writes one row of count fields, each quoted by libcsv where needed.
 * Returns 0, or -1 on a write error (remembered until commit). */
int csv_out_row(struct csv_out *f, const char *const *fields, int count);
/* Flushes, fsyncs, closes and (for csv_out_open) renames onto PATH.
 * Returns 0, or -1 with the file, the step and the errno text in err (the
 * file written is then removed). Frees f in both cases. */
int csv_out_commit(struct csv_out *f, char *err, size_t errlen);
/* Closes and removes the file written; PATH is untouched. Frees f. */
void csv_out_abort(struct csv_out *f);

/* Reads a CSV file through libcsv, calling row() once per record with its
 * fields (NUL-terminated). row returns 0 to go on, non-zero to stop (that
 * value is returned). Returns 0, or -1 with a reason in err. */
typedef int (*csv_row_fn)(void *ctx, const char *const *fields, int count);
int csv_in_read(const char *path, csv_row_fn row, void *ctx, char *err, size_t errlen);

#endif
