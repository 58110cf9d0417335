/* report.c: `runner report SPEC.lua [options] [SCRIPT.lua...]`, the binding
 * for lua/report.lua. It creates the state (script_state_new), adds the
 * module "report.native" with the little the report needs from C (reading
 * CSV through libcsv, listing and making folders, replacing a file whole,
 * this host's tag, the runner's commit), and calls require("report").main(args)
 * under lua_pcall. Every decision (what to plot, which results to read,
 * whether a claim holds) is Lua's. */
#define _POSIX_C_SOURCE 200809L
#include "report.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <fcntl.h>
#include <lauxlib.h>
#include <lua.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include "csv_out.h"
#include "provenance.h"
#include "run.h"
#include "script.h"
#include "stats.h"

/* What read_csv's row callback needs: the state, the header's width and
 * the row count, so that a ragged row is reported with its line. */
struct csv_reader {
    lua_State *L;
    const char *path;
    int columns; /* 0 until the header has been read */
    long row;
    char err[256];
};

/* Row callback: the first row fills the header list (stack -2); each later
 * row is pushed as a table keyed by the header into the rows list (-1). */
static int csv_reader_row(void *ctx, const char *const *fields, int count)
{
    struct csv_reader *r = ctx;
    lua_State *L = r->L;
    r->row++;
    if (r->columns == 0) {
        for (int i = 0; i < count; i++) {
            lua_pushstring(L, fields[i]);
            lua_rawseti(L, -3, i + 1);
        }
        r->columns = count;
        return 0;
    }
    if (count != r->columns) {
        snprintf(r->err, sizeof r->err, "%s: record %ld has %d fields, the header has %d",
                 r->path, r->row, count, r->columns);
        return 1;
    }
    lua_createtable(L, 0, count);
    for (int i = 0; i < count; i++) {
        lua_rawgeti(L, -3, i + 1);
        lua_pushstring(L, fields[i]);
        lua_rawset(L, -3);
    }
    lua_rawseti(L, -2, (lua_Integer)r->row - 1);
    return 0;
}

/* read_csv(path) -> rows, header | nil, message. Rows are tables keyed by
 * the header's names, every value a string. [-1, +2] */
static int l_read_csv(lua_State *L)
{
    struct csv_reader r = { .L = L, .path = luaL_checkstring(L, 1) };
    char err[512] = "";
    lua_settop(L, 1);
    lua_newtable(L); /* header */
    lua_newtable(L); /* rows */
    int status = csv_in_read(r.path, csv_reader_row, &r, err, sizeof err);
    if (status != 0) {
        lua_pushnil(L);
        lua_pushstring(L, r.err[0] ? r.err : err);
        return 2;
    }
    if (r.columns == 0) {
        lua_pushnil(L);
        lua_pushfstring(L, "%s: empty file, no header", r.path);
        return 2;
    }
    lua_insert(L, 2); /* path, rows, header */
    return 2;
}

/* list_dir(path) -> sorted names (no "." or "..") | nil, message. [-1, +2] */
static int l_list_dir(lua_State *L)
{
    const char *path = luaL_checkstring(L, 1);
    DIR *d = opendir(path);
    if (!d) {
        lua_pushnil(L);
        lua_pushfstring(L, "%s: %s", path, strerror(errno));
        return 2;
    }
    lua_newtable(L);
    lua_Integer i = 0;
    for (struct dirent *e; (e = readdir(d)) != NULL;) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        lua_pushstring(L, e->d_name);
        lua_rawseti(L, -2, ++i);
    }
    closedir(d);
    lua_getglobal(L, "table");
    lua_getfield(L, -1, "sort");
    lua_pushvalue(L, -3);
    lua_call(L, 1, 0);
    lua_pop(L, 1);
    return 1;
}

/* mkdir_p(path) -> true | nil, message: makes path and its parents. [-1, +2] */
static int l_mkdir_p(lua_State *L)
{
    const char *path = luaL_checkstring(L, 1);
    luaL_Buffer b;
    char *buf = luaL_buffinitsize(L, &b, strlen(path) + 1);
    strcpy(buf, path);
    for (char *s = buf + 1;; s++) {
        char c = *s;
        if (c != '/' && c != '\0')
            continue;
        *s = '\0';
        if (mkdir(buf, 0777) != 0 && errno != EEXIST) {
            lua_pushnil(L);
            lua_pushfstring(L, "%s: %s", buf, strerror(errno));
            return 2;
        }
        *s = c;
        if (c == '\0')
            break;
    }
    lua_pushboolean(L, 1);
    return 1;
}

