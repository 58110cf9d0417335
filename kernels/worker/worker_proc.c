/* worker_proc.c: a worker process on a socket, one request at a time. A
 * worker that dies, hangs past the time limit or breaks the protocol is
 * killed and reaped; the error says which, with the last line it wrote on
 * its standard error. */
#define _GNU_SOURCE
#include "worker_proc.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

#include "host.h"
#include "kernel.h"

/* posix_spawnp, not fork and exec: the runner may have threads (OpenBLAS),
 * and the child then runs nothing but the exec. */
int worker_start(struct worker_proc *w, char *const argv[], const char *stderr_path, char *err,
                 size_t errlen)
{
    int sv[2];
    memset(w, 0, sizeof *w);
    w->fd = -1;
    snprintf(w->stderr_path, sizeof w->stderr_path, "%s", stderr_path);
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0)
        return snprintf(err, errlen, "socketpair: %s", strerror(errno)), -1;
    posix_spawn_file_actions_t fa;
    posix_spawnattr_t attr;
    posix_spawn_file_actions_init(&fa);
    posix_spawnattr_init(&attr);
    posix_spawn_file_actions_adddup2(&fa, sv[1], 0);
    posix_spawn_file_actions_adddup2(&fa, sv[1], 1);
    posix_spawn_file_actions_addopen(&fa, 2, stderr_path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW, 0600);
    /* Its own process group: a Ctrl-C at the terminal reaches the runner
     * alone, which then stops the worker (and kills the group if need be). */
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP);
    posix_spawnattr_setpgroup(&attr, 0);
    pid_t pid;
    int e = posix_spawnp(&pid, argv[0], &fa, &attr, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    posix_spawnattr_destroy(&attr);
    close(sv[1]);
    if (e != 0) {
        close(sv[0]);
        return snprintf(err, errlen, "cannot run %s: %s", argv[0], strerror(e)), -1;
    }
    w->pid = pid;
    w->fd = sv[0];
    return 0;
}

/* The last non-empty line the worker wrote on standard error, printable. */
static void last_words(const struct worker_proc *w, char *buf, size_t len)
{
    char tail[1024];
    buf[0] = '\0';
    int fd = open(w->stderr_path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0)
        return;
    off_t size = lseek(fd, 0, SEEK_END);
    off_t from = size > (off_t)sizeof tail - 1 ? size - (off_t)sizeof tail + 1 : 0;
    ssize_t got = pread(fd, tail, sizeof tail - 1, from);
    close(fd);
    if (got <= 0)
        return;
    tail[got] = '\0';
    while (got > 0 && (tail[got - 1] == '\n' || tail[got - 1] == ' '))
        tail[--got] = '\0';
    char *line = strrchr(tail, '\n');
    line = line ? line + 1 : tail;
    for (char *c = line; *c; c++)
        if (*c < 0x20 || *c > 0x7e)
            *c = '?';
    snprintf(buf, len, "%.*s", (int)(len - 1), line);
}

/* How a reaped worker ended, as text. */
static void describe_status(int status, char *buf, size_t len)
{
    if (WIFEXITED(status))
        snprintf(buf, len, "exited with status %d", WEXITSTATUS(status));
    else if (WIFSIGNALED(status))
        snprintf(buf, len, "was killed by signal %d (%s)", WTERMSIG(status), strsignal(WTERMSIG(status)));
    else
        snprintf(buf, len, "stopped");
}

/* Reaps the worker: waits up to grace_s for it to end by itself (so that a
 * crash is reported as such), then kills its process group. Returns 1 and
 * its status if it was reaped. */
static int reap(pid_t pid, double grace_s, int *status)
{
    double deadline = host_clock_seconds() + grace_s;
    for (;;) {
        pid_t r = waitpid(pid, status, WNOHANG);
        if (r == pid)
            return 1;
        if (r < 0 && errno != EINTR)
            return 0;
        if (host_clock_seconds() > deadline)
            break;
        nanosleep(&(struct timespec){ .tv_nsec = 10 * 1000 * 1000 }, NULL);
    }
    kill(-pid, SIGKILL);
    kill(pid, SIGKILL);
    while (waitpid(pid, status, 0) < 0)
        if (errno != EINTR)
            return 0;
    return 1;
}

/* Kills and reaps the worker (one that already ended is given a second to
 * be reaped as it ended); says how it ended after `what` in err. */
static enum worker_result fail(struct worker_proc *w, int kill_it, char *err, size_t errlen,
                               const char *what)
{
    char how[128] = "", words[300];
    int status = 0;
    if (w->pid > 0 && reap(w->pid, kill_it ? 0.0 : 1.0, &status))
        describe_status(status, how, sizeof how);
    if (w->fd >= 0)
        close(w->fd);
    w->pid = 0;
    w->fd = -1;
    w->have = 0;
    last_words(w, words, sizeof words);
    snprintf(err, errlen, "%s%s%s%s%s", what, how[0] ? "; it " : "", how,
             words[0] ? "; its last words: " : "", words);
    return WORKER_FAILED;
}

