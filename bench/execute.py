"""Synchronous execute: the cost of one run of a no-op task, next to a plain function call.

Runs a no-op Python task with two int attributes 100,000 times per repeat, with logging off and
with logging to a file, and a plain Python function taking the same two arguments. Prints the
median microseconds per run over the repeats and the ratio to the plain call. Then, when pydantic
is installed, the typed comparison of bench/execute_typed.py (6 typed, validated attributes next
to pydantic v2); without it, says how to get it.

    python bench/execute.py [--runs 100000] [--repeats 7]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from typing import Callable

import taskmill as tm


class NoopTask(tm.Task):
    a: int
    b: int

    def work(self) -> None:
        pass


def plain_function(a: int, b: int) -> None:
    pass


def per_run_us(fn: Callable[[], object], runs: int) -> float:
    start = time.perf_counter()
    for _ in range(runs):
        fn()
    return (time.perf_counter() - start) / runs * 1e6


def median_us(fn: Callable[[], object], runs: int, repeats: int) -> float:
    per_run_us(fn, min(runs, 10_000))  # warm-up
    return statistics.median(per_run_us(fn, runs) for _ in range(repeats))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=100_000)
    parser.add_argument("--repeats", type=int, default=7)
    args = parser.parse_args()

    rows: list[tuple[str, float]] = []
    rows.append(("plain Python function call", median_us(lambda: plain_function(1, 2), args.runs, args.repeats)))

    tm.configure(log_level="off")
    rows.append(("taskmill execute, logging off", median_us(lambda: NoopTask.execute(1, 2), args.runs, args.repeats)))

    with tempfile.TemporaryDirectory() as tmp:
        log_path = os.path.join(tmp, "runs.log")
        tm.configure(log_level="info", log_file=log_path)
        rows.append(("taskmill execute, JSON log to a file",
                     median_us(lambda: NoopTask.execute(1, 2), args.runs, args.repeats)))
        tm.configure(log_level="off", log_file=None)

    floor = rows[0][1]
    print(f"execute: {args.runs:,} runs x {args.repeats} repeats, median per run "
          f"(Python {sys.version.split()[0]}, {os.cpu_count()} cores)")
    print(f"{'what':40s} {'us/run':>10s} {'x plain call':>14s}")
    for name, us in rows:
        print(f"{name:40s} {us:10.2f} {us / floor:14.1f}")
    target = rows[1][1]
    print(f"target <= 5 us/run with logging off: {'met' if target <= 5 else 'NOT met'} ({target:.2f} us)")
    print()
    try:
        import execute_typed  # needs pydantic
    except ImportError as exc:
        print(f"typed inputs next to pydantic: skipped, {exc.name} is not installed (pip install pydantic)")
        return 0
    return execute_typed.main(["--runs", str(min(args.runs, 50_000)), "--repeats", str(args.repeats)])


if __name__ == "__main__":
    raise SystemExit(main())
