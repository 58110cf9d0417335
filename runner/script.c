/* script.c: the Lua binding for experiment scripts. Creates the state,
 * preloads the embedded Lua modules and the registry (registry_lua.c), runs a
 * script under lua_pcall, and turns what it declared into C data. */
#define _POSIX_C_SOURCE 200809L
#include "script.h"

#include <lauxlib.h>
#include <lua.h>
#include <limits.h>
#include <lualib.h>
#include <stdlib.h>
#include <string.h>

#include "interrupt.h"
#include "kernel.h"
#include "registry_lua.h"

struct lua_embedded {
    const char *name;
    const char *text;
    size_t length;
};
extern const struct lua_embedded lua_embedded[]; /* build/gen/lua_embedded.c */

/* The allocator's account: the bytes a state holds, never above cap. */
struct script_heap {
    size_t used, cap;
    int refused; /* an allocation was refused for the cap */
};

/* lua_Alloc that refuses to grow past the cap. A shrink always succeeds,
 * as Lua requires (a failed shrinking realloc keeps the larger block). */
static void *heap_alloc(void *ud, void *ptr, size_t osize, size_t nsize)
{
    struct script_heap *h = ud;
    size_t old = ptr ? osize : 0;
    if (nsize == 0) {
        free(ptr);
        h->used -= old;
        return NULL;
    }
    if (nsize > old && nsize - old > h->cap - h->used) {
        h->refused = 1;
        return NULL;
    }
    void *q = realloc(ptr, nsize);
    if (!q)
        return nsize <= old ? ptr : NULL;
    h->used = h->used - old + nsize;
    return q;
}

static int l_panic(lua_State *L)
{
    const char *msg = lua_tostring(L, -1);
    fprintf(stderr, "runner: unprotected Lua error: %s\n", msg ? msg : "(not a string)");
    return 0; /* Lua aborts */
}

/* Raises "interrupted" (as a validation error, with no traceback) once a
 * signal asked the runner to stop; a count hook, so that a script that
 * loops forever still stops within a second. */
static void l_interrupt_hook(lua_State *L, lua_Debug *ar)
{
    (void)ar;
    if (!interrupt_pending())
        return;
    lua_createtable(L, 0, 2);
    lua_pushliteral(L, "interrupted");
    lua_setfield(L, -2, "flopbench_error");
    lua_pushboolean(L, 1);
    lua_setfield(L, -2, "flopbench_interrupted");
    lua_error(L);
}

/* 1 if L's allocator refused memory for its cap; its cap in *cap. */
static int over_cap(lua_State *L, size_t *cap)
{
    void *ud = NULL;
    lua_Alloc f = lua_getallocf(L, &ud);
    const struct script_heap *h = ud;
    if (f != heap_alloc || !h)
        return 0;
    *cap = h->cap;
    return h->refused;
}

/* Message handler: a validation error ({flopbench_error = msg}) stays as it
 * is; any other error gets a traceback, as lua.c does. [-1, +1] */
static int l_message_handler(lua_State *L)
{
    if (lua_type(L, 1) == LUA_TTABLE && lua_getfield(L, 1, "flopbench_error") == LUA_TSTRING)
        return 1;
    const char *msg = lua_tostring(L, 1);
    if (msg == NULL)
        msg = lua_pushfstring(L, "(error object is a %s value)", luaL_typename(L, 1));
    luaL_traceback(L, L, msg, 1);
    return 1;
}

int script_call(lua_State *L, int nargs, int nresults, char *err, size_t errlen)
{
    int base = lua_gettop(L) - nargs;
    lua_pushcfunction(L, l_message_handler);
    lua_insert(L, base);
    int status = lua_pcall(L, nargs, nresults, base);
    lua_remove(L, base);
    if (status == LUA_OK)
        return 0;
    size_t cap = 0;
    if (over_cap(L, &cap))
        snprintf(err, errlen, "needs more than the %zu MiB of memory a script may use "
                 "(runner run --script-memory SIZE)", cap >> 20);
    else
        snprintf(err, errlen, "%s", lua_tostring(L, -1) ? lua_tostring(L, -1) : "unknown Lua error");
    lua_pop(L, 1);
    return -1;
}

/* package.preload loader for an embedded module: upvalue 1 is its entry. [-0, +1] */
static int l_load_embedded(lua_State *L)
{
    const struct lua_embedded *m = lua_touserdata(L, lua_upvalueindex(1));
    char chunkname[128];
    snprintf(chunkname, sizeof chunkname, "@lua/%s.lua", m->name);
    if (luaL_loadbuffer(L, m->text, m->length, chunkname) != LUA_OK)
        return lua_error(L);
    lua_call(L, 0, 1);
    return 1;
}

