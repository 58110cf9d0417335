-- report_artifact.lua: the artifact appendix, from data. Per claim: the
-- command that measures it, the time it took on each host that recorded
-- it (per profile, from samples.csv and summary.csv) and an estimate for
-- the full profile, the disk its results take, the memory a point needs,
-- the hardware (GPU or not, the card or CPU its reference came from), the
-- software versions of the reference's results, and the reference with
-- its tolerance. Then this build's verdicts on the references, in ACM's
-- terms (artifact.tex, and report/acm/... macros).

local native = require "report.native"
local data = require "report_data"
local tex = require "report_tex"
local text = require "report_text"
local esc = text.tex

local M = {}

-- Bytes of the file at path (0 if absent).
local function file_size(path)
  local f = io.open(path, "rb")
  if not f then return 0 end
  local size = f:seek("end")
  f:close()
  return size or 0
end

-- The seconds exp's set measured: its timed batches (samples.csv) and one
-- warm-up batch a point (summary.csv: iterations times the median), the
-- scripts' default; nil if it has no samples.csv.
local function measured_seconds(exp)
  local path = data.join(exp.dir, "samples.csv")
  if not data.exists(path) then return nil end
  local rows, header = native.read_csv(path)
  if not rows then data.fail("%s", header) end
  local total = 0
  for _, r in ipairs(rows) do total = total + (tonumber(r.batch_s) or 0) end
  for _, s in ipairs(exp.series) do
    for _, p in ipairs(s.points) do total = total + (tonumber(p.iterations) or 0) * p.median end
  end
  return total
end

-- The disk exp's set takes: its three files.
local function disk(exp)
  local total = 0
  for _, f in ipairs({ "summary.csv", "samples.csv", "provenance.csv" }) do
    total = total + file_size(data.join(exp.dir, f))
  end
  return total
end

-- "full: 3.1 min (h200); quick: 41 s (thishost)": the time each host's
-- set of the claim's experiment took, by profile.
local function times(hosts, name)
  local parts = {}
  for _, h in ipairs(hosts) do
    local exp = h.by_name[name]
    local s = exp.source ~= "missing" and measured_seconds(exp)
    if s then
      parts[#parts + 1] = string.format("%s: %s timed (\\texttt{%s})", esc(exp.prov.profile or "?"),
                                        tex.duration(s), esc(h.tag))
    end
  end
  return parts
end

-- The experiment the claim's reference cites, else the first host's
-- copy with results; nil if none.
local function reference_exp(row, hosts)
  local name = row.claim.measure.experiment
  local ref = (row.claim.references or {})[1]
  for _, h in ipairs(hosts) do
    if ref and h.tag == ref.host and h.recorded and h.by_name[name].source ~= "missing" then
      return h.by_name[name]
    end
  end
  for _, h in ipairs(hosts) do
    if h.by_name[name].source ~= "missing" then return h.by_name[name] end
  end
end

