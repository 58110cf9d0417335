experiment { name = 'x', backend = 'cpu', dtype = 'f32', op = 'matvec', n = 1000001 }