/* Opens the libraries and preloads the modules; runs under lua_pcall. [-0, +0] */
static int l_open(lua_State *L)
{
    luaL_openlibs(L);
    luaL_getsubtable(L, LUA_REGISTRYINDEX, LUA_PRELOAD_TABLE);
    for (const struct lua_embedded *m = lua_embedded; m->name; m++) {
        lua_pushlightuserdata(L, (void *)m);
        lua_pushcclosure(L, l_load_embedded, 1);
        lua_setfield(L, -2, m->name);
    }
    lua_pushcfunction(L, registry_lua_open);
    lua_setfield(L, -2, "flopbench.registry");
    lua_pop(L, 1);
    /* Modules come only from the binary: no search of the file system. */
    lua_getglobal(L, "package");
    lua_pushliteral(L, "");
    lua_setfield(L, -2, "path");
    lua_pushliteral(L, "");
    lua_setfield(L, -2, "cpath");
    lua_pop(L, 1);
    return 0;
}

lua_State *script_state_new(char *err, size_t errlen)
{
    return script_state_open(SCRIPT_DEFAULT_MEMORY, err, errlen);
}

lua_State *script_state_open(size_t memory_cap, char *err, size_t errlen)
{
    struct script_heap *h = calloc(1, sizeof *h);
    if (h)
        h->cap = memory_cap;
    lua_State *L = h ? lua_newstate(heap_alloc, h) : NULL;
    if (!L) {
        free(h);
        snprintf(err, errlen, "cannot create a Lua state: out of memory");
        return NULL;
    }
    lua_atpanic(L, l_panic);
    lua_sethook(L, l_interrupt_hook, LUA_MASKCOUNT, 10000);
    lua_pushcfunction(L, l_open);
    if (script_call(L, 0, 0, err, errlen) != 0) {
        script_state_close(L);
        return NULL;
    }
    return L;
}

void script_state_close(lua_State *L)
{
    if (!L)
        return;
    void *h = NULL;
    lua_getallocf(L, &h);
    lua_close(L);
    free(h);
}

/* Reads integer field `key` of the table on top into *v: 0 if it is an
 * integer within the field's limit, else -1 (never a value cut to fit). */
static int get_integer(lua_State *L, const char *key, long long *v)
{
    const struct field_limit *l = experiment_limit(key);
    int ok = 0;
    lua_getfield(L, -1, key);
    *v = (long long)lua_tointegerx(L, -1, &ok);
    lua_pop(L, 1);
    return ok && l && l->integer && *v >= l->lo && *v <= l->hi ? 0 : -1;
}

/* Reads number field `key` into *v: 0 if it is within the field's limit
 * (so finite), else -1. */
static int get_number(lua_State *L, const char *key, double *v)
{
    const struct field_limit *l = experiment_limit(key);
    int ok = 0;
    lua_getfield(L, -1, key);
    *v = (double)lua_tonumberx(L, -1, &ok);
    lua_pop(L, 1);
    return ok && l && *v >= l->lo && *v <= l->hi ? 0 : -1;
}

static int get_boolean(lua_State *L, const char *key)
{
    lua_getfield(L, -1, key);
    int v = lua_toboolean(L, -1);
    lua_pop(L, 1);
    return v;
}

/* Copies string field `key` of the table on top into buf; 0 or -1 if absent. */
static int get_string(lua_State *L, const char *key, char *buf, size_t len)
{
    lua_getfield(L, -1, key);
    const char *s = lua_tostring(L, -1);
    if (s)
        snprintf(buf, len, "%s", s);
    lua_pop(L, 1);
    return s ? 0 : -1;
}

static int parse_op(const char *name, int *op)
{
    *op = kernel_op_find(name);
    return *op < 0 ? -1 : 0;
}

static int parse_dtype(const char *name, enum kernel_dtype *dtype)
{
    for (int i = 0; i < DTYPE_COUNT; i++)
        if (strcmp(name, kernel_dtype_name((enum kernel_dtype)i)) == 0)
            return *dtype = (enum kernel_dtype)i, 0;
    return -1;
}

/* Fills the numeric fields of p from the point table on top; -1 if any is
 * missing or outside its limit. */
