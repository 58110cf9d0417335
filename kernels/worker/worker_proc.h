/* worker_proc.h: one worker process and the line protocol of
 * peers/PROTOCOL.md: start it, send a request, read its reply within a
 * time limit, stop it. Knows nothing of ops or arrays. */
#ifndef FLOPBENCH_WORKER_PROC_H
#define FLOPBENCH_WORKER_PROC_H

#include <stddef.h>
#include <sys/types.h>

#define WORKER_LINE_MAX 4096

enum worker_result {
    WORKER_OK = 0,      /* the reply was "ok ..." */
    WORKER_REFUSED,     /* the reply was "error KIND TEXT": the worker lives on */
    WORKER_FAILED,      /* it died, hung, or said something not in the protocol: it is stopped */
};

struct worker_proc {
    pid_t pid;                  /* 0: not running */
    int fd;                     /* our end of the socket: its stdin and stdout */
    char stderr_path[4200];     /* where its standard error goes */
    char buf[WORKER_LINE_MAX * 2];
    size_t have;                /* bytes of buf not yet taken as lines */
};

/* Called with each line before the final "ok"/"error" line of a reply. */
typedef int (*worker_line_fn)(void *ctx, const char *line);

/* Starts argv (argv[0] is searched in PATH when it has no '/') with its
 * standard input and output on a socket to us, its standard error in
 * stderr_path. Returns 0, or -1 with why in err. */
int worker_start(struct worker_proc *w, char *const argv[], const char *stderr_path, char *err,
                 size_t errlen);

/* Sends the request line and reads the reply within timeout_s seconds. The
 * text after "ok " goes to reply, or the error's kind and text (WORKER_REFUSED)
 * or what went wrong (WORKER_FAILED) to err. Lines before the last go to
 * on_line (may be NULL: then any such line is a protocol error); on_line
 * returning non-zero is a protocol error too. */
enum worker_result worker_request(struct worker_proc *w, const char *request, double timeout_s,
                                  worker_line_fn on_line, void *ctx, char *reply, size_t replylen,
                                  char *err, size_t errlen);

/* Asks the worker to quit, waits up to grace_s seconds, then kills it. */
void worker_stop(struct worker_proc *w, double grace_s);

/* Finds `value` of "key=value" among the space-separated words of line. */
int worker_field(const char *line, const char *key, char *value, size_t len);

#endif
