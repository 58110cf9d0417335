"""array_peer.py: the calls CuPy and NumPy share (the same array API), for
cupy_peer.py and numpy_peer.py. Impl `article` is the article's CuPy code
exactly: matmul of the matrix and an (N, 1) column; matmul of an (N, 1) and
a (1, N) array, then sum over the axis. Every impl forms all N^2 products
(its traffic, as it tells the runner: materialised)."""
import os
import platform

import numpy as np

from refused import Refused


class ArrayPeer:
    """xp: the array module (cupy or numpy)."""

    def __init__(self, xp, device):
        self.xp, self.device = xp, device

    def base_facts(self):
        return [("framework", self.xp.__name__), ("framework_version", self.xp.__version__),
                ("device", self.device), ("numpy_version", np.__version__),
                ("python_version", platform.python_version()),
                ("python_executable", os.path.realpath(os.sys.executable))]

    def impls(self):
        """(op, impl, dtypes, traffic) of each impl served, the default of an op first."""
        return [(op, impl, DTYPES, traffic) for op, table in IMPLS.items()
                for impl, (traffic, _) in table.items()]

    def prepare(self, op, impl, axis, threads, arrays):
        if impl not in IMPLS.get(op, {}):
            raise Refused("failed", f"{self.xp.__name__} has no impl '{impl}' for {op}")
        if threads:
            raise Refused("failed", f"{self.xp.__name__} takes its threads from its BLAS "
                          "(OPENBLAS_NUM_THREADS); use threads = 0")
        a = {k: self.to_device(v) for k, v in arrays.items()}
        self.synchronize()
        return IMPLS[op][impl][1](self.xp, a, axis)

    def copy_out(self, result, out):
        """Writes result into out, a NumPy array of its shape and dtype."""
        np.copyto(out, self.to_numpy(result), casting="no")

    def to_device(self, array):
        return self.xp.asarray(array)

    def synchronize(self):
        pass

    def release(self):
        pass

    def device_free(self):
        return 0


def matvec_article(xp, a, axis):
    m, x = a["a"], a["x"].reshape(-1, 1)
    return lambda: xp.matmul(m, x, out=None)


def outer_article(xp, a, axis):
    x, y = a["x"].reshape(-1, 1), a["y"].reshape(1, -1)

    def call():
        q = xp.matmul(x, y, out=None)
        q = xp.sum(q, axis=axis)
        return q
    return call


DTYPES = ("f32", "f64")
MATERIALISED = "materialised"  # forms the op's product (outer_sum's N x N matrix); PROTOCOL.md

# op -> impl -> (traffic, a function of (xp, arrays, axis) returning the call).
IMPLS = {
    "copy": {"copy": (MATERIALISED, lambda xp, a, axis: a["a"].copy)},
    "matvec": {
        "article": (MATERIALISED, matvec_article),
        "dot": (MATERIALISED, lambda xp, a, axis: (lambda m=a["a"], x=a["x"]: xp.dot(m, x))),
        "matmul": (MATERIALISED, lambda xp, a, axis: (lambda m=a["a"], x=a["x"]: m @ x)),
    },
    "outer_sum": {
        "article": (MATERIALISED, outer_article),
        "outer": (MATERIALISED, lambda xp, a, axis: (lambda x=a["x"], y=a["y"]: xp.outer(x, y).sum(axis=axis))),
    },
}