static enum worker_result send_line(struct worker_proc *w, const char *request, char *err,
                                    size_t errlen)
{
    char line[WORKER_LINE_MAX + 1];
    int n = snprintf(line, sizeof line, "%s\n", request);
    if (n < 0 || n >= (int)sizeof line)
        return snprintf(err, errlen, "request too long"), WORKER_FAILED;
    for (int off = 0; off < n;) {
        ssize_t s = send(w->fd, line + off, (size_t)(n - off), MSG_NOSIGNAL);
        if (s < 0 && errno == EINTR)
            continue;
        if (s < 0)
            return fail(w, 1, err, errlen, "it stopped reading requests");
        off += (int)s;
    }
    return WORKER_OK;
}

/* Takes the next line out of the buffer into line, waiting until deadline.
 * Returns WORKER_OK, or WORKER_FAILED with the worker stopped. */
static enum worker_result next_line(struct worker_proc *w, double deadline, double timeout_s,
                                    char *line, char *err, size_t errlen)
{
    for (;;) {
        char *nl = memchr(w->buf, '\n', w->have);
        if (nl && (size_t)(nl - w->buf) > WORKER_LINE_MAX)
            return fail(w, 1, err, errlen, "its reply has a line longer than 4096 bytes");
        if (nl) {
            size_t len = (size_t)(nl - w->buf);
            memcpy(line, w->buf, len);
            line[len] = '\0';
            memmove(w->buf, nl + 1, w->have - len - 1);
            w->have -= len + 1;
            for (size_t i = 0; i < len; i++)
                if ((unsigned char)line[i] < 0x20 || (unsigned char)line[i] > 0x7e) {
                    char what[96];
                    snprintf(what, sizeof what, "its reply holds the byte 0x%02x, outside the protocol",
                             (unsigned char)line[i]);
                    return fail(w, 1, err, errlen, what);
                }
            return WORKER_OK;
        }
        if (w->have >= WORKER_LINE_MAX)
            return fail(w, 1, err, errlen, "its reply has a line longer than 4096 bytes");
        double left = deadline - host_clock_seconds();
        if (left <= 0) {
            char what[96];
            snprintf(what, sizeof what, "no reply within %.0f s", timeout_s);
            return fail(w, 1, err, errlen, what);
        }
        if (kernel_interrupted)
            return fail(w, 1, err, errlen, "interrupted");
        /* in slices of 0.25 s, so that a signal between the check and the
         * poll is seen in time */
        struct pollfd pfd = { .fd = w->fd, .events = POLLIN };
        int ready = poll(&pfd, 1, left > 0.25 ? 250 : (int)(left * 1000.0) + 1);
        if (ready < 0 && errno != EINTR)
            return fail(w, 1, err, errlen, "poll failed");
        if (ready <= 0)
            continue;
        ssize_t r = recv(w->fd, w->buf + w->have, sizeof w->buf - w->have, 0);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            return fail(w, 0, err, errlen, "it closed its output");
        w->have += (size_t)r;
    }
}

enum worker_result worker_request(struct worker_proc *w, const char *request, double timeout_s,
                                  worker_line_fn on_line, void *ctx, char *reply, size_t replylen,
                                  char *err, size_t errlen)
{
    char line[WORKER_LINE_MAX + 1];
    if (w->pid <= 0)
        return snprintf(err, errlen, "it is not running"), WORKER_FAILED;
    if (w->have > 0) /* a reply is one line after the request, never before */
        return fail(w, 1, err, errlen, "it wrote after its last reply, outside the protocol");
    enum worker_result r = send_line(w, request, err, errlen);
    double deadline = host_clock_seconds() + timeout_s;
    while (r == WORKER_OK && (r = next_line(w, deadline, timeout_s, line, err, errlen)) == WORKER_OK) {
        if (strcmp(line, "ok") == 0 || strncmp(line, "ok ", 3) == 0) {
            snprintf(reply, replylen, "%s", line[2] ? line + 3 : "");
            return WORKER_OK;
        }
        if (strncmp(line, "error ", 6) == 0) {
            snprintf(err, errlen, "%s", line + 6);
            return WORKER_REFUSED;
        }
        if (!on_line || on_line(ctx, line) != 0) {
            char what[160];
            snprintf(what, sizeof what, "its reply to '%.20s' is not in the protocol: '%.80s'",
                     request, line);
            return fail(w, 1, err, errlen, what);
        }
    }
    return r;
}

void worker_stop(struct worker_proc *w, double grace_s)
{
    if (w->pid <= 0)
        return;
    send(w->fd, "quit\n", 5, MSG_NOSIGNAL);
    shutdown(w->fd, SHUT_WR);
    int status;
    reap(w->pid, grace_s, &status);
    close(w->fd);
    w->pid = 0;
    w->fd = -1;
    w->have = 0;
}

int worker_field(const char *line, const char *key, char *value, size_t len)
{
    size_t klen = strlen(key);
    for (const char *s = line; *s;) {
        while (*s == ' ')
            s++;
        const char *end = strchr(s, ' ');
        size_t wlen = end ? (size_t)(end - s) : strlen(s);
        if (wlen > klen && strncmp(s, key, klen) == 0 && s[klen] == '=') {
            if (wlen - klen - 1 >= len)
                return -1;
            memcpy(value, s + klen + 1, wlen - klen - 1);
            value[wlen - klen - 1] = '\0';
            return 0;
        }
        s += wlen;
    }
    return -1;
}