/* Writes len bytes to fd. 0 or an errno. */
static int write_all(int fd, const char *text, size_t len)
{
    while (len > 0) {
        ssize_t n = write(fd, text, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return errno;
        text += n, len -= (size_t)n;
    }
    return 0;
}

/* Creates a file of a name no other has, tmp = "PATH.tmp.PID.K", opened
 * so that nothing planted there (a symlink, a file) is followed or
 * reused. The descriptor, or -1 with errno set. */
static int open_unique(const char *path, char *tmp, size_t tmplen)
{
    static unsigned counter;
    for (int tries = 0; tries < 100; tries++) {
        snprintf(tmp, tmplen, "%s.tmp.%ld.%u", path, (long)getpid(), counter++);
        int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666);
        if (fd >= 0 || errno != EEXIST)
            return fd;
    }
    return -1;
}

/* Syncs the folder holding path, so that a rename in it lasts. 0 or an
 * errno (none where the file system cannot sync a folder). */
static int sync_parent(const char *path, char *dir, size_t dirlen)
{
    const char *slash = strrchr(path, '/');
    snprintf(dir, dirlen, "%.*s", slash ? (int)(slash - path) + 1 : 1, slash ? path : ".");
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return errno;
    int e = fsync(fd) != 0 && errno != EINVAL ? errno : 0;
    close(fd);
    return e;
}

/* Puts text at path whole: a unique temporary beside it, written,
 * synced, closed and renamed onto path (a symlink at path is replaced,
 * never followed). On failure path is as it was and no temporary is
 * left. 0 or an errno. */
static int replace_file(const char *path, const char *text, size_t len, char *tmp, size_t tmplen)
{
    int fd = open_unique(path, tmp, tmplen);
    if (fd < 0)
        return errno;
    int e = write_all(fd, text, len);
    if (!e && fsync(fd) != 0)
        e = errno;
    if (close(fd) != 0 && !e)
        e = errno;
    if (!e && rename(tmp, path) != 0)
        e = errno;
    if (e)
        unlink(tmp);
    return e ? e : sync_parent(path, tmp, tmplen);
}

/* write_file(path, text) -> true | nil, "PATH: error". [-2, +1|2] */
static int l_write_file(lua_State *L)
{
    size_t len;
    const char *path = luaL_checkstring(L, 1);
    const char *text = luaL_checklstring(L, 2, &len);
    size_t tmplen = strlen(path) + 64;
    char *tmp = lua_newuserdatauv(L, tmplen, 0);
    int e = replace_file(path, text, len, tmp, tmplen);
    if (e) {
        lua_pushnil(L);
        lua_pushfstring(L, "%s: %s", path, strerror(e));
        return 2;
    }
    lua_pushboolean(L, 1);
    return 1;
}

extern const char flopbench_commit[]; /* build/gen/version.c */

/* version() -> the runner's commit. [-0, +1] */
static int l_version(lua_State *L)
{
    lua_pushstring(L, flopbench_commit);
    return 1;
}

/* host_tag() -> this host's folder name under results/. [-0, +1] */
static int l_host_tag(lua_State *L)
{
    char tag[256];
    provenance_host_tag(tag, sizeof tag);
    lua_pushstring(L, tag);
    return 1;
}

/* Reads list argument arg (a sequence of numbers) into a new array of *count
 * doubles; raises a Lua error naming the argument on anything else. */
static double *check_numbers(lua_State *L, int arg, lua_Integer *count)
{
    luaL_checktype(L, arg, LUA_TTABLE);
    lua_Integer n = luaL_len(L, arg);
    if (n < 1 || n > 10000000)
        luaL_argerror(L, arg, "a list of 1 to 10^7 numbers");
    double *v = lua_newuserdatauv(L, (size_t)n * sizeof *v, 0); /* freed by the collector */
    for (lua_Integer i = 1; i <= n; i++) {
        int isnum;
        lua_rawgeti(L, arg, i);
        v[i - 1] = (double)lua_tonumberx(L, -1, &isnum);
        lua_pop(L, 1);
        if (!isnum)
            luaL_argerror(L, arg, "a list of numbers");
    }
    *count = n;
    return v;
}

