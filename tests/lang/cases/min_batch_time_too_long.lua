experiment { name = 'x', backend = 'cpu', dtype = 'f32', op = 'matvec', n = 8, min_batch_time = 3601 }
