-- sandbox.lua: the one environment every script runs in: experiment
-- scripts (for the runner and for the report) and report specs. A script
-- sees an allow list of functions, its own copies of string, table, math
-- and utf8, and strict globals: reading or assigning an undefined global
-- is an error naming the script's file and line. Nothing a script does
-- reaches the code that runs it: changing its libraries changes its
-- copies, its environment's metatable cannot be replaced or removed, and
-- getmetatable never hands out the string metatable (whose __index is the
-- real string library).

local M = {}

-- Raises an error the runner prints as it is, without a traceback.
function M.fail(fmt, ...)
  error({ flopbench_error = string.format(fmt, ...) }, 0)
end

-- "path:line: " of the script code that called the function `level`
-- frames up; "" where there is no such line.
function M.position(level)
  local info = debug.getinfo(level + 1, "Sl")
  if info and info.currentline and info.currentline > 0 then
    return info.short_src .. ":" .. info.currentline .. ": "
  end
  return ""
end

-- Whether v is a whole number above zero that a double holds exactly.
function M.positive_integer(v)
  return math.type(v) == "integer" and v > 0
    or (type(v) == "number" and v > 0 and v == math.floor(v) and v < 2^53)
end

-- The string metatable: getmetatable("") gives false, not the library.
getmetatable("").__metatable = false

-- pcall for scripts: it catches their errors, but never an interrupt or
-- a refused allocation (the runner's memory cap), which end the script.
local function is_fatal(e)
  return e == "not enough memory" or (type(e) == "table" and rawget(e, "flopbench_interrupted"))
end

local function script_pcall(f, ...)
  local function pass(ok, ...)
    if not ok and is_fatal((...)) then error((...), 0) end
    return ok, ...
  end
  return pass(pcall(f, ...))
end

local function copy(lib)
  local t = {}
  for k, v in pairs(lib) do t[k] = v end
  return t
end

-- A fresh table of the functions every script may use, the libraries
-- copied.
local function base()
  return {
    assert = assert, error = error, ipairs = ipairs, pairs = pairs, next = next,
    select = select, tonumber = tonumber, tostring = tostring, type = type,
    pcall = script_pcall, rawequal = rawequal, rawlen = rawlen, setmetatable = setmetatable,
    getmetatable = getmetatable, unpack = table.unpack,
    math = copy(math), string = copy(string), table = copy(table), utf8 = copy(utf8),
  }
end

-- A new environment: the base functions plus `names` (name -> value),
-- with strict globals. assign_note ends the message of an assignment to
-- an undefined global ("" for none).
function M.new(names, assign_note)
  local env = base()
  for k, v in pairs(names) do env[k] = v end
  return setmetatable(env, {
    __index = function(_, k)
      M.fail("%sundefined global '%s'", M.position(2), tostring(k))
    end,
    __newindex = function(_, k)
      M.fail("%sassignment to undefined global '%s'%s", M.position(2), tostring(k), assign_note)
    end,
    __metatable = false,
  })
end

-- Loads the script at path (text only) into env and runs it; a syntax
-- error is raised as the compiler's message.
function M.run(path, env)
  local chunk, err = loadfile(path, "t", env)
  if not chunk then M.fail("%s", err) end
  chunk()
end

return M
