-- report.lua: `runner report SPEC.lua [options] SCRIPT.lua...` turns the
-- results of the experiments the scripts declare into what the paper
-- inputs: macros.tex, claims.tex, bytes.tex, listings.tex, artifact.tex,
-- claims.txt, claims-hosts.tex (every host side by side), evaluation.txt
-- (the evaluator's table), references.txt and one gnuplot script per
-- figure, all under --out.
--
-- A file is rewritten only when its text changes (through a temporary of
-- its own, which nothing planted can redirect, and a rename, so never
-- torn): make then redoes only what a change reaches. Nothing here
-- measures; a claim that fails is reported, never an error. Errors are
-- mistakes in the spec or the scripts, or results the report refuses
-- (report_check.lua), and name the file and line.

local native = require "report.native"
local sandbox = require "sandbox"
local flopbench = require "flopbench"
local registry = require "flopbench.registry"
local data = require "report_data"
local claims = require "report_claims"
local plot = require "report_plot"
local tex = require "report_tex"
local layers = require "report_layers"
local hosts_mod = require "report_hosts"
local refs = require "report_refs"
local artifact = require "report_artifact"

local M = {}
local fail = data.fail

local usage = [[
usage: runner report SPEC.lua [--out DIR] [--profile NAME] [--results DIR]
                     [--recorded DIR] [--tag TAG] SCRIPT.lua...
       runner report --current SCRIPT.lua --profile NAME --results DIR
  SPEC.lua        the figures (reports/paper.lua)
  SCRIPT.lua...   the experiment scripts whose results and claims the report reads
  --out DIR       where the generated files go (default build/paper/gen)
  --profile NAME  the profile the scripts are declared with (default quick)
  --results DIR   this build's results for this host: measured here, read first
                  (default build/results/NAME/TAG)
  --recorded DIR  recorded results, one folder per host (default results)
  --tag TAG       this host's folder under the recorded results (default: runner host-tag)
  --current       exit 0 if DIR holds results of SCRIPT's experiments as declared now]]

local function parse_args(argv)
  local opt = { scripts = {}, out = "build/paper/gen", profile = "quick", recorded = "results" }
  local valued = { ["--out"] = "out", ["--profile"] = "profile", ["--results"] = "results",
                   ["--recorded"] = "recorded", ["--tag"] = "tag" }
  local i = 1
  while i <= #argv do
    local a = argv[i]
    if a == "--help" or a == "-h" then
      io.stdout:write(usage, "\n")
      return nil
    elseif valued[a] then
      if not argv[i + 1] then fail("runner report: option %s needs a value\n%s", a, usage) end
      opt[valued[a]] = argv[i + 1]
      i = i + 1
    elseif a:sub(1, 1) == "-" then
      fail("runner report: unknown option '%s'\n%s", a, usage)
    elseif not opt.spec then
      opt.spec = a
    else
      opt.scripts[#opt.scripts + 1] = a
    end
    i = i + 1
  end
  if not opt.spec then fail("runner report: needs a SPEC.lua\n%s", usage) end
  opt.tag = opt.tag or native.host_tag()
  opt.results = opt.results or data.join("build/results", opt.profile, opt.tag)
  opt.version = native.version()
  return opt
end

---------------------------------------------------------------------------
-- The spec: figure{} and bytes_table{} declarations, run in a sandbox.

local position = sandbox.position

local figure_fields = { file = true, kind = true, experiment = true, series = true, size = true,
                        calls = true, figures = true, ceiling = true }

-- A legend{} figure: the figures it names (declared before it) share it
-- and draw no key of their own.
local function check_legend(where, f, files)
  if type(f.figures) ~= "table" or #f.figures == 0 then
    fail("%sfigure '%s': a legend needs field 'figures', the files of the figures it serves", where, f.file)
  end
  f.members = {}
  for _, name in ipairs(f.figures) do
    local member = files[name]
    if type(member) ~= "table" or member.kind == "legend" then
      fail("%sfigure '%s': '%s' is not a figure declared before it", where, f.file, tostring(name))
    end
    member.key = false
    f.members[#f.members + 1] = member
  end
  f.where = where
end

local function check_figure(where, f, files)
  if type(f) ~= "table" then fail("%sfigure: expects a table", where) end
  for k in pairs(f) do
    if not figure_fields[k] then
      fail("%sfigure: unknown field '%s' (valid: calls, ceiling, experiment, figures, file, kind, series, size)",
           where, tostring(k))
    end
  end
  if type(f.file) ~= "string" or not f.file:match("^[%w_-]+$") then
    fail("%sfigure: field 'file' must be a name of letters, digits, '-' and '_'", where)
  end
  if files[f.file] then fail("%sfigure '%s': declared twice", where, f.file) end
  files[f.file] = f
  if not plot.kinds[f.kind] then
    fail("%sfigure '%s': field 'kind' must be \"runtime\", \"bandwidth\" or \"legend\", got %s", where,
         f.file, f.kind == nil and "nothing" or string.format("%q", tostring(f.kind)))
  end
  if f.kind == "legend" then return check_legend(where, f, files) end
  if type(f.experiment) ~= "string" then
    fail("%sfigure '%s': field 'experiment' must be an experiment's name", where, f.file)
  end
  if f.series ~= nil and type(f.series) ~= "table" then
    fail("%sfigure '%s': field 'series' must be a list of selectors such as { op = \"matvec\" }",
         where, f.file)
  end
  for i, sel in ipairs(f.series or {}) do
    if type(sel) ~= "table" then fail("%sfigure '%s': series %d must be a table", where, f.file, i) end
    for k, v in pairs(sel) do
      if not data.selector_fields[k] and k ~= "experiment" and k ~= "label" and k ~= "dashed" then
        fail("%sfigure '%s': series %d: unknown field '%s' (valid: axis, backend, dashed, dtype, experiment, impl, label, op, threads)",
             where, f.file, i, tostring(k))
      end
      if (k == "experiment" or k == "label") and type(v) ~= "string" then
        fail("%sfigure '%s': series %d: field '%s' must be a string", where, f.file, i, k)
      end
      if k == "dashed" and type(v) ~= "boolean" then
        fail("%sfigure '%s': series %d: field 'dashed' must be a boolean", where, f.file, i)
      end
      if k == "label" and v:find("%c") then
        fail("%sfigure '%s': series %d: field 'label' may not hold a control character", where, f.file, i)
      end
    end
  end
  if f.size ~= nil and (type(f.size) ~= "string" or not f.size:match("^[%d.]+cm,[%d.]+cm$")) then
    fail("%sfigure '%s': field 'size' must be like \"5.4cm,5.6cm\"", where, f.file)
  end
  f.where = where
end

-- A quote{}: a series the text quotes, under a stable key.
local function check_quote(where, qt, keys)
  if type(qt) ~= "table" or type(qt.key) ~= "string" or not qt.key:match("^[%w_-]+$") then
    fail("%squote: expects { key = name, experiment = name, series = { op = ... } }", where)
  end
  local valid = { key = true, experiment = true, series = true, den = true, ceiling = true }
  for k in pairs(qt) do
    if not valid[k] then
      fail("%squote '%s': unknown field '%s' (valid: ceiling, den, experiment, key, series)", where, qt.key,
           tostring(k))
    end
  end
  if keys[qt.key] then fail("%squote '%s': declared twice", where, qt.key) end
  keys[qt.key] = true
  if type(qt.experiment) ~= "string" then fail("%squote '%s': needs field 'experiment'", where, qt.key) end
  for _, field in ipairs({ "series", "den" }) do
    local sel = qt[field]
    if sel ~= nil or field == "series" then
      if type(sel) ~= "table" then fail("%squote '%s': field '%s' must be a selector", where, qt.key, field) end
      for k in pairs(sel) do
        if not data.selector_fields[k] then
          fail("%squote '%s': %s: unknown field '%s' (valid: axis, backend, dtype, impl, op, threads)",
               where, qt.key, field, tostring(k))
        end
      end
    end
  end
  qt.where = where
end

-- Runs the spec and returns { figures = {...}, bytes = {names...}, quotes = {...} }.
local function load_spec(path)
  local spec, files, keys = { figures = {}, bytes = {}, quotes = {}, hosts_figures = {} }, {}, {}
  local env = {
    hosts_figure = function(f)
      local where = position(2)
      hosts_mod.check_figure(where, f)
      if files[f.file] then fail("%shosts_figure '%s': declared twice", where, f.file) end
      files[f.file] = f
      spec.hosts_figures[#spec.hosts_figures + 1] = f
    end,
    figure = function(f)
      local where = position(2)
      check_figure(where, f, files)
      spec.figures[#spec.figures + 1] = f
    end,
    quote = function(qt)
      local where = position(2)
      check_quote(where, qt, keys)
      spec.quotes[#spec.quotes + 1] = qt
    end,
    layers_table = function(t)
      local where = position(2)
      if spec.layers then fail("%slayers_table: declared twice", where) end
      layers.check(where, t)
      spec.layers = t
    end,
    bytes_table = function(groups)
      local where = position(2)
      local shape = "{ { title = text, ceiling = experiment, experiments = { names } }, ... }"
      if type(groups) ~= "table" then fail("%sbytes_table: expects %s", where, shape) end
      for _, g in ipairs(groups) do
        if type(g) ~= "table" or type(g.title) ~= "string" or type(g.experiments) ~= "table"
           or (g.ceiling ~= nil and type(g.ceiling) ~= "string") then
          fail("%sbytes_table: expects %s", where, shape)
        end
        g.where = where
        spec.bytes[#spec.bytes + 1] = g
      end
    end,
  }
  sandbox.run(path, sandbox.new(env, ""))
  return spec
end

---------------------------------------------------------------------------
-- Experiments and claims.

-- Declares every script with the profile; returns the experiments in
-- order, a map name -> experiment, and the claims.
local function declare(scripts, profile)
  local list, by_name, all_claims, ids = {}, {}, {}, {}
  for _, path in ipairs(scripts) do
    local d = flopbench.declare_file(path, profile)
    for _, e in ipairs(d.experiments) do
      if by_name[e.name] then
        fail("%s:%d: experiment '%s' is also declared at %s:%d", path, e.line, e.name,
             by_name[e.name].script, by_name[e.name].line)
      end
      local exp = { name = e.name, script = path, line = e.line, points = e.points, params = e.params }
      by_name[e.name] = exp
      list[#list + 1] = exp
    end
    for _, c in ipairs(d.claims) do
      if ids[c.id] then
        fail("%s:%d: claim '%s' is also declared at %s:%d", c.script, c.line, c.id, ids[c.id].script,
             ids[c.id].line)
      end
      ids[c.id] = c
      all_claims[#all_claims + 1] = c
    end
  end
  return list, by_name, all_claims
end

-- The first backend of exp's points that cannot run on this host, if any.
local function unavailable(exp)
  for _, p in ipairs(exp.points) do
    local b = registry.backends[p.backend]
    if b and not b.available then return p.backend end
  end
end

local function check_names(spec, by_name)
  local names = {}
  for name in pairs(by_name) do names[#names + 1] = name end
  table.sort(names)
  local function known(where, what, name)
    if not by_name[name] then
      fail("%s%s: experiment '%s' is not declared by any script given to the report (declared: %s)",
           where, what, name, table.concat(names, ", "))
    end
  end
  for _, f in ipairs(spec.figures) do
    if f.kind ~= "legend" then
      local what = "figure '" .. f.file .. "'"
      known(f.where, what, f.experiment)
      if f.ceiling then known(f.where, what, f.ceiling) end
      for _, sel in ipairs(f.series or {}) do
        if sel.experiment then known(f.where, what, sel.experiment) end
      end
    end
  end
  for _, g in ipairs(spec.bytes) do
    for _, name in ipairs(g.experiments) do known(g.where, "bytes_table", name) end
    if g.ceiling then known(g.where, "bytes_table", g.ceiling) end
  end
  for _, name in ipairs(spec.layers and layers.experiments(spec.layers) or {}) do
    known(spec.layers.where, "layers_table", name)
  end
  for _, f in ipairs(spec.hosts_figures) do
    if f.framework then known(f.where, "hosts_figure '" .. f.file .. "'", f.framework) end
    if f.library then known(f.where, "hosts_figure '" .. f.file .. "'", f.library) end
  end
  for _, qt in ipairs(spec.quotes) do
    known(qt.where, "quote '" .. qt.key .. "'", qt.experiment)
    if qt.ceiling then known(qt.where, "quote '" .. qt.key .. "'", qt.ceiling) end
  end
end

---------------------------------------------------------------------------
-- Output.

-- Writes text to path unless it already holds it; returns whether it
-- wrote. path is replaced whole (native.write_file) or left as it was.
local function write_if_changed(path, text)
  local f = io.open(path, "rb")
  if f then
    local old = f:read("a")
    f:close()
    if old == text then return false end
  end
  local ok, why = native.write_file(path, text)
  if not ok then fail("runner report: cannot write %s", why) end
  return true
end

-- Claims in the order of the figures that show their experiment (as the
-- main one or in a series), then by script and line.
local function order_claims(list, spec)
  local rank = {}
  for i, f in ipairs(spec.figures) do
    if f.experiment then rank[f.experiment] = rank[f.experiment] or i end
    for _, sel in ipairs(f.series or {}) do
      if sel.experiment then rank[sel.experiment] = rank[sel.experiment] or i end
    end
  end
  local out = {}
  for i, c in ipairs(list) do out[i] = c end
  local pos = {}
  for i, c in ipairs(list) do pos[c] = i end
  table.sort(out, function(a, b)
    local ra, rb = rank[a.measure.experiment] or math.huge, rank[b.measure.experiment] or math.huge
    if ra ~= rb then return ra < rb end
    return pos[a] < pos[b]
  end)
  return out
end

-- One line a claim: id, verdict, value, low, high, N, how the interval was
-- made (paired or unpaired), the unpaired value, low and high (for
-- comparison), script:line.
local function claims_text(results)
  local out = {}
  local function num(v) return v and string.format("%.4g", v) or "-" end
  for _, r in ipairs(results) do
    local u = r.unpaired or {}
    out[#out + 1] = string.format("%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s:%d", r.claim.id,
      r.verdict:gsub(" ", "-"), num(r.value), num(r.low), num(r.high), r.n and tostring(r.n) or "-",
      r.method or "-", num(u.value), num(u.low), num(u.high), r.claim.script, r.claim.line)
  end
  return table.concat(out, "\n") .. (#out > 0 and "\n" or "")
end

local function report_claim(r)
  local c = r.claim
  local value = r.value and string.format("%.3f [%.3f, %.3f] at N = %d, %s", r.value, r.low, r.high, r.n,
                                          r.method == "paired" and "paired" or "unpaired")
  if not value and r.diff_to then
    value = string.format("difference %.3g s at N = %d, %.3g s at N = %d", r.diff_to.value, r.n,
                          r.diff_from.value, r.n_from)
  end
  value = value or r.reason
  io.stderr:write(string.format("  claim %-22s %-14s %s (expected %s)\n", c.id, r.verdict, value,
                                claims.expect_text(c.expect)))
end

-- Why dir does not hold results of e as declared now; nil if it does.
-- A set the report would refuse is not current.
local function current_why(dir, e)
  if not data.exists(data.join(dir, "summary.csv")) then return "no results" end
  local ok, prov = pcall(data.read_set, dir, e.name)
  if not ok then
    if type(prov) ~= "table" or not prov.flopbench_error then error(prov, 0) end
    return "refused (" .. prov.flopbench_error .. ")"
  end
  if prov.params ~= e.params then return "declared differently" end
end

-- 1 if e is optional and none of its backends can run here: a run of its
-- script would measure nothing of it, so its missing results are no reason
-- to run the script again.
local function nothing_here(e)
  if not e.optional then return false end
  for _, p in ipairs(e.points) do
    local b = registry.backends[p.backend]
    if b and b.available then return false end
  end
  return true
end

-- `runner report --current SCRIPT.lua --profile NAME --results DIR`:
-- 0 if DIR holds results of every experiment SCRIPT declares, measured
-- from the same declaration (provenance's params) and such as the report
-- takes (one set, possible rows); else 1, saying which is not. An
-- optional experiment this host cannot measure at all may have no results. make
-- asks this before measuring a script again: a script whose claims or
-- comments changed keeps its results.
local function current(argv)
  local script, opt = argv[2], { profile = "quick" }
  for i = 3, #argv, 2 do
    local key = ({ ["--profile"] = "profile", ["--results"] = "results" })[argv[i]]
    if not key or not argv[i + 1] then
      fail("runner report: usage: runner report --current SCRIPT.lua --profile NAME --results DIR")
    end
    opt[key] = argv[i + 1]
  end
  if not script or not opt.results then
    fail("runner report: usage: runner report --current SCRIPT.lua --profile NAME --results DIR")
  end
  local d = flopbench.declare_file(script, opt.profile)
  for _, e in ipairs(d.experiments) do
    local dir = data.join(opt.results, e.name)
    local why = current_why(dir, e)
    if why == "no results" and nothing_here(e) then why = nil end
    if why then
      io.stderr:write(string.format("  %s: %s in %s\n", e.name, why, dir))
      return 1
    end
  end
  return 0
end

-- Loads every experiment's results, flags recorded ones declared
-- differently today, and judges the claims in the order of the figures.
local function gather(opt, spec)
  local exps, by_name, all_claims = declare(opt.scripts, opt.profile)
  check_names(spec, by_name)
  for _, c in ipairs(all_claims) do
    claims.check(c, by_name)
    refs.check(c)
  end
  local _, full_by_name = declare(opt.scripts, "full")
  for _, exp in ipairs(exps) do
    data.load(exp, opt)
    exp.unavailable = unavailable(exp)
    local full = full_by_name[exp.name]
    if exp.source == "recorded" and exp.prov.params then
      exp.stale = exp.prov.params ~= exp.params and not (full and exp.prov.params == full.params)
    end
  end
  local results = {}
  for _, c in ipairs(order_claims(all_claims, spec)) do
    results[#results + 1] = claims.evaluate(c, by_name[c.measure.experiment])
    report_claim(results[#results])
  end
  local estimates = {}
  for name, e in pairs(full_by_name) do estimates[name] = claims.estimate(e.points, by_name[name]) end
  return exps, by_name, results, estimates
end

-- Says on stderr which references disagree with the results they cite
-- (references.txt lists them all; tests/report/test_hosts.sh fails on one).
local function report_references(rows)
  for _, row in ipairs(rows) do
    for _, k in ipairs(row.checks) do
      if not k.agrees then
        io.stderr:write(string.format("  reference of claim %s (%s): disagrees: %s\n", row.claim.id, k.ref.host, (k.why:gsub("%c", " "))))
      end
    end
  end
end

-- Writes files (name -> text) under dir, each only if its text changed.
local function write_all(dir, files)
  local made, why = native.mkdir_p(dir)
  if not made then fail("runner report: cannot make --out folder %s", why) end
  local names, written = {}, 0
  for name in pairs(files) do names[#names + 1] = name end
  table.sort(names)
  for _, name in ipairs(names) do
    if write_if_changed(data.join(dir, name), files[name]) then written = written + 1 end
  end
  io.stderr:write(string.format("  report: %d of %d files changed in %s\n", written, #names, dir))
end

function M.main(argv)
  if argv[1] == "--current" then return current(argv) end
  local opt = parse_args(argv)
  if not opt then return 0 end
  if #opt.scripts == 0 then fail("runner report: needs at least one experiment SCRIPT.lua\n%s", usage) end
  local spec = load_spec(opt.spec)
  local exps, by_name, results, estimates = gather(opt, spec)
  local hosts = hosts_mod.list(opt)
  hosts_mod.load(hosts, exps)
  local rows = hosts_mod.judge(hosts, results)
  report_references(rows)
  local evaluation = hosts_mod.text(hosts, rows)
  local files = {
    ["macros.tex"] = tex.macros(exps, results, opt, spec.quotes, by_name, function(m)
      layers.macros(m, spec.layers, by_name)
      artifact.macros(m, rows)
    end),
    ["claims-hosts.tex"] = hosts_mod.table(hosts, rows),
    ["evaluation.txt"] = evaluation,
    ["references.txt"] = hosts_mod.references(rows),
    ["layers.tex"] = layers.table(spec.layers, by_name),
    ["claims.tex"] = tex.claims_table(results),
    ["bytes.tex"] = tex.bytes_table(spec.bytes, by_name),
    ["listings.tex"] = tex.listings(opt.scripts),
    ["artifact.tex"] = artifact.table(rows, hosts, estimates),
    ["claims.txt"] = claims_text(results),
  }
  for _, f in ipairs(spec.figures) do
    local name, text = plot.output(f, by_name)
    files[name] = text
  end
  for _, f in ipairs(spec.hosts_figures) do
    local name, text = hosts_mod.ratio_figure(f, hosts)
    files[name] = text
  end
  write_all(opt.out, files)
  return 0
end

return M
