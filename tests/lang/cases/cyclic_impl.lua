local impl = { matvec = {} }
impl.matvec.again = impl
experiment { name = "x", backend = "cpu", dtype = "f32", op = "matvec", n = 8, impl = impl }
