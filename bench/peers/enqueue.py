"""Times one contender's enqueue of N no-op jobs: ``python enqueue.py PEER N``.

Run by bench/redis_peers.py in a fresh interpreter per contender, with BENCH_REDIS_URL set.
Imports happen before the clock starts; prints one JSON line ``{"seconds": ..., "how": ...}``.
"""

import importlib
import json
import os
import sys
import time


def taskmill_enqueue(task_name: str, n: int) -> tuple[str, float]:
    """taskmill's bulk API: ``perform_bulk`` (one pipeline), for a Python or a C++ task."""
    import taskmill as tm

    import taskmill_tasks  # noqa: F401  (declares BenchNoop)

    tm.configure(backend=os.environ["BENCH_REDIS_URL"])
    task = tm.task(task_name)
    began = time.perf_counter()
    task.perform_bulk([[]] * n)
    return "bulk: perform_bulk", time.perf_counter() - began


def main() -> None:
    peer, n = sys.argv[1], int(sys.argv[2])
    if peer == "taskmill-py":
        how, seconds = taskmill_enqueue("BenchNoop", n)
    elif peer == "taskmill-cpp":
        how, seconds = taskmill_enqueue("taskmill.Noop", n)
    else:
        module = importlib.import_module(f"{peer}_app" if peer != "rq" else "rq_jobs")
        began = time.perf_counter()
        how = module.enqueue(n)
        seconds = time.perf_counter() - began
    print(json.dumps({"seconds": seconds, "how": how}))


if __name__ == "__main__":
    main()
