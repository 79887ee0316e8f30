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
    for options, message in [(["-q", "mail,x"], "queue 'mail': weight must be an int >= 1, not 'x'"),
                             (["--timeout", "nan"], "timeout must be a number of seconds >= 0, not nan")]:
        bad = taskmill("worker", *options, "--backend", "memory://")
        assert bad.returncode != 0 and f"taskmill worker: {message}" in bad.stderr, bad.stderr
        assert "Traceback" not in bad.stderr


PID_TASKS = textwrap.dedent("""
    import os
    import time
    import taskmill as tm

    class CliPid(tm.Task, queue="cli_pids"):
        path: str
        n: int

        def work(self) -> None:
            time.sleep(0.005)
            with open(self.path, "a") as f:
                f.write(f"{self.n} {os.getpid()}\\n")
""")


def test_worker_processes_share_the_queue_and_a_crashed_one_is_replaced(redis_url, tmp_path):
    (tmp_path / "cli_pid_tasks.py").write_text(PID_TASKS)
    out = tmp_path / "out.txt"
    redis_cli(redis_url, "FLUSHDB")

    def push(numbers) -> None:
        tm.configure(backend=redis_url, log_level="off")
        try:
            for n in numbers:
                tm.push({"class": "CliPid", "args": [str(out), n], "queue": "cli_pids"})
        finally:
            tm.configure(backend="memory://")

    def ran() -> dict[int, int]:
        lines = out.read_text().split("\n") if out.exists() else []
        return dict((int(n), int(pid)) for n, pid in (line.split() for line in lines if line))

    def live_pids() -> set[int]:
        members = redis_cli(redis_url, "SMEMBERS", "processes").split()
        return {int(m.split(":")[1]) for m in members if redis_cli(redis_url, "EXISTS", m) == "1"}

    push(range(300))
    # Output goes to files: a pipe nobody reads while the test waits would fill up with the run
    # log lines and block the workers.
    stdout_file, stderr_file = tmp_path / "stdout.txt", tmp_path / "stderr.txt"
    with open(stdout_file, "w") as stdout_sink, open(stderr_file, "w") as stderr_sink:
        parent = subprocess.Popen([sys.executable, "-m", "taskmill", "worker", "-r", "cli_pid_tasks", "-q", "cli_pids",
                                   "-c", "2", "--processes", "2", "--backend", redis_url], cwd=tmp_path,
                                  stdout=stdout_sink, stderr=stderr_sink, env={**os.environ, "PYTHONUNBUFFERED": "1"})
    try:
        assert wait_for(lambda: len(ran()) == 300, timeout=60)
        runners = set(ran().values())
        assert len(runners) == 2 and parent.pid not in runners  # both children worked, the parent did not
        assert wait_for(lambda: live_pids() == runners, timeout=15)

        victim = min(runners)
        os.kill(victim, signal.SIGKILL)
        assert wait_for(lambda: len(live_pids() - {victim}) == 2, timeout=30), "the killed child was not replaced"
        push(range(300, 400))
        assert wait_for(lambda: len(ran()) == 400, timeout=60)
    finally:
        parent.send_signal(signal.SIGTERM)
        parent.wait(timeout=60)
    stdout, stderr = stdout_file.read_text(), stderr_file.read_text()
    assert parent.returncode == 0, stderr
    assert "processes 2" in stdout
    assert f"worker process {victim} died (killed by SIGKILL)" in stderr
    assert sorted(ran()) == list(range(400))
    assert live_pids() - {victim} == set()  # every live child left the process set on the way out


def test_processes_need_a_shared_backend(tmp_path):
    done = taskmill("worker", "--processes", "2", "--backend", "memory://", cwd=tmp_path)
    assert done.returncode != 0 and "--processes needs a backend the processes share" in done.stderr


def _failed_job(jid: str, n: int) -> str:
    return json.dumps({"class": "CliRecord", "args": ["/dev/null", n], "jid": jid, "queue": "cli_q", "retry": True,
                       "retry_count": 0, "error_class": "ValueError", "error_message": "boom",
                       "created_at": 1.5, "failed_at": 2.5})


def test_set_commands_list_retry_and_delete_with_the_backend_from_the_environment(redis_url):
    redis_cli(redis_url, "FLUSHDB")
    # As a worker (taskmill's or Sidekiq's) leaves failed jobs: two waiting to retry, two dead.
    jids = [c * 24 for c in "abcd"]
    redis_cli(redis_url, "ZADD", "retry", "9999999999", _failed_job(jids[0], 0), "9999999999", _failed_job(jids[1], 1))
    redis_cli(redis_url, "ZADD", "dead", "1", _failed_job(jids[2], 2), "2", _failed_job(jids[3], 3))
    env_taskmill = {**os.environ, "TASKMILL_BACKEND": redis_url}
    env_redis_url = {k: v for k, v in os.environ.items() if k != "TASKMILL_BACKEND"} | {"REDIS_URL": redis_url}

    listed = taskmill("retry", "list", env=env_taskmill)
    assert listed.returncode == 0, listed.stderr
    assert jids[0] in listed.stdout and jids[1] in listed.stdout and "boom" in listed.stdout

    assert taskmill("retry", "retry", jids[0], env=env_taskmill).returncode == 0
    assert redis_cli(redis_url, "ZCARD", "retry") == "1"
    requeued = json.loads(redis_cli(redis_url, "LINDEX", "queue:cli_q", "0"))
    assert requeued["jid"] == jids[0] and requeued["args"] == ["/dev/null", 0]

    assert taskmill("retry", "delete", "--all", env=env_taskmill).returncode == 0
    assert redis_cli(redis_url, "ZCARD", "retry") == "0"

    assert taskmill("dead", "retry", "--all", env=env_redis_url).returncode == 0
    assert redis_cli(redis_url, "ZCARD", "dead") == "0"
    assert redis_cli(redis_url, "LLEN", "queue:cli_q") == "3"

    nothing = taskmill("dead", "retry", env=env_taskmill)
    assert nothing.returncode != 0 and "--all" in nothing.stderr
    missing = taskmill("retry", "delete", "f" * 24, env=env_taskmill)
    assert missing.returncode == 1 and f"not in the retry set: {'f' * 24}" in missing.stderr
