"""numpy_peer.py: NumPy on the CPU, CuPy's counterpart, for the worker
(peers/worker.py). Timed with perf_counter_ns around the calls only."""
import time

import numpy as np

from refused import Refused

from array_peer import ArrayPeer


def open_peer(device):
    if device != "cpu":
        raise Refused("unavailable", "cannot use a GPU: numpy runs on the CPU only")
    return NumpyPeer(np, device)


def blas_facts():
    """The BLAS NumPy calls and its threads, from threadpoolctl where it is installed."""
    try:
        from threadpoolctl import threadpool_info
        for lib in threadpool_info():
            if lib.get("user_api") == "blas":
                return [("blas", f"{lib.get('internal_api')} {lib.get('version')}"),
                        ("blas_threads", lib.get("num_threads")),
                        ("blas_core", lib.get("architecture", "unknown"))]
    except ImportError:
        pass
    config = getattr(np.__config__, "blas_opt_info", None) or {}
    return [("blas", " ".join(config.get("libraries", ["unknown"])))]


class NumpyPeer(ArrayPeer):
    def facts(self):
        return self.base_facts() + blas_facts()

    def to_numpy(self, result):
        return np.asarray(result)

    def time(self, call, iterations):
        start = time.perf_counter_ns()
        for _ in range(iterations):
            q = call()
        stop = time.perf_counter_ns()
        del q
        return (stop - start) * 1e-9
