-- report_data.lua: results as the report sees them. Finds the folder that
-- holds an experiment's results (this build's, this host's recorded ones,
-- or the newest recorded elsewhere), reads summary.csv into series of
-- points and provenance.csv into a table, and answers the questions the
-- claims and figures ask: a series by selector, the ratio of two series at
-- an N with its interval.

local catalogue = require "catalogue"
local flopbench = require "flopbench"
local native = require "report.native"
local sandbox = require "sandbox"
local check = require "report_check"
local text = require "report_text"

local M = {}

local fail = sandbox.fail
M.fail = fail

local function exists(path)
  local f = io.open(path, "r")
  if f then f:close() end
  return f ~= nil
end
M.exists = exists

local function join(...)
  return (table.concat({ ... }, "/"):gsub("//+", "/"))
end
M.join = join

---------------------------------------------------------------------------
-- Reading the files.

local required = { "experiment", "backend", "op", "impl", "dtype", "axis", "n", "samples",
                   "median_s", "ci_low_s", "ci_high_s", "flops", "bytes", "gbps" }

-- The rows of a summary.csv and its header, numeric columns as numbers;
-- every row checked (report_check.summary).
function M.read_summary(path)
  local rows, header = native.read_csv(path)
  if not rows then fail("%s", header) end
  local have = {}
  for _, name in ipairs(header) do have[name] = true end
  for _, name in ipairs(required) do
    if not have[name] then
      fail("%s: no column '%s' (the header is: %s)", path, name, table.concat(header, ","))
    end
  end
  check.summary(path, rows)
  return rows, header
end

-- provenance.csv as a table key -> value; {} if the file is absent.
function M.read_provenance(path)
  if not exists(path) then return {} end
  local rows, header = native.read_csv(path)
  if not rows then fail("%s", header) end
  local prov = {}
  for _, row in ipairs(rows) do
    if row.key then prov[row.key] = row.value end
  end
  return prov
end

---------------------------------------------------------------------------
-- Series: the points of one (backend, op, impl, axis, ...) sorted by N.

-- Fields that tell series apart; the first four always name a series, the
-- others only when they vary within the experiment.
local series_fields = { "backend", "op", "impl", "axis", "dtype", "threads", "graph", "flush_l2" }

