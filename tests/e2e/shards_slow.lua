-- Two rounds for tests/e2e/shards.sh: n = 512 long enough to be caught
-- running (its shard is 1/2, the costlier), n = 8 at once.
experiment { name = "shards-slow", backend = "cpu", dtype = "f64", op = "matvec", n = { 512, 8 },
             iterations = 2000, samples = 50, warmup = 0 }
