-- report_disturb.lua: what the paper says about how its numbers were
-- measured, from the data: which experiments were measured in rounds (and
-- so have paired ratios), which fell back to smaller groups, which
-- rounds were disturbed and why, what could be watched (NVML, /proc), and
-- whether OpenBLAS's core fitted the CPU. Macros under stats/.


local M = {}

-- "a, b and c"; `none` for an empty list.
local function words(list, none)
  if #list == 0 then return none end
  if #list == 1 then return list[1] end
  return table.concat(list, ", ", 1, #list - 1) .. " and " .. list[#list]
end

local function sorted_keys(t)
  local out = {}
  for k in pairs(t) do out[#out + 1] = k end
  table.sort(out)
  return out
end

-- The provenance values of exps under key (or keys matching pattern), each
-- once, as "value (experiments)".
local function facts(exps, match, esc)
  local by = {}
  for _, e in ipairs(exps) do
    for k, v in pairs(e.prov or {}) do
      if match(k) then
        by[v] = by[v] or {}
        by[v][#by[v] + 1] = e.name
      end
    end
  end
  local out = {}
  for _, v in ipairs(sorted_keys(by)) do
    table.sort(by[v])
    out[#out + 1] = string.format("%s (%s)", esc(v), esc(table.concat(by[v], ", ")))
  end
  return out
end

-- Sets the stats/ macros on m for the loaded experiments exps; esc escapes text.
function M.macros(m, exps, esc)
  local unpaired, disturbed, measured = {}, {}, 0
  local steal_max
  for _, e in ipairs(exps) do
    if e.source ~= "missing" then
      measured = measured + 1
      if not e.rounds then
        unpaired[#unpaired + 1] = esc(e.name)
      else
        local reasons = {}
        for _, r in ipairs(sorted_keys(e.rounds.disturbed)) do
          reasons[#reasons + 1] = string.format("%s: %d samples", r, e.rounds.disturbed[r])
        end
        if e.rounds.rounds_disturbed > 0 then
          local k = e.rounds.rounds_disturbed
          disturbed[#disturbed + 1] = string.format("%s, %d round%s (%s)", esc(e.name), k,
                                                    k == 1 and "" or "s", table.concat(reasons, "; "))
        end
        if e.rounds.steal_max then steal_max = math.max(steal_max or 0, e.rounds.steal_max) end
      end
    end
  end
  m:set("stats/unpaired", words(unpaired, "none"))
  m:set("stats/unpaired-count", tostring(#unpaired))
  m:set("stats/measured", tostring(measured))
  m:set("stats/disturbed", words(disturbed, "no round was disturbed"))
  m:set("stats/steal-max", steal_max and string.format("%.1f\\,\\%%", 100 * steal_max) or "not recorded")
  m:set("stats/nvml", words(facts(exps, function(k) return k == "disturb_nvml" end, esc), "not recorded"))
  m:set("stats/openblas-core",
        words(facts(exps, function(k) return k == "openblas_core_fits" end, esc), "not recorded"))
  m:set("stats/smaller-groups",
        words(facts(exps, function(k) return k:match("^smaller_groups_n%d+$") end, esc), "none"))
end

M.words = words
return M