/* Pushes a summary as { median, low, high, level, count }. [-0, +1] */
static void push_summary(lua_State *L, const struct stats_summary *s)
{
    lua_createtable(L, 0, 5);
    lua_pushnumber(L, s->median);
    lua_setfield(L, -2, "median");
    lua_pushnumber(L, s->ci_low);
    lua_setfield(L, -2, "low");
    lua_pushnumber(L, s->ci_high);
    lua_setfield(L, -2, "high");
    lua_pushnumber(L, s->ci_level);
    lua_setfield(L, -2, "level");
    lua_pushinteger(L, s->count);
    lua_setfield(L, -2, "count");
}

/* native.median_ci(values, level): the median of values with its
 * order-statistic interval (stats_summarise); nil and why if values hold a
 * NaN. */
static int l_median_ci(lua_State *L)
{
    lua_Integer n;
    double *v = check_numbers(L, 1, &n);
    double level = luaL_checknumber(L, 2);
    luaL_argcheck(L, level > 0 && level < 1, 2, "a coverage between 0 and 1");
    struct stats_summary s;
    if (stats_summarise(v, (long)n, level, &s) != 0) {
        lua_pushnil(L);
        lua_pushliteral(L, "a value is not a number");
        return 2;
    }
    push_summary(L, &s);
    return 1;
}

/* native.paired_ratio(num, den, level): the median of the per-round ratios
 * num[i] / den[i] with its interval (stats_paired_ratio); nil and why if the
 * lists differ in length or a time is not positive and finite. */
static int l_paired_ratio(lua_State *L)
{
    lua_Integer n, m;
    double *num = check_numbers(L, 1, &n), *den = check_numbers(L, 2, &m);
    double level = luaL_checknumber(L, 3);
    luaL_argcheck(L, level > 0 && level < 1, 3, "a coverage between 0 and 1");
    struct stats_summary s;
    if (n != m || stats_paired_ratio(num, den, (long)n, level, &s) != 0) {
        lua_pushnil(L);
        lua_pushstring(L, n != m ? "the two series have different rounds" : "a time is not a positive number");
        return 2;
    }
    push_summary(L, &s);
    return 1;
}

/* The module "report.native". [-0, +1] */
static int l_open_native(lua_State *L)
{
    static const luaL_Reg functions[] = {
        { "read_csv", l_read_csv },
        { "list_dir", l_list_dir },
        { "mkdir_p", l_mkdir_p },
        { "write_file", l_write_file },
        { "host_tag", l_host_tag },
        { "version", l_version },
        { "median_ci", l_median_ci },
        { "paired_ratio", l_paired_ratio },
        { NULL, NULL },
    };
    luaL_newlib(L, functions);
    return 1;
}

void report_preload(lua_State *L)
{
    luaL_getsubtable(L, LUA_REGISTRYINDEX, LUA_PRELOAD_TABLE);
    lua_pushcfunction(L, l_open_native);
    lua_setfield(L, -2, "report.native");
    lua_pop(L, 1);
}

/* Pushes require("report").main. Returns 0 or -1 with the reason in err. */
static int push_main(lua_State *L, char *err, size_t errlen)
{
    report_preload(L);
    lua_getglobal(L, "require");
    lua_pushliteral(L, "report");
    if (script_call(L, 1, 1, err, errlen) != 0)
        return -1;
    lua_getfield(L, -1, "main");
    lua_remove(L, -2);
    if (!lua_isfunction(L, -1)) {
        lua_pop(L, 1);
        return snprintf(err, errlen, "lua/report.lua: has no function main"), -1;
    }
    return 0;
}

int report_command(int argc, char **argv)
{
    char err[4096];
    lua_State *L = script_state_new(err, sizeof err);
    if (!L)
        return fprintf(stderr, "runner report: %s\n", err), EXIT_USAGE;
    if (push_main(L, err, sizeof err) != 0) {
        fprintf(stderr, "runner report: %s\n", err);
        script_state_close(L);
        return EXIT_USAGE;
    }
    lua_createtable(L, argc > 2 ? argc - 2 : 0, 0);
    for (int i = 2; i < argc; i++) {
        lua_pushstring(L, argv[i]);
        lua_rawseti(L, -2, i - 1);
    }
    int code = EXIT_USAGE;
    if (script_call(L, 1, 1, err, sizeof err) != 0)
        fprintf(stderr, "%s\n", err);
    else
        code = lua_isinteger(L, -1) ? (int)lua_tointeger(L, -1) : EXIT_OK;
    script_state_close(L);
    return code;
}