local function series_key(row, varying)
  local parts = { row.backend, row.op, row.impl }
  if row.axis ~= "" then parts[#parts + 1] = "axis" .. row.axis end
  for i = 5, #series_fields do
    local f = series_fields[i]
    if varying[f] then parts[#parts + 1] = f .. tostring(row[f]) end
  end
  return table.concat(parts, "-")
end

local function point_of(row)
  return {
    n = math.tointeger(row.n) or row.n, median = row.median_s, low = row.ci_low_s,
    high = row.ci_high_s, gbps = row.gbps, gflops = row.gflops, bytes = row.bytes,
    flops = row.flops, samples = row.samples, iterations = row.iterations,
    rel_ci = row.rel_ci or 0, ci_level = row.ci_level,
  }
end

-- Groups rows into series, in the order they first appear.
function M.make_series(rows)
  local first, varying = rows[1] or {}, {}
  for _, row in ipairs(rows) do
    for i = 5, #series_fields do
      local f = series_fields[i]
      if row[f] ~= first[f] then varying[f] = true end
    end
  end
  local list, by_key = {}, {}
  for _, row in ipairs(rows) do
    local key = series_key(row, varying)
    local s = by_key[key]
    if not s then
      s = { key = key, points = {}, at = {} }
      for _, f in ipairs(series_fields) do s[f] = row[f] end
      by_key[key] = s
      list[#list + 1] = s
    end
    local p = point_of(row)
    row.point = p
    s.points[#s.points + 1] = p
    s.at[p.n] = p
  end
  for _, s in ipairs(list) do
    table.sort(s.points, function(a, b) return a.n < b.n end)
  end
  return list, by_key
end

M.selector_fields = { op = true, impl = true, axis = true, backend = true, dtype = true,
                      threads = true }

-- Whether series s matches selector sel ({op=, axis=, impl=, ...}).
function M.matches(s, sel)
  for k, v in pairs(sel) do
    if M.selector_fields[k] and tostring(s[k]) ~= tostring(v) then return false end
  end
  return true
end

-- The series of exp matching sel, in order.
function M.select(exp, sel)
  local out = {}
  for _, s in ipairs(exp.series or {}) do
    if M.matches(s, sel) then out[#out + 1] = s end
  end
  return out
end

-- A selector as text: {op=outer_sum, axis=1}.
function M.describe_selector(sel)
  local keys = {}
  for k in pairs(sel) do keys[#keys + 1] = k end
  table.sort(keys)
  local parts = {}
  for _, k in ipairs(keys) do parts[#parts + 1] = k .. "=" .. tostring(sel[k]) end
  return "{" .. table.concat(parts, ", ") .. "}"
end

-- The one series of exp matching sel; nil and why if none or several.
function M.one_series(exp, sel)
  local found = M.select(exp, sel)
  if #found == 1 then return found[1] end
  local have = {}
  for _, s in ipairs(exp.series or {}) do have[#have + 1] = s.key end
  if #found == 0 then
    return nil, string.format("no series of %s matches %s (it has: %s)", exp.name,
                              M.describe_selector(sel), table.concat(have, ", "))
  end
  local keys = {}
  for _, s in ipairs(found) do keys[#keys + 1] = s.key end
  return nil, string.format("%s matches several series of %s (%s): add impl, axis or backend",
                            M.describe_selector(sel), exp.name, table.concat(keys, ", "))
end

---------------------------------------------------------------------------
-- Finding and loading an experiment's results.

-- The newest recorded copy of experiment `name` under root/*/name/.
local function newest_recorded(root, name)
  local tags = native.list_dir(root)
  local best
  for _, tag in ipairs(tags or {}) do
    local dir = join(root, tag, name)
    if exists(join(dir, "summary.csv")) then
      if not text.is_name(tag) then
        fail("%s: a host folder's name may hold only letters, digits, '.', '_' and '-', got %s", root,
             text.show(tag))
      end
      local date = M.read_provenance(join(dir, "provenance.csv")).date_utc or ""
      if not best or date > best.date then best = { dir = dir, tag = tag, date = date } end
    end
  end
  return best
end

-- Where experiment `name`'s results are, as { dir, source, tag }:
-- source "live" for opt.results (measured in this build), "recorded" for
-- opt.recorded/<tag>/ (this host's first, then the newest of any host).
-- nil if there are none.
function M.locate(name, opt)
  if opt.results then
    local dir = join(opt.results, name)
    if exists(join(dir, "summary.csv")) then return { dir = dir, source = "live", tag = opt.tag } end
  end
  if opt.recorded then
    local dir = join(opt.recorded, opt.tag, name)
    if exists(join(dir, "summary.csv")) then
      return { dir = dir, source = "recorded", tag = opt.tag }
    end
    local best = newest_recorded(opt.recorded, name)
    if best then return { dir = best.dir, source = "recorded", tag = best.tag } end
  end
  return nil
end

-- The results of experiment `name` in folder dir, refused unless
-- possible and one set (report_check): its provenance and summary rows.
function M.read_set(dir, name)
  local prov_path, path = join(dir, "provenance.csv"), join(dir, "summary.csv")
  local prov = M.read_provenance(prov_path)
  local rows, header = M.read_summary(path)
  check.distinct(path, rows)
  check.agrees(path, rows, name, prov, prov_path)
  local samples = { path = join(dir, "samples.csv") }
  if exists(samples.path) then
    samples.rows, samples.header = native.read_csv(samples.path)
    if not samples.rows then fail("%s", samples.header) end
  end
  check.one_set({ summary = { path = path, rows = rows, header = header }, samples = samples }, prov,
                prov_path)
  -- The traffic a row's impl recorded is a traffic class.
  for _, row in ipairs(rows) do
    local key = catalogue.traffic_key(row.backend, row.op, row.impl)
    local t = prov[key]
    if t ~= nil and not catalogue.traffic_classes[t] then
      fail("%s: %s is %s, not a traffic class (materialised, fused)", prov_path, key, text.show(t))
    end
  end
  return prov, rows, samples
end

---------------------------------------------------------------------------
-- Rounds: the clean samples of each point by round number, from
-- samples.csv, so that two points measured in the same rounds can be
-- paired round by round.

local disturbance = { [""] = true, throttled = true, steal = true, ["throttled+steal"] = true }

-- The key of a point in both files: the columns samples.csv shares with summary.csv.
local function point_key(row)
  local n, it = math.tointeger(tonumber(row.n)), math.tointeger(tonumber(row.iterations))
  return table.concat({ row.backend, row.op, row.impl, row.dtype, row.axis, tostring(n), tostring(it) }, "|")
end
M.point_key = point_key

local function has_column(header, name)
  for _, h in ipairs(header or {}) do if h == name then return true end end
  return false
end

-- A number of samples.csv's row `line`, column c, refused unless a finite
-- number above min_exclusive (or at least min when inclusive).
local function sample_number(path, line, row, c, integer)
  local v = tonumber(row[c])
  if integer then v = math.tointeger(v) end
  if not v or v ~= v or v == math.huge or v <= 0 then
    fail("%s:%d: column '%s' must be a positive %s, got %s", path, line, c, integer and "integer" or "number",
         text.show(row[c]))
  end
  return v
end

-- { by = { [point key] = { [round] = per_call_s } }, disturbed = { [reason]
-- = samples }, rounds_disturbed = count of rounds, steal_max, sm_min } from
-- samples (read_set's third result); nil if samples.csv has no round
-- column (recorded before rounds were kept) or is absent.
function M.read_rounds(samples)
  if not samples or not samples.rows or not has_column(samples.header, "round") then return nil end
  local out = { by = {}, disturbed = {}, rounds_disturbed = 0, samples = #samples.rows }
  local seen = {}
  for i, row in ipairs(samples.rows) do
    local line = i + 1
    local round = sample_number(samples.path, line, row, "round", true)
    local t = sample_number(samples.path, line, row, "per_call_s", false)
    local d = row.disturbed or ""
    if not disturbance[d] then
      fail("%s:%d: column 'disturbed' must be empty, throttled, steal or throttled+steal, got %s",
           samples.path, line, text.show(d))
    end
    local key = point_key(row)
    local p = out.by[key] or {}
    out.by[key] = p
    if d == "" then
      if p[round] then fail("%s:%d: a second sample of one point in round %d", samples.path, line, round) end
      p[round] = t
    else
      out.disturbed[d] = (out.disturbed[d] or 0) + 1
      if not seen[round] then seen[round] = true; out.rounds_disturbed = out.rounds_disturbed + 1 end
    end
    local steal, sm = tonumber(row.steal), tonumber(row.sm_mhz)
    if steal and steal == steal then out.steal_max = math.max(out.steal_max or 0, steal) end
    if sm and sm == sm then out.sm_min = math.min(out.sm_min or math.huge, sm) end
  end
  return out
end

-- Sets s.traffic of each series whose provenance records its impl's
-- traffic (catalogue.traffic_key: a worker backend's; read_set has
-- checked the value).
function M.recorded_traffic(series, prov)
  for _, s in ipairs(series) do
    s.traffic = prov[catalogue.traffic_key(s.backend, s.op, s.impl)]
  end
end

-- Fills exp (a declared experiment: name, script, ...) with its results:
-- dir, source, tag, prov, series, by_key, ns (sorted), nmax. Leaves
-- exp.source = "missing" if there are none.
function M.load(exp, opt)
  return M.load_at(exp, M.locate(exp.name, opt))
end

-- Fills exp as M.load does from where ({ dir, source, tag }, as M.locate
-- returns it); where = nil leaves exp.source = "missing".
function M.load_at(exp, where)
  exp.series, exp.by_key, exp.ns, exp.prov = {}, {}, {}, {}
  if not where then
    exp.source = "missing"
    return exp
  end
  exp.dir, exp.source, exp.tag = where.dir, where.source, where.tag
  local rows, samples
  exp.prov, rows, samples = M.read_set(where.dir, exp.name)
  exp.series, exp.by_key = M.make_series(rows)
  M.recorded_traffic(exp.series, exp.prov)
  exp.rounds = M.read_rounds(samples)
  for _, row in ipairs(rows) do
    row.point.rounds = exp.rounds and exp.rounds.by[point_key(row)]
  end
  for _, s in ipairs(exp.series) do s.experiment = exp.name end
  local seen = {}
  for _, s in ipairs(exp.series) do
    for _, p in ipairs(s.points) do
      if not seen[p.n] then seen[p.n] = true; exp.ns[#exp.ns + 1] = p.n end
    end
  end
  table.sort(exp.ns)
  exp.nmax = exp.ns[#exp.ns]
  if #exp.series == 0 then exp.source = "missing" end
  return exp
end

---------------------------------------------------------------------------
-- Ratios.

-- The N measured in both series closest to n (the largest below it if n
-- itself was not measured, else the smallest above).
function M.common_n(a, b, n)
  local below, above
  for _, p in ipairs(a.points) do
    if b.at[p.n] then
      if p.n <= n and (not below or p.n > below) then below = p.n end
      if p.n > n and (not above or p.n < above) then above = p.n end
    end
  end
  return below or above
end

-- The ratio num/den of medians at n, with the interval from the CI bounds:
-- { value, low, high, n }; nil and why if not measured.
function M.ratio(exp, num_sel, den_sel, n, level)
  if exp.source == "missing" then return nil, "no results for " .. exp.name end
  local num, why = M.one_series(exp, num_sel)
  if not num then return nil, why end
  local den, why2 = M.one_series(exp, den_sel)
  if not den then return nil, why2 end
  return M.ratio_series(num, den, n, level)
end

-- The per-round times of points a and b in the rounds where both have a
-- clean sample, as two lists; nil and why if they cannot be paired.
local function pairs_of(a, b)
  if not a.rounds or not b.rounds then
    return nil, "samples.csv has no round numbers (recorded before rounds were kept)"
  end
  local num, den, rounds = {}, {}, {}
  for r in pairs(a.rounds) do
    if b.rounds[r] then rounds[#rounds + 1] = r end
  end
  table.sort(rounds)
  for i, r in ipairs(rounds) do num[i], den[i] = a.rounds[r], b.rounds[r] end
  if #num == 0 then return nil, "the two points share no round (measured one at a time)" end
  return num, den
end

-- The coverage a ratio's interval asks for (the runner measures a claim's
-- pairs to the same: flopbench.claim_level).
M.level = flopbench.claim_level.ratio

-- The ratio of series num to series den at n (or the nearest N both have):
-- { value, low, high, level, method, pairs, unpaired, n, num, den, a, b }.
-- method "paired": value and interval are the median of the per-round
-- ratios and its order-statistic interval at coverage level (default
-- M.level); then diff holds the per-round differences' median and interval
-- alike. method "unpaired" (why says why): the ratio of the medians, its
-- interval num_low/den_high .. num_high/den_low from the medians'
-- intervals. unpaired always holds the latter, for comparison.
function M.ratio_series(num, den, n, level)
  local at = M.common_n(num, den, n)
  if not at then return nil, string.format("%s and %s share no N", num.key, den.key) end
  local a, b = num.at[at], den.at[at]
  local unpaired = { value = a.median / b.median, low = a.low / b.high, high = a.high / b.low }
  local q = { n = at, num = num, den = den, a = a, b = b, unpaired = unpaired }
  local xs, ys = pairs_of(a, b)
  local r, why = nil, ys
  if xs then r, why = native.paired_ratio(xs, ys, level or M.level) end
  if not r then
    q.value, q.low, q.high, q.method, q.why = unpaired.value, unpaired.low, unpaired.high, "unpaired", why
    return q
  end
  q.value, q.low, q.high, q.level, q.method, q.pairs = r.median, r.low, r.high, r.level, "paired", r.count
  local diffs = {}
  for i = 1, #xs do diffs[i] = xs[i] - ys[i] end
  q.diff = native.median_ci(diffs, level or M.level)
  return q
end

-- The ceiling of exp: the bandwidth of its copy at the largest N measured
-- (the largest copy, out of every cache), as { gbps, n, series }; the
-- fastest copy series if there are several; nil if exp has none.
function M.copy_ceiling(exp)
  local best
  for _, s in ipairs(exp and exp.series or {}) do
    if catalogue.is_ceiling(s.op) and #s.points > 0 then
      local p = s.points[#s.points]
      if not best or p.n > best.n or (p.n == best.n and p.gbps > best.gbps) then
        best = { gbps = p.gbps, n = p.n, series = s }
      end
    end
  end
  return best
end

return M
