"""In-process throughput: drain 200k queued no-op jobs with 2 worker threads.

    PYTHONPATH=python python3 bench/inprocess.py [--jobs 200000] [--repeats 5]

Compares (a) taskmill Python tasks, (b) taskmill C++ tasks (taskmill.Noop), (c)
concurrent.futures.ThreadPoolExecutor(2) running the same Python no-op, (d) a minimal C++
mutex-and-condition-variable pool running a no-op (bench/minimal_pool.cpp, compiled here with the
system C++ compiler: the floor no real pool gets under). Also the perform_async rate from Python
and the memory held per million queued jobs. Prints medians of the repeats.

Jobs are queued before the clock starts, for every contender: what is timed is the drain.

The floor runs in one of two regimes, decided by where the OS puts its two threads. When they run
in parallel, on both cores, every job is a hand-off of the lock between cores (about 8-10M jobs/s
here). When the OS runs both on one core, taking turns, each thread drains alone for a whole time
slice with no hand-off at all (about 70M jobs/s): that is a one-thread drain, not a pool of two.
The bench tells the regimes apart by the cores a run used (CPU time over wall time, about 2 or 1),
compares against the parallel runs, the two-thread pool the target is about, and prints the
one-core runs beside them.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid

import taskmill as tm

HERE = os.path.dirname(os.path.abspath(__file__))


class BenchNoop(tm.Task):
    """The Python no-op job."""

    def work(self) -> None:
        pass


def noop() -> None:
    pass


def fresh_backend() -> str:
    url = f"memory://bench-{uuid.uuid4().hex}"
    tm.configure(backend=url)
    return url


def drain_taskmill(task: type[tm.Task], jobs: int) -> tuple[float, float]:
    """Jobs/s and the cores the drain used (process CPU time over wall time)."""
    fresh_backend()
    for start in range(0, jobs, 50_000):
        task.perform_bulk([[]] * min(50_000, jobs - start))
    worker = tm.Worker(["default"], 2)
    began, cpu_began = time.perf_counter(), time.process_time()
    worker.start()
    worker.wait_idle()
    elapsed, cpu = time.perf_counter() - began, time.process_time() - cpu_began
    worker.stop()
    worker.join()
    assert tm.stats()["processed"] == jobs
    return jobs / elapsed, cpu / elapsed


def drain_thread_pool(jobs: int) -> float:
    # Queue everything while both threads are held back, then time the drain.
    gate = threading.Event()
    with concurrent.futures.ThreadPoolExecutor(2) as pool:
        holds = [pool.submit(gate.wait) for _ in range(2)]
        futures = [pool.submit(noop) for _ in range(jobs)]
        began = time.perf_counter()
        gate.set()
        concurrent.futures.wait(holds + futures)
        elapsed = time.perf_counter() - began
    return jobs / elapsed


def minimal_pool_binary() -> str:
    out = os.path.join(tempfile.gettempdir(), "taskmill-bench-minimal-pool")
    src = os.path.join(HERE, "minimal_pool.cpp")
    if not os.path.exists(out) or os.path.getmtime(out) < os.path.getmtime(src):
        cxx = os.environ.get("CXX", "c++")
        subprocess.run([cxx, "-O2", "-std=c++20", "-pthread", src, "-o", out], check=True)
    return out


def drain_minimal_pool(binary: str, jobs: int) -> tuple[float, float]:
    """Jobs/s and the cores the drain used."""
    rate, cores = subprocess.run([binary, str(jobs), "2"], check=True, capture_output=True, text=True).stdout.split()
    return float(rate), float(cores)


# A floor run that used at least this many cores ran its two threads in parallel.
PARALLEL_CORES = 1.5


def floor_runs(binary: str, jobs: int, wanted: int) -> tuple[list[float], list[float]]:
    """Runs of the floor, split into parallel and one-core runs (each sorted): runs are added
    until `wanted` of them are parallel, up to four times that many in all."""
    parallel: list[float] = []
    one_core: list[float] = []
    while len(parallel) < wanted and len(parallel) + len(one_core) < 4 * wanted:
        rate, cores = drain_minimal_pool(binary, jobs)
        (parallel if cores >= PARALLEL_CORES else one_core).append(rate)
    return sorted(parallel), sorted(one_core)


def perform_async_rate(jobs: int) -> float:
    fresh_backend()
    began = time.perf_counter()
    for _ in range(jobs):
        BenchNoop.perform_async()
    return jobs / (time.perf_counter() - began)


# Peak from VmHWM, this process's own high-water mark: getrusage's ru_maxrss would also count the
# bench process this one was forked from.
MEMORY_PROBE = """
import sys, taskmill as tm
n = int(sys.argv[1])
def status_kb(field):
    with open("/proc/self/status") as f:
        return next(int(l.split()[1]) for l in f if l.startswith(field + ":"))
