"""The ``taskmill`` command against a real redis-server: a worker process with -r / -q / -c,
its banner and a clean stop on SIGTERM; ``stats``; listing and deleting dead jobs."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap

import taskmill as tm
from jobs_support import wait_for
from redis_support import redis_cli, redis_url  # noqa: F401  (fixture)

TASKS = textwrap.dedent("""
    import taskmill as tm

    class CliRecord(tm.Task, queue="cli_q"):
        path: str
        n: int

        def work(self) -> None:
            with open(self.path, "a") as f:
                f.write(f"{self.n}\\n")
""")


def taskmill(*args: str, cwd=None, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "taskmill", *args], capture_output=True, text=True, cwd=cwd,
                          timeout=60, **kwargs)


def test_worker_command_runs_jobs_and_stops_cleanly(redis_url, tmp_path):
    (tmp_path / "cli_tasks.py").write_text(TASKS)
    out = tmp_path / "out.txt"
    redis_cli(redis_url, "FLUSHDB")
    tm.configure(backend=redis_url, log_level="off")
    try:
        for n in range(50):
            tm.push({"class": "CliRecord", "args": [str(out), n], "queue": "cli_q"})
        unknown_jid = tm.push({"class": "Nope::Missing", "args": [], "queue": "cli_q", "retry": 0})
    finally:
        tm.configure(backend="memory://")
    worker = subprocess.Popen([sys.executable, "-m", "taskmill", "worker", "-r", "cli_tasks", "-q", "cli_q",
                               "-c", "2", "--backend", redis_url], cwd=tmp_path, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True, env={**os.environ, "PYTHONUNBUFFERED": "1"})
    try:
        assert wait_for(lambda: out.exists() and len(out.read_text().split()) == 50, timeout=30)
        assert wait_for(lambda: redis_cli(redis_url, "ZCARD", "dead") == "1", timeout=30)
    finally:
        worker.send_signal(signal.SIGTERM)
        stdout, stderr = worker.communicate(timeout=30)
    assert worker.returncode == 0, stderr
    assert "taskmill" in stdout and "cli_q" in stdout and "CliRecord" in stdout
    assert sorted(int(x) for x in out.read_text().split()) == list(range(50))
    assert redis_cli(redis_url, "SCARD", "processes") == "0"

    stats = json.loads(taskmill("stats", "--json", "--backend", redis_url).stdout)
    assert stats["processed"] == 51 and stats["failed"] == 1 and stats["dead"] == 1

    listed = taskmill("dead", "list", "--backend", redis_url)
    assert unknown_jid in listed.stdout and "Nope::Missing" in listed.stdout
    deleted = taskmill("dead", "delete", unknown_jid, "--backend", redis_url)
    assert deleted.returncode == 0 and "delete: 1 job(s)" in deleted.stdout
    assert redis_cli(redis_url, "ZCARD", "dead") == "0"


def test_worker_command_errors_are_clear(tmp_path):
    bad_module = taskmill("worker", "-r", "no_such_module_xyz", "--backend", "memory://", cwd=tmp_path)
    assert bad_module.returncode != 0
    assert "cannot import no_such_module_xyz" in bad_module.stderr
    bad_backend = taskmill("stats", "--backend", "redis://127.0.0.1:notaport/0")
    assert bad_backend.returncode != 0 and "the port must be a number" in bad_backend.stderr
    nothing = taskmill("dead", "delete", "--backend", "memory://")
    assert nothing.returncode != 0 and "name job ids, or --all" in nothing.stderr