static int read_numbers(lua_State *L, struct point *p)
{
    long long axis, n, seed, threads, iterations, warmup, settle, samples, max_samples;
    struct sampling *s = &p->sampling;
    if (get_integer(L, "axis", &axis) || get_integer(L, "n", &n) || get_integer(L, "seed", &seed) ||
        get_integer(L, "threads", &threads) || get_integer(L, "iterations", &iterations) ||
        get_integer(L, "warmup", &warmup) || get_integer(L, "settle", &settle) ||
        get_integer(L, "samples", &samples) ||
        get_integer(L, "max_samples", &max_samples) ||
        get_number(L, "min_batch_time", &s->min_batch_time) ||
        get_number(L, "target_rel_ci", &s->target_rel_ci) || get_number(L, "max_time", &s->max_time))
        return -1;
    p->k.axis = (int)axis;
    p->k.n = (long)n;
    p->k.seed = (uint64_t)seed;
    p->k.threads = (int)threads;
    s->iterations = (long)iterations;
    s->warmup = (long)warmup;
    s->settle = (long)settle;
    s->samples = (long)samples;
    s->max_samples = (long)max_samples;
    return s->max_samples >= s->samples ? 0 : -1;
}

/* Fills p from the point table on top (already checked by flopbench.lua,
 * and checked again here against experiment_limits). The seed of each
 * point is the experiment's seed mixed with its index, so every point
 * draws fresh inputs. Returns 0 or -1. */
static int read_point(lua_State *L, struct point *p, size_t index)
{
    char backend[64], op[32], dtype[16];
    if (get_string(L, "backend", backend, sizeof backend) || get_string(L, "op", op, sizeof op) ||
        get_string(L, "dtype", dtype, sizeof dtype) || get_string(L, "impl", p->impl, sizeof p->impl))
        return -1;
    p->backend = kernel_backend_find(backend);
    if (!p->backend || parse_op(op, &p->k.op) || parse_dtype(dtype, &p->k.dtype) ||
        read_numbers(L, p))
        return -1;
    p->k.impl = p->impl;
    p->k.seed = p->k.seed * 1000003u + index;
    p->index = index;
    p->k.graph = get_boolean(L, "graph");
    p->k.flush_l2 = get_boolean(L, "flush_l2");
    return 0;
}

static char *dup_field(lua_State *L, const char *key)
{
    lua_getfield(L, -1, key);
    const char *s = lua_tostring(L, -1);
    char *copy = strdup(s ? s : "");
    lua_pop(L, 1);
    return copy;
}

/* Reads number field `key` of the table on top into *v: 0 if it lies
 * strictly between 0 and 1, else -1. */
static int get_fraction(lua_State *L, const char *key, double *v)
{
    lua_getfield(L, -1, key);
    int ok = lua_type(L, -1) == LUA_TNUMBER; /* not a string that reads as one */
    *v = ok ? (double)lua_tonumber(L, -1) : 0.0;
    lua_pop(L, 1);
    return ok && *v > 0 && *v < 1 ? 0 : -1;
}

/* Reads point-index field `key` (from 1, as flopbench.lua lists them) of
 * the table on top into *index (from 0): 0 if it names one of count
 * points, else -1. */
static int get_point_index(lua_State *L, const char *key, size_t count, size_t *index)
{
    int ok = 0;
    lua_getfield(L, -1, key);
    lua_Integer v = lua_tointegerx(L, -1, &ok);
    lua_pop(L, 1);
    if (!ok || v < 1 || (lua_Unsigned)v > count)
        return -1;
    *index = (size_t)(v - 1);
    return 0;
}

/* Fills pair c of e from the pair table on top: two distinct points of e
 * at one N, a precision and a level in (0, 1), the claim's id. 0 or -1. */
static int read_pair(lua_State *L, const struct experiment *e, struct claim_pair *c)
{
    if (!lua_istable(L, -1) || get_point_index(L, "num", e->count, &c->num) ||
        get_point_index(L, "den", e->count, &c->den) || c->num == c->den ||
        e->points[c->num].k.n != e->points[c->den].k.n ||
        get_fraction(L, "precision", &c->precision) || get_fraction(L, "level", &c->level))
        return -1;
    lua_getfield(L, -1, "claim");
    const char *id = lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : NULL;
    c->claim = id && id[0] ? strdup(id) : NULL;
    lua_pop(L, 1);
    return c->claim ? 0 : -1;
}

/* Fills e->pairs from field pairs of the experiment table on top (its
 * points read already). Returns 0, or -1 with the reason in err. */
