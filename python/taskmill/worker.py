"""``tm.Worker``: a native worker pool running jobs from a backend.

The threads are C++ threads; Python tasks take the GIL only while they run. Every blocking call
here waits in short slices with the GIL released, so Ctrl-C interrupts it. Workers still running
when the interpreter exits are stopped and joined by an ``atexit`` hook.
"""

from __future__ import annotations

import atexit
import signal
import threading
import time
import weakref
from typing import Any, Sequence, Union

from taskmill import _core

QueueSpec = Union[str, "tuple[str, int]"]

_live: weakref.WeakSet[Worker] = weakref.WeakSet()
_SLICE = 0.1  # seconds between checks for signals in blocking calls


def _parse_queues(queues: Sequence[Any]) -> tuple[list[tuple[str, int]], bool]:
    out: list[tuple[str, int]] = []
    weighted = False
    if isinstance(queues, str):
        queues = [queues]
    for q in queues:
        if isinstance(q, str):
            name, weight = q, 1
            if "," in q:
                name, _, w = q.partition(",")
                try:
                    weight, weighted = int(w), True
                except ValueError:
                    raise ValueError(f"queue {name!r}: weight must be an int >= 1, not {w!r}") from None
        elif isinstance(q, tuple) and len(q) == 2:
            name, weight = q
            weighted = True
        else:
            raise TypeError(f"a queue is a name or a (name, weight) pair, not {q!r}")
        if not isinstance(name, str) or not name:
            raise TypeError(f"a queue name must be a non-empty str, not {name!r}")
        if not isinstance(weight, int) or weight < 1:
            raise ValueError(f"queue {name!r}: weight must be an int >= 1, not {weight!r}")
        out.append((name, weight))
    if not out:
        raise ValueError("a worker needs at least one queue")
    return out, weighted


def _seconds(name: str, value: Any) -> float:
    # The range (>= 0, finite...) is the core's to check; the type is checked here, so the error
    # names the option instead of float()'s or pybind11's own message.
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(f"{name} must be a number of seconds, not {type(value).__name__}")
    return float(value)


class Worker:
    """A pool of native threads running jobs.

    ``queues``: names in strict order, or ``(name, weight)`` pairs (or "name,weight") for a
    weighted random order. ``concurrency``: threads. ``timeout``: seconds running jobs get to
    finish at ``stop()`` before they are put back on their queues. ``poll_interval``: the longest
    wait of the scheduler moving due scheduled / retry jobs. ``backend``: a URL (default: the
    configured backend). ``max_batch``: the most jobs a thread leases per fetch; None takes the
    backend's default (128 in memory, 32 on Redis).
    """

    def __init__(self, queues: Sequence[Any] = ("default",), concurrency: int = 10, *, backend: str | None = None,
                 timeout: float = 25.0, poll_interval: float = 1.0, max_batch: int | None = None) -> None:
        parsed, weighted = _parse_queues(queues)
        if not isinstance(concurrency, int) or concurrency < 1:
            raise ValueError(f"concurrency must be an int >= 1, not {concurrency!r}")
        if max_batch is not None and (not isinstance(max_batch, int) or isinstance(max_batch, bool) or max_batch < 1):
            raise ValueError(f"max_batch must be an int >= 1 (or None for the backend's default), not {max_batch!r}")
        self.queues = [name for name, _ in parsed]
        self._core = _core.Worker(parsed, weighted, concurrency, _seconds("timeout", timeout),
                                  _seconds("poll_interval", poll_interval), max_batch or 0, backend)
        _live.add(self)

    # -- lifecycle --------------------------------------------------------------------------

    def start(self) -> Worker:
        """Start the threads. A worker starts once; a second start raises RuntimeError."""
        try:
            self._core.start()
        except ValueError as exc:
            raise RuntimeError(str(exc)) from None
        return self

    def quiet(self) -> None:
        """Stop fetching new jobs; running ones go on."""
        self._core.quiet()

    def stop(self, timeout: float | None = None) -> None:
        """Stop fetching, let running jobs finish for up to ``timeout`` seconds (default: the
        worker's), then put unfinished jobs back at the head of their queues. From inside a job
        it only signals the stop."""
        self._core.stop(None if timeout is None else _seconds("timeout", timeout))

    def join(self, timeout: float | None = None) -> bool:
        """Wait for the threads to end after ``stop()``; False on timeout."""
        return self._wait(self._core.join, timeout)

    def wait_idle(self, timeout: float | None = None) -> bool:
        """Wait until the worker's queues are empty and none of its jobs runs; False on timeout."""
        return self._wait(self._core.wait_idle, timeout)

    def run(self) -> None:
        """Start, then block until SIGINT / SIGTERM (or ``stop()``), then stop gracefully."""
        stop_requested = threading.Event()
        previous: dict[int, Any] = {}
        if threading.current_thread() is threading.main_thread():
            def on_signal(signum: int, frame: Any) -> None:
                stop_requested.set()
            for sig in (signal.SIGINT, signal.SIGTERM):
                previous[sig] = signal.signal(sig, on_signal)
        try:
            self.start()
            while not stop_requested.is_set() and not self._core.stopping:
                stop_requested.wait(_SLICE)
        finally:
            self.stop()
            self.join()
            for sig, handler in previous.items():
                signal.signal(sig, handler)

    def __enter__(self) -> Worker:
        return self.start()

    def __exit__(self, *exc: Any) -> None:
        self.stop()
        self.join()

    # -- state ------------------------------------------------------------------------------

    @property
    def running(self) -> bool:
        """Whether threads are running."""
        return self._core.running

    @property
    def busy(self) -> int:
        """Threads of this worker running jobs now."""
        return self._core.busy

    @property
    def processed(self) -> int:
        """Attempts this worker finished (failures included)."""
        return self._core.processed

    @property
    def failed(self) -> int:
        """Attempts of this worker that failed."""
        return self._core.failed

    @staticmethod
    def _wait(call: Any, timeout: float | None) -> bool:
        if timeout is not None and not _seconds("timeout", timeout) >= 0:  # (NaN fails the comparison too)
            raise ValueError(f"timeout must be a number of seconds >= 0, not {timeout!r}")
        # Short native waits with the GIL released; between them Python can raise KeyboardInterrupt.
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            left = _SLICE if deadline is None else min(_SLICE, max(0.0, deadline - time.monotonic()))
            if call(left):
                return True
            if deadline is not None and time.monotonic() >= deadline:
                return False


@atexit.register
def _stop_all() -> None:
    # Before the interpreter finalizes: worker threads hold Python thread states.
    for worker in list(_live):
        try:
            worker._core.stop(0.0 if worker._core.stopping else None)
            worker._core.join(None)
        except Exception:  # pragma: no cover - best effort at exit
            pass
