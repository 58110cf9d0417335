/* fuzz_results.c: libFuzzer target for the results reader. Each input is
 * an experiment's set, as the report's loader reads it: the experiment's
 * name, then summary.csv, samples.csv and provenance.csv, each part after
 * a line "--8<--". The files are written into a folder and read with
 * report_data.read_set. A refusal (an error naming the file and row) is
 * fine; a crash, a sanitizer report, a leak or any other error (an
 * unchecked value reaching Lua code that assumed it) is a bug. */
#define _GNU_SOURCE /* memmem */
#include <lauxlib.h>
#include <lua.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "report.h"
#include "script.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define SEPARATOR "\n--8<--\n"

static char dir[64];

/* Writes bytes [from, to) of the input into dir/name. */
static void write_part(const char *name, const uint8_t *from, const uint8_t *to)
{
    char path[128];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(from, 1, (size_t)(to - from), f) != (size_t)(to - from) || fclose(f) != 0)
        abort();
}

/* Splits the input into the name and the three files (absent parts are
 * empty files, but a missing provenance or samples is removed, as a set
 * may lack them). Copies the name into name. */
static void write_set(const uint8_t *data, size_t size, char *name, size_t namelen)
{
    static const char *const files[] = { "summary.csv", "samples.csv", "provenance.csv" };
    const uint8_t *end = data + size, *at = data;
    const uint8_t *cut = memmem(at, (size_t)(end - at), SEPARATOR, strlen(SEPARATOR));
    size_t len = (size_t)((cut ? cut : end) - at);
    snprintf(name, namelen, "%.*s", (int)(len < namelen - 1 ? len : namelen - 1), (const char *)at);
    at = cut ? cut + strlen(SEPARATOR) : end;
    for (int i = 0; i < 3; i++) {
        char path[128];
        snprintf(path, sizeof path, "%s/%s", dir, files[i]);
        unlink(path);
        if (!cut)
            continue;
        cut = memmem(at, (size_t)(end - at), SEPARATOR, strlen(SEPARATOR));
        write_part(files[i], at, cut ? cut : end);
        at = cut ? cut + strlen(SEPARATOR) : end;
    }
}

/* Lua: pcall(require("report_data").read_set, dir, name); returns nothing
 * when it read or refused the set (saying why with FUZZ_VERBOSE set),
 * raises anything else. */
static const char reader[] =
    "local dir, name = ...\n"
    "local ok, e = pcall(require('report_data').read_set, dir, name)\n"
    "if not ok and not (type(e) == 'table' and e.flopbench_error) then error(e, 0) end\n"
    "if os.getenv('FUZZ_VERBOSE') then\n"
    "  io.stderr:write(ok and 'read\\n' or 'refused: ' .. e.flopbench_error .. '\\n')\n"
    "end\n";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!dir[0]) {
        snprintf(dir, sizeof dir, "/tmp/fuzz_results.%ld", (long)getpid());
        if (mkdir(dir, 0700) != 0)
            abort();
    }
    char name[256], err[4096];
    write_set(data, size, name, sizeof name);
    struct lua_State *L = script_state_open(64u << 20, err, sizeof err);
    if (!L)
        abort();
    report_preload(L);
    if (luaL_loadbuffer(L, reader, sizeof reader - 1, "=fuzz_results") != LUA_OK)
        abort();
    lua_pushstring(L, dir);
    lua_pushstring(L, name);
    if (script_call(L, 2, 0, err, sizeof err) != 0 && !strstr(err, "needs more than the")) {
        fprintf(stderr, "fuzz_results: the reader failed, not refused:\n%s\n", err);
        abort();
    }
    script_state_close(L);
    return 0;
}
