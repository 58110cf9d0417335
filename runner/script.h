/* script.h: the Lua binding. script.c and report.c are the only files that
 * include lauxlib.h; the rest of the runner sees plain C data. */
#ifndef FLOPBENCH_SCRIPT_H
#define FLOPBENCH_SCRIPT_H

#include <stddef.h>

#include "experiment.h"

struct lua_State;

/* A fresh Lua state with the standard libraries, the embedded modules of
 * lua/ loadable through require ("flopbench", "report", ...), and the
 * module "flopbench.registry" describing the backends compiled in.
 * Experiment scripts never see io, os or the other globals: flopbench.lua
 * runs them in a sandbox. NULL with a reason in err on failure. */
struct lua_State *script_state_new(char *err, size_t errlen);
/* As script_state_new, with the state's memory capped at memory_cap bytes
 * (the allocator refuses more; a script over it fails with a message
 * naming the cap). Every state also stops with the error "interrupted"
 * within a second of a signal (interrupt.h). Close with script_state_close. */
struct lua_State *script_state_open(size_t memory_cap, char *err, size_t errlen);
void script_state_close(struct lua_State *L);

/* What a script may use. */
struct script_limits {
    size_t memory;   /* bytes its Lua state may hold */
    long max_points; /* points its experiments may declare, in all */
};
#define SCRIPT_DEFAULT_MEMORY ((size_t)1 << 30)
#define SCRIPT_DEFAULT_MAX_POINTS 100000L
/* lua_pcall with a message handler that appends a traceback; on error the
 * message is copied into err and popped. Returns 0 or -1. */
int script_call(struct lua_State *L, int nargs, int nresults, char *err, size_t errlen);
/* Runs the experiment script at path (profile is visible to it as the
 * global `profile`) and fills out with every experiment it declares.
 * Returns 0, or -1 with "path:line: what was expected" in err (a script
 * that declares no experiment is such an error). */
int script_load_experiments(const char *path, const char *profile, const struct script_limits *lim,
                            struct experiment_list *out, char *err, size_t errlen);

#endif
