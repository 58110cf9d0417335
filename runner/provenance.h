/* provenance.h: where and how a result was measured, as key,value rows. */
#ifndef FLOPBENCH_PROVENANCE_H
#define FLOPBENCH_PROVENANCE_H

#include <stddef.h>

struct provenance;

struct provenance *provenance_new(void);
void provenance_free(struct provenance *p);
/* Adds (or replaces) key. Values are copied. Returns 0, or -1 if out of memory. */
int provenance_set(struct provenance *p, const char *key, const char *value);
int provenance_setf(struct provenance *p, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* The value for key, or NULL. */
const char *provenance_get(const struct provenance *p, const char *key);
/* Adds the host's facts: host, cpu_model, cpu_cores, os, compiler, cflags,
 * runner_commit, runner_dirty, openblas_version, openblas_config, date_utc. */
int provenance_add_host(struct provenance *p);
/* Adds script_path and script_sha256 (of the file's bytes). */
int provenance_add_script(struct provenance *p, const char *path, char *err, size_t errlen);
struct csv_out;
/* Writes the rows key,value (a header, then insertion order) into f.
 * Returns 0, or -1 on a write error (which f remembers until its commit). */
int provenance_write_rows(const struct provenance *p, struct csv_out *f);
/* Writes a CSV with header key,value, in insertion order, via csv_out
 * (so never torn). Returns 0, or -1 with a reason. */
int provenance_write(const struct provenance *p, const char *path, char *err, size_t errlen);
/* A short tag naming this host, for results/<tag>/: the hostname, or
 * FLOPBENCH_HOST if set; only [A-Za-z0-9._-]. */
void provenance_host_tag(char *buf, size_t len);

#endif
