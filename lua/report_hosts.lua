-- report_hosts.lua: every host's results side by side. The hosts are the
-- folders of the recorded results (results/<host>/) and this build's
-- results; each declared experiment is loaded from each host, each claim
-- judged on each, and this build's result set against the claim's
-- references (report_refs.lua). Writes the claims table across hosts
-- (claims-hosts.tex), the evaluator's table (evaluation.txt) and the
-- references' check against the results they cite (references.txt).

local native = require "report.native"
local data = require "report_data"
local claims = require "report_claims"
local refs = require "report_refs"
local tex = require "report_tex"
local text = require "report_text"
local fail = data.fail
local esc = text.tex

local M = {}

-- A folder path without "./" in front or "/" behind, for comparing.
local function norm(path)
  return (data.join(path):gsub("^%./", ""):gsub("/$", ""))
end

-- Whether folder dir holds the results of at least one experiment.
local function holds_results(dir)
  for _, name in ipairs(native.list_dir(dir) or {}) do
    if data.exists(data.join(dir, name, "summary.csv")) then return true end
  end
  return false
end

-- The hosts, in order: each recorded folder holding results (sorted by
-- name), then this build's results unless they are this host's recorded
-- folder. Each is { tag, dir, source ("recorded" or "live"), this (the
-- host of this build), build (this build's own results), recorded (a
-- folder of the recorded results, which PROFILE=full writes live) }.
function M.list(opt)
  local hosts = {}
  local recorded_here = opt.recorded and norm(data.join(opt.recorded, opt.tag))
  local live_is_recorded = opt.results and recorded_here == norm(opt.results)
  if opt.recorded then
    for _, tag in ipairs(native.list_dir(opt.recorded) or {}) do
      local dir = data.join(opt.recorded, tag)
      if holds_results(dir) then
        if not text.is_name(tag) then
          fail("%s: a host folder's name may hold only letters, digits, '.', '_' and '-', got %s",
               opt.recorded, text.show(tag))
        end
        local here = live_is_recorded and tag == opt.tag
        hosts[#hosts + 1] = { tag = tag, dir = dir, source = here and "live" or "recorded",
                              this = tag == opt.tag, build = here, recorded = true }
      end
    end
  end
  if opt.results and not live_is_recorded and holds_results(opt.results) then
    hosts[#hosts + 1] = { tag = opt.tag, dir = opt.results, source = "live", this = true, build = true }
  end
  return hosts
end

-- A host's name in a table: its tag, with "this build" or "this host".
function M.label(h)
  if h.build then return h.tag .. " (this build)" end
  if h.this then return h.tag .. " (this host, recorded)" end
  return h.tag
end

-- Loads every declared experiment (exps: the report's list) from every
-- host: h.by_name[name] is that host's copy, source "missing" if the
-- host has none.
function M.load(hosts, exps)
  for _, h in ipairs(hosts) do
    h.by_name = {}
    for _, e in ipairs(exps) do
      local copy = { name = e.name, script = e.script, line = e.line, points = e.points, params = e.params }
      local dir = data.join(h.dir, e.name)
      local where = data.exists(data.join(dir, "summary.csv"))
        and { dir = dir, source = h.source, tag = h.tag } or nil
      h.by_name[e.name] = data.load_at(copy, where)
    end
  end
end

-- Why host h lacks experiment name: the experiments it has.
local function lacks(h, name)
  local have, commits, seen = {}, {}, {}
  for n, e in pairs(h.by_name) do
    if e.source ~= "missing" then
      have[#have + 1] = n
      local commit = (e.prov.runner_commit or "unknown"):sub(1, 12)
      if not seen[commit] then seen[commit] = true; commits[#commits + 1] = commit end
    end
  end
  table.sort(have)
  table.sort(commits)
  if #have == 0 then return string.format("%s holds none of the report's experiments", h.dir) end
  if h.source == "live" then
    return string.format("this build measured no %s (only %s)", name, table.concat(have, ", "))
  end
  return string.format("%s recorded no %s (its runner %s recorded only %s)", h.tag, name,
                       table.concat(commits, ", "), table.concat(have, ", "))
end

-- Every claim on every host: a list of { claim, cells = { [i] = result
-- on hosts[i] }, here (this build's result, or nil), vs (the verdict of
-- its references, report_refs.verdict), checks (report_refs.check_recorded) }.
function M.judge(hosts, results)
  local rows = {}
  for _, main in ipairs(results) do
    local c = main.claim
    local name = c.measure.experiment
    local row = { claim = c, cells = {} }
    for i, h in ipairs(hosts) do
      local exp = h.by_name[name]
      local r = claims.evaluate(c, exp)
      if exp.source == "missing" then r.reason = lacks(h, name) end
      row.cells[i] = r
      if h.build and r.verdict ~= "missing" then row.here = r end
    end
    for i, h in ipairs(hosts) do
      if not row.here and h.this and row.cells[i].verdict ~= "missing" then row.here = row.cells[i] end
    end
    -- The row the reference's verdict goes with: this build's result, else
    -- the cell of this build's host, else none (a row of its own).
    row.vs_cell = row.here
    for i, h in ipairs(hosts) do
      if not row.vs_cell and h.build then row.vs_cell = row.cells[i] end
    end
    row.vs = refs.verdict(c, row.here, row.here and row.here.experiment)
    row.checks = refs.check_recorded(c, hosts, function(h)
      for i, x in ipairs(hosts) do
        if x == h then return row.cells[i] end
      end
    end)
    rows[#rows + 1] = row
  end
  return rows
end

---------------------------------------------------------------------------
-- Output.

local verdict_macro = {
  holds = "\\fbholds", ["does not hold"] = "\\fbfails", inconclusive = "\\fbinconclusive",
  missing = "\\fbmissing",
}

-- The device of host h for claim row: its GPU or CPU, as measured.
local function cell_device(r)
  local exp = r.experiment
  return exp and exp.source ~= "missing" and tex.device(exp) or nil
end

-- The claims table across hosts: a row per claim, a column per host
-- (value, interval, verdict), the reference and this build's verdict on it.
function M.table(hosts, rows)
  local cols = #hosts + 2
  local spec = string.rep(">{\\centering\\arraybackslash}X ", #hosts)
  local out = {
    "% Generated by `runner report`: do not edit.",
    string.format("\\begin{tabularx}{\\linewidth}{@{}l %s>{\\raggedright\\arraybackslash}p{2.9cm}@{}}", spec),
    "\\toprule",
  }
  local head = { "Claim" }
  for _, h in ipairs(hosts) do
    head[#head + 1] = string.format("\\texttt{%s}%s", esc(h.tag), h.this and "$^\\ast$" or "")
  end
  head[#head + 1] = "Reference: here"
  out[#out + 1] = table.concat(head, " & ") .. " \\\\"
  out[#out + 1] = "\\midrule"
  for _, row in ipairs(rows) do
    local line = { string.format("\\texttt{%s}", esc(row.claim.id)) }
    for _, r in ipairs(row.cells) do
      if r.value then
        line[#line + 1] = string.format("%s\\newline{\\scriptsize[%s, %s]}\\newline %s", tex.ratio(r.value),
                                        tex.ratio(r.low), tex.ratio(r.high), verdict_macro[r.verdict])
      elseif r.verdict ~= "missing" then
        line[#line + 1] = verdict_macro[r.verdict]
      else
        line[#line + 1] = "---"
      end
    end
    local ref = row.vs.ref or (row.claim.references or {})[1]
    line[#line + 1] = string.format("%s%s",
      ref and string.format("$%g\\pm%g$ {\\scriptsize(\\texttt{%s})}\\newline ", ref.value, ref.tolerance,
                            esc(ref.host)) or "",
      "\\emph{" .. esc(row.vs.verdict) .. "}")
    out[#out + 1] = table.concat(line, " & ") .. " \\\\[0.4ex]"
  end
  if #rows == 0 then out[#out + 1] = string.format("\\multicolumn{%d}{@{}l}{No claims declared.} \\\\", cols) end
  out[#out + 1] = "\\bottomrule"
  out[#out + 1] = "\\end{tabularx}"
  local notes = {}
  for _, h in ipairs(hosts) do
    local devices, seen = {}, {}
    for _, e in pairs(h.by_name) do
      local d = e.source ~= "missing" and tex.device(e)
      if d and not seen[d] then seen[d] = true; devices[#devices + 1] = d end
    end
    table.sort(devices)
    notes[#notes + 1] = string.format("\\texttt{%s}: %s (\\texttt{%s})", esc(M.label(h)),
                                      esc(table.concat(devices, ", ")), esc(h.dir))
  end
  out[#out + 1] = "\\par\\smallskip{\\footnotesize $^\\ast$\\,the host of this build. "
    .. (#notes > 0 and table.concat(notes, "; ") .. "." or "No host has results.") .. "}"
  return table.concat(out, "\n") .. "\n"
end

-- Text from results on one line: every control character a space.
local function one_line(s)
  return (tostring(s):gsub("%c", " "))
end

-- Pads s with spaces to width w (by characters, not bytes).
local function pad(s, w)
  local n = utf8.len(s) or #s
  return s .. string.rep(" ", math.max(0, w - n))
end

-- The evaluator's table, plain text: a row per claim and host with N,
-- value, interval and verdict; this build's row adds the reference's
-- verdict. Then a count of those verdicts.
function M.text(hosts, rows)
  local lines = { { "claim", "host", "N", "value", "interval", "verdict (-> this build against the reference)", "" } }
  local count = { reproduced = 0, differs = 0, ["not comparable"] = 0, ["no reference"] = 0 }
  for _, row in ipairs(rows) do
    for i, h in ipairs(hosts) do
      local r = row.cells[i]
      local vs = ""
      if r == row.vs_cell then vs = row.vs.verdict .. ": " .. row.vs.reason end
      lines[#lines + 1] = { row.claim.id, M.label(h), r.n and tostring(r.n) or "-",
        r.value and string.format("%.4g", r.value) or "-",
        r.value and string.format("[%.4g, %.4g]", r.low, r.high) or "-",
        r.verdict == "missing" and "missing: " .. (r.reason or "") or r.verdict, vs }
    end
    if not row.vs_cell then
      lines[#lines + 1] = { row.claim.id, "this build", "-", "-", "-", "not measured",
                            row.vs.verdict .. ": " .. row.vs.reason }
    end
    count[row.vs.verdict] = count[row.vs.verdict] + 1
  end
  local width = {}
  for _, l in ipairs(lines) do
    for j = 1, 7 do l[j] = one_line(l[j]) end
    for j = 1, 5 do width[j] = math.max(width[j] or 0, utf8.len(l[j]) or #l[j]) end
  end
  local out = {}
  for _, l in ipairs(lines) do
    local cells = {}
    for j = 1, 5 do cells[j] = pad(l[j], width[j]) end
    cells[6] = l[6]
    out[#out + 1] = table.concat(cells, "  ")
    if l[7] ~= "" then out[#out + 1] = string.rep(" ", width[1] + 2) .. "-> " .. l[7] end
  end
  out[#out + 1] = ""
  out[#out + 1] = string.format("this build against the references: %d reproduced, %d differ, %d not comparable, %d without a reference",
                                count.reproduced, count.differs, count["not comparable"], count["no reference"])
  return table.concat(out, "\n") .. "\n", count
end

-- references.txt: each reference against the results it cites, one line
-- each: claim, host, class, value, tolerance, agrees|disagrees, why.
function M.references(rows)
  local out = {}
  for _, row in ipairs(rows) do
    for _, k in ipairs(row.checks) do
      out[#out + 1] = table.concat({ row.claim.id, k.ref.host, k.ref.class, string.format("%g", k.ref.value),
        string.format("%g", k.ref.tolerance), k.agrees and "agrees" or "disagrees", one_line(k.why) }, "\t")
    end
  end
  return table.concat(out, "\n") .. (#out > 0 and "\n" or "")
end

---------------------------------------------------------------------------
-- The figure across hosts: for one article panel, the ratio of outer_sum
-- to matvec against N on every host that measured it, the framework
-- solid and the library under it dashed, one colour a host.
--   hosts_figure { file = "hosts-gpu-f64", framework = "fig2-gpu-f64-cupy",
--                  library = "fig2-gpu-f64", axis = 0 }

local figure_fields = { file = true, framework = true, library = true, axis = true, size = true }

-- Checks a hosts_figure{} of the spec (where: "spec:line: ").
function M.check_figure(where, f)
  if type(f) ~= "table" then fail("%shosts_figure: expects a table", where) end
  for k in pairs(f) do
    if not figure_fields[k] then
      fail("%shosts_figure: unknown field '%s' (valid: axis, file, framework, library, size)", where, tostring(k))
    end
  end
  if type(f.file) ~= "string" or not f.file:match("^[%w_-]+$") then
    fail("%shosts_figure: field 'file' must be a name of letters, digits, '-' and '_'", where)
  end
  if f.framework == nil and f.library == nil then
    fail("%shosts_figure '%s': needs field 'framework' or 'library' (an experiment's name)", where, f.file)
  end
  for _, k in ipairs({ "framework", "library" }) do
    if f[k] ~= nil and type(f[k]) ~= "string" then
      fail("%shosts_figure '%s': field '%s' must be an experiment's name", where, f.file, k)
    end
  end
  if f.axis ~= 0 and f.axis ~= 1 then
    fail("%shosts_figure '%s': field 'axis' must be 0 or 1 (the outer_sum's summation axis)", where, f.file)
  end
  if f.size ~= nil and (type(f.size) ~= "string" or not f.size:match("^[%d.]+cm,[%d.]+cm$")) then
    fail("%shosts_figure '%s': field 'size' must be like \"5.4cm,5.6cm\"", where, f.file)
  end
  f.where = where
end

-- The points { n, ratio } of outer_sum (axis) over matvec in exp, at
-- every N both measured; nil if exp lacks either (or has several).
local function ratio_points(exp, axis)
  if not exp or exp.source == "missing" then return nil end
  local num = data.one_series(exp, { op = "outer_sum", axis = axis })
  local den = data.one_series(exp, { op = "matvec" })
  if not num or not den then return nil end
  local pts = {}
  for _, p in ipairs(num.points) do
    local q = den.at[p.n]
    if q and q.median > 0 then pts[#pts + 1] = { n = p.n, ratio = p.median / q.median } end
  end
  return #pts > 0 and pts or nil
end

-- A colour a host, far apart (Okabe-Ito).
local host_colors = { "#0072B2", "#E69F00", "#009E73", "#CC79A7", "#000000", "#D55E00", "#56B4E9" }

-- The gnuplot script of hosts_figure f over hosts: its file name and text.
function M.ratio_figure(f, hosts)
  local plot = require "report_plot"
  local q, num = text.gnuplot, plot.num
  local lines, curves, ymax, nmax = {}, {}, 1, 0
  for i, h in ipairs(hosts) do
    for _, layer in ipairs({ { "framework", 1 }, { "library", 2 } }) do
      local name = f[layer[1]]
      local pts = name and ratio_points(h.by_name[name], f.axis)
      if pts then
        curves[#curves + 1] = { host = h, pts = pts, dt = layer[2], color = host_colors[(i - 1) % #host_colors + 1],
                                label = string.format("%s, %s", M.label(h), layer[1] == "framework"
                                  and (tex.framework(h.by_name[name]) or "the framework") or "the library") }
        for _, p in ipairs(pts) do ymax, nmax = math.max(ymax, p.ratio), math.max(nmax, p.n) end
      end
    end
  end
  local names = {}
  for _, k in ipairs({ "framework", "library" }) do
    if f[k] then names[#names + 1] = f[k] end
  end
  plot.header(lines, f.file, f.size or "7.8cm,6.6cm", "every host's " .. table.concat(names, " and "))
  if #curves == 0 then
    plot.empty_panel(lines, "no host has results for " .. table.concat(names, " or "))
    return f.file .. ".gp", table.concat(lines, "\n") .. "\n"
  end
  local xmax, step = plot.n_axis(nmax)
  lines[#lines + 1] = string.format("set xrange [0:%s]; set xtics %s", num(xmax), num(step))
  lines[#lines + 1] = "set xlabel '$N$ (thousands)' offset 0,0.3"
  local ystep = plot.nice(ymax / 5)
  lines[#lines + 1] = string.format("set yrange [0:%s]; set ytics %s", num(ystep * math.ceil(ymax * 1.05 / ystep)),
                                    num(ystep))
  lines[#lines + 1] = string.format("set ylabel 'outer (axis %d) / matvec'", f.axis)
  lines[#lines + 1] = "set key below Left reverse samplen 1.5 spacing 1.6 width -1 height 1.2 maxcols 1"
  local plots = {}
  for i, cv in ipairs(curves) do
    local rows = {}
    for _, p in ipairs(cv.pts) do rows[#rows + 1] = { num(p.n / 1000), num(p.ratio) } end
    plot.datablock(lines, "r" .. i, rows)
    plots[#plots + 1] = string.format("$r%d using 1:2 with linespoints lc rgb %s lw 1.2 dt %d pt 7 ps 0.4 pi %d title %s",
      i, q(cv.color), cv.dt, #rows > 12 and 4 or 1, q(text.tex(cv.label)))
  end
  plots[#plots + 1] = "1 with lines lc rgb '#888888' lw 0.6 dt 3 notitle"
  lines[#lines + 1] = "plot " .. table.concat(plots, ", \\\n     ")
  return f.file .. ".gp", table.concat(lines, "\n") .. "\n"
end

return M
