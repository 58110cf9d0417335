"""A worker that misbehaves on purpose, for tests/workers.sh: the real
peers/worker.py with one fault from $FLOPBENCH_FAULT planted in it. With
FLOPBENCH_FAULT=fused its numpy peer also serves two impls the runner has
never heard of (outer_sum `sums`, f32 and f64, and `sums_f64`, f64 only,
both fused: y * sum(x) or x * sum(y), no N x N product); with serve-*, one
malformed serve line in its hello."""
import os
import signal
import sys
import time

here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(here, "..", "..", "peers"))
import numpy as np  # noqa: E402
import array_peer  # noqa: E402
import worker as real  # noqa: E402

fault = os.environ.get("FLOPBENCH_FAULT", "")


def sums(xp, a, axis):
    """outer_sum without its product: column j sums x_i y_j, y_j sum(x); row i, x_i sum(y)."""
    x, y = a["x"], a["y"]
    return (lambda: y * x.sum()) if axis == 0 else (lambda: x * y.sum())


if fault == "fused":
    array_peer.IMPLS["outer_sum"]["sums"] = ("fused", sums)
    array_peer.IMPLS["outer_sum"]["sums_f64"] = ("fused", sums)
    served = array_peer.ArrayPeer.impls
    array_peer.ArrayPeer.impls = lambda self: [
        (op, impl, ("f64",) if impl == "sums_f64" else dtypes, traffic)
        for op, impl, dtypes, traffic in served(self)]

# One malformed serve line after the good ones (a list of them: too many).
BAD_SERVE = {
    "serve-unknown-op": [("gemm", "article", ("f32", "f64"), "materialised")],
    "serve-unknown-traffic": [("outer_sum", "sums", ("f32", "f64"), "streamed")],
    "serve-bad-name": [("outer_sum", "Sums-2", ("f32", "f64"), "fused")],
    "serve-long-name": [("outer_sum", "s" * 32, ("f32", "f64"), "fused")],
    "serve-duplicate": [("matvec", "dot", ("f32", "f64"), "materialised")],
    "serve-no-dtype": [("outer_sum", "sums", (), "fused")],
    "serve-unknown-dtype": [("outer_sum", "sums", ("f32", "f16"), "fused")],
    "serve-too-many": [("matvec", f"m{i}", ("f32",), "materialised") for i in range(40)],
}
if fault in BAD_SERVE:
    good = array_peer.ArrayPeer.impls
    array_peer.ArrayPeer.impls = lambda self: good(self) + BAD_SERVE[fault]
if fault == "serve-none":
    array_peer.ArrayPeer.impls = lambda self: []
call, timed, setup, hello = real.Worker.call, real.Worker.time, real.Worker.setup, real.Worker.hello


def faulty_hello(self, f, say):
    if fault == "die-at-hello":
        sys.stderr.write("Traceback (most recent call last):\nImportError: planted\n")
        sys.stderr.flush()
        os._exit(1)
    if fault == "unavailable":
        raise real.Refused("unavailable", "cannot import numpy: planted")
    return hello(self, f, say)


def faulty_setup(self, f, say):
    if fault == "garbage":
        say("\x00\x7fthis is not the protocol")
    if fault == "chatter":
        say("hello there")
    if fault == "longline":
        say("x" * 5000)
    if fault == "closeout":  # closes the socket but lives on
        for fd in range(3, 64):
            try:
                os.close(fd)
            except OSError:
                pass
        os.close(0)
        time.sleep(3600)
    if fault == "print":  # a library printing on standard output: harmless
        print("a framework's own message", flush=True)
        os.write(1, b"and a native library's\n")
    if fault == "refuse-setup":
        raise real.Refused("failed", "planted refusal")
    if fault == "truncate-input":  # the runner's input, cut short through its path
        reply = setup(self, f, say)
        os.truncate(self.path(int(f["h"]), "a" if f["op"] == "matvec" else "x"), 64)
        return reply
    return setup(self, f, say)


def faulty_call(self, f, say):
    if fault == "crash":
        os.kill(os.getpid(), signal.SIGSEGV)
    if fault == "fifo":
        handle, _ = self.point(f)
        os.unlink(self.path(handle, "out"))
        os.mkfifo(self.path(handle, "out"))
        return ""
    if fault == "extra":
        say("ok")
    if fault == "dtype-result":  # the framework's result in another dtype, handed over by the real call
        handle, fn = self.point(f)
        self.points[handle] = lambda: fn().astype(np.float64)
        return call(self, f, say)
    if fault in ("wrong", "short", "nan", "dtype"):
        handle, fn = self.point(f)
        out = np.ascontiguousarray(self.peer.to_numpy(fn()))
        if fault == "wrong":
            out = out + 1
        elif fault == "short":
            out = out[:-1]
        elif fault == "nan":
            out[-1] = np.nan
        else:
            out = out.astype(np.float64 if out.dtype == np.float32 else np.float32)
        os.unlink(self.path(handle, "out"))  # a new file, not the runner's
        np.save(self.path(handle, "out"), out, allow_pickle=False)
        return ""
    return call(self, f, say)


def faulty_time(self, f, say):
    if fault == "hang":
        time.sleep(3600)
    if fault == "bad-seconds":
        return "seconds=-1"
    if fault == "zero":
        return "seconds=0"
    if fault == "slow-clock":  # more time than the request took
        return "seconds=50"
    return timed(self, f, say)


real.Worker.hello, real.Worker.setup = faulty_hello, faulty_setup
real.Worker.call, real.Worker.time = faulty_call, faulty_time
sys.exit(real.main())