-- The software of exp's results, as its provenance records it.
local function software(exp)
  local f = function(k) return tex.fact(exp, k) end
  local parts = {}
  local fw = tex.framework(exp)
  if fw then parts[#parts + 1] = fw end
  if f("python_version") then parts[#parts + 1] = "Python " .. f("python_version") end
  if tex.is_gpu(exp) then
    local rt = f("cuda_runtime_version") or f("cuda_runtime")
    if rt then parts[#parts + 1] = "CUDA runtime " .. rt end
    if f("cublas_version") then parts[#parts + 1] = "cuBLAS " .. f("cublas_version") end
    if f("driver_version") then parts[#parts + 1] = "driver " .. f("driver_version") end
  elseif exp.prov.openblas_version then
    parts[#parts + 1] = "OpenBLAS " .. exp.prov.openblas_version
  end
  if exp.prov.compiler then parts[#parts + 1] = exp.prov.compiler end
  if exp.prov.runner_commit then parts[#parts + 1] = "runner " .. exp.prov.runner_commit:sub(1, 12) end
  return table.concat(parts, ", ")
end

-- The hardware a claim needs: GPU or CPU, and the device of its reference.
local function hardware(exp)
  if not exp then return "---" end
  if tex.is_gpu(exp) then return "a GPU; the reference's: " .. (tex.device(exp) or "?") end
  return "no GPU; the reference's CPU: " .. (tex.device(exp) or "?")
end

local acm = {
  { "reproduced", "Results Reproduced", "this build's interval meets the reference within its tolerance" },
  { "differs", "Results not reproduced", "this build's interval misses the reference and its tolerance" },
  { "not comparable", "Not assessable here", "other hardware than the reference's, or not measured in this build" },
  { "no reference", "No reference", "the claim carries no reference value" },
}

-- The verdicts of this build on the references, in ACM's terms, as a
-- table, and macros report/acm/<verdict> (counts) and report/acm/badge.
local function summary(rows, m)
  local count = { reproduced = 0, differs = 0, ["not comparable"] = 0, ["no reference"] = 0 }
  local ids = { reproduced = {}, differs = {}, ["not comparable"] = {}, ["no reference"] = {} }
  for _, row in ipairs(rows) do
    count[row.vs.verdict] = count[row.vs.verdict] + 1
    table.insert(ids[row.vs.verdict], "\\texttt{" .. esc(row.claim.id) .. "}")
  end
  local out = {
    "\\begin{tabularx}{\\linewidth}{@{}l r >{\\raggedright\\arraybackslash}X@{}}",
    "\\toprule",
    "ACM term & Claims & Which, and what it means here \\\\",
    "\\midrule",
  }
  for _, a in ipairs(acm) do
    local which = #ids[a[1]] > 0 and table.concat(ids[a[1]], ", ") .. ": " or ""
    out[#out + 1] = string.format("%s & %d & %s%s \\\\", a[2], count[a[1]], which, a[3])
    if m then m:set("report/acm/" .. a[1]:gsub(" ", "-"), tostring(count[a[1]])) end
  end
  out[#out + 1] = "\\bottomrule"
  out[#out + 1] = "\\end{tabularx}"
  local comparable = count.reproduced + count.differs
  local badge
  if comparable == 0 then
    badge = "no claim could be compared with a reference on this host's hardware"
  elseif count.differs == 0 then
    badge = string.format("all %d claims comparable here reproduce their references (Results Reproduced)", comparable)
  else
    badge = string.format("%d of %d claims comparable here reproduce their references", count.reproduced, comparable)
  end
  if m then m:set("report/acm/badge", badge) end
  return table.concat(out, "\n"), badge
end

-- Macros of the appendix's summary into m (a report_tex macro set).
function M.macros(m, rows)
  summary(rows, m)
end

-- The command that measures a script's claims, breakable at its slashes.
local function command(script)
  if text.is_path(script) then
    return string.format("\\texttt{build/runner run} \\nolinkurl{%s} \\texttt{-{}-profile full}", script)
  end
  return string.format("\\texttt{build/runner run %s -{}-profile full}", esc(script))
end

-- artifact.tex: the table per claim, then the ACM summary.
function M.table(rows, hosts, estimates)
  local out = {
    "% Generated by `runner report`: do not edit.",
    "\\noindent{\\footnotesize\\begin{tabularx}{\\linewidth}{@{}>{\\raggedright\\arraybackslash\\hsize=1.25\\hsize}X "
      .. ">{\\raggedright\\arraybackslash\\hsize=0.9\\hsize}X >{\\raggedright\\arraybackslash\\hsize=1.3\\hsize}X "
      .. ">{\\raggedright\\arraybackslash\\hsize=0.55\\hsize}X@{}}",
    "\\toprule",
    "Claim and command & Time per profile, disk, memory & Hardware and software & Reference \\\\",
    "\\midrule",
  }
  for i, row in ipairs(rows) do
    local c = row.claim
    local name = c.measure.experiment
    local e = estimates[name]
    local t = times(hosts, name)
    if e and e.unknown < e.points then
      t[#t + 1] = "full, estimated here: $\\approx$\\," .. tex.duration(e.seconds) .. (e.unknown > 0 and "$^+$" or "")
    end
    local ref_exp = reference_exp(row, hosts)
    local refs = {}
    for _, r in ipairs(c.references or {}) do
      refs[#refs + 1] = string.format("$%g\\pm%g$ on %s (\\texttt{%s})", r.value, r.tolerance, esc(r.class), esc(r.host))
    end
    out[#out + 1] = string.format(
      "\\texttt{%s}\\newline{\\scriptsize %s} & %s\\newline disk %s, memory %s & %s\\newline %s & %s \\\\%s",
      esc(c.id), command(c.script), #t > 0 and table.concat(t, "\\newline ") or "not measured yet",
      ref_exp and tex.bytes(disk(ref_exp)) or (e and tex.bytes(e.disk) or "---"),
      e and tex.bytes(e.memory) or "---", esc(hardware(ref_exp)),
      ref_exp and "{\\scriptsize " .. esc(software(ref_exp)) .. "}" or "",
      #refs > 0 and table.concat(refs, "\\newline ") or "none",
      i < #rows and "[0.6ex]" or "")
  end
  if #rows == 0 then out[#out + 1] = "\\multicolumn{4}{@{}l}{No claims declared.} \\\\" end
  out[#out + 1] = "\\bottomrule"
  out[#out + 1] = "\\end{tabularx}}"
  out[#out + 1] = ""
  out[#out + 1] = "\\medskip"
  local acm_table = summary(rows)
  out[#out + 1] = "\\noindent{\\small " .. acm_table .. "}"
  return table.concat(out, "\n") .. "\n"
end

return M
