"""Crash safety on Redis: a worker process killed with SIGKILL mid-run loses no job, and workers
ride out a redis-server restart. Slow by nature (recovery waits for the dead process's heartbeat
to age past 30 s), so each test is a whole scenario."""

from __future__ import annotations

import collections
import os
import shutil
import signal
import socket
import subprocess
import sys
import textwrap
import time

import pytest

import taskmill as tm
from jobs_support import wait_for
from redis_support import free_port, redis_cli

TASKS = textwrap.dedent("""
    import time
    import taskmill as tm

    class Crashy(tm.Task, queue="crash_q"):
        path: str
        n: int

        def work(self) -> None:
            time.sleep(0.0005)  # keeps a few hundred jobs in flight at any moment
            with open(self.path, "a") as f:
                f.write(f"{self.n}\\n")
""")


def start_redis(port: int, folder, appendonly: bool) -> subprocess.Popen:
    server = shutil.which("redis-server")
    if server is None:
        pytest.fail("redis-server is not installed (Debian package redis-server; scripts/setup.sh installs it)")
    proc = subprocess.Popen([server, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--dir", str(folder),
                             "--appendonly", "yes" if appendonly else "no", "--appendfsync", "always"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 10
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return proc
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"redis-server did not start on port {port}")
            time.sleep(0.02)


def start_worker(folder, url: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "taskmill", "worker", "-r", "crash_tasks", "-q", "crash_q",
                             "-c", "4", "--backend", url], cwd=folder, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)


def enqueue(url: str, out, count: int) -> None:
    tm.configure(backend=url, log_level="off")
    try:
        for start in range(0, count, 1000):
            for n in range(start, min(count, start + 1000)):
                tm.push({"class": "Crashy", "args": [str(out), n], "queue": "crash_q"})
    finally:
        tm.configure(backend="memory://")


def runs(out) -> collections.Counter:
    return collections.Counter(int(x) for x in out.read_text().split()) if out.exists() else collections.Counter()


def test_sigkill_mid_run_loses_no_job(tmp_path):
    port = free_port()
    url = f"redis://127.0.0.1:{port}/0"
    server = start_redis(port, tmp_path, appendonly=False)
    try:
        (tmp_path / "crash_tasks.py").write_text(TASKS)
        out = tmp_path / "out.txt"
        total = 10_000
        enqueue(url, out, total)
        first = start_worker(tmp_path, url)
        assert wait_for(lambda: len(runs(out)) >= 2000, timeout=60)
        in_flight = int(redis_cli(url, "EVAL", "local n = 0 for _, k in ipairs(redis.call('KEYS', "
                                  "'taskmill:inflight:*')) do n = n + redis.call('LLEN', k) end return n", "0"))
        first.send_signal(signal.SIGKILL)
        first.wait()
        second = start_worker(tmp_path, url)
        try:
            # The killed process's jobs come back once its heartbeat is 30 s old.
            assert wait_for(lambda: len(runs(out)) == total, timeout=90), f"{total - len(runs(out))} jobs never ran"
        finally:
            second.send_signal(signal.SIGTERM)
            second.wait(timeout=30)
        counts = runs(out)
        duplicates = sum(c - 1 for c in counts.values())
        print(f"\nSIGKILL with {in_flight} jobs in flight: {total} jobs ran, {duplicates} ran twice")
        assert in_flight > 0
        assert set(counts) == set(range(total))
        assert duplicates <= in_flight  # only jobs the dead process held can run twice
    finally:
        server.kill()
        server.wait()


def test_workers_ride_out_a_redis_restart(tmp_path):
    port = free_port()
    url = f"redis://127.0.0.1:{port}/0"
    server = start_redis(port, tmp_path, appendonly=True)
    (tmp_path / "crash_tasks.py").write_text(TASKS)
    out = tmp_path / "out.txt"
    total = 3000
    enqueue(url, out, total)
    worker = start_worker(tmp_path, url)
    try:
        assert wait_for(lambda: len(runs(out)) >= 300, timeout=60)
        server.send_signal(signal.SIGTERM)  # a clean restart: the append-only file keeps the queue
        server.wait()
        time.sleep(0.5)
        assert worker.poll() is None, "the worker died with Redis"
        server = start_redis(port, tmp_path, appendonly=True)
        assert wait_for(lambda: len(runs(out)) == total, timeout=90), f"{total - len(runs(out))} jobs never ran"
        assert worker.poll() is None
    finally:
        worker.send_signal(signal.SIGTERM)
        worker.wait(timeout=30)
        server.kill()
        server.wait()
    assert set(runs(out)) == set(range(total))
