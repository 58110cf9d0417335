-- report_text.lua: how text from results, specs and scripts reaches what
-- the report writes. Data never becomes code: a name that goes into a
-- macro key, a file name or a label is checked against a charset when it
-- is read; every other text is escaped for its target here: LaTeX text
-- with TeX's special characters escaped and no control character; a
-- gnuplot string that no quote or newline can end; a comment line that
-- nothing can continue.

local sandbox = require "sandbox"

local M = {}

-- Whether s is a name: letters, digits, '.', '_' and '-' (experiments,
-- backends, ops, impls, dtypes, host folders).
function M.is_name(s)
  return type(s) == "string" and s:match("^[%w._-]+$") ~= nil
end

-- Whether s is a path LaTeX may open or break as a URL: a name's
-- characters and '/', '+'.
function M.is_path(s)
  return type(s) == "string" and s:match("^[%w._/+-]+$") ~= nil
end

local shown = { ["\n"] = "\\n", ["\r"] = "\\r", ["\t"] = "\\t", ['"'] = '\\"', ["\\"] = "\\\\" }

-- s for an error message, on one line: "text" with quotes, backslashes
-- and control characters escaped as Lua does.
function M.show(s)
  return '"' .. tostring(s):gsub('[%c"\\]', function(c)
    return shown[c] or string.format("\\%03d", c:byte())
  end) .. '"'
end

local tex_escapes = {
  ["\\"] = "\\textbackslash{}", ["{"] = "\\{", ["}"] = "\\}", ["$"] = "\\$", ["&"] = "\\&",
  ["#"] = "\\#", ["^"] = "\\textasciicircum{}", ["_"] = "\\_", ["%"] = "\\%",
  ["~"] = "\\textasciitilde{}",
}

-- s as LaTeX text: TeX's special characters escaped, each control
-- character (a newline too) a space.
function M.tex(s)
  return (tostring(s):gsub("[%c\\{}$&#^_%%~]", function(c) return tex_escapes[c] or " " end))
end

-- s (LaTeX, as every string the report gives gnuplot: cairolatex
-- typesets it) as a gnuplot single-quoted string that holds no quote but
-- its two ends: a quote inside becomes \textquoteright{}, the glyph LaTeX
-- draws for it, for gnuplot's scanner misreads runs of doubled quotes
-- ('a'''' ends the string early). A control character would end the
-- command: the callers never pass one (names are checked when read,
-- labels when the spec declares them).
function M.gnuplot(s)
  s = tostring(s)
  if s:find("%c") then sandbox.fail("report: a gnuplot string may not hold a control character: %s", M.show(s)) end
  return "'" .. s:gsub("'", "\\textquoteright{}") .. "'"
end

-- s for the rest of a comment line (gnuplot's or TeX's): control
-- characters and backslashes (which continue a gnuplot comment) as '?'.
function M.comment(s)
  return (tostring(s):gsub("[%c\\]", "?"))
end

return M
