experiment { name = 'x', backend = 'cpu', dtype = 'f32', op = 'matvec', n = 8, iterations = 2^40 }
