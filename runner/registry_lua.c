/* registry_lua.c: the catalogue of ops, impls and backends exported to Lua
 * as the module "flopbench.registry", so that the language and the report
 * ask it instead of testing names. */
#include "registry_lua.h"
#include "script.h"

#include <string.h>

#include "experiment.h"
#include "kernel.h"

/* Pushes a list of strings. [-0, +1] */
static void push_strings(lua_State *L, const char *const *names, int count)
{
    lua_createtable(L, count, 0);
    for (int i = 0; i < count && names[i]; i++) {
        lua_pushstring(L, names[i]);
        lua_rawseti(L, -2, i + 1);
    }
}

/* Pushes b's impls of each op it serves as three tables: ops (op -> impl
 * names, the default first), traffic (op -> impl -> its traffic class) and
 * dtypes (op -> impl -> the dtypes it serves). A worker backend's are its
 * worker's, which the lookups start. [-0, +3] */
static void push_impls(lua_State *L, const struct kernel_backend *b)
{
    lua_newtable(L); /* ops */
    lua_newtable(L); /* traffic */
    lua_newtable(L); /* dtypes */
    for (int op = 0; op < kernel_op_count(); op++) {
        const struct kernel_impl *impl;
        if (!kernel_impl_at(b, op, 0))
            continue;
        lua_newtable(L);
        lua_newtable(L);
        lua_newtable(L);
        for (int i = 0; (impl = kernel_impl_at(b, op, i)); i++) {
            lua_pushstring(L, impl->name);
            lua_rawseti(L, -4, i + 1);
            lua_pushstring(L, kernel_traffic_name(impl->traffic));
            lua_setfield(L, -3, impl->name);
            lua_newtable(L);
            for (int d = 0, k = 0; d < DTYPE_COUNT; d++)
                if (kernel_impl_serves(b, impl, (enum kernel_dtype)d)) {
                    lua_pushstring(L, kernel_dtype_name((enum kernel_dtype)d));
                    lua_rawseti(L, -2, ++k);
                }
            lua_setfield(L, -2, impl->name);
        }
        lua_setfield(L, -4, kernel_op_name(op));
        lua_setfield(L, -4, kernel_op_name(op));
        lua_setfield(L, -4, kernel_op_name(op));
    }
}

/* Sets ops, traffic and dtypes of the description at index t. [-0, +0] */
static void set_impls(lua_State *L, int t, const struct kernel_backend *b)
{
    t = lua_absindex(L, t);
    push_impls(L, b);
    lua_setfield(L, t, "dtypes");
    lua_setfield(L, t, "traffic");
    lua_setfield(L, t, "ops");
}

/* __index of a backend's description: `available` and `reason` are asked of
 * the backend when first read, and a worker backend's `ops`, `traffic` and
 * `dtypes` (its worker's hello says them), then kept: only a backend that a
 * script or report asks about is started. Upvalue 1: the backend. [-0, +1] */
static int l_backend_lazy(lua_State *L)
{
    const struct kernel_backend *b = lua_touserdata(L, lua_upvalueindex(1));
    const char *key = lua_tostring(L, 2);
    if (key && (strcmp(key, "available") == 0 || strcmp(key, "reason") == 0)) {
        char reason[KERNEL_ERR_LEN] = "";
        int ok = b->available(reason);
        lua_pushboolean(L, ok);
        lua_setfield(L, 1, "available");
        lua_pushstring(L, reason);
        lua_setfield(L, 1, "reason");
    } else if (key && (strcmp(key, "ops") == 0 || strcmp(key, "traffic") == 0 ||
                       strcmp(key, "dtypes") == 0)) {
        set_impls(L, 1, b);
    } else {
        return lua_pushnil(L), 1;
    }
    lua_getfield(L, 1, key);
    return 1;
}

/* Pushes one backend's description: label, summary, gpu, worker; ops,
 * traffic and dtypes (a worker backend's on first use); available and
 * reason on first use. [-0, +1] */
static void push_backend(lua_State *L, const struct kernel_backend *b)
{
    lua_newtable(L);
    lua_pushstring(L, b->label);
    lua_setfield(L, -2, "label");
    lua_pushstring(L, b->summary);
    lua_setfield(L, -2, "summary");
    lua_pushboolean(L, b->gpu);
    lua_setfield(L, -2, "gpu");
    lua_pushboolean(L, b->worker);
    lua_setfield(L, -2, "worker");
    if (!b->worker)
        set_impls(L, -1, b);
    lua_createtable(L, 0, 1);
    lua_pushlightuserdata(L, (void *)b);
    lua_pushcclosure(L, l_backend_lazy, 1);
    lua_setfield(L, -2, "__index");
    lua_setmetatable(L, -2);
}

/* Pushes experiment_limits as { field = { lo = , hi = } }, integers as
 * integers. [-0, +1] */
