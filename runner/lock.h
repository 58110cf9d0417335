/* lock.h: an experiment locked for a run's life, so that two runs never
 * write one DIR/<name>. */
#ifndef FLOPBENCH_LOCK_H
#define FLOPBENCH_LOCK_H

#include <stddef.h>

struct lock;

/* Takes the lock of DIR/<name> (flock on DIR/.<name>.lock, which then
 * holds this process's PID). If another run holds it: with wait, waits for
 * it; else returns NULL at once, err naming that run's PID. NULL with a
 * reason in err on any other failure (interrupted while waiting, too). */
struct lock *lock_take(const char *dir, const char *name, int wait, char *err, size_t errlen);
/* Removes the lock file and releases the lock. */
void lock_release(struct lock *l);

#endif
