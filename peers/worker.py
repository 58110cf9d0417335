"""worker.py: a framework worker of the flopbench runner (peers/PROTOCOL.md).

    python3 worker.py --framework torch|cupy|numpy --device cpu|cuda --dir DIR

The runner starts it, writes one request line at a time on its standard
input and reads one reply on its standard output. The framework's calls and
their timing are in <framework>_peer.py; this file only speaks the protocol.
The runner draws every input and checks every output: the worker loads the
inputs of a point from DIR, runs the point's calls and times them with the
framework's own clock.
"""
import argparse
import importlib
import os
import signal
import sys

from refused import Refused

try:
    import numpy as np
    NUMPY_MISSING = None
except ImportError as e:  # said in reply to hello, as the reason the backend is unavailable
    np, NUMPY_MISSING = None, e

PROTOCOL = 2
OPS = ("copy", "matvec", "outer_sum")
DTYPES = {"f32": "float32", "f64": "float64"}
INPUTS = {"copy": ("a",), "matvec": ("a", "x"), "outer_sum": ("x", "y")}


def printable(text):
    """One line of printable ASCII, as the protocol requires."""
    text = " ".join(str(text).split())
    return "".join(c if " " <= c <= "~" else "?" for c in text)[:1000]


def fields(words):
    """key=value words as a dict; a word without '=' is refused."""
    out = {}
    for w in words:
        key, eq, value = w.partition("=")
        if not eq or not key:
            raise Refused("failed", f"'{w}' is not key=value")
        out[key] = value
    return out


def integer(f, key, low, high):
    try:
        v = int(f[key])
    except (KeyError, ValueError):
        raise Refused("failed", f"field {key} must be an integer") from None
    if not low <= v <= high:
        raise Refused("failed", f"field {key} = {v} is outside [{low}, {high}]")
    return v


class Worker:
    def __init__(self, framework, device, folder):
        self.framework, self.device, self.folder = framework, device, folder
        self.peer = None
        self.points = {}
        self.served = {}  # (op, impl) -> the dtypes it serves, as the hello said

    def path(self, handle, name):
        return os.path.join(self.folder, f"h{handle}-{name}.npy")

    def hello(self, f, say):
        if f.get("protocol") != str(PROTOCOL):
            raise Refused("failed", f"this worker speaks protocol {PROTOCOL}, not "
                          f"'{printable(f.get('protocol', 'none'))[:20]}': runner and peers/ differ")
        if NUMPY_MISSING is not None:
            raise Refused("unavailable", f"cannot import numpy: {NUMPY_MISSING}")
        module = importlib.import_module(f"{self.framework}_peer")
        self.peer = module.open_peer(self.device)  # raises Refused("unavailable", ...)
        for key, value in self.peer.facts():
            say(f"fact {key} {printable(value) or 'unknown'}")
        # One line an impl: the runner registers each as a row of the backend.
        for op, impl, dtypes, traffic in self.peer.impls():
            say(f"serve {op} {impl} {','.join(dtypes)} {traffic}")
            self.served[(op, impl)] = tuple(dtypes)
        return f"protocol={PROTOCOL} device={self.device}"

    def setup(self, f, say):
        handle = integer(f, "h", 1, 2**62)
        op, impl, dtype = f.get("op"), f.get("impl"), f.get("dtype")
        if op not in OPS or dtype not in DTYPES:
            raise Refused("failed", f"unknown op '{op}' or dtype '{dtype}'")
        if dtype not in self.served.get((op, impl), ()):
            raise Refused("failed", f"impl {op}/{impl} is not served in {dtype}")
        n = integer(f, "n", 1, 2**31)
        axis = integer(f, "axis", -1, 1)
        threads = integer(f, "threads", 0, 1 << 16)
        arrays = {}
        for name in INPUTS[op]:
            # The runner's own memory, mapped (copy on write: never written
            # back). A GPU peer copies it to the device from the mapping; on
            # the CPU the worker keeps a copy of its own, as a user's array.
            a = np.load(self.path(handle, name), mmap_mode="c", allow_pickle=False)
            want = (n, n) if name == "a" else (n,)
            if a.shape != want or a.dtype != DTYPES[dtype]:
                raise Refused("failed", f"input {name}: shape {a.shape} {a.dtype}, expected {want} {dtype}")
            arrays[name] = np.array(a) if self.device == "cpu" else a
        self.points[handle] = self.peer.prepare(op, impl, axis, threads, arrays)
        return ""

    def point(self, f):
        handle = integer(f, "h", 1, 2**62)
        if handle not in self.points:
            raise Refused("failed", f"no point h={handle} is set up")
        return handle, self.points[handle]

    def call(self, f, say):
        handle, call = self.point(f)
        result = call()
        # The runner made the output's file, of the point's dtype and
        # element count: the output is written into it, in place (shared:
        # the runner sees it, no flush needed).
        path = self.path(handle, "out")
        out = np.load(path, mmap_mode="r+", allow_pickle=False)
        shape = tuple(int(d) for d in getattr(result, "shape", ()))
        try:
            if int(np.prod(shape)) != out.size:
                raise TypeError("another element count")
            self.peer.copy_out(result, out.reshape(shape))
        except TypeError:  # not the point's output: the runner's strict reader names what it is
            del out
            os.unlink(path)
            np.save(path, np.ascontiguousarray(self.peer.to_numpy(result)), allow_pickle=False)
        return ""

    def time(self, f, say):
        _, call = self.point(f)
        k = integer(f, "iterations", 1, 2**40)
        return f"seconds={self.peer.time(call, k):.9e}"

    def memory(self, f, say):
        return f"device_free={self.peer.device_free()}"

    def free(self, f, say):
        handle, _ = self.point(f)
        del self.points[handle]
        self.peer.release()
        return ""


def answer(worker, line, say):
    words = line.split()
    verbs = {"hello": worker.hello, "setup": worker.setup, "call": worker.call,
             "time": worker.time, "memory": worker.memory, "free": worker.free}
    if not words or words[0] not in verbs:
        raise Refused("failed", f"unknown request '{printable(line)[:40]}'")
    if worker.peer is None and words[0] != "hello":
        raise Refused("failed", "hello comes first")
    return verbs[words[0]](fields(words[1:]), say)


def out_of_memory(e):
    return isinstance(e, MemoryError) or "out of memory" in str(e).lower() or \
        type(e).__name__ == "OutOfMemoryError"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--framework", required=True, choices=("torch", "cupy", "numpy"))
    parser.add_argument("--device", required=True, choices=("cpu", "cuda"))
    parser.add_argument("--dir", required=True)
    args = parser.parse_args()
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the runner decides when to stop
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    # Replies go to the protocol's own descriptor; file descriptor 1 and
    # sys.stdout become standard error, so that whatever a framework or its
    # libraries print cannot break the protocol.
    out = os.fdopen(os.dup(1), "w")
    os.dup2(2, 1)
    sys.stdout = sys.stderr

    def say(text):
        out.write(text + "\n")

    worker = Worker(args.framework, args.device, args.dir)
    for line in sys.stdin:
        if line.strip() == "quit":
            break
        try:
            reply = answer(worker, line, say)
            say(("ok " + reply).rstrip())
        except Refused as e:
            say(f"error {e.kind} {printable(e) or 'refused'}")
            if e.kind == "unavailable":
                out.flush()
                return 3
        except Exception as e:  # the framework's own errors: reported, the worker lives on
            kind = "nomem" if out_of_memory(e) else "failed"
            say(f"error {kind} {type(e).__name__}: {printable(e)}")
        out.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
