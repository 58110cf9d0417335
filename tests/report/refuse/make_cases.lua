-- make_cases.lua: writes the crafted results folders the report must
-- refuse (or take, with its text escaped), one folder a case, each a
-- copy of the fake results in ../data with one thing changed (run from
-- tests/report: lua5.4 refuse/make_cases.lua). tests/report/refused.txt
-- gives each case's exact refusal; test_safety.sh runs them.
--
-- A case's sets are in the runner's current form: provenance keys run_id,
-- summary_rows and samples_rows, and a last column run_id in summary.csv
-- and samples.csv; "legacy" ones have none of these, as results recorded
-- before.

local params = {
  ["fig2-cpu"] = '{ axis = 0, backend = "openblas", dtype = "f32", impl = { matvec = "gemm", outer_sum = "gemm" }, iterations = 3, n = { 1000, 2000, 4000 }, name = "fig2-cpu", op = { "matvec", "outer_sum" }, samples = 5 }',
  ["fig2-cpu-ref"] = '{ axis = { 0, 1 }, backend = "openblas", dtype = "f32", impl = { matvec = "gemv", outer_sum = { "gemm", "fused" } }, iterations = 3, n = { 1000, 2000, 4000 }, name = "fig2-cpu-ref", op = { "copy", "matvec", "outer_sum" }, samples = 5 }',
  ["fig3-gpu-f64"] = '{ axis = 1, backend = "cublas", dtype = "f64", name = "fig3-gpu-f64", op = { "matvec", "outer_sum" } }',
}
local source = { ["fig2-cpu"] = "data/live/fig2-cpu", ["fig2-cpu-ref"] = "data/live/fig2-cpu-ref",
                 ["fig3-gpu-f64"] = "data/recorded/fakegpu/fig3-gpu-f64" }