static void push_limits(lua_State *L)
{
    lua_newtable(L);
    for (const struct field_limit *l = experiment_limits; l->name; l++) {
        lua_createtable(L, 0, 2);
        if (l->integer) {
            lua_pushinteger(L, (lua_Integer)l->lo);
            lua_setfield(L, -2, "lo");
            lua_pushinteger(L, (lua_Integer)l->hi);
        } else {
            lua_pushnumber(L, l->lo);
            lua_setfield(L, -2, "lo");
            lua_pushnumber(L, l->hi);
        }
        lua_setfield(L, -2, "hi");
        lua_setfield(L, -2, l->name);
    }
}

/* Pushes a report style as { label, color, point, dash, rank } (dash only
 * if dashed); nil if it has no label. [-0, +1] */
static void push_style(lua_State *L, const struct kernel_style *st)
{
    if (!st->label)
        return lua_pushnil(L);
    lua_newtable(L);
    lua_pushstring(L, st->label);
    lua_setfield(L, -2, "label");
    lua_pushstring(L, st->color);
    lua_setfield(L, -2, "color");
    lua_pushinteger(L, st->point);
    lua_setfield(L, -2, "point");
    if (st->dash > 0) {
        lua_pushinteger(L, st->dash);
        lua_setfield(L, -2, "dash");
    }
    if (st->rank == (double)(lua_Integer)st->rank)
        lua_pushinteger(L, (lua_Integer)st->rank);
    else
        lua_pushnumber(L, st->rank);
    lua_setfield(L, -2, "rank");
}

/* Pushes the op's styles by axis ({ [0] = ..., [1] = ... }, [0] alone
 * without an axis). [-0, +1] */
static void push_styles(lua_State *L, const struct kernel_op_def *op, const struct kernel_style *st)
{
    lua_newtable(L);
    for (int axis = 0; axis < (op->axis ? 2 : 1); axis++) {
        push_style(L, &st[axis]);
        lua_rawseti(L, -2, axis);
    }
}

/* Pushes the ops table: op name -> { summary, axis, test, ceiling, flops_n2,
 * flops_n, extent = { a, x, y, out, product } (elements: "0", "n" or "n2"),
 * ratio_to, reference, style, fused_style }. [-0, +1] */
static void push_op_table(lua_State *L)
{
    static const char *const buffers[BUFFER_COUNT] = { "a", "x", "y", "out", "product" };
    static const char *const extents[] = { "0", "n", "n2" };
    lua_newtable(L);
    for (int i = 0; i < kernel_op_count(); i++) {
        const struct kernel_op_def *op = kernel_op(i);
        lua_newtable(L);
        lua_pushstring(L, op->summary);
        lua_setfield(L, -2, "summary");
        lua_pushboolean(L, op->axis);
        lua_setfield(L, -2, "axis");
        lua_pushboolean(L, op->test);
        lua_setfield(L, -2, "test");
        lua_pushboolean(L, op->ceiling);
        lua_setfield(L, -2, "ceiling");
        if (op->ratio_to) {
            lua_pushstring(L, op->ratio_to);
            lua_setfield(L, -2, "ratio_to");
        }
        lua_pushboolean(L, op->reference != NULL);
        lua_setfield(L, -2, "reference");
        lua_pushnumber(L, op->flops_n2);
        lua_setfield(L, -2, "flops_n2");
        lua_pushnumber(L, op->flops_n);
        lua_setfield(L, -2, "flops_n");
        lua_newtable(L);
        for (int b = 0; b < BUFFER_COUNT; b++) {
            lua_pushstring(L, extents[op->extent[b]]);
            lua_setfield(L, -2, buffers[b]);
        }
        lua_setfield(L, -2, "extent");
        push_styles(L, op, op->style);
        lua_setfield(L, -2, "style");
        push_styles(L, op, op->fused_style);
        lua_setfield(L, -2, "fused_style");
        lua_setfield(L, -2, op->name);
    }
}

int registry_lua_open(lua_State *L)
{
    const struct kernel_backend *const *all = kernel_backends();
    lua_newtable(L);
    lua_newtable(L); /* backends */
    lua_newtable(L); /* backends_order */
    for (int i = 0; all[i]; i++) {
        lua_pushstring(L, all[i]->name);
        lua_rawseti(L, -2, i + 1);
        push_backend(L, all[i]);
        lua_setfield(L, -3, all[i]->name);
    }
    lua_setfield(L, -3, "backends_order");
    lua_setfield(L, -2, "backends");
    const char *dtypes[DTYPE_COUNT];
    lua_createtable(L, kernel_op_count(), 0);
    for (int op = 0; op < kernel_op_count(); op++) {
        lua_pushstring(L, kernel_op_name(op));
        lua_rawseti(L, -2, op + 1);
    }
    lua_setfield(L, -2, "ops");
    push_op_table(L);
    lua_setfield(L, -2, "op_table");
    for (int d = 0; d < DTYPE_COUNT; d++)
        dtypes[d] = kernel_dtype_name((enum kernel_dtype)d);
    push_strings(L, dtypes, DTYPE_COUNT);
    lua_setfield(L, -2, "dtypes");
    push_limits(L);
    lua_setfield(L, -2, "limits");
    lua_pushinteger(L, SCRIPT_DEFAULT_MAX_POINTS);
    lua_setfield(L, -2, "max_points");
    return 1;
}

