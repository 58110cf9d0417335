-- report_check.lua: what the report refuses to read. A results folder
-- (summary.csv, samples.csv, provenance.csv) is taken only if its rows
-- are possible and the three files are one set; otherwise the report
-- stops naming the file and row and what was expected. A claim is never
-- judged on a negative time, an interval that misses its median, a
-- repeated point, a number that does not fit, a row of another
-- experiment, or files from two runs.
--
-- One set: the runner writes provenance keys run_id, summary_rows and
-- samples_rows, and a last column run_id in summary.csv and samples.csv
-- holding that id in every row. A folder with no run_id anywhere (results
-- recorded before) is taken as it is.

local sandbox = require "sandbox"
local text = require "report_text"

local fail, show = sandbox.fail, text.show

local M = {}

-- Columns that hold names (checked against text.is_name).
local names = { "experiment", "backend", "op", "impl", "dtype" }

-- Columns that are times per call: above zero.
local times = { "median_s", "ci_low_s", "ci_high_s", "min_s", "max_s", "mean_s" }

-- Columns that count: positive integers.
local counts = { "n", "samples" }

local numeric = {
  "n", "iterations", "threads", "graph", "flush_l2", "samples", "median_s", "ci_low_s",
  "ci_high_s", "ci_level", "min_s", "max_s", "mean_s", "stddev_s", "rel_ci", "outliers",
  "flops", "bytes", "gbps", "gflops", "rel_err",
}

local function finite(v) return v == v and v ~= math.huge and v ~= -math.huge end

-- Row `line` of summary.csv at path names its point with names.
local function check_names(path, line, row)
  for _, c in ipairs(names) do
    if not text.is_name(row[c]) then
      fail("%s:%d: column '%s' must be a name of letters, digits, '.', '_' and '-', got %s", path, line,
           c, show(row[c]))
    end
  end
  if row.axis ~= "" and row.axis ~= "0" and row.axis ~= "1" then
    fail("%s:%d: column 'axis' must be 0, 1 or empty, got %s", path, line, show(row.axis))
  end
end

-- Columns a row must fill.
local filled = { n = true, samples = true, median_s = true, ci_low_s = true, ci_high_s = true,
                 flops = true, bytes = true, gbps = true }

-- Row `line`'s numeric columns become finite non-negative numbers.
local function check_numbers(path, line, row)
  for _, c in ipairs(numeric) do
    local s = row[c]
    if s == "" and filled[c] then fail("%s:%d: column '%s' is empty, expected a number", path, line, c) end
    if s ~= nil and s ~= "" then
      local v = tonumber(s)
      if not v then fail("%s:%d: column '%s' is not a number: %s", path, line, c, show(s)) end
      if not finite(v) then fail("%s:%d: column '%s' does not fit a number: %s", path, line, c, s) end
      if v < 0 then fail("%s:%d: column '%s' must not be negative, got %s", path, line, c, s) end
      row[c] = v
    end
  end
end

-- Row `line`'s times are above zero, its counts positive integers, and
-- its median within its interval.
local function check_values(path, line, row)
  for _, c in ipairs(times) do
    if row[c] == 0 then fail("%s:%d: column '%s' must be a time above zero, got 0", path, line, c) end
  end
  for _, c in ipairs(counts) do
    if not sandbox.positive_integer(row[c]) then
      fail("%s:%d: column '%s' must be a positive integer, got %s", path, line, c, tostring(row[c]))
    end
    row[c] = math.tointeger(row[c])
  end
  if not (row.ci_low_s <= row.median_s and row.median_s <= row.ci_high_s) then
    fail("%s:%d: median_s %.9g lies outside its interval [ci_low_s, ci_high_s] = [%.9g, %.9g]", path,
         line, row.median_s, row.ci_low_s, row.ci_high_s)
  end
end

-- Checks every row of summary.csv at path (rows as read_csv gives them);
-- numeric columns become numbers.
function M.summary(path, rows)
  for i, row in ipairs(rows) do
    check_names(path, i + 1, row)
    check_numbers(path, i + 1, row)
    check_values(path, i + 1, row)
  end
end

-- Fields that tell two points apart.
local point_fields = { "backend", "op", "impl", "axis", "dtype", "threads", "graph", "flush_l2", "n" }

