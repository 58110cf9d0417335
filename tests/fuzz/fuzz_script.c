/* fuzz_script.c: libFuzzer target for the experiment language. Each input
 * is an experiment script, read by the declaration reader as `runner run
 * --dry-run` reads it (script_load_experiments, memory and points capped,
 * stopped after a second). Any error it reports is fine, as long as it is
 * the script's: a crash, a sanitizer report, a leak or an error raised
 * inside the language's own modules (a message starting "lua/") is a bug. */
#define _POSIX_C_SOURCE 200809L
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <unistd.h>

#include "experiment.h"
#include "interrupt.h"
#include "script.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char script_path[64];

static void on_alarm(int sig)
{
    interrupt_request(sig);
}

/* Writes the input to the script file. Returns 0 or -1. */
static int write_script(const uint8_t *data, size_t size)
{
    if (!script_path[0]) {
        snprintf(script_path, sizeof script_path, "/tmp/fuzz_script.%ld.lua", (long)getpid());
        struct sigaction sa = { .sa_handler = on_alarm };
        sigaction(SIGALRM, &sa, NULL);
    }
    FILE *f = fopen(script_path, "wb");
    if (!f)
        return -1;
    size_t written = fwrite(data, 1, size, f);
    return fclose(f) == 0 && written == size ? 0 : -1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (write_script(data, size) != 0)
        abort();
    const struct script_limits limits = { 64u << 20, 10000 };
    struct experiment_list list;
    char err[2048];
    interrupt_reset();
    setitimer(ITIMER_REAL, &(struct itimerval){ .it_value = { .tv_sec = 1 } }, NULL);
    int status = script_load_experiments(script_path, "tiny", &limits, &list, err, sizeof err);
    setitimer(ITIMER_REAL, &(struct itimerval){ 0 }, NULL);
    if (status == 0)
        experiment_list_free(&list);
    else if (strncmp(err, "lua/", 4) == 0) {
        fprintf(stderr, "fuzz_script: an error inside the language:\n%s\n", err);
        abort();
    }
    return 0;
}
