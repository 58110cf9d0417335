local t = {}
for _ = 1, 100 do t = { t } end
experiment { name = "x", backend = "cpu", dtype = "f32", op = "matvec", n = 8, impl = t }
