-- report_plot.lua: gnuplot scripts for the paper's figures, generated from
-- the results. Each script holds its data inline, so that it alone
-- decides whether a figure is stale, and draws with the cairolatex
-- terminal: lines in a PDF, every label typeset by LaTeX in the paper's
-- fonts.
--
-- A figure is declared in the report spec:
--   figure { file = "fig2-gpu-f64", kind = "runtime", experiment = "fig2-gpu-f64",
--            series = { { op = "matvec" }, { op = "outer_sum", impl = "gemm" } } }
--   figure { file = "bandwidth-cpu", kind = "bandwidth", experiment = "fig2-cpu" }
-- runtime: time of `calls` calls (1000, as the article) against N, each
-- median with its confidence band, FLOPs = 2N^2-N on the top axis.
-- bandwidth: achieved GB/s of every series against the copy ceiling, on a
-- linear axis (a fused outer_sum, moving O(N) bytes, lies along zero).
--   figure { file = "fig2-key", kind = "legend", figures = { "fig2-gpu-f64", ... } }
-- legend: the key the listed figures share, on one line; they draw none.

local data = require "report_data"
local text = require "report_text"

local M = {}

-- A gnuplot single-quoted string; labels in it are LaTeX (cairolatex).
local q = text.gnuplot

local function num(x)
  return string.format("%.9g", x)
end

