-- Two rounds for tests/e2e/shards.sh: n = 200000 is too big for memory (its
-- shard fails that point), n = 16 runs.
experiment { name = "shards-fail", backend = "openblas", dtype = "f64", op = "matvec",
             n = { 16, 200000 }, iterations = 2, samples = 3, warmup = 0 }
