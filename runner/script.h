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
/* lua_pcall with a message handler that appends a traceback; on error the
 * message is copied into err and popped. Returns 0 or -1. */
int script_call(struct lua_State *L, int nargs, int nresults, char *err, size_t errlen);
/* Runs the experiment script at path (profile is visible to it as the
 * global `profile`) and fills out with every experiment it declares.
 * Returns 0, or -1 with "path:line: what was expected" in err (a script
 * that declares no experiment is such an error). */
int script_load_experiments(const char *path, const char *profile, struct experiment_list *out,
                            char *err, size_t errlen);

#endif
