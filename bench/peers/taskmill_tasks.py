"""taskmill's Python no-op task for bench/redis_peers.py (imported by the worker with ``-r``)."""

import os

import taskmill as tm

# The bench runs taskmill with its default run log (one JSON line per job, like Sidekiq's two
# lines per job); BENCH_TASKMILL_LOG=off gives the extra "log off" row.
if os.environ.get("BENCH_TASKMILL_LOG"):
    tm.configure(log_level=os.environ["BENCH_TASKMILL_LOG"])


class BenchNoop(tm.Task):
    """Does nothing: what is measured is the engine around it."""

    def work(self) -> None:
        pass
