"""bare_article.py: the article's PyTorch code on the GPU in a bare Python
loop, no runner and no worker, for `tools/bench.sh frameworks`: the same
calls (torch.mm with .to(device), torch.sum(torch.mm(x, y), dim=0)), the
same batches as experiments/bench_frameworks.lua (1000 calls at n = 1000,
50 at n = 20000), 2 warm-up batches, 11 timed ones between CUDA events.
Prints CSV: op,dtype,n,iterations,median_s (per call)."""
import statistics
import sys

import torch


def batch_seconds(fn, iterations):
    torch.cuda.synchronize()
    start, stop = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
    start.record()
    for _ in range(iterations):
        q = fn()
    stop.record()
    torch.cuda.synchronize()
    del q
    return start.elapsed_time(stop) / 1000.0


def main():
    cuda0 = torch.device(device="cuda")
    print("op,dtype,n,iterations,median_s")
    for n, iterations in ((1000, 1000), (20000, 50)):
        for name, dtype in (("f32", torch.float32), ("f64", torch.float64)):
            matrix = torch.rand(n, n, dtype=dtype).to(device=cuda0)
            vec_matrix = torch.rand(n, 1, dtype=dtype).to(device=cuda0)
            x = torch.rand(n, 1, dtype=dtype).to(device=cuda0)
            y = torch.rand(1, n, dtype=dtype).to(device=cuda0)

            def matvec():
                return torch.mm(matrix, vec_matrix, out=None).to(device=cuda0)

            def outer_sum():
                q = torch.mm(x, y, out=None).to(device=cuda0)
                q = torch.sum(q, dim=0).to(device=cuda0)
                return q
            for op, fn in (("matvec", matvec), ("outer_sum", outer_sum)):
                for _ in range(2):
                    batch_seconds(fn, iterations)
                times = [batch_seconds(fn, iterations) / iterations for _ in range(11)]
                print(f"{op},{name},{n},{iterations},{statistics.median(times):.9e}")
            del matrix, vec_matrix, x, y
            torch.cuda.empty_cache()
    return 0


if __name__ == "__main__":
    sys.exit(main())
