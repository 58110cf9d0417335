/* set_out.h: an experiment's files committed as one set: written into a
 * private folder beside DIR/<name>, then swapped with it in one step, so
 * that DIR/<name> always holds a whole set, the old one or the new one. */
#ifndef FLOPBENCH_SET_OUT_H
#define FLOPBENCH_SET_OUT_H

#include <stddef.h>

struct set_out;
struct csv_out;

/* A run id: "<UTC date>T<time>Z-<pid>-<8 hex digits>", only [0-9A-Za-z-]. */
void set_out_run_id(char *buf, size_t len);
/* mkdir -p path. Returns 0 or -1 with errno set. */
int set_out_make_dir(const char *path);
/* 0 if DIR/<name> is absent or a folder (never a symlink); -1 with a
 * reason in err otherwise. */
int set_out_check(const char *dir, const char *name, char *err, size_t errlen);
/* Removes the staging folders of DIR/<name> that dead runs left, if they
 * hold only a set's files; says on stderr what it leaves. The caller holds
 * the experiment's lock. */
void set_out_sweep(const char *dir, const char *name);
/* Creates the staging folder DIR/.<name>.new-XXXXXXXX. NULL with a reason. */
struct set_out *set_out_begin(const char *dir, const char *name, char *err, size_t errlen);
/* Creates FILE in the staging folder (commit it with csv_out_commit, which
 * syncs it, before set_out_commit). NULL with a reason. */
struct csv_out *set_out_file(struct set_out *s, const char *file, char *err, size_t errlen);
/* Syncs the staging folder and puts it in place of DIR/<name>, then removes
 * the old set (moving into the new folder anything else the old one held).
 * Returns 0, or -1 with a reason naming the folder and the errno text; DIR/<name>
 * then holds the old set (or, if only the final fsync of DIR failed, the new
 * one). Frees s. */
int set_out_commit(struct set_out *s, char *err, size_t errlen);
/* Removes the staging folder and what it holds; DIR/<name> is untouched. Frees s. */
void set_out_abort(struct set_out *s);

#endif