---------------------------------------------------------------------------
-- How each series looks: colour by op (the article's blue and orange),
-- a second colour for the other summation axis, dashes for fused.

local palette = { "#0072B2", "#E69F00", "#D55E00", "#009E73", "#CC79A7", "#56B4E9", "#F0E442",
                  "#000000" }

local function base_style(s)
  local fused = s.op == "outer_sum" and s.impl:find("fused", 1, true)
  if s.op == "matvec" then return { color = "#0072B2", pt = 7, label = "matvec", rank = 1 } end
  if s.op == "copy" then return { color = "#555555", pt = 1, label = "copy", rank = 6 } end
  local rows = s.axis == "1"
  if fused then
    return { color = "#009E73", pt = rows and 8 or 4, dt = rows and 4 or 2, rank = rows and 4 or 5,
             label = rows and "fused, rows (axis 1)" or "fused, columns (axis 0)" }
  end
  return { color = rows and "#D55E00" or "#E69F00", pt = rows and 9 or 5, rank = rows and 2 or 3,
           label = rows and "outer, rows (axis 1)" or "outer, columns (axis 0)" }
end

-- Styles for a figure's series: labels gain the impl, then the backend,
-- where two series would otherwise read alike; colours stay distinct.
local function styles(list, sels)
  local out, count, used = {}, {}, {}
  for i, s in ipairs(list) do
    out[i] = base_style(s)
    if sels and sels[i] and sels[i].dashed then out[i].dt, out[i].rank = 2, out[i].rank + 0.5 end
    count[out[i].label] = (count[out[i].label] or 0) + 1
  end
  for i, s in ipairs(list) do
    if count[out[i].label] > 1 then out[i].extra = s.impl end
  end
  local seen = {}
  for i, s in ipairs(list) do
    local l = out[i].label .. (out[i].extra or "")
    if seen[l] then out[i].extra = (out[i].extra and out[i].extra .. ", " or "") .. s.backend end
    seen[l] = true
  end
  local colors = {}
  for _, st in ipairs(out) do colors[st.color] = true end
  for _, st in ipairs(out) do
    if st.extra then st.label = st.label .. " (" .. text.tex(st.extra) .. ")" end
    local look = string.format("%s %d %d", st.color, st.dt or 1, st.pt)
    if used[look] then
      for _, c in ipairs(palette) do
        if not colors[c] then st.color, colors[c] = c, true; break end
      end
    end
    used[string.format("%s %d %d", st.color, st.dt or 1, st.pt)] = true
  end
  return out
end
M.styles = styles

---------------------------------------------------------------------------
-- Axes.

-- A round number near x: 1, 2 or 5 times a power of ten (or 2.5).
local function nice(x)
  local p = 10 ^ math.floor(math.log(x, 10))
  for _, m in ipairs({ 1, 2, 2.5, 5, 10 }) do
    if m * p >= x then return m * p end
  end
  return 10 * p
end

-- The N axis, in thousands: its upper bound and tic step, about four tics.
local function n_axis(nmax)
  local k = nmax / 1000
  local step = nice(k / 4.5)
  return step * math.ceil(k / step - 1e-9), step
end

-- N where 2N^2 - N = f.
local function n_of_flops(f)
  return (1 + math.sqrt(1 + 8 * f)) / 4
end

-- Top-axis tics at round FLOP counts (1, 2 or 4 times a power of ten),
-- placed by N (in thousands), at least 2/9 of the axis apart and clear
-- of the origin.
local function flops_tics(xmax)
  local nmax = xmax * 1000
  local fmax = 2 * nmax * nmax - nmax
  local tics, last = {}, math.huge
  for e = math.floor(math.log(fmax, 10)), 1, -1 do
    for _, m in ipairs({ 4, 2, 1 }) do
      local f = m * 10 ^ e
      local x = n_of_flops(f) / 1000
      if f <= fmax and x >= xmax / 10 and last - x >= xmax / 4.5 then
        local label = m == 1 and string.format("$10^{%d}$", e)
          or string.format("$%d{\\cdot}10^{%d}$", m, e)
        tics[#tics + 1] = string.format("%s %s", q(label), num(x))
        last = x
      end
    end
    if last < xmax / 4.5 then break end
  end
  return "(" .. table.concat(tics, ", ") .. ")"
end

local function header(lines, out, size, note)
  lines[#lines + 1] = "# Generated by `runner report` from " .. text.comment(note) .. ": do not edit."
  lines[#lines + 1] = "set terminal cairolatex pdf input colortext size " .. size .. " font ',8'"
  lines[#lines + 1] = "set output " .. q(out .. ".tex")
  lines[#lines + 1] = "set border 3 lw 0.8"
  lines[#lines + 1] = "set tics nomirror out scale 0.6"
  lines[#lines + 1] = "set grid ytics lc rgb '#dddddd' lw 0.6 dt 1"
end

-- A panel with nothing to draw, saying why.
local function empty_panel(lines, why)
  lines[#lines + 1] = "set xrange [0:1]"
  lines[#lines + 1] = "set yrange [0:1]"
  lines[#lines + 1] = "unset xtics; unset ytics; unset grid; set border 15 lc rgb '#999999'"
  lines[#lines + 1] = "set label 1 " .. q("\\parbox{0.8\\linewidth}{\\centering " .. text.tex(why) .. "}")
    .. " at graph 0.5,0.5 center"
  lines[#lines + 1] = "plot NaN notitle"
end

local function datablock(lines, name, rows)
  lines[#lines + 1] = "$" .. name .. " << EOD"
  for _, r in ipairs(rows) do lines[#lines + 1] = table.concat(r, " ") end
  lines[#lines + 1] = "EOD"
end

---------------------------------------------------------------------------
-- The figures.

-- The series fig's selectors pick, in selector order, each from the
-- selector's experiment or the figure's; labels as the selectors give them.
local function picked(fig, exps)
  local list, sels, seen = {}, {}, {}
  for _, sel in ipairs(fig.series or { {} }) do
    local exp = exps[sel.experiment or fig.experiment]
    for _, s in ipairs(exp and data.select(exp, sel) or {}) do
      if not seen[s] then
        seen[s] = true
        list[#list + 1] = s
        sels[#list] = sel
      end
    end
  end
  return list, sels
end

-- styles(list), with the labels (text, not LaTeX) and dashes a figure's
-- selectors give.
local function figure_styles(list, sels)
  local st = styles(list, sels)
  for i, sel in pairs(sels) do
    if sel.label then st[i].label = text.tex(sel.label) end
  end
  return st
end

-- The y axis of a linear plot up to ymax: about five tics.
local function y_axis(lines, ymax)
  local step = nice(ymax / 5)
  lines[#lines + 1] = string.format("set yrange [0:%s]; set ytics %s", num(step * math.ceil(ymax / step)),
                                    num(step))
end

local function x_axis(lines, list)
  local nmax = 0
  for _, s in ipairs(list) do nmax = math.max(nmax, s.points[#s.points].n) end
  local xmax, step = n_axis(nmax)
  lines[#lines + 1] = string.format("set xrange [0:%s]; set xtics %s", num(xmax), num(step))
  lines[#lines + 1] = "set xlabel '$N$ (thousands)' offset 0,0.25"
  return xmax
end

local function key(lines, fig, where)
  if fig.key == false then
    lines[#lines + 1] = "unset key"
  else
    lines[#lines + 1] = "set key " .. where .. " Left reverse samplen 1.5 spacing 1.1 width -1"
  end
end

local function runtime(fig, exps, lines)
  local exp = exps[fig.experiment]
  local list, sels = picked(fig, exps)
  if #list == 0 then
    return empty_panel(lines, exp.source == "missing" and "no results for " .. exp.name
      .. " on this host, and none recorded" or "none of the figure's series in " .. exp.name)
  end
  local calls, st, ymax = fig.calls or 1000, figure_styles(list, sels), 0
  local xmax = x_axis(lines, list)
  for _, s in ipairs(list) do
    for _, p in ipairs(s.points) do ymax = math.max(ymax, calls * p.high) end
  end
  y_axis(lines, ymax)
  lines[#lines + 1] = string.format("set ylabel 'time of %d calls (s)'", calls)
  lines[#lines + 1] = string.format("set x2range [0:%s]", num(xmax))
  lines[#lines + 1] = "set x2tics " .. flops_tics(xmax) .. " out scale 0.6"
  lines[#lines + 1] = "set x2label 'FLOPs $=2N^2-N$' offset 0,-0.2"
  key(lines, fig, "top left")
  local plots = {}
  for i, s in ipairs(list) do
    local rows = {}
    for _, p in ipairs(s.points) do
      rows[#rows + 1] = { num(p.n / 1000), num(calls * p.median), num(calls * p.low), num(calls * p.high) }
    end
    datablock(lines, "s" .. i, rows)
    local many = #s.points > 12
    plots[#plots + 1] = string.format(
      "$s%d using 1:3:4 with filledcurves fc rgb %s fs transparent solid 0.3 noborder notitle", i,
      q(st[i].color))
    plots[#plots + 1] = string.format(
      "$s%d using 1:2 with linespoints lc rgb %s lw 1.2 dt %d pt %d ps %s pi %d title %s", i,
      q(st[i].color), st[i].dt or 1, st[i].pt, many and "0.45" or "0.6", many and 4 or 1,
      q(st[i].label))
  end
  lines[#lines + 1] = "plot " .. table.concat(plots, ", \\\n     ")
end

local function bandwidth(fig, exps, lines)
  local exp = exps[fig.experiment]
  local list, sels = picked(fig, exps)
  local ceiling = data.copy_ceiling(exps[fig.ceiling or fig.experiment])
  if #list == 0 then
    return empty_panel(lines, exp.source == "missing" and "no results for " .. exp.name
      .. " on this host, and none recorded" or "no series to draw in " .. exp.name)
  end
  local st = figure_styles(list, sels)
  x_axis(lines, list)
  local ymax = ceiling and ceiling.gbps or 0
  for _, s in ipairs(list) do
    for _, p in ipairs(s.points) do ymax = math.max(ymax, p.gbps or 0) end
  end
  y_axis(lines, ymax * 1.05)
  lines[#lines + 1] = "set ylabel 'achieved bandwidth (GB/s)'"
  key(lines, fig, "bottom right")
  local plots = {}
  for i, s in ipairs(list) do
    local rows = {}
    for _, p in ipairs(s.points) do
      if p.gbps and p.gbps > 0 then rows[#rows + 1] = { num(p.n / 1000), num(p.gbps) } end
    end
    if #rows > 0 then
      datablock(lines, "s" .. i, rows)
      plots[#plots + 1] = string.format(
        "$s%d using 1:2 with linespoints lc rgb %s lw 1.2 dt %d pt %d ps 0.45 pi %d title %s", i,
        q(st[i].color), st[i].dt or 1, st[i].pt, #rows > 12 and 4 or 1, q(st[i].label))
    end
  end
  if ceiling then
    plots[#plots + 1] = string.format("%s with lines lc rgb '#000000' lw 0.8 dt 3 title 'copy ceiling'",
                                      num(ceiling.gbps))
  end
  lines[#lines + 1] = "plot " .. table.concat(plots, ", \\\n     ")
end

-- A gnuplot point type drawn in TikZ at (0.25,0): filled or open circle,
-- square, triangle; a plus otherwise.
local marks = {
  [7] = "\\fill (0.25,0) circle (1.5pt);", [6] = "\\draw (0.25,0) circle (1.5pt);",
  [5] = "\\fill (0.25,0) +(-1.4pt,-1.4pt) rectangle +(1.4pt,1.4pt);",
  [4] = "\\draw (0.25,0) +(-1.4pt,-1.4pt) rectangle +(1.4pt,1.4pt);",
  [9] = "\\fill (0.25,0) +(0,1.8pt) -- +(-1.6pt,-1.1pt) -- +(1.6pt,-1.1pt) -- cycle;",
  [8] = "\\draw (0.25,0) +(0,1.8pt) -- +(-1.6pt,-1.1pt) -- +(1.6pt,-1.1pt) -- cycle;",
}
local dashes = { [1] = "solid", [2] = "dashed", [3] = "dotted", [4] = "dash dot" }

-- The key the figures in fig.figures share, as LaTeX that wraps like
-- text: every style they use, once, in a fixed order. Returns its text.
local function legend(fig, exps)
  local entries, seen, ceiling = {}, {}, false
  for _, f in ipairs(fig.members) do
    local list, sels = picked(f, exps)
    for _, st in ipairs(figure_styles(list, sels)) do
      if not seen[st.label] then
        seen[st.label] = true
        entries[#entries + 1] = st
      end
    end
    if f.kind == "bandwidth" and data.copy_ceiling(exps[f.ceiling or f.experiment]) then
      ceiling = true
    end
  end
  table.sort(entries, function(a, b)
    if a.rank ~= b.rank then return a.rank < b.rank end
    return a.label < b.label
  end)
  local items = {}
  for _, st in ipairs(entries) do
    local c = st.color:sub(2)
    items[#items + 1] = string.format(
      "\\mbox{\\tikz[baseline=-0.6ex]{\\definecolor{fbkey}{HTML}{%s}\\draw[fbkey, line width=0.6pt, %s] (0,0) -- (0.5,0); "
      .. "\\begin{scope}[fbkey, solid, line width=0.5pt]%s\\end{scope}}\\,%s}", c, dashes[st.dt or 1],
      marks[st.pt] or "\\draw (0.25,0) +(-1.5pt,0) -- +(1.5pt,0) +(0,-1.5pt) -- +(0,1.5pt);", st.label)
  end
  if ceiling then
    items[#items + 1] = "\\mbox{\\tikz[baseline=-0.6ex]{\\draw[black, line width=0.5pt, dotted] (0,0) -- (0.5,0);}\\,copy ceiling}"
  end
  return "% Generated by `runner report`: the key of " .. table.concat(fig.figures, ", ")
    .. ": do not edit.\n{\\centering " .. table.concat(items, "\\hspace{1.5em plus 0.5em}\n") .. "\\par}\n"
end

-- The pieces other figure makers (report_hosts.lua) draw with.
M.header, M.empty_panel, M.datablock, M.nice, M.n_axis, M.num =
  header, empty_panel, datablock, nice, n_axis, num

local kinds = { runtime = runtime, bandwidth = bandwidth }
M.kinds = { runtime = true, bandwidth = true, legend = true }

-- The file fig draws from exps (name -> experiment): its name and text,
-- a gnuplot script for a panel, LaTeX for a legend.
function M.output(fig, exps)
  if fig.kind == "legend" then return fig.file .. ".tex", legend(fig, exps) end
  local lines, exp = {}, exps[fig.experiment]
  header(lines, fig.file, fig.size or "5.2cm,5.4cm", exp.dir or ("no results for " .. exp.name))
  kinds[fig.kind](fig, exps, lines)
  return fig.file .. ".gp", table.concat(lines, "\n") .. "\n"
end

return M
