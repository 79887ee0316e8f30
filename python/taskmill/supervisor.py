"""Pre-forked worker processes (``taskmill worker --processes N``).

One worker process runs Python tasks on one GIL; CPU-bound Python tasks need several processes.
The parent imports the user's modules once, then forks N children, each with its own backend
connection, identity and worker threads. The parent runs no jobs: it forwards signals and
replaces a child that dies abnormally (a crash, an out-of-memory kill), so a machine keeps its N
workers. A child that exits cleanly (stopped from Sidekiq's UI, say) is not replaced. Jobs a dead
child had fetched are recovered from its private in-flight lists by any live process (see
docs/redis.md, "Crash safety").

Forking is safe here because the parent starts no native threads before it forks: the backend
is configured in each child, and worker threads start only in the children.
"""

from __future__ import annotations

import os
import signal
import sys
import time
import traceback
from typing import Any, Callable

FORWARDED = (signal.SIGTERM, signal.SIGINT, signal.SIGTSTP, signal.SIGTTIN)
STOPPING = (signal.SIGTERM, signal.SIGINT)
# A child that dies sooner than this after its start counts as a crash loop: back off.
_SHORT_LIFE = 5.0
_MAX_BACKOFF = 30.0


def _describe(status: int) -> str:
    code = os.waitstatus_to_exitcode(status)
    return f"killed by {signal.Signals(-code).name}" if code < 0 else f"exit code {code}"


class Supervisor:
    """Forks ``processes`` children that each call ``run_child()``, and keeps them running."""

    def __init__(self, processes: int, run_child: Callable[[], None]) -> None:
        self.processes = processes
        self.run_child = run_child
        self.children: dict[int, float] = {}  # pid -> monotonic start time
        self.stopping = False
        self.failed = False
        self._parent = os.getpid()
        self._backoff = 0.0

    def _spawn(self) -> None:
        pid = os.fork()
        if pid == 0:  # the child: never returns into the parent's loop
            code = 1
            try:
                for sig in FORWARDED:
                    signal.signal(sig, signal.SIG_DFL)
                self.run_child()
                code = 0
            except SystemExit as exc:
                if exc.code not in (None, 0):
                    print(exc.code, file=sys.stderr)
            except BaseException:
                traceback.print_exc()
            finally:
                sys.stdout.flush()
                sys.stderr.flush()
                os._exit(code)
        self.children[pid] = time.monotonic()

    def _forward(self, signum: int, _frame: Any) -> None:
        if os.getpid() != self._parent:  # a child between fork and resetting its handlers
            return
        if signum in STOPPING:
            self.stopping = True
        for pid in list(self.children):
            try:
                os.kill(pid, signum)
            except ProcessLookupError:
                pass

    def _pause(self, seconds: float) -> None:
        end = time.monotonic() + seconds
        while not self.stopping and time.monotonic() < end:
            time.sleep(0.1)

    def run(self) -> int:
        """Fork the children, supervise them until all have exited; 0 if all exited cleanly."""
        for sig in FORWARDED:
            signal.signal(sig, self._forward)
        for _ in range(self.processes):
            self._spawn()
        while self.children:
            try:
                pid, status = os.wait()
            except ChildProcessError:
                break
            started = self.children.pop(pid, None)
            if started is None:
                continue
            if os.waitstatus_to_exitcode(status) == 0:
                continue
            if self.stopping:
                self.failed = True
                continue
            lived = time.monotonic() - started
            self._backoff = 0.0 if lived >= _SHORT_LIFE else min(_MAX_BACKOFF, max(1.0, self._backoff * 2))
            print(f"taskmill: worker process {pid} died ({_describe(status)}) after {lived:.1f}s; "
                  f"starting another{f' in {self._backoff:.0f}s' if self._backoff else ''}",
                  file=sys.stderr, flush=True)
            self._pause(self._backoff)
            if not self.stopping:
                self._spawn()
        return 1 if self.failed else 0
