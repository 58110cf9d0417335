/* registry_lua.h: the catalogue as the Lua module "flopbench.registry". */
#ifndef FLOPBENCH_REGISTRY_LUA_H
#define FLOPBENCH_REGISTRY_LUA_H

#include <lua.h>

/* The module's loader: pushes what this binary can measure, as data: ops
 * (their names in order), op_table (each op's row of kernels/ops.c), dtypes,
 * limits, backends_order and backends (each with label, summary, gpu,
 * worker, ops: op -> impl names, traffic: op -> impl -> its traffic class;
 * available and reason when first read). [-0, +1] */
int registry_lua_open(lua_State *L);

#endif
