-- catalogue.lua: what the report asks of the catalogue of ops, impls and
-- backends (kernels/ops.c and each backend's impl rows, exported by the
-- runner as flopbench.registry; a worker backend's rows are its worker's,
-- and its results record each impl's traffic): an impl's traffic, a series' style and
-- words, a point's footprint, which op is the bandwidth ceiling, a
-- backend's name in prose. Nothing else in the report tests an op's,
-- impl's or backend's name.
local registry = require "flopbench.registry"

local M = {}

local dtype_size = { f32 = 4, f64 = 8 }

-- The row of op, or nil for an op this runner does not know.
function M.op(name)
  return registry.op_table[name]
end

-- 1 if op takes an axis.
function M.has_axis(name)
  local op = M.op(name)
  return op ~= nil and op.axis
end

-- 1 if op's bandwidth is the host's ceiling (the copy).
function M.is_ceiling(name)
  local op = M.op(name)
  return op ~= nil and op.ceiling
end

-- The op whose time op's is quoted against (outer_sum: matvec), or nil.
function M.ratio_to(name)
  local op = M.op(name)
  return op and op.ratio_to
end

-- The op others are quoted against (the first ratio_to of the table:
-- matvec), the default denominator of a quote; nil if none is.
function M.ratio_base()
  for _, name in ipairs(registry.ops) do
    local to = M.ratio_to(name)
    if to then return to end
  end
end

M.traffic_classes = { materialised = true, fused = true }

-- The provenance key under which a worker backend's results record the
-- traffic of impl of op (kernels/worker/worker_backend.c writes it):
-- numpy_traffic_outer_sum_article, torch_cuda_traffic_matvec_mv.
function M.traffic_key(backend, op, impl)
  return string.format("%s_traffic_%s_%s", (backend:gsub("-", "_")), op, impl)
end

-- The traffic class ("materialised", "fused") of series or point s
-- (backend, op, impl): what its results recorded (s.traffic, from
-- provenance), else what the registry knows without starting a worker (a
-- worker backend's rows once its worker said hello), else
-- "materialised", as results of a worker without the fact are (each such
-- impl formed its product).
function M.traffic(s)
  if s.traffic then return s.traffic end
  local b = registry.backends[s.backend]
  local t = b and rawget(b, "traffic")
  t = t and t[s.op]
  return t and t[s.impl] or "materialised"
end

-- 1 if series or point s (backend, op, impl) forms its op's product.
function M.forms_product(s)
  local op = M.op(s.op)
  return op ~= nil and op.extent.product ~= "0" and M.traffic(s) == "materialised"
end

-- The style of series s (backend, op, impl, axis as text) from its op's
-- row: { label, color, pt, dt, rank }; a plain one for an op without one.
function M.style(s)
  local op = M.op(s.op)
  if not op then return { label = s.op, color = "#000000", pt = 1, rank = 9 } end
  local fused = op.extent.product ~= "0" and not M.forms_product(s)
  local styles = fused and op.fused_style or op.style
  local st = styles[op.axis and s.axis == "1" and 1 or 0] or styles[0] or op.style[0]
  if not st then return { label = s.op, color = "#000000", pt = 1, rank = 9 } end
  return { label = st.label, color = st.color, pt = st.point, dt = st.dash, rank = st.rank }
end

-- The kind of series s in words ("outer, rows", "matvec"): its label
-- without the axis's number.
function M.kind(s)
  return (M.style(s).label:gsub(" %(axis %d%)$", ""))
end

-- The FLOPs of the ops of the series in list, where all have the same
-- count and it grows with N: { n2 =, n =, formula = "2N^2-N" } (n2 N^2 +
-- n N); nil for mixed counts, or none.
function M.flops(list)
  local c
  for _, s in ipairs(list) do
    local op = M.op(s.op)
    if not op or (c and (c.n2 ~= op.flops_n2 or c.n ~= op.flops_n)) then return nil end
    c = { n2 = op.flops_n2, n = op.flops_n }
  end
  if not c or c.n2 < 0 or (c.n2 == 0 and c.n <= 0) then return nil end
  local function term(k, x, first)
    if k == 0 then return "" end
    local sign = k < 0 and "-" or (first and "" or "+")
    local mag = math.abs(k)
    return sign .. (mag == 1 and "" or string.format("%g", mag)) .. x
  end
  c.formula = term(c.n2, "N^2", true) .. term(c.n, "N", c.n2 == 0)
  return c
end

-- What the report calls backend ("cuBLAS"); its name if unknown.
function M.backend_label(name)
  local b = registry.backends[name]
  return b and b.label or name
end

-- Bytes point p (backend, op, impl, dtype, n) holds at once: its inputs,
-- its output, and the product if its impl forms one.
function M.footprint(p)
  local op, s, n = M.op(p.op), dtype_size[p.dtype] or 8, p.n
  if not op then return 0 end
  local elements = { ["0"] = 0, n = n, n2 = n * n }
  local total = 0
  for _, b in ipairs({ "a", "x", "y", "out" }) do total = total + elements[op.extent[b]] end
  if M.forms_product(p) then total = total + elements[op.extent.product] end
  return s * total
end

return M
