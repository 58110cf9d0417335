/* interrupt.h: what SIGINT, SIGTERM and SIGHUP do to the runner. The first
 * sets a flag that every long wait checks (the sampling loop, a backend's
 * batch, a worker's reply, the Lua count hook), so the command stops
 * within a second and leaves its files whole; a second SIGINT or SIGTERM
 * exits at once with the same code. Every such end exits 130. */
#ifndef FLOPBENCH_INTERRUPT_H
#define FLOPBENCH_INTERRUPT_H

#define INTERRUPT_EXIT 130

/* Installs the handlers for SIGINT, SIGTERM and SIGHUP. */
void interrupt_install(void);
/* The first signal received, or 0 if none has come. */
int interrupt_pending(void);
/* Acts as a first signal sig would, but never exits; async-signal-safe
 * (a fuzz target's SIGALRM handler stops a script that runs too long). */
void interrupt_request(int sig);
/* Forgets the signal received (between the inputs of a fuzz target). */
void interrupt_reset(void);

#endif