noop = tm.task("taskmill.Noop")
noop.perform_bulk([[]] * 10)
before = status_kb("VmRSS")
for start in range(0, n, 50_000):
    noop.perform_bulk([[]] * min(50_000, n - start))
print(status_kb("VmRSS") - before, status_kb("VmHWM"))
"""


def memory_per_million(jobs: int) -> tuple[float, float]:
    out = subprocess.run([sys.executable, "-c", MEMORY_PROBE, str(jobs)], check=True, capture_output=True, text=True,
                         env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}).stdout.split()
    held_kb, peak_kb = float(out[0]), float(out[1])
    return held_kb / 1024 * 1_000_000 / jobs, peak_kb / 1024


def median_of(repeats: int, fn, *args) -> float:
    return statistics.median(fn(*args) for _ in range(repeats))


def medians_of(repeats: int, fn, *args) -> tuple[float, ...]:
    """The median of each field of fn's result over the repeats."""
    runs = [fn(*args) for _ in range(repeats)]
    return tuple(statistics.median(field) for field in zip(*runs))


def range_text(runs: list[float]) -> str:
    return f"{len(runs)} runs, {runs[0] / 1e6:.1f}M to {runs[-1] / 1e6:.1f}M" if runs else "no runs"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--jobs", type=int, default=200_000)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    tm.configure(log_level="off")
    n, r = args.jobs, args.repeats
    print(f"draining {n:,} queued no-op jobs with 2 threads; medians of {r} runs; {os.cpu_count()} CPUs")
    binary = minimal_pool_binary()
    py, py_cores = medians_of(r, drain_taskmill, BenchNoop, n)
    cpp, cpp_cores = medians_of(r, drain_taskmill, tm.task("taskmill.Noop"), n)
    tpe = median_of(r, drain_thread_pool, n)
    # Each floor run takes milliseconds: more of them, so that each regime has a median.
    parallel, one_core = floor_runs(binary, n, max(r, 15))
    rate = median_of(r, perform_async_rate, 100_000)
    per_million, peak = memory_per_million(250_000)
    print(f"(a) taskmill, Python tasks     {py:>12,.0f} jobs/s  ({py_cores:.1f} cores)")
    print(f"(b) taskmill, C++ tasks        {cpp:>12,.0f} jobs/s  ({cpp_cores:.1f} cores)")
    print(f"(c) ThreadPoolExecutor(2)      {tpe:>12,.0f} jobs/s")
    if parallel:
        print(f"(d) minimal C++ pool (floor)   {statistics.median(parallel):>12,.0f} jobs/s  (threads in parallel: "
              f"{range_text(parallel)})")
    else:
        print("(d) minimal C++ pool (floor)   no run had its threads in parallel")
    if one_core:
        print(f"    the floor on one core      {statistics.median(one_core):>12,.0f} jobs/s  (the OS ran both threads "
              f"on one core, taking turns: {range_text(one_core)})")
    print(f"Python tasks / ThreadPoolExecutor: {py / tpe:6.2f}x   (target >= 10x)")
    against = f"{statistics.median(parallel) / cpp:6.2f}x (target <= 3x)" if parallel else "not judged"
    print(f"C++ tasks: {cpp / 1e6:.2f}M jobs/s (target >= 1M); minimal pool / C++ tasks: {against}", end="")
    print(f"; against its one-core runs {statistics.median(one_core) / cpp:.2f}x" if one_core else "")
    print(f"perform_async from Python: {rate:,.0f} jobs/s")
    print(f"memory held per 1M queued jobs: {per_million:,.0f} MiB (measured at 250k; peak RSS {peak:,.0f} MiB)")


if __name__ == "__main__":
    main()
