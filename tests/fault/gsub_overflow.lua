local s = string.rep("(", 300000)
local _ = s:gsub(string.rep("(", 250) .. "x", "")