local function lines(path)
  local out = {}
  for l in io.lines(path) do out[#out + 1] = l end
  return out
end

local function split(line)
  local out = {}
  for f in (line .. ","):gmatch("([^,]*),") do out[#out + 1] = f end
  return out
end

-- CSV field: quoted where it must be.
local function field(v)
  v = tostring(v)
  if v:find('[,"\n\r]') then return '"' .. v:gsub('"', '""') .. '"' end
  return v
end

-- The set of experiment `name` as tables: { header, rows (name -> value),
-- prov (list of {key, value}), samples = { header, rows } }.
local function load(name, run_id)
  local l = lines(source[name] .. "/summary.csv")
  local set = { header = split(l[1]), rows = {}, prov = {}, samples = { rows = {} } }
  for i = 2, #l do
    local row, f = {}, split(l[i])
    for j, h in ipairs(set.header) do row[h] = f[j] end
    set.rows[#set.rows + 1] = row
  end
  for i, kv in ipairs(lines(source[name] .. "/provenance.csv")) do
    local k, v = kv:match("^([^,]*),(.*)$")
    if i > 1 and k ~= "params" then set.prov[#set.prov + 1] = { k, v } end
  end
  set.prov[#set.prov + 1] = { "params", params[name] }
  set.samples.header = { "experiment", "backend", "op", "impl", "dtype", "axis", "n", "iterations",
                         "sample", "batch_s", "per_call_s" }
  for _, row in ipairs(set.rows) do
    for k = 1, tonumber(row.samples) do
      local t = tonumber(row.median_s)
      set.samples.rows[#set.samples.rows + 1] = {
        experiment = row.experiment, backend = row.backend, op = row.op, impl = row.impl,
        dtype = row.dtype, axis = row.axis, n = row.n, iterations = row.iterations, sample = k,
        batch_s = string.format("%.9g", t * row.iterations), per_call_s = string.format("%.9g", t) }
    end
  end
  if run_id then
    table.insert(set.header, "run_id")
    table.insert(set.samples.header, "run_id")
    for _, r in ipairs(set.rows) do r.run_id = run_id end
    for _, r in ipairs(set.samples.rows) do r.run_id = run_id end
    set.prov[#set.prov + 1] = { "run_id", run_id }
    set.prov[#set.prov + 1] = { "summary_rows", #set.rows }
    set.prov[#set.prov + 1] = { "samples_rows", #set.samples.rows }
  end
  return set
end

local function write_csv(path, header, rows)
  local f = assert(io.open(path, "w"))
  f:write(table.concat(header, ","), "\n")
  for _, r in ipairs(rows) do
    local out = {}
    for j, h in ipairs(header) do out[j] = field(r[h]) end
    f:write(table.concat(out, ","), "\n")
  end
  f:close()
end

local function save(case, name, set)
  local dir = "refuse/" .. case .. "/" .. name
  os.execute("rm -rf '" .. dir .. "' && mkdir -p '" .. dir .. "'")
  write_csv(dir .. "/summary.csv", set.header, set.rows)
  if set.samples then write_csv(dir .. "/samples.csv", set.samples.header, set.samples.rows) end
  local rows = {}
  for _, kv in ipairs(set.prov) do rows[#rows + 1] = { key = kv[1], value = kv[2] } end
  write_csv(dir .. "/provenance.csv", { "key", "value" }, rows)
end

local function prov_set(set, key, value)
  for _, kv in ipairs(set.prov) do
    if kv[1] == key then kv[2] = value; return end
  end
  set.prov[#set.prov + 1] = { key, value }
end

local function prov_drop(set, key)
  for i, kv in ipairs(set.prov) do
    if kv[1] == key then table.remove(set.prov, i); return end
  end
end

local id = "20261127T090000Z-4242-a1b2c3"

-- Each case: name -> function(case) that writes its folders.
local cases = {}

-- Taken: the current form, both experiments of fig2_cpu.lua, as declared.
cases.good = function(case)
  save(case, "fig2-cpu", load("fig2-cpu", id))
  save(case, "fig2-cpu-ref", load("fig2-cpu-ref", id))
end

-- Taken: provenance text that LaTeX or gnuplot would run, escaped.
cases.provenance_text = function(case)
  local s = load("fig2-cpu", id)
  prov_set(s, "cpu_model", "Evil \\input{/etc/hostname} $(touch marker) 'q' \"dq\" #1 %\n!touch marker")
  prov_set(s, "date_utc", "2026-11-27\n!touch marker")
  prov_set(s, "host", "a'b\n!touch marker\n")
  save(case, "fig2-cpu", s)
end

-- One row's field changed.
local function row_case(name, row, column, value)
  return function(case)
    local s = load(name, id)
    s.rows[row][column] = value
    save(case, name, s)
  end
end

-- Every median of fig3-gpu-f64 negated, its interval with it: the
-- other-axis claim would hold.
cases.negative_median = function(case)
  local s = load("fig3-gpu-f64", false)
  for _, r in ipairs(s.rows) do
    r.median_s, r.ci_low_s, r.ci_high_s = "-" .. r.median_s, "-" .. r.ci_high_s, "-" .. r.ci_low_s
  end
  s.samples = nil
  save(case, "fig3-gpu-f64", s)
end
cases.zero_time = row_case("fig2-cpu", 3, "ci_low_s", "0")
cases.ci_low_above_median = row_case("fig2-cpu", 2, "ci_low_s", "0.002")
cases.median_above_ci_high = row_case("fig2-cpu", 4, "median_s", "0.5")
cases.n_fraction = row_case("fig2-cpu", 2, "n", "1000.5")
cases.n_huge = row_case("fig2-cpu", 2, "n", "1e300")
cases.samples_zero = row_case("fig2-cpu", 1, "samples", "0")
cases.number_too_big = row_case("fig2-cpu", 5, "median_s", "1e999")
cases.not_a_number = row_case("fig2-cpu", 5, "gbps", "fast")
cases.median_empty = row_case("fig2-cpu", 6, "median_s", "")
cases.other_experiment = row_case("fig2-cpu", 2, "experiment", "fig2-cpu-ref")
cases.other_dtype = row_case("fig2-cpu", 3, "dtype", "f64")
cases.other_backend = row_case("fig2-cpu", 3, "backend", "cpu")
cases.duplicate_point = function(case)
  local s = load("fig2-cpu", false)
  local copy = {}
  for k, v in pairs(s.rows[2]) do copy[k] = v end
  copy.median_s = "0.00137"
  s.rows[#s.rows + 1] = copy
  s.samples = nil
  save(case, "fig2-cpu", s)
end
cases.traffic_unknown = function(case)
  local s = load("fig2-cpu", id)
  prov_set(s, "openblas_traffic_matvec_gemm", "streamed\n!touch marker")
  save(case, "fig2-cpu", s)
end
cases.provenance_experiment = function(case)
  local s = load("fig2-cpu", id)
  prov_set(s, "experiment", "fig2-gpu-f64")
  save(case, "fig2-cpu", s)
end

-- Names that would be code in gnuplot or LaTeX: refused when read.
cases.impl_newline = row_case("fig2-cpu", 2, "impl", "gemm\n!touch marker")
cases.impl_input = row_case("fig2-cpu", 2, "impl", "\\input{/etc/hostname}")
cases.impl_quote = row_case("fig2-cpu", 2, "impl", "gemm' title 'x")
cases.impl_bang = row_case("fig2-cpu", 2, "impl", "!touch marker")
cases.backend_dollar = row_case("fig2-cpu", 2, "backend", "$(touch marker)")
cases.op_backslash = row_case("fig2-cpu", 2, "op", "matvec\\")
cases.axis_newline = row_case("fig2-cpu", 4, "axis", "0\n!touch marker")

-- Not one set.
cases.cut_summary = function(case)
  local s = load("fig2-cpu", id)
  s.rows[#s.rows] = nil
  save(case, "fig2-cpu", s)
end
cases.cut_samples = function(case)
  local s = load("fig2-cpu", id)
  s.samples.rows[#s.samples.rows] = nil
  save(case, "fig2-cpu", s)
end
cases.summary_of_other_run = function(case)
  local s = load("fig2-cpu", "20261126T120000Z-1717-ffff00")
  prov_set(s, "run_id", id)
  for _, r in ipairs(s.samples.rows) do r.run_id = id end
  save(case, "fig2-cpu", s)
end
cases.samples_of_other_run = function(case)
  local s = load("fig2-cpu", id)
  for _, r in ipairs(s.samples.rows) do r.run_id = "20261126T120000Z-1717-ffff00" end
  save(case, "fig2-cpu", s)
end
cases.one_row_of_other_run = row_case("fig2-cpu", 4, "run_id", "20261126T120000Z-1717-ffff00")
cases.samples_missing = function(case)
  local s = load("fig2-cpu", id)
  s.samples = nil
  save(case, "fig2-cpu", s)
end
cases.no_run_id_column = function(case)
  local s = load("fig2-cpu", id)
  table.remove(s.header)
  save(case, "fig2-cpu", s)
end
cases.legacy_with_column = function(case)
  local s = load("fig2-cpu", id)
  prov_drop(s, "run_id")
  save(case, "fig2-cpu", s)
end
cases.bad_run_id = function(case)
  local s = load("fig2-cpu", "a/b")
  save(case, "fig2-cpu", s)
end
cases.no_summary_rows = function(case)
  local s = load("fig2-cpu", id)
  prov_drop(s, "summary_rows")
  save(case, "fig2-cpu", s)
end

local names = {}
for name in pairs(cases) do names[#names + 1] = name end
table.sort(names)
for _, name in ipairs(names) do cases[name](name) end
