/* report.h: `runner report`: figures, macros and claims from results. */
#ifndef FLOPBENCH_REPORT_H
#define FLOPBENCH_REPORT_H

/* Runs `runner report ...` (argv as main's). Returns an exit code. */
int report_command(int argc, char **argv);

struct lua_State;
/* Makes require("report.native") (the report's C functions) available in
 * L, a state of script_state_new. */
void report_preload(struct lua_State *L);

#endif
