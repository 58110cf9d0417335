"""A worker that misbehaves on purpose, for tests/workers.sh: the real
peers/worker.py with one fault from $FLOPBENCH_FAULT planted in it."""
import os
import signal
import sys
import time

here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(here, "..", "..", "peers"))
import numpy as np  # noqa: E402
import worker as real  # noqa: E402

fault = os.environ.get("FLOPBENCH_FAULT", "")
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
