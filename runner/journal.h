/* journal.h: the points of an experiment as they are measured, kept in
 * DIR/.<name>.journal beside its committed set, so that `runner run
 * --resume` continues an interrupted or failed run: a point journaled
 * under the same declaration (the runner's commit, the host, the profile,
 * the script's SHA-256 and the experiment's whole declaration) is reused
 * instead of measured. Each point is synced as it is recorded, so a run
 * killed outright loses at most the point in flight. */
#ifndef FLOPBENCH_JOURNAL_H
#define FLOPBENCH_JOURNAL_H

#include <stddef.h>

#include "experiment.h"
#include "measure.h"

struct journal;
struct provenance;

/* A fact (key, value) a backend reported for a point. */
typedef void (*journal_fact_fn)(void *ctx, const char *key, const char *value);

/* Opens the journal of experiment e at path (DIR/.<name>.journal, or
 * DIR/.<name>.shard-K-of-N.journal for a shard: each writer its own). prov holds the run's identity
 * (runner_commit, host, profile, script_sha256, params). With resume, the
 * points of a journal of the same identity are read (a torn last record
 * is dropped) and later records appended; without, or if it is of another
 * identity (said on stderr), a fresh journal replaces it at the first
 * record. NULL with a reason in err if it cannot be read. */
struct journal *journal_open(const char *path, const struct experiment *e,
                             const struct provenance *prov, int resume, char *err, size_t errlen);
/* How many points of the experiment the journal holds. */
size_t journal_count(const struct journal *j);
/* 1 if point i is journaled, else 0. */
int journal_has(const struct journal *j, size_t i);
/* Fills m (free with measurement_free) with point i as journaled, passes
 * its facts to fact, and returns the id of the run that measured it; NULL
 * if point i (with p's backend, op, impl, dtype, axis, n and seed) is not
 * journaled, or memory ran out. */
const char *journal_reuse(const struct journal *j, size_t i, const struct point *p,
                          struct measurement *m, journal_fact_fn fact, void *ctx);
/* Keeps a fact of the point being measured, for its record. */
void journal_fact(struct journal *j, const char *key, const char *value);
/* Appends point i (its kept facts, m, run_id) and syncs the file. Returns
 * 0, or -1 with a reason in err (the run goes on; a resume would measure
 * the point again). */
int journal_record(struct journal *j, size_t i, const struct point *p, const struct measurement *m,
                   const char *run_id, char *err, size_t errlen);
/* Closes the journal; with done (every point is in the committed set),
 * removes its file. */
void journal_close(struct journal *j, int done);

#endif
