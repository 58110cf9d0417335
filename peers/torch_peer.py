"""torch_peer.py: PyTorch's calls for the worker (peers/worker.py), on the
CPU or on a CUDA GPU. Impl `article` is the article's code exactly:
torch.mm on an (N, 1) column with .to(device) after each call, and
torch.sum(torch.mm(x, y), dim) for the outer product. The others are the
forms a user would try. Every one forms all N^2 products (its traffic, as it
tells the runner: materialised)."""
import os
import platform
import re
import time

import numpy as np

from refused import Refused


def open_peer(device):
    try:
        import torch
    except Exception as e:  # ImportError, or a broken install
        raise Refused("unavailable", f"cannot import torch: {e}") from None
    if device == "cuda" and not torch.cuda.is_available():
        raise Refused("unavailable", f"cannot use CUDA: torch {torch.__version__} says "
                      "torch.cuda.is_available() is False (no GPU, or a CPU-only build)")
    return TorchPeer(torch, device)


def nvidia_driver():
    try:
        with open("/proc/driver/nvidia/version") as f:
            m = re.search(r"Module\s+(?:\S+\s+)*?(\d+\.\d+(?:\.\d+)?)", f.readline())
            return m.group(1) if m else "unknown"
    except OSError:
        return "unknown"


class TorchPeer:
    def __init__(self, torch, device):
        self.torch, self.device = torch, device
        self.dev = torch.device(device)
        self.default_threads = torch.get_num_threads()

    def facts(self):
        t = self.torch
        config = t.__config__.show()
        blas = re.search(r"BLAS_INFO=(\S+)", config)
        facts = [("framework", "torch"), ("framework_version", t.__version__),
                 ("device", self.device), ("blas", blas.group(1).strip(",") if blas else "unknown"),
                 ("cpu_threads", t.get_num_threads()), ("numpy_version", np.__version__),
                 ("python_version", platform.python_version()),
                 ("python_executable", os.path.realpath(os.sys.executable))]
        if self.device == "cuda":
            p = t.cuda.get_device_properties(0)
            facts += [("gpu_name", p.name), ("gpu_sm_count", p.multi_processor_count),
                      ("gpu_memory_bytes", p.total_memory), ("cuda_runtime", t.version.cuda),
                      ("driver_version", nvidia_driver()),
                      ("tf32_matmul", t.backends.cuda.matmul.allow_tf32)]
        return facts

    def impls(self):
        """(op, impl, dtypes, traffic) of each impl served, the default of an op first."""
        return [(op, impl, DTYPES, traffic) for op, table in IMPLS.items()
                for impl, (traffic, _) in table.items()]

    def prepare(self, op, impl, axis, threads, arrays):
        if impl not in IMPLS.get(op, {}):
            raise Refused("failed", f"torch has no impl '{impl}' for {op}")
        if self.device == "cpu":  # process-wide: set for every point, 0 the default
            self.torch.set_num_threads(threads or self.default_threads)
        t = {k: self.torch.from_numpy(v).to(device=self.dev) for k, v in arrays.items()}
        if self.device == "cuda":
            self.torch.cuda.synchronize()
        return IMPLS[op][impl][1](self.torch, self.dev, t, axis)

    def to_numpy(self, result):
        return result.detach().to("cpu").numpy()

    def copy_out(self, result, out):
        """Writes result into out (from the device straight into it)."""
        if str(result.dtype) != f"torch.{out.dtype.name}":
            raise TypeError(f"the output is {result.dtype}, expected {out.dtype}")
        self.torch.from_numpy(out).copy_(result.detach())

    def time(self, call, iterations):
        torch = self.torch
        if self.device == "cpu":
            start = time.perf_counter_ns()
            for _ in range(iterations):
                q = call()
            stop = time.perf_counter_ns()
            return (stop - start) * 1e-9
        torch.cuda.synchronize()
        start = torch.cuda.Event(enable_timing=True)
        stop = torch.cuda.Event(enable_timing=True)
        start.record()
        for _ in range(iterations):
            q = call()
        stop.record()
        torch.cuda.synchronize()
        del q
        return start.elapsed_time(stop) / 1000.0

    def device_free(self):
        if self.device != "cuda":
            return 0
        return self.torch.cuda.mem_get_info()[0]

    def release(self):
        if self.device == "cuda":
            self.torch.cuda.empty_cache()


def matvec_article(torch, dev, t, axis):
    a, x = t["a"], t["x"].reshape(-1, 1)
    return lambda: torch.mm(a, x, out=None).to(device=dev)


def outer_article(torch, dev, t, axis):
    x, y = t["x"].reshape(-1, 1), t["y"].reshape(1, -1)

    def call():
        q = torch.mm(x, y, out=None).to(device=dev)
        q = torch.sum(q, dim=axis).to(device=dev)
        return q
    return call


DTYPES = ("f32", "f64")
MATERIALISED = "materialised"  # forms the op's product (outer_sum's N x N matrix); PROTOCOL.md

# op -> impl -> (traffic, a function of (torch, device, tensors, axis) returning the call).
IMPLS = {
    "copy": {"clone": (MATERIALISED, lambda torch, dev, t, axis: t["a"].clone)},
    "matvec": {
        "article": (MATERIALISED, matvec_article),
        "mv": (MATERIALISED, lambda torch, dev, t, axis: (lambda a=t["a"], x=t["x"]: torch.mv(a, x))),
        "matmul": (MATERIALISED, lambda torch, dev, t, axis: (lambda a=t["a"], x=t["x"]: a @ x)),
    },
    "outer_sum": {
        "article": (MATERIALISED, outer_article),
        "outer": (MATERIALISED, lambda torch, dev, t, axis: (
            lambda x=t["x"], y=t["y"]: torch.outer(x, y).sum(dim=axis))),
        "matmul": (MATERIALISED, lambda torch, dev, t, axis: (
            lambda x=t["x"].reshape(-1, 1), y=t["y"].reshape(1, -1): (x @ y).sum(dim=axis))),
    },
}
