/* interrupt.c: the signal handlers; see interrupt.h. */
#define _POSIX_C_SOURCE 200809L
#include "interrupt.h"

#include <signal.h>
#include <unistd.h>

#include "kernel.h"
#include "measure.h"

static volatile sig_atomic_t first_signal = 0;

/* Async-signal-safe: sets the flags, or on a second signal ends the
 * process with _exit (a commit in progress is one rename, so the folder
 * holds a whole set either way). */
static void on_signal(int sig)
{
    if (first_signal) {
        static const char msg[] = "\nrunner: interrupted again; exiting now\n";
        ssize_t ignored = write(STDERR_FILENO, msg, sizeof msg - 1);
        (void)ignored;
        _exit(INTERRUPT_EXIT);
    }
    interrupt_request(sig);
}

void interrupt_request(int sig)
{
    if (!first_signal)
        first_signal = sig;
    measure_interrupted = 1;
    kernel_interrupted = 1;
}

void interrupt_reset(void)
{
    first_signal = 0;
    measure_interrupted = 0;
    kernel_interrupted = 0;
}

void interrupt_install(void)
{
    struct sigaction sa = { .sa_handler = on_signal };
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
}

int interrupt_pending(void)
{
    return first_signal;
}
