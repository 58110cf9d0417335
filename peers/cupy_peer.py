"""cupy_peer.py: CuPy on a CUDA GPU for the worker (peers/worker.py), timed
with CUDA events around the calls, as the article's code does."""
import numpy as np

from refused import Refused

from array_peer import ArrayPeer
from torch_peer import nvidia_driver


def open_peer(device):
    if device != "cuda":
        raise Refused("unavailable", "cannot use the CPU: cupy runs on a CUDA GPU only")
    try:
        import cupy
        count = cupy.cuda.runtime.getDeviceCount()
    except Exception as e:  # ImportError, or no driver or device
        raise Refused("unavailable", f"cannot use cupy: {type(e).__name__}: {e}") from None
    if count < 1:
        raise Refused("unavailable", "cannot use cupy: it sees no CUDA device")
    return CupyPeer(cupy, device)


class CupyPeer(ArrayPeer):
    def facts(self):
        cp = self.xp
        props = cp.cuda.runtime.getDeviceProperties(0)
        name = props["name"]
        return self.base_facts() + [
            ("gpu_name", name.decode() if isinstance(name, bytes) else name),
            ("gpu_sm_count", props["multiProcessorCount"]),
            ("gpu_memory_bytes", props["totalGlobalMem"]),
            ("cuda_runtime", cp.cuda.runtime.runtimeGetVersion()),
            ("cuda_driver_api", cp.cuda.runtime.driverGetVersion()),
            ("driver_version", nvidia_driver())]

    def to_numpy(self, result):
        return self.xp.asnumpy(result)

    def copy_out(self, result, out):
        if result.dtype != out.dtype:
            raise TypeError(f"the output is {result.dtype}, expected {out.dtype}")
        result.get(out=out)  # from the device straight into out

    def to_device(self, array):
        # ndarray.set copies from pageable memory: cupy.asarray would stage
        # the whole input in pinned memory, which its pool then keeps.
        d = self.xp.empty(array.shape, array.dtype)
        d.set(np.ascontiguousarray(array))
        return d

    def synchronize(self):
        self.xp.cuda.Device().synchronize()

    def time(self, call, iterations):
        cp = self.xp
        self.synchronize()
        start, stop = cp.cuda.Event(), cp.cuda.Event()
        start.record()
        for _ in range(iterations):
            q = call()
        stop.record()
        stop.synchronize()
        del q
        return cp.cuda.get_elapsed_time(start, stop) / 1000.0

    def device_free(self):
        return self.xp.cuda.runtime.memGetInfo()[0]

    def release(self):
        self.xp.get_default_memory_pool().free_all_blocks()
        self.xp.get_default_pinned_memory_pool().free_all_blocks()
