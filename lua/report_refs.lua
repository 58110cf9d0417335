-- report_refs.lua: a claim's reference values, the value recorded on a
-- named class of machine with a tolerance, and the verdict they give this
-- build's result. Written in the experiment scripts, beside the claim:
--
--   claim { id = "cupy-ratio", ...,
--     references = {
--       { host = "h200", class = "NVIDIA H200", value = 2.56, tolerance = 0.1 },
--     } }
--
-- host: the folder of the recorded results the value comes from
-- (results/h200/); class: what the device of a result must contain to be
-- comparable (the GPU's name for a GPU experiment, else the CPU model and
-- its cores: "Intel(R) Xeon(R) Processor (16 cores)");
-- value and tolerance: the reference, in the claim's unit. A reference is
-- checked against the results it cites (M.check_recorded), never trusted.

local data = require "report_data"
local claims = require "report_claims"
local tex = require "report_tex"
local fail = data.fail

local M = {}

local fields = { host = true, class = true, value = true, tolerance = true }
local shape = '{ host = "h200", class = "NVIDIA H200", value = 2.56, tolerance = 0.1 }'

local function describe(v)
  if type(v) == "string" then return string.format("%q", v) end
  return type(v) == "number" and tostring(v) or type(v)
end

-- Checks claim c's references field, if any; raises "script:line: claim
-- 'id': references[i]..." on a mistake.
function M.check(c)
  local refs = c.references
  if refs == nil then return end
  local at = claims.at(c)
  if type(refs) ~= "table" or #refs == 0 then
    fail("%sfield 'references' must be a list such as { %s }, got %s", at, shape, describe(refs))
  end
  for k in pairs(refs) do
    if math.type(k) ~= "integer" or k < 1 or k > #refs then
      fail("%sreferences: unexpected key %s (a list of %s)", at, describe(k), shape)
    end
  end
  for i, r in ipairs(refs) do
    local where = string.format("%sreferences[%d]", at, i)
    if type(r) ~= "table" then fail("%s must be a table such as %s, got %s", where, shape, describe(r)) end
    for k in pairs(r) do
      if not fields[k] then
        fail("%s: unknown field '%s' (valid: class, host, tolerance, value)", where, tostring(k))
      end
    end
    if type(r.host) ~= "string" or not r.host:match("^[%w._-]+$") then
      fail("%s.host must be a folder name under the recorded results, got %s", where, describe(r.host))
    end
    if type(r.class) ~= "string" or r.class == "" or r.class:find("%c") then
      fail("%s.class must be a device name such as \"NVIDIA H200\", got %s", where, describe(r.class))
    end
    if type(r.value) ~= "number" or r.value ~= r.value or math.abs(r.value) == math.huge then
      fail("%s.value must be a number, got %s", where, describe(r.value))
    end
    if type(r.tolerance) ~= "number" or not (r.tolerance > 0 and r.tolerance < math.huge) then
      fail("%s.tolerance must be a positive number, got %s", where, describe(r.tolerance))
    end
  end
end

-- The device of exp as a class is matched against: the GPU's name, or
-- the CPU model with its cores ("Intel(R) Xeon(R) Processor (16 cores)").
function M.device(exp)
  local device = tex.device(exp) or ""
  if not tex.is_gpu(exp) and exp.prov.cpu_cores and not device:find("cores", 1, true) then
    device = string.format("%s (%s cores)", device, exp.prov.cpu_cores)
  end
  return device
end

-- Whether the device of exp belongs to class (case-blind, plain text).
local function of_class(exp, class)
  local device = M.device(exp)
  return device:lower():find(class:lower(), 1, true) ~= nil, device
end

-- The reference as text: "2.56 ± 0.1 (h200, NVIDIA H200)".
function M.text(r)
  return string.format("%g ± %g (%s, %s)", r.value, r.tolerance, r.host, r.class)
end

-- The verdict of claim c's references on this build's result r (from
-- exp; nil if this build has none): { verdict, reason, ref }, verdict
-- "reproduced" (the interval meets a reference of this class ± its
-- tolerance), "differs" (it does not), "not comparable" (no reference of
-- this class, or nothing measured here) or "no reference".
function M.verdict(c, r, exp)
  if not c.references then return { verdict = "no reference", reason = "the claim has no reference" } end
  if not r or r.verdict == "missing" then
    return { verdict = "not comparable", reason = "not measured in this build" }
  end
  local classes, device = {}
  for _, ref in ipairs(c.references) do
    local ok
    ok, device = of_class(exp, ref.class)
    if ok then
      if not r.value then
        return { verdict = "not comparable", ref = ref, reason = "the claim has no single value here" }
      end
      local low, high = ref.value - ref.tolerance, ref.value + ref.tolerance
      if r.low <= high and r.high >= low then
        return { verdict = "reproduced", ref = ref,
                 reason = string.format("[%.4g, %.4g] meets %s", r.low, r.high, M.text(ref)) }
      end
      return { verdict = "differs", ref = ref,
               reason = string.format("[%.4g, %.4g] misses %s", r.low, r.high, M.text(ref)) }
    end
    classes[#classes + 1] = ref.class
  end
  return { verdict = "not comparable",
           reason = string.format("the reference is from %s; this build measured on %s",
                                  table.concat(classes, ", "), device) }
end

-- Each reference of claim c against the recorded results it cites: a
-- list of { ref, agrees, why }. It agrees if hosts has the cited host
-- with a result of the claim on a device of the class, whose value is
-- within 1% of the reference and whose interval lies within the reference
-- ± tolerance (the reference reproduces on its own machine).
function M.check_recorded(c, hosts, results_of)
  local out = {}
  for _, ref in ipairs(c.references or {}) do
    local host
    for _, h in ipairs(hosts) do
      if h.tag == ref.host and h.recorded then host = h end
    end
    local why
    local r = host and results_of(host)
    if not host then
      why = string.format("no recorded host '%s'", ref.host)
    elseif r.verdict == "missing" or not r.value then
      why = string.format("%s has no value for the claim (%s)", host.dir, r.reason or "no single value")
    else
      local exp = r.experiment
      local ok, device = of_class(exp, ref.class)
      if not ok then
        why = string.format("%s was measured on %s, not of class '%s'", exp.dir, device, ref.class)
      elseif math.abs(r.value - ref.value) > 0.01 * math.abs(ref.value) then
        why = string.format("%s records %.4g, the reference says %g", exp.dir, r.value, ref.value)
      elseif r.low < ref.value - ref.tolerance or r.high > ref.value + ref.tolerance then
        why = string.format("%s records the interval [%.4g, %.4g], wider than %g ± %g", exp.dir, r.low,
                            r.high, ref.value, ref.tolerance)
      end
    end
    out[#out + 1] = { ref = ref, agrees = why == nil, why = why or "agrees" }
  end
  return out
end

return M
