-- flopbench.lua: the experiment language.
--
-- An experiment script declares experiments as data:
--   experiment { name = "fig2-cpu", backend = "openblas", dtype = "f32",
--                op = { "matvec", "outer_sum" }, axis = 0, n = range(1000, 20000, 500) }
-- Any point field may be a list; lists combine as a cartesian product. This
-- module checks every field, expands the product into points and hands them
-- to the C runner, which measures them. Scripts run in a sandbox: no io, no
-- os, and reading or creating an undefined global is an error.

local registry = require "flopbench.registry"
local sandbox = require "sandbox"

local M = {}

-- A validation error: raised as a table so that the runner prints its
-- message as it is ("file:line: what was expected"), with no traceback.
local function fail(where, fmt, ...)
  sandbox.fail("%s" .. fmt, where, ...)
end

local position = sandbox.position

local function sorted_keys(t)
  local keys = {}
  for k in pairs(t) do keys[#keys + 1] = tostring(k) end
  table.sort(keys)
  return keys
end

local function describe(v)
  if type(v) == "string" then return string.format("string %q", v) end
  if type(v) == "number" then return tostring(v) end
  return type(v)
end

local function is_list(v)
  return type(v) == "table" and (next(v) == nil or v[1] ~= nil)
end

-- A value's text, keys sorted, for provenance.
local function serialize(v)
  if type(v) == "string" then return string.format("%q", v) end
  if type(v) ~= "table" then return tostring(v) end
  local parts = {}
  if is_list(v) then
    for _, x in ipairs(v) do parts[#parts + 1] = serialize(x) end
  else
    for _, k in ipairs(sorted_keys(v)) do
      parts[#parts + 1] = k .. " = " .. serialize(v[k])
    end
  end
  return "{ " .. table.concat(parts, ", ") .. " }"
end
M.serialize = serialize

---------------------------------------------------------------------------
-- Field checks: each returns the value to keep, or raises with a message
-- naming the field and what it expects.

-- The runner's upper bound for each numeric field (registry.limits, from
-- runner/experiment.c): no size the runner computes from a point overflows.
local limits = registry.limits

local function shown(x) return tostring(math.tointeger(x) or x) end

-- An integer (or a float with an integer value) from lo to the field's bound.
local function integer_in(lo, field)
  local hi = limits[field].hi
  return function(v)
    local i = type(v) == "number" and math.tointeger(v)
    return i and i >= lo and i <= hi
  end
end

local function positive_integer(field) return integer_in(1, field) end

-- The spec of a number of seconds above 0, up to the field's bound (so
-- never inf or nan).
local function seconds(field, default)
  local hi = limits[field].hi
  return { function(v) return type(v) == "number" and v > 0 and v <= hi end,
           "a positive number of seconds at most " .. shown(hi), default }
end

local function as_integer(v) return math.tointeger(v) or v end

local function choice(valid)
  return function(v)
    for _, c in ipairs(valid) do if v == c then return true end end
    return false
  end, "one of " .. table.concat(valid, ", ")
end

local function at_most(field) return " at most " .. shown(limits[field].hi) end

local point_fields = {
  -- name = { check, what it expects, default }
  backend  = { "choice" },
  dtype    = { "choice" },
  op       = { "choice" },
  n        = { positive_integer("n"), "a positive integer" .. at_most("n") },
  axis     = { function(v) return v == 0 or v == 1 end, "0 (sum each column) or 1 (sum each row)" },
  iterations = { function(v) return v == "auto" or positive_integer("iterations")(v) end,
                 "a positive integer" .. at_most("iterations") .. ' or "auto"', "auto" },
  min_batch_time = seconds("min_batch_time", 0.02),
  warmup   = { integer_in(0, "warmup"), "a non-negative integer" .. at_most("warmup"), 1 },
  settle   = { integer_in(0, "settle"), "a non-negative integer" .. at_most("settle"), 1 },
  samples  = { positive_integer("samples"), "a positive integer" .. at_most("samples"), 10 },
  max_samples = { positive_integer("max_samples"), "a positive integer" .. at_most("max_samples") },
  target_rel_ci = { function(v) return type(v) == "number" and v > 0 and v < 1 end,
                    "a number between 0 and 1" },
  max_time = seconds("max_time", 10),
  seed     = { integer_in(0, "seed"), "a non-negative integer" .. at_most("seed"), 1 },
  threads  = { integer_in(0, "threads"),
               "a non-negative integer" .. at_most("threads") .. " (0: the library's default)", 0 },
  graph    = { function(v) return type(v) == "boolean" end, "a boolean", false },
  flush_l2 = { function(v) return type(v) == "boolean" end, "a boolean", false },
}

local experiment_fields = {
  name = true, optional = true, impl = true,
}

local function valid_field_names()
  local names = {}
  for k in pairs(point_fields) do names[#names + 1] = k end
  for k in pairs(experiment_fields) do names[#names + 1] = k end
  table.sort(names)
  return table.concat(names, ", ")
end

-- The ops a message lists as valid: every op of the table but its test
-- ops (which a script may still name).
local listed_ops = {}
for _, op in ipairs(registry.ops) do
  if not registry.op_table[op].test then listed_ops[#listed_ops + 1] = op end
end

-- The values a choice field accepts, and those a message lists.
local function choices_for(field)
  if field == "backend" then return registry.backends_order, registry.backends_order end
  if field == "dtype" then return registry.dtypes, registry.dtypes end
  if field == "op" then return registry.ops, listed_ops end
end

-- Returns the field's values as a list, each checked.
local function field_values(where, exp, decl, field)
  local spec = point_fields[field]
  local v = decl[field]
  if v == nil then v = spec[3] end
  if v == nil then return nil end
  local list = is_list(v) and v or { v }
  if #list == 0 then fail(where, "experiment '%s': field '%s' is an empty list", exp, field) end
  local out = {}
  for i, x in ipairs(list) do
    if spec[1] == "choice" then
      local valid, listed = choices_for(field)
      local ok = choice(valid)(x)
      if not ok then
        fail(where, "experiment '%s': unknown %s %s (valid: %s)", exp, field,
             type(x) == "string" and ("'" .. x .. "'") or describe(x), table.concat(listed, ", "))
      end
    elseif not spec[1](x) then
      fail(where, "experiment '%s': field '%s' must be %s, got %s", exp, field, spec[2], describe(x))
    end
    out[i] = as_integer(x)
  end
  return out
end

local function backend_info(name) return registry.backends[name] end

-- The impl a point of a backend whose impls are unknown takes when none
-- is declared: such a point is never measured (the run skips or refuses
-- its backend), and --dry-run shows it so.
local UNKNOWN_IMPL = "?"

-- 1 if backend's impls are known: a worker backend's once its worker has
-- said hello (asking starts it), every other backend's always. A backend
-- whose worker cannot start is unavailable, and the run says why.
local function impls_known(backend)
  local info = backend_info(backend)
  return not info.worker or info.available
end

-- The impls to measure for (backend, op): the declared ones this backend
-- serves, or its default if none is declared. With several backends, an
-- impl is measured on those that serve it, and each declared impl must be
-- served by at least one of them, or by one whose impls are unknown here
-- (whose points take every declared impl, unchecked, and the run skips).
local function impls_for(where, exp, decl, backends, backend, op)
  local want = decl.impl
  if type(want) == "table" and not is_list(want) then want = want[op] end
  local list = is_list(want) and want or { want }
  if not impls_known(backend) then return want == nil and { UNKNOWN_IMPL } or list end
  local served = backend_info(backend).ops[op]
  if want == nil then return { served[1] } end
  local out = {}
  for _, name in ipairs(list) do
    local anywhere = false
    for _, b in ipairs(backends) do
      if not impls_known(b) then anywhere = true end
      for _, s in ipairs(impls_known(b) and backend_info(b).ops[op] or {}) do
        if s == name then
          anywhere = true
          if b == backend then out[#out + 1] = name end
        end
      end
    end
    if not anywhere then
      fail(where, "experiment '%s': backend '%s' has no impl '%s' for op '%s' (valid: %s)",
           exp, backend, name, op, table.concat(served, ", "))
    end
  end
  return out
end

-- Refuses a point of an impl in a dtype it does not serve (a worker's
-- impls serve the dtypes its hello lists).
local function check_dtype(where, exp, backend, op, impl, dtype)
  if not impls_known(backend) then return end
  local served = backend_info(backend).dtypes[op][impl]
  for _, d in ipairs(served) do if d == dtype then return end end
  fail(where, "experiment '%s': backend '%s' serves impl '%s' of op '%s' in %s only, not in %s",
       exp, backend, impl, op, table.concat(served, ", "), dtype)
end

-- Checks the shape of field impl, before any point is expanded: a name, a
-- list of names, or a table from op to either.
local function check_impl_table(where, exp, decl)
  local impl = decl.impl
  local function names(v)
    for _, name in ipairs(is_list(v) and v or { v }) do
      if type(name) ~= "string" then
        fail(where, "experiment '%s': field 'impl' must be a string, a list of strings or a table keyed by op, got %s",
             exp, describe(name))
      end
    end
  end
  if type(impl) == "table" and not is_list(impl) then
    for k, v in pairs(impl) do
      if not choice(registry.ops)(k) then
        fail(where, "experiment '%s': field 'impl' is keyed by op, and '%s' is not one (valid: %s)",
             exp, tostring(k), table.concat(listed_ops, ", "))
      end
      names(v)
    end
  elseif impl ~= nil then
    names(impl)
  end
end

-- The cartesian product of the sampling fields, as a list of tables.
local sampling_order = { "iterations", "min_batch_time", "warmup", "settle", "samples", "max_samples",
                         "target_rel_ci", "max_time", "seed", "threads", "graph", "flush_l2" }

local function product(lists, order)
  local rows = { {} }
  for _, field in ipairs(order) do
    local values = lists[field]
    if values then
      local next_rows = {}
      for _, row in ipairs(rows) do
        for _, v in ipairs(values) do
          local r = {}
          for k, x in pairs(row) do r[k] = x end
          r[field] = v
          next_rows[#next_rows + 1] = r
        end
      end
      rows = next_rows
    end
  end
  return rows
end

-- Fills the defaults that depend on other fields and checks they agree.
local function finish_sampling(where, exp, s)
  if s.max_samples == nil then
    s.max_samples = s.target_rel_ci and math.max(100, s.samples) or s.samples
  end
  if s.max_samples < s.samples then
    fail(where, "experiment '%s': max_samples (%d) is less than samples (%d)", exp, s.max_samples, s.samples)
  end
  s.target_rel_ci = s.target_rel_ci or 0
  if s.iterations == "auto" then s.iterations = 0 end
end

-- How many points the lists make: every product is counted before any
-- is built, so a declaration over the cap costs no memory.
local function count_points(where, exp, decl, lists)
  local per_row = #lists.n
  for _, field in ipairs(sampling_order) do
    if lists[field] then per_row = per_row * #lists[field] end
  end
  local count = 0
  for _, backend in ipairs(lists.backend) do
    for _, op in ipairs(lists.op) do
      if not impls_known(backend) or backend_info(backend).ops[op] then
        local axes = op == "outer_sum" and lists.axis and #lists.axis or 1
        count = count + #lists.dtype * axes * per_row
          * #impls_for(where, exp, decl, lists.backend, backend, op)
      end
    end
  end
  return count
end

-- Adds an experiment's points to the script's account; over the cap
-- (runner run --max-points) is an error naming the cap.
local function charge_points(where, exp, count, budget)
  budget.used = budget.used + count
  if budget.used > budget.max then
    fail(where, "experiment '%s': %.0f points, which brings the script to %.0f, over the cap of %d points a script may declare (runner run --max-points N)",
         exp, count, budget.used, budget.max)
  end
end

local function expand(where, decl, budget)
  local exp = decl.name
  local lists = {}
  for field in pairs(point_fields) do lists[field] = field_values(where, exp, decl, field) end
  for _, field in ipairs({ "backend", "dtype", "op", "n" }) do
    if not lists[field] then fail(where, "experiment '%s': missing field '%s'", exp, field) end
  end
  check_impl_table(where, exp, decl)
  charge_points(where, exp, count_points(where, exp, decl, lists), budget)
  local sampling = product(lists, sampling_order)
  local points = {}
  for _, backend in ipairs(lists.backend) do
    local info = backend_info(backend)
    for _, dtype in ipairs(lists.dtype) do
      for _, op in ipairs(lists.op) do
        if impls_known(backend) and not info.ops[op] then
          local served = {}
          for _, o in ipairs(listed_ops) do if info.ops[o] then served[#served + 1] = o end end
          fail(where, "experiment '%s': backend '%s' has no op '%s' (valid: %s)", exp, backend, op,
               table.concat(served, ", "))
        end
        local axes = { -1 }
        if registry.op_table[op].axis then
          axes = lists.axis or fail(where, "experiment '%s': op '%s' needs field 'axis' (0 sums each column, 1 each row)", exp, op)
        end
        for _, impl in ipairs(impls_for(where, exp, decl, lists.backend, backend, op)) do
          check_dtype(where, exp, backend, op, impl, dtype)
          for _, axis in ipairs(axes) do
            for _, n in ipairs(lists.n) do
              for _, s in ipairs(sampling) do
                local p = { backend = backend, dtype = dtype, op = op, impl = impl, axis = axis, n = n }
                for k, v in pairs(s) do p[k] = v end
                if not info.gpu then p.graph, p.flush_l2 = false, false end
                if info.worker and (p.graph or p.flush_l2) then
                  fail(where, "experiment '%s': backend '%s' times the framework's own calls: "
                       .. "graph and flush_l2 do not apply to it", exp, backend)
                end
                finish_sampling(where, exp, p)
                points[#points + 1] = p
              end
            end
          end
        end
      end
    end
  end
  return points
end

-- Refuses a declaration that is not plain data: a table with a metatable
-- (whose __pairs or __index could hide or invent a field) or a table that
-- contains itself. `path` names the value ("experiment 'x': field 'n'");
-- `open` holds the tables on the way down to v (depth of them). Shared
-- tables are fine.
-- A copy of v, plain data (check_plain): no metatables, no cycles.
local function copy_plain(v)
  if type(v) ~= "table" then return v end
  local t = {}
  for k, x in pairs(v) do t[copy_plain(k)] = copy_plain(x) end
  return t
end

local function check_plain(where, path, v, open, depth)
  if type(v) ~= "table" then return end
  depth = (depth or 0) + 1
  if depth > 32 then fail(where, "%s is nested more than 32 tables deep", path) end
  if debug.getmetatable(v) ~= nil then
    fail(where, "%s has a metatable: a declaration is plain data (strings, numbers, booleans and tables of them)", path)
  end
  if open[v] then fail(where, "%s contains itself (a cyclic table)", path) end
  open[v] = true
  for k, x in next, v do
    check_plain(where, path, k, open, depth)
    check_plain(where, path, x, open, depth)
  end
  open[v] = nil
end

---------------------------------------------------------------------------
-- Claims: the pairs of points whose paired ratio a claim reads, so that the
-- runner measures them until that ratio is as precise as the claim asks.

-- The coverage the report asks of a claim's interval, by measure kind: a
-- growth reads two ratios, each at 97.5% so that both hold at once with 95%.
M.claim_level = { ratio = 0.95, growth = 0.975 }
-- The half-width of a claim's interval over its median that its pairs are
-- measured to when the claim sets no precision: +-3%.
M.default_precision = 0.03

local function precision_ok(v) return type(v) == "number" and v > 0 and v < 1 end
M.precision_ok = precision_ok
M.precision_expected = "a number between 0 and 1 (the half-width of the claim's interval over "
  .. "its median: 0.03 is +-3%)"

-- Whether selector sel picks point p: each of its fields equal to the
-- point's (as text, as the report compares them: axis = 0 and "0" alike).
local function selects(p, sel)
  for k, v in pairs(sel) do
    if p[k] == nil or tostring(as_integer(p[k])) ~= tostring(as_integer(v)) then return false end
  end
  return true
end

-- The index in points of the one point at size n that sel picks; nil if
-- none does or several do.
local function one_point(points, sel, n)
  if type(sel) ~= "table" then return nil end
  local found
  for i, p in ipairs(points) do
    if p.n == n and selects(p, sel) then
      if found then return nil end
      found = i
    end
  end
  return found
end

-- Adds to e.pairs the pairs claim c reads from experiment e: one at each
-- size of its measure (n; or from and to) that e measures, where num and
-- den each pick one point. A claim that reads none gets none: the report
-- says what it says about it, and the declaration stands.
local function resolve_pairs(c, e)
  local m = c.measure
  if type(m) ~= "table" or not M.claim_level[m.kind] then return end
  local sizes = m.kind == "ratio" and { m.n } or { m.from, m.to }
  local seen = {}
  for _, n in ipairs(sizes) do
    local num, den = one_point(e.points, m.num, n), one_point(e.points, m.den, n)
    if num and den and num ~= den and not seen[n] then
      seen[n] = true
      e.pairs[#e.pairs + 1] = { num = num, den = den, n = e.points[num].n, claim = c.id,
                                precision = c.precision or M.default_precision,
                                level = M.claim_level[m.kind] }
    end
  end
end

---------------------------------------------------------------------------
-- The functions a script sees.

local function range(a, b, step)
  local where = position(2)
  step = step or 1
  local args = { a, b, step }
  for i = 1, 3 do -- not ipairs: a missing argument is nil
    local v = args[i]
    if math.type(v) ~= "integer" then
      fail(where, "range: argument %d must be an integer, got %s", i, describe(v))
    end
  end
  if step <= 0 then fail(where, "range: step must be positive, got %d", step) end
  if a > b then fail(where, "range: start %d is greater than stop %d", a, b) end
  local out = {}
  for v = a, b, step do out[#out + 1] = v end
  return out
end

local function geomrange(a, b, factor)
  local where = position(2)
  if math.type(a) ~= "integer" or math.type(b) ~= "integer" or a <= 0 or a > b then
    fail(where, "geomrange: expects integers 0 < start <= stop, got %s and %s", describe(a), describe(b))
  end
  if type(factor) ~= "number" or factor <= 1 then
    fail(where, "geomrange: factor must be a number greater than 1, got %s", describe(factor))
  end
  local out, v = {}, a
  while v <= b do
    local r = math.floor(v + 0.5)
    if out[#out] ~= r then out[#out + 1] = r end
    v = v * factor
  end
  return out
end

-- by_profile { full = a, quick = b, tiny = c }: the value for the profile
-- the script runs with; an error names the profiles it has.
local function by_profile_in(profile)
  return function(choices)
    local where = position(2)
    if type(choices) ~= "table" then
      fail(where, "by_profile: expects a table keyed by profile, got %s", describe(choices))
    end
    local v = choices[profile]
    if v == nil then
      fail(where, "by_profile: no value for profile '%s' (given: %s)", profile,
           table.concat(sorted_keys(choices), ", "))
    end
    return v
  end
end

-- A fresh sandbox for one script: the chosen libraries, the language, and
-- strict globals.
local function sandbox_env(profile, declared)
  local env = {
    range = range, geomrange = geomrange, profile = profile, by_profile = by_profile_in(profile),
  }
  -- print goes to stderr: standard output is never used for data.
  env.print = function(...)
    local parts = {}
    for i = 1, select("#", ...) do parts[i] = tostring((select(i, ...))) end
    io.stderr:write(table.concat(parts, "\t"), "\n")
  end
  env.experiment = function(decl)
    local where = position(2)
    if type(decl) ~= "table" then
      fail(where, "experiment: expects a table, got %s", describe(decl))
    end
    if debug.getmetatable(decl) ~= nil then
      fail(where, "experiment: the declaration has a metatable: a declaration is plain data (strings, numbers, booleans and tables of them)")
    end
    if type(decl.name) ~= "string" then
      fail(where, "experiment: field 'name' must be a string, got %s", describe(decl.name))
    end
    if not decl.name:match("^[%w._-]+$") then
      fail(where, "experiment: name '%s' may hold only letters, digits, '.', '_' and '-'", decl.name)
    end
    if decl.name:sub(1, 1) == "." then
      fail(where, "experiment: name '%s' may not start with '.' (it names a folder under --out)", decl.name)
    end
    if #decl.name > 128 then
      fail(where, "experiment: name '%s...' is %d characters long, at most 128", decl.name:sub(1, 16), #decl.name)
    end
    for k in next, decl do
      if type(k) ~= "string" or not (point_fields[k] or experiment_fields[k]) then
        fail(where, "experiment '%s': unknown field '%s' (valid fields: %s)", decl.name, tostring(k),
             valid_field_names())
      end
      check_plain(where, string.format("experiment '%s': field '%s'", decl.name, k), decl[k], { [decl] = true })
    end
    if decl.optional ~= nil and type(decl.optional) ~= "boolean" then
      fail(where, "experiment '%s': field 'optional' must be a boolean, got %s", decl.name, describe(decl.optional))
    end
    for _, e in ipairs(declared.experiments) do
      if e.name == decl.name then
        fail(where, "experiment '%s': declared twice (first at line %d)", decl.name, e.line)
      end
    end
    local e = { name = decl.name, optional = decl.optional or false, params = serialize(decl),
                seed = serialize(decl.seed or point_fields.seed[3]),
                line = tonumber(where:match(":(%d+): $")) or 0, decl = decl, pairs = {} }
    e.points = expand(where, decl, declared.budget)
    declared.experiments[#declared.experiments + 1] = e
  end
  env.claim = function(c)
    local where = position(2)
    if type(c) ~= "table" then fail(where, "claim: expects a table, got %s", describe(c)) end
    check_plain(where, "claim", c, {})
    for _, k in ipairs({ "id", "text" }) do
      if type(c[k]) ~= "string" then
        fail(where, "claim: field '%s' must be a string, got %s", k, describe(c[k]))
      end
    end
    if c.precision ~= nil and not precision_ok(c.precision) then
      fail(where, "claim '%s': field 'precision' must be %s, got %s", c.id, M.precision_expected,
           describe(c.precision))
    end
    -- a copy, as checked: the script cannot change it after this call
    c = copy_plain(c)
    c.line = tonumber(where:match(":(%d+): $")) or 0
    declared.claims[#declared.claims + 1] = c
  end
  return sandbox.new(env, " (declare it local)")
end

-- Runs the script at path (without measuring anything) and returns what it
-- declares: { path, experiments = { {name, line, params, optional, decl,
-- points, pairs}... }, claims = { {id, text, line, ...}... } }. Its
-- experiments may declare at most max_points points (default
-- registry.max_points). An experiment's pairs are its script's claims on
-- it: { num, den (indices into points), n, claim (the id), precision,
-- level }, in the order of the claims.
function M.declare_file(path, profile, max_points)
  local declared = { path = path, experiments = {}, claims = {},
                     budget = { used = 0, max = max_points or registry.max_points } }
  sandbox.run(path, sandbox_env(profile or "full", declared))
  local by_name = {}
  for _, e in ipairs(declared.experiments) do by_name[e.name] = e end
  for _, c in ipairs(declared.claims) do
    c.script = path
    local e = type(c.measure) == "table" and by_name[c.measure.experiment]
    if e then resolve_pairs(c, e) end
  end
  return declared
end

return M