-- No two rows of summary.csv at path are one point.
function M.distinct(path, rows)
  local first = {}
  for i, row in ipairs(rows) do
    local parts = {}
    for j, f in ipairs(point_fields) do parts[j] = tostring(row[f]) end
    local key = table.concat(parts, " ")
    if first[key] then
      fail("%s:%d: a second row for the point of row %d (%s %s %s%s, n = %d): one row a point", path,
           i + 1, first[key], row.backend, row.op, row.impl, row.axis ~= "" and " axis " .. row.axis or "",
           row.n)
    end
    first[key] = i + 1
  end
end

-- The values params (an experiment's declaration as provenance holds it)
-- gives field: a set and its text, or nil if it gives none.
local function declared(params, field)
  local v = params and (params:match("[{,] " .. field .. " = (%b{})")
                        or params:match("[{,] " .. field .. ' = ("[^"]*")'))
  if not v then return nil end
  local set, list = {}, {}
  for name in v:gmatch('"([^"]*)"') do
    set[name] = true
    list[#list + 1] = "'" .. name .. "'"
  end
  return set, table.concat(list, ", ")
end

-- Every row of summary.csv at path is of experiment `name` (its folder's
-- and its provenance's) and of a backend and dtype its declaration names.
function M.agrees(path, rows, name, prov, prov_path)
  if prov.experiment and prov.experiment ~= name then
    fail("%s: experiment %s, but it lies in the folder of experiment '%s'", prov_path,
         show(prov.experiment), name)
  end
  local allowed = { backend = { declared(prov.params, "backend") }, dtype = { declared(prov.params, "dtype") } }
  for i, row in ipairs(rows) do
    if row.experiment ~= name then
      fail("%s:%d: column 'experiment' is '%s', but the folder is experiment '%s'", path, i + 1,
           row.experiment, name)
    end
    for _, f in ipairs({ "backend", "dtype" }) do
      local set, list = allowed[f][1], allowed[f][2]
      if set and not set[row[f]] then
        fail("%s:%d: column '%s' is '%s', but %s declares %s %s", path, i + 1, f, row[f], prov_path, f,
             list)
      end
    end
  end
end

---------------------------------------------------------------------------
-- One set.

local function is_run_id(s) return type(s) == "string" and s:match("^[0-9A-Za-z-]+$") ~= nil end

local function has_column(header, name)
  for _, h in ipairs(header) do if h == name then return true end end
  return false
end

-- A file of the set: its path, rows and header, and the provenance key
-- that counts its rows.
local function check_file(f, id, prov, prov_path)
  if f.header[#f.header] ~= "run_id" then
    fail("%s: has no run_id as its last column, but %s has run_id '%s'", f.path, prov_path, id)
  end
  local want = prov[f.key]
  if not (want and want:match("^%d+$")) then
    fail("%s: %s must be the number of data rows of %s, got %s", prov_path, f.key, f.path,
         want and show(want) or "nothing")
  end
  for i, row in ipairs(f.rows) do
    if row.run_id ~= id then
      fail("%s:%d: run_id %s is not %s's '%s': the files are not one set", f.path, i + 1,
           show(row.run_id), prov_path, id)
    end
  end
  if #f.rows ~= tonumber(want) then
    fail("%s: %d data rows, but %s says %s = %s: the files are not one set", f.path, #f.rows, prov_path,
         f.key, want)
  end
end

-- The files of one folder are one set. files: { summary = {path, rows,
-- header}, samples = {path, rows, header} or { path } if absent }.
function M.one_set(files, prov, prov_path)
  local id = prov.run_id
  files.summary.key, files.samples.key = "summary_rows", "samples_rows"
  if id == nil then
    for _, f in ipairs({ files.summary, files.samples }) do
      if f.header and has_column(f.header, "run_id") then
        fail("%s: has a run_id column, but %s has no run_id: the files are not one set", f.path, prov_path)
      end
    end
    return
  end
  if not is_run_id(id) then
    fail("%s: run_id must hold only letters, digits and '-', got %s", prov_path, show(id))
  end
  if not files.samples.header then
    fail("%s: missing, but %s has run_id '%s'", files.samples.path, prov_path, id)
  end
  check_file(files.summary, id, prov, prov_path)
  check_file(files.samples, id, prov, prov_path)
end

return M
