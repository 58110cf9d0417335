local s = "x"
for _ = 1, 64 do s = s .. s end
