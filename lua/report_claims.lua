-- report_claims.lua: the article's claims, written in the experiment
-- scripts as claim{} blocks, checked and judged against the results.
--
--   claim {
--     id = "cupy-ratio",                       -- unique across the scripts
--     text = "On the GPU in float64 ...",      -- the claim, in the article's words
--     article = "1.5",                         -- the article's value, as text
--     measure = { kind = "ratio", experiment = "fig2-gpu-f64", n = 20000,
--                 num = { op = "outer_sum", impl = "gemm", axis = 1 },
--                 den = { op = "matvec" } },
--     expect = { near = 1.5, tolerance = 0.3 },  -- or { above = 2 }, { below = 1.15 }
--     precision = 0.03,                        -- optional: the run's target, below
--   }
--
-- kind = "ratio": num / den at n (the nearest N measured in both if n was
-- not). Where the two points were measured in the same rounds, the median
-- of the per-round ratios with its order-statistic interval (95%); else
-- (results recorded before rounds) median(num) / median(den) with the
-- interval num_low/den_high .. num_high/den_low, which every claim also
-- keeps as `unpaired` for comparison.
-- kind = "growth" (fields from, to instead of n): ratio(to) / ratio(from),
-- its interval from the two ratios' intervals, each at 97.5%; with of =
-- "difference", the growth of the difference of times instead:
-- (num - den)(to) / (num - den)(from).
-- precision (default 0.03): `runner run` measures the claim's points (its
-- pair at n, or at from and at to) in more rounds until the paired ratio's
-- interval at the level above has a half-width within this fraction of its
-- median, or a point reaches its max_samples (flopbench.lua resolves the
-- pairs; the provenance's claim_<id>_n<N> says how it went).
-- A claim holds if its whole interval meets `expect`, does not hold if no
-- value of the interval does, and is inconclusive in between; it is missing
-- if the results it needs are absent. None of these is an error: a claim's fields
-- are, and they name the script's line.

local catalogue = require "catalogue"
local flopbench = require "flopbench"
local data = require "report_data"
local sandbox = require "sandbox"
local fail = data.fail

local M = {}

local claim_fields = { id = true, text = true, article = true, measure = true, expect = true,
                       note = true, references = true, precision = true, script = true, line = true }
local valid_claim_fields = "article, expect, id, measure, note, precision, references, text"

local function at(c)
  return string.format("%s:%d: claim '%s': ", c.script or "?", c.line or 0, tostring(c.id))
end
M.at = at

local function describe(v)
  if type(v) == "string" then return string.format("%q", v) end
  return type(v) == "number" and tostring(v) or type(v)
end

local positive_integer = sandbox.positive_integer

local function check_selector(c, name, sel)
  if type(sel) ~= "table" then
    fail('%smeasure.%s must be a table such as { op = "outer_sum", impl = "gemm", axis = 1 }, got %s',
         at(c), name, describe(sel))
  end
  for k, v in pairs(sel) do
    if not data.selector_fields[k] then
      fail("%smeasure.%s: unknown field '%s' (valid: axis, backend, dtype, impl, op, threads)",
           at(c), name, tostring(k))
    end
    if type(v) ~= "string" and type(v) ~= "number" then
      fail("%smeasure.%s.%s must be a string or a number, got %s", at(c), name, k, describe(v))
    end
  end
  if sel.op == nil then fail("%smeasure.%s needs field 'op'", at(c), name) end
end

local function check_measure(c, declared)
  local m = c.measure
  if type(m) ~= "table" then
    fail('%sfield \'measure\' must be a table such as { kind = "ratio", experiment = ..., n = ..., num = {...}, den = {...} }, got %s',
         at(c), describe(m))
  end
  if m.kind ~= "ratio" and m.kind ~= "growth" then
    fail('%smeasure.kind must be "ratio" or "growth", got %s', at(c), describe(m.kind))
  end
  if type(m.experiment) ~= "string" then
    fail("%smeasure.experiment must be an experiment's name, got %s", at(c), describe(m.experiment))
  end
  if not declared[m.experiment] then
    local names = {}
    for name in pairs(declared) do names[#names + 1] = name end
    table.sort(names)
    fail("%smeasure.experiment '%s' is not declared by any script of the report (declared: %s)",
         at(c), m.experiment, table.concat(names, ", "))
  end
  if m.kind == "ratio" and not positive_integer(m.n) then
    fail("%smeasure.n must be a positive integer (the N of the ratio), got %s", at(c), describe(m.n))
  end
  local valid = { kind = true, experiment = true, num = true, den = true, n = m.kind == "ratio",
                  from = m.kind == "growth", to = m.kind == "growth", of = m.kind == "growth" }
  for k in pairs(m) do
    if not valid[k] then
      fail("%smeasure: field '%s' does not go with kind \"%s\" (ratio: n, num, den; growth: from, to, of, num, den)",
           at(c), tostring(k), m.kind)
    end
  end
  if m.kind == "growth" then
    if m.of ~= nil and m.of ~= "ratio" and m.of ~= "difference" then
      fail('%smeasure.of must be "ratio" (the default) or "difference", got %s', at(c), describe(m.of))
    end
    if not positive_integer(m.from) or not positive_integer(m.to) or m.from >= m.to then
      fail("%smeasure.from and measure.to must be integers with 0 < from < to, got %s and %s",
           at(c), describe(m.from), describe(m.to))
    end
  end
  m.n, m.from, m.to = math.tointeger(m.n) or m.n, math.tointeger(m.from), math.tointeger(m.to)
  check_selector(c, "num", m.num)
  check_selector(c, "den", m.den)
end

local function check_expect(c)
  local e = c.expect
  local shape = "{ near = x, tolerance = t }, { above = x } or { below = x }"
  if type(e) ~= "table" then fail("%sfield 'expect' must be %s, got %s", at(c), shape, describe(e)) end
  local kinds = 0
  for k, v in pairs(e) do
    if k ~= "near" and k ~= "tolerance" and k ~= "above" and k ~= "below" then
      fail("%sexpect: unknown field '%s' (expect must be %s)", at(c), tostring(k), shape)
    end
    if type(v) ~= "number" then fail("%sexpect.%s must be a number, got %s", at(c), k, describe(v)) end
    if k ~= "tolerance" then kinds = kinds + 1 end
  end
  if kinds ~= 1 then fail("%sexpect must have exactly one of near, above, below: %s", at(c), shape) end
  if e.near and not (e.tolerance and e.tolerance > 0) then
    fail("%sexpect.near needs a positive tolerance", at(c))
  end
  if e.tolerance and not e.near then fail("%sexpect.tolerance goes only with near", at(c)) end
end

-- Checks every field of claim c; declared maps experiment names to
-- experiments. Raises "script:line: claim 'id': ..." on a mistake.
function M.check(c, declared)
  for k in pairs(c) do
    if type(k) ~= "string" or not claim_fields[k] then
      fail("%sunknown field '%s' (valid fields: %s)", at(c), tostring(k), valid_claim_fields)
    end
  end
  if not c.id:match("^[%w._-]+$") then
    fail("%sid may hold only letters, digits, '.', '_' and '-'", at(c))
  end
  if type(c.article) ~= "string" then
    fail("%sfield 'article' must be the article's value as text, got %s", at(c), describe(c.article))
  end
  if c.note ~= nil and type(c.note) ~= "string" then
    fail("%sfield 'note' must be a string, got %s", at(c), describe(c.note))
  end
  if c.precision ~= nil and not flopbench.precision_ok(c.precision) then
    fail("%sfield 'precision' must be %s, got %s", at(c), flopbench.precision_expected,
         describe(c.precision))
  end
  check_measure(c, declared)
  check_expect(c)
end

-- Whether x meets expectation e.
local function meets(e, x)
  if e.near then return math.abs(x - e.near) <= e.tolerance end
  if e.above then return x > e.above end
  return x < e.below
end

-- Whether some value in [low, high] meets expectation e.
local function reaches(e, low, high)
  if e.near then return low <= e.near + e.tolerance and high >= e.near - e.tolerance end
  if e.above then return high > e.above end
  return low < e.below
end

-- "holds" if the whole interval meets e, "does not hold" if no value in
-- it does, "inconclusive" otherwise.
function M.judge(e, value, low, high)
  if meets(e, value) and meets(e, low) and meets(e, high) then return "holds" end
  if not reaches(e, low, high) then return "does not hold" end
  return "inconclusive"
end

-- The expectation in words, for messages.
function M.expect_text(e)
  if e.near then return string.format("within %g of %g", e.tolerance, e.near) end
  if e.above then return string.format("above %g", e.above) end
  return string.format("below %g", e.below)
end

-- The difference num - den of a ratio's two points, in seconds: the median
-- of the per-round differences and its interval where the points were
-- paired, else from the medians' CI bounds (unpaired set: always the latter).
function M.difference(q, unpaired)
  if q.diff and not unpaired then return { value = q.diff.median, low = q.diff.low, high = q.diff.high } end
  return { value = q.a.median - q.b.median, low = q.a.low - q.b.high, high = q.a.high - q.b.low }
end

-- A growth compares two ratios measured in different rounds (two N): each
-- interval is asked at coverage GROWTH_LEVEL, so that both hold at once
-- with probability at least 1 - 2 (1 - GROWTH_LEVEL) = 0.95 (Bonferroni).
M.growth_level = flopbench.claim_level.growth

-- The growth of ratio a (at N = from) to ratio b (at N = to), of = "ratio"
-- or "difference", from their paired intervals or, with unpaired set,
-- their unpaired ones: { value, low, high } or, for a difference that
-- starts at or below zero, { from, to } (the two differences) alone.
local function growth(of, a, b, unpaired)
  if of == "difference" then
    local from, to = M.difference(a, unpaired), M.difference(b, unpaired)
    if from.value <= 0 then return { from = from, to = to } end
    return { from = from, to = to, value = to.value / from.value, low = to.low / from.high,
             high = from.low > 0 and to.high / from.low or math.huge }
  end
  local x, y = unpaired and a.unpaired or a, unpaired and b.unpaired or b
  return { value = y.value / x.value, low = y.low / x.high, high = y.high / x.low }
end

-- A growth of a difference that starts at or below zero, judged without a
-- ratio: growth (expect above 1 or more) holds if the difference at N = to
-- is above the one at N = from and above zero, interval against interval,
-- and does not hold if it is below; shrinking (below 1 or less) the other
-- way round. Returns the verdict and, for "missing", why.
function M.judge_differences(e, from, to, a)
  local grows = e.above and e.above >= 1
  local shrinks = e.below and e.below <= 1
  if not grows and not shrinks then
    return "missing", string.format("%s is not slower than %s at N = %d, so there is no ratio",
                                    a.num.key, a.den.key, a.n)
  end
  if grows then
    if to.low > math.max(from.high, 0) then return "holds" end
    if to.high < from.low then return "does not hold" end
  else
    if to.high < from.low then return "holds" end
    if to.low > from.high then return "does not hold" end
  end
  return "inconclusive"
end

-- How claim result r was paired: method "paired" when every ratio it
-- uses was, with level the coverage reached; else "unpaired" and why.
local function paired_method(r, ...)
  r.method, r.level = "paired", 1
  for _, q in ipairs({ ... }) do
    if q.method ~= "paired" then
      r.method, r.level, r.why = "unpaired", nil, q.why
      return
    end
  end
  for _, q in ipairs({ ... }) do r.level = r.level - (1 - q.level) end
end

-- Judges claim c against exp (loaded by report_data.load): { claim,
-- experiment, verdict, reason, value, low, high, n, n_from, method, level,
-- why, unpaired = { value, low, high } }.
function M.evaluate(c, exp)
  local m, r = c.measure, { claim = c, experiment = exp }
  if m.kind == "ratio" then
    local q, why = data.ratio(exp, m.num, m.den, m.n)
    if not q then
      r.verdict, r.reason = "missing", why
      return r
    end
    r.value, r.low, r.high, r.n, r.num, r.den = q.value, q.low, q.high, q.n, q.num, q.den
    r.unpaired, r.pairs = q.unpaired, q.pairs
    paired_method(r, q)
  else
    local a, why = data.ratio(exp, m.num, m.den, m.from, M.growth_level)
    local b, why2 = data.ratio(exp, m.num, m.den, m.to, M.growth_level)
    if not a or not b or a.n == b.n then
      r.verdict = "missing"
      r.reason = why or why2 or string.format("only N = %d measured", a.n)
      return r
    end
    r.n, r.n_from, r.num, r.den = b.n, a.n, a.num, a.den
    r.ratio_from, r.ratio_to = a, b
    paired_method(r, a, b)
    r.pairs = a.pairs and b.pairs and string.format("%d and %d", a.pairs, b.pairs)
    local g, u = growth(m.of, a, b), growth(m.of, a, b, true)
    r.diff_from, r.diff_to = g.from, g.to
    r.unpaired = u.value and { value = u.value, low = u.low, high = u.high }
    if not g.value then
      -- num is not slower at N = from (a library's slow small case): a
      -- ratio of differences means nothing, so the differences decide.
      r.verdict, r.reason = M.judge_differences(c.expect, g.from, g.to, a)
      return r
    end
    r.value, r.low, r.high = g.value, g.low, g.high
  end
  r.verdict = M.judge(c.expect, r.value, r.low, r.high)
  return r
end

---------------------------------------------------------------------------
-- What reproducing a claim costs: an estimate from the full profile's
-- points and the medians measured here.

-- Seconds one call of point p takes, from the measured series closest to
-- it (scaled by N^2 above the largest N measured); nil if none.
local function call_time(exp, p)
  for _, s in ipairs(exp and exp.series or {}) do
    local axis = catalogue.has_axis(p.op) and tostring(p.axis) or ""
    if s.backend == p.backend and s.op == p.op and s.impl == p.impl and s.axis == axis
       and s.dtype == p.dtype and #s.points > 0 then
      local best = s.points[1]
      for _, q in ipairs(s.points) do
        if math.abs(q.n - p.n) < math.abs(best.n - p.n) then best = q end
      end
      local scale = p.n > best.n and (p.n / best.n) ^ 2 or 1
      return best.median * scale
    end
  end
end

-- { seconds, disk, memory, unknown } for measuring points (declared with
-- the full profile) on a host like the one exp was measured on. unknown
-- counts points no measured series could time.
function M.estimate(points, exp)
  local e = { seconds = 0, disk = 4096, memory = 0, unknown = 0, points = #points }
  for _, p in ipairs(points) do
    local t = call_time(exp, p)
    local batches = (p.warmup or 1) + (p.samples or 10)
    local iterations = p.iterations or 0
    if not t then
      e.unknown = e.unknown + 1
    elseif iterations == 0 then
      e.seconds = e.seconds + batches * math.max(p.min_batch_time or 0.02, t)
    else
      e.seconds = e.seconds + batches * iterations * t
    end
    -- Fresh inputs and the float64 reference check, once a point.
    e.seconds = e.seconds + 5e-9 * p.n * p.n
    e.disk = e.disk + 100 * (p.samples or 10) + 350
    e.memory = math.max(e.memory, catalogue.footprint(p))
  end
  return e
end

return M