static int read_pairs(lua_State *L, const char *path, struct experiment *e, char *err, size_t errlen)
{
    if (lua_getfield(L, -1, "pairs") == LUA_TNIL) {
        lua_pop(L, 1);
        return 0;
    }
    if (!lua_istable(L, -1)) {
        lua_pop(L, 1);
        return snprintf(err, errlen, "%s:%d: experiment '%s': its claim pairs are not a list", path,
                        e->line, e->name), -1;
    }
    size_t count = (size_t)lua_rawlen(L, -1);
    e->pairs = calloc(count ? count : 1, sizeof *e->pairs);
    if (!e->pairs) {
        lua_pop(L, 1);
        return snprintf(err, errlen, "out of memory for %zu claim pairs", count), -1;
    }
    for (size_t i = 0; i < count; i++) {
        lua_rawgeti(L, -1, (lua_Integer)i + 1);
        e->pair_count = i + 1;
        int bad = read_pair(L, e, &e->pairs[i]);
        lua_pop(L, 1);
        if (bad) {
            lua_pop(L, 1);
            return snprintf(err, errlen, "%s:%d: experiment '%s': claim pair %zu is malformed "
                            "(expected num and den, two points of one N, precision and level in "
                            "(0, 1), and the claim's id)", path, e->line, e->name, i + 1), -1;
        }
    }
    lua_pop(L, 1);
    return 0;
}

/* Fills e from the experiment table on top. Returns 0 or -1. */
static int read_experiment(lua_State *L, const char *path, struct experiment *e, char *err,
                           size_t errlen)
{
    e->name = dup_field(L, "name");
    e->params = dup_field(L, "params");
    e->seed = dup_field(L, "seed");
    e->script = strdup(path);
    lua_getfield(L, -1, "line");
    lua_Integer line = lua_tointeger(L, -1);
    lua_pop(L, 1);
    e->line = line > 0 && line <= INT_MAX ? (int)line : 0;
    e->optional = get_boolean(L, "optional");
    if (!e->name || !e->params || !e->seed || !e->script)
        return snprintf(err, errlen, "out of memory"), -1;
    if (!experiment_name_ok(e->name))
        return snprintf(err, errlen, "%s:%d: experiment '%s': not a folder name", path, e->line,
                        e->name), -1;
    lua_getfield(L, -1, "points");
    e->count = e->declared = e->assigned = (size_t)lua_rawlen(L, -1);
    e->points = calloc(e->count ? e->count : 1, sizeof *e->points);
    if (!e->points) {
        lua_pop(L, 1);
        return snprintf(err, errlen, "out of memory for %zu points", e->count), -1;
    }
    for (size_t i = 0; i < e->count; i++) {
        lua_rawgeti(L, -1, (lua_Integer)i + 1);
        int bad = read_point(L, &e->points[i], i);
        lua_pop(L, 1);
        if (bad) {
            lua_pop(L, 1);
            return snprintf(err, errlen, "%s:%d: experiment '%s': point %zu is malformed", path,
                            e->line, e->name, i + 1), -1;
        }
    }
    lua_pop(L, 1);
    return read_pairs(L, path, e, err, errlen);
}

/* Runs declare_file(path, profile, max_points) and pushes its result.
 * [-0, +1] on success. */
static int declare(lua_State *L, const char *path, const char *profile, long max_points, char *err,
                   size_t errlen)
{
    lua_getglobal(L, "require");
    lua_pushliteral(L, "flopbench");
    if (script_call(L, 1, 1, err, errlen) != 0)
        return -1;
    lua_getfield(L, -1, "declare_file");
    lua_remove(L, -2);
    lua_pushstring(L, path);
    lua_pushstring(L, profile);
    lua_pushinteger(L, max_points);
    return script_call(L, 3, 1, err, errlen);
}

int script_load_experiments(const char *path, const char *profile, const struct script_limits *lim,
                            struct experiment_list *out, char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    lua_State *L = script_state_open(lim->memory, err, errlen);
    if (!L)
        return -1;
    int status = declare(L, path, profile, lim->max_points, err, errlen);
    size_t cap = 0;
    if (status != 0 && over_cap(L, &cap))
        snprintf(err, errlen, "%s: the script needs more than the %zu MiB of memory a script may "
                 "use (runner run --script-memory SIZE)", path, cap >> 20);
    if (status == 0) {
        lua_getfield(L, -1, "experiments");
        size_t count = (size_t)lua_rawlen(L, -1);
        out->items = calloc(count ? count : 1, sizeof *out->items);
        if (count == 0) {
            snprintf(err, errlen, "%s: declares no experiment", path);
            status = -1;
        } else if (!out->items) {
            snprintf(err, errlen, "out of memory");
            status = -1;
        }
        for (size_t i = 0; status == 0 && i < count; i++) {
            lua_rawgeti(L, -1, (lua_Integer)i + 1);
            out->count = i + 1;
            status = read_experiment(L, path, &out->items[i], err, errlen);
            lua_pop(L, 1);
        }
    }
    script_state_close(L);
    if (status != 0)
        experiment_list_free(out);
    return status;
}
